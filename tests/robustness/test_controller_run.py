"""Issue 11, findings 2, 12 and 15, seen through ``netqsim.run``.

* application ids are reused once an application has stopped, so shared-mode runs
  of any length work;
* every run ends with ``SignalMessage(STOP)``, as bytes, to each node's controller,
  and a refused STOP is a clear error;
* a failing instruction raises ``InstructionError`` (as README.md promises), not the
  kernel's ProcessError.
"""

import importlib
import os

import pytest
from netqasm.backend.messages import Signal, SignalMessage
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import InstructionError, Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig, StackConfig, StackNetworkConfig
from netqsim.qnodeos import NodeController
from netqsim.runtime import ControllerStopError

run_module = importlib.import_module("netqsim.runtime.run")


def nodes(*names):
    cfg = GenericQDeviceConfig.perfect_config(num_qubits=2)
    return StackNetworkConfig(
        stacks=[StackConfig(name=n, qdevice_typ="generic", qdevice_cfg=cfg) for n in names],
        links=[],
    )


class AppId(Program):
    """Records its application id; one qubit measured, so each iteration does real work."""

    def __init__(self, name="app", quantum=True):
        self.name = name
        self.quantum = quantum

    @property
    def meta(self):
        return ProgramMeta(name=self.name, max_qubits=1)

    def run(self, context):
        if self.quantum:
            q = Qubit(context.connection)
            m = q.measure()
            yield from context.connection.flush()
            assert int(m) == 0
        return {"app_id": context.app_id}


def test_application_ids_are_reused_in_shared_mode():
    results = netqsim.run(nodes("Alice"), {"Alice": AppId()}, num_times=40, seed=1)
    ids = [r["app_id"] for r in results["Alice"]]
    assert len(ids) == 40 and max(ids) <= 2  # the id of a stopped application is free again


def test_application_ids_stay_small_with_several_programs_per_node():
    programs = {"Alice": [AppId("a"), AppId("b"), AppId("c")]}
    results = netqsim.run(nodes("Alice"), programs, num_times=20, seed=1)
    ids = [r[name]["app_id"] for r in results["Alice"] for name in "abc"]
    assert len(ids) == 60 and max(ids) <= 5
    for r in results["Alice"]:  # programs running at the same time never share an id
        assert len({r[name]["app_id"] for name in "abc"}) == 3


@pytest.mark.skipif(
    not os.environ.get("NETQSIM_FUZZ_EXAMPLES"),
    reason="takes 5-15 s; runs in `make fuzz` (NETQSIM_FUZZ_EXAMPLES set)",
)
def test_a_shared_run_longer_than_the_16_bit_application_id_space_works():
    results = netqsim.run(
        nodes("Alice"), {"Alice": AppId(quantum=False)}, num_times=65_540, seed=1
    )
    assert len(results["Alice"]) == 65_540
    assert max(r["app_id"] for r in results["Alice"]) <= 2


@pytest.fixture
def controllers(monkeypatch):
    """The controllers of every network netqsim.run builds, with the bytes they received."""
    seen = []

    class Recording(run_module.Network):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for node in self.nodes.values():
                inbox = node.controller._inbox
                received = []
                send = inbox.send

                def recording_send(raw, delay=None, received=received, send=send):
                    received.append(bytes(raw))
                    return send(raw, delay)

                inbox.send = recording_send
                seen.append((node.name, node.controller, received))

    monkeypatch.setattr(run_module, "Network", Recording)
    return seen


def test_every_run_ends_with_stop_sent_as_bytes_to_every_controller(controllers):
    results = netqsim.run(nodes("Alice", "Bob", "Charlie"), {"Alice": AppId()}, num_times=2,
                          seed=3)
    assert len(results["Alice"]) == 2
    assert [name for name, _, _ in controllers] == ["Alice", "Bob", "Charlie"]
    stop = bytes(SignalMessage(Signal.STOP))
    assert stop == b"\x04\x00"
    for _, controller, received in controllers:
        assert controller.stopped
        assert received[-1] == stop and received.count(stop) == 1
        assert controller.errors == {}


def test_fresh_mode_stops_the_controllers_of_every_iteration(controllers):
    netqsim.run(nodes("Alice"), {"Alice": AppId()}, num_times=3, seed=3, mode="fresh")
    assert len(controllers) == 3
    assert all(controller.stopped for _, controller, _ in controllers)


def test_a_controller_refusing_stop_is_a_clear_error(monkeypatch):
    def refuse(self, msg_id, msg):
        self._error(msg_id, None, "SignalMessage", RuntimeError("refusing to stop"))

    monkeypatch.setattr(NodeController, "_signal", refuse)
    with pytest.raises(ControllerStopError) as info:
        netqsim.run(nodes("Alice"), {"Alice": AppId()}, seed=1)
    text = str(info.value)
    assert text.startswith("the controller of node 'Alice' refused the STOP signal that "
                           "ends the run: node 'Alice', no app, t=")
    assert "RuntimeError: refusing to stop" in text


def test_end_times_do_not_include_the_stop():
    config = nodes("Alice")
    config.stacks[0].host_qnos_latency = 100.0
    results = netqsim.run(config, {"Alice": AppId()}, seed=1)
    # InitNewApp and one subroutine answered (2 x 2 x 100 ns), the StopApp's reply (200 ns)
    # arrives after the program ended; the STOP that follows is not part of the run.
    assert results.end_times == [600.0]


class Greedy(Program):
    @property
    def meta(self):
        return ProgramMeta(name="greedy", max_qubits=3)

    def run(self, context):
        qubits = [Qubit(context.connection) for _ in range(3)]  # the device has 2
        yield from context.connection.flush()
        return {"n": len(qubits)}


def test_a_failing_instruction_raises_instruction_error_from_run():
    with pytest.raises(InstructionError) as info:
        netqsim.run(nodes("Alice"), {"Alice": Greedy()}, seed=1)
    err = info.value
    assert (err.node, err.app_id, err.code.name) == ("Alice", 0, "NO_QUBIT")
    assert str(err).startswith("node 'Alice', app 0, t=0 ns, instruction ")
    assert "qalloc" in str(err)
    # which process failed, and when, stays visible
    assert err.process_name == "Alice/greedy" and err.process_time == 0.0
    if hasattr(err, "__notes__"):
        assert err.__notes__ == ["raised in process 'Alice/greedy' at t=0 ns"]
