"""``ProgramMeta.max_qubits`` does not cap a program below its node (SquidASM's semantics).

SquidASM gives every application a unit module as large as its node's device
and uses ``max_qubits`` only for the SDK's hardware description; a program
that needs more qubits than the device has gets an error naming the program,
the node, ``max_qubits`` and ``num_qubits``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import InstructionError, Program, ProgramMeta
from netqsim.cli import main
from netqsim.config import (
    GenericQDeviceConfig,
    NVQDeviceConfig,
    StackConfig,
    StackNetworkConfig,
)
from netqsim.demo import TeleportAlice, TeleportBob
from netqsim.host.qubit_limits import (
    MAX_UNIT_MODULE,
    NotEnoughQubitsError,
    explain_qubit_error,
    unit_module_size,
)

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


class LocalQubits(Program):
    """Allocates ``count`` qubits, flips the first, fans it out with CNOTs, measures all."""

    def __init__(self, count: int, max_qubits: int = 1, name: str = "fan_out",
                 hold: float = 0.0, start: float = 0.0) -> None:
        self.count, self.max_qubits, self.name = count, max_qubits, name
        self.hold, self.start = hold, start

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=self.name, max_qubits=self.max_qubits)

    def run(self, context: Any) -> Any:
        conn = context.connection
        if self.start:
            yield from netqsim.sleep(self.start)
        qubits = [Qubit(conn) for _ in range(self.count)]
        qubits[0].X()
        for target in qubits[1:]:
            qubits[0].cnot(target)
        yield from conn.flush()
        if self.hold:  # keep the qubits allocated a while
            yield from netqsim.sleep(self.hold)
        outcomes = [q.measure() for q in qubits]
        yield from conn.flush()
        return [int(m) for m in outcomes]


def one_node(num_qubits: int, device: str = "generic") -> StackNetworkConfig:
    if device == "nv":
        cfg: Any = NVQDeviceConfig.perfect_config(num_qubits=num_qubits)
    else:
        cfg = GenericQDeviceConfig.perfect_config(num_qubits=num_qubits, T1=0, T2=0)
    return StackNetworkConfig(
        stacks=[StackConfig(name="Alice", qdevice_typ=device, qdevice_cfg=cfg)], links=[]
    )


def test_program_with_max_qubits_1_uses_every_qubit_of_its_node() -> None:
    # old: "Virtual address 1 is outside the unit module (app ID 0) which has length 1"
    results = netqsim.run(one_node(3), {"Alice": LocalQubits(3, max_qubits=1)},
                          num_times=5, seed=1)
    assert results["Alice"] == [[1, 1, 1]] * 5  # noiseless: deterministic


def test_programs_with_different_max_qubits_share_a_node_and_its_compile_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Connection templates are kept per max_qubits; with the cache check on, a
    # cached subroutine whose bytes differ from a fresh compilation raises.
    monkeypatch.setenv("NETQSIM_CHECK_COMPILE_CACHE", "1")
    programs = [LocalQubits(2, max_qubits=1, name="one"), LocalQubits(2, max_qubits=2, name="two")]
    results = netqsim.run(one_node(4), {"Alice": programs}, num_times=4, seed=2)
    assert results["Alice"] == [{"one": [1, 1], "two": [1, 1]}] * 4


def test_program_needing_more_qubits_than_the_device_gets_an_error_naming_all_four() -> None:
    with pytest.raises(InstructionError) as caught:
        netqsim.run(one_node(2), {"Alice": LocalQubits(3, max_qubits=1)}, seed=1)
    error = caught.value
    assert isinstance(error.cause, NotEnoughQubitsError)
    assert str(error.cause) == (
        "program 'fan_out' needs more qubits than the device of node 'Alice' has "
        "(num_qubits=2). ProgramMeta.max_qubits=1 neither caps nor adds qubits (as in "
        "SquidASM, a program may use every qubit of its node): raise num_qubits in the "
        "qdevice_cfg of node 'Alice', or hold fewer qubits at once. The controller said: "
        "Virtual address 2 is outside the unit module (app ID 0) which has length 2 "
        "(rule: qubit-address)"
    )
    assert "'qalloc Q0'" in str(error) and error.node == "Alice"
    assert error.code.name == "NO_QUBIT" and str(error).endswith("[NO_QUBIT]")


def test_qubits_held_by_another_program_give_an_error_naming_the_program() -> None:
    holder = LocalQubits(2, max_qubits=2, name="holder", hold=1_000.0)
    late = LocalQubits(1, max_qubits=1, name="late", start=10.0)
    with pytest.raises(InstructionError) as caught:
        netqsim.run(one_node(2), {"Alice": [holder, late]}, seed=1)
    error = caught.value
    assert isinstance(error.cause, NotEnoughQubitsError)
    assert str(error.cause).startswith(
        "program 'late' could not allocate a qubit on node 'Alice' (num_qubits=2): the "
        "qubits it could use are held by this program, by another program on the node, or "
        "kept for an EPR pair being delivered. ProgramMeta.max_qubits=1 neither caps nor "
        "adds qubits"
    )
    assert str(error.cause).endswith(
        "The controller said: all 2 qubits of node 'Alice' are in use"
    )
    assert error.code.name == "NO_QUBIT"


def nv_teleport_config(num_qubits: int) -> StackNetworkConfig:
    """configs/nv_two_nodes.yaml with noiseless devices and a perfect, fast link."""
    config = StackNetworkConfig.from_file(CONFIGS / "nv_two_nodes.yaml")
    for stack in config.stacks:
        stack.qdevice_cfg = NVQDeviceConfig.perfect_config(num_qubits=num_qubits)
    config.links[0].cfg.fidelity = 1.0
    config.links[0].cfg.prob_success = 1.0
    return config


def test_nv_teleport_with_max_qubits_2_runs_on_three_nv_qubits() -> None:
    # old: "Virtual address 2 is outside the unit module": netqasm's NV builder
    # moves the state out of the electron to a third virtual qubit.
    results = netqsim.run(nv_teleport_config(3), {"Alice": TeleportAlice(), "Bob": TeleportBob()},
                          num_times=20, seed=4)
    # Noiseless: Bob finds Alice's state every time (outcome 0), n = 20.
    assert [r["outcome"] for r in results["Bob"]] == [0] * 20


def test_nv_teleport_on_two_nv_qubits_says_why_it_needs_a_third() -> None:
    with pytest.raises(InstructionError) as caught:
        netqsim.run(nv_teleport_config(2), {"Alice": TeleportAlice(), "Bob": TeleportBob()},
                    seed=4)
    message = str(caught.value.cause)
    assert message.startswith(
        "program 'teleport_alice' needs more qubits than the device of node 'Alice' has "
        "(num_qubits=2). ProgramMeta.max_qubits=2 neither caps nor adds qubits"
    )
    assert (
        "; on an NV node the SDK moves a qubit out of the electron (qubit 0) before an EPR "
        "pair or a measurement uses it, which can take one qubit more than the program "
        "holds. The controller said: Virtual address 2 is outside the unit module"
    ) in message


def test_unit_module_is_the_device_up_to_what_init_new_app_can_register() -> None:
    assert unit_module_size(num_qubits=2, max_qubits=5) == 2
    assert unit_module_size(num_qubits=7, max_qubits=1) == 7
    assert unit_module_size(num_qubits=1000, max_qubits=1) == MAX_UNIT_MODULE == 255
    assert unit_module_size(num_qubits=None, max_qubits=3) == 3  # device unknown


def test_netqsim_run_teleports_on_the_shipped_nv_config(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    # old: "netqsim: error: ... Virtual address 2 is outside the unit module"
    code = main(["run", str(CONFIGS / "nv_two_nodes.yaml"),
                 "--program", "Alice=netqsim.demo:TeleportAlice",
                 "--program", "Bob=netqsim.demo:TeleportBob", "--num-times", "3", "--seed", "0"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "Bob (teleport_bob)" in out and "outcome" in out and "(n=3)" in out


def test_a_device_larger_than_an_application_can_address_is_named_as_such() -> None:
    from netqsim.qnodeos.checks import QubitAddressError
    from netqsim.qnodeos.errors import InstructionError as Error

    cause = QubitAddressError("qubit-address", "Virtual address 255 is outside the unit module")
    error = Error("Alice", 0, 5.0, "instruction 3 'qalloc Q0'", cause)
    explained = explain_qubit_error(error, "big", "Alice", max_qubits=1, num_qubits=1000)
    assert explained is not None and explained.code.name == "NO_QUBIT"
    assert str(explained.cause) == (
        "program 'big' needs more than the 255 qubits one NetQASM application can address "
        "(node 'Alice' has num_qubits=1000). ProgramMeta.max_qubits=1 neither caps nor adds "
        "qubits (as in SquidASM, a program may use every qubit of its node): hold fewer "
        "qubits at once. The controller said: Virtual address 255 is outside the unit module "
        "(rule: qubit-address)"
    )
    # other errors are left as they are
    other = Error("Alice", 0, 5.0, "instruction 4 'x Q0'", cause)
    assert explain_qubit_error(other, "big", "Alice", max_qubits=1, num_qubits=1000) is None
