"""Programs on NV nodes: the host compiles with netqasm's NV transpiler."""

import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import InstructionError, Program, ProgramMeta
from netqsim.config import NVQDeviceConfig, StackConfig, StackNetworkConfig


class XThenCnot(Program):
    def __init__(self, max_qubits: int = 3):
        self.max_qubits = max_qubits

    @property
    def meta(self):
        return ProgramMeta(name="x_cnot", max_qubits=self.max_qubits)

    def run(self, context):
        conn = context.connection
        q0, q1 = Qubit(conn), Qubit(conn)
        q0.X()
        q0.cnot(q1)  # transpiled into crot_x and rotations
        m1, m0 = q1.measure(), q0.measure()  # measuring the carbon first moves the electron
        yield from conn.flush()
        return {"m0": int(m0), "m1": int(m1)}


def nv_network(num_qubits):
    return StackNetworkConfig(
        stacks=[StackConfig(name="Alice", qdevice_typ="nv",
                            qdevice_cfg=NVQDeviceConfig.perfect_config(num_qubits=num_qubits))],
        links=[],
    )


def test_vanilla_sdk_program_runs_transpiled_on_an_nv_device():
    results = netqsim.run(nv_network(3), {"Alice": XThenCnot()}, num_times=4, seed=1)
    assert results["Alice"] == [{"m0": 1, "m1": 1}] * 4


def test_nv_program_needing_more_positions_than_the_device_has_gets_no_qubit():
    with pytest.raises(InstructionError) as info:
        netqsim.run(nv_network(2), {"Alice": XThenCnot()}, seed=1)
    err = info.value
    # The unit module is the device (as in SquidASM): virtual qubit 2 is outside it.
    assert err.code.name == "NO_QUBIT"
    assert "program 'x_cnot' needs more qubits than the device of node 'Alice' has " \
        "(num_qubits=2)" in str(err)
    assert "Virtual address 2 is outside the unit module (app ID 0) which has length 2" in str(err)
