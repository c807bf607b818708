"""SquidASM's max_qubits semantics under ``netqsim squidasm``: a hint, not a cap.

The script (``scripts/max_qubits``) declares fewer qubits than it uses, as
SquidASM's first tutorial does: ``max_qubits=1`` with an EPR qubit and then two
local qubits, and ``max_qubits=2`` for two pairs whose parity ``parity_meas``
measures with an ancilla. Perfect devices and link, seeded: the output is exact.
"""

from __future__ import annotations

from tests.compat.test_squidasm_scripts import run_cli, script


def test_programs_use_every_qubit_of_their_node_whatever_max_qubits_says() -> None:
    # old: "Virtual address 1 is outside the unit module (app ID 0) which has length 1"
    done = run_cli(script("max_qubits"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "epr equal: 10\n"
        "local: [(1, 1)]\n"
        "XX parities: 1111110011 1111110011\n"
    )


def test_a_program_needing_more_than_the_device_is_told_max_qubits_and_num_qubits() -> None:
    done = run_cli(script("max_qubits"), "--small", "2")
    assert done.returncode == 1
    # the tutorial round fits in two qubits; the parity round needs a third
    assert done.stdout == "epr equal: 10\nlocal: [(1, 1)]\n"
    last = done.stderr.strip().splitlines()[-2]
    assert last == (
        "netqsim.qnodeos.errors.InstructionError: node 'Alice', app 0, t=2000 ns, "
        "instruction 3 'qalloc Q0': NotEnoughQubitsError: program 'parity' needs more "
        "qubits than the device of node 'Alice' has (num_qubits=2). ProgramMeta.max_qubits=2 "
        "neither caps nor adds qubits (as in SquidASM, a program may use every qubit of its "
        "node): raise num_qubits in the qdevice_cfg of node 'Alice', or hold fewer qubits at "
        "once. The controller said: Virtual address 2 is outside the unit module (app ID 0) "
        "which has length 2 (rule: qubit-address) [NO_QUBIT]"
    )
