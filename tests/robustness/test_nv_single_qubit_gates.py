"""Every single-qubit SDK gate does what its matrix says, on NV and generic nodes.

Finding 13 of the hardening issue: netqasm's NV transpiler compiles S and T
as S-dagger and T-dagger. Here each gate is checked by state tomography: for
the inputs |0>, |+> and |+i>, the gate's output is measured in the X, Y and Z
bases (SHOTS shots each) on a noiseless device, and each measured expectation
value must lie within 5 sigma of the one the gate's matrix predicts (sigma the
binomial standard deviation of the mean of SHOTS outcomes; an expectation of
+-1 must be met exactly). S against S-dagger differs by 2 in <Y> for |+>,
T against T-dagger by 1.41: far outside 5 sigma (at most 0.71 for SHOTS=50).
"""

import math

import numpy as np
import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig, NVQDeviceConfig, StackConfig, StackNetworkConfig

SHOTS = 50
PI = math.pi

_P = {
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}


def _rot(axis, angle):
    return math.cos(angle / 2) * np.eye(2) - 1j * math.sin(angle / 2) * _P[axis]


_S2 = 1 / math.sqrt(2)
#: gate name -> (how the program applies it, its matrix)
GATES = {
    "X": (lambda q: q.X(), _P["X"]),
    "Y": (lambda q: q.Y(), _P["Y"]),
    "Z": (lambda q: q.Z(), _P["Z"]),
    "H": (lambda q: q.H(), _S2 * np.array([[1, 1], [1, -1]])),
    "K": (lambda q: q.K(), _S2 * np.array([[1, -1j], [1j, -1]])),
    "S": (lambda q: q.S(), np.diag([1, 1j])),
    "T": (lambda q: q.T(), np.diag([1, np.exp(1j * PI / 4)])),
    "S_dagger": (lambda q: q.rot_Z(angle=3 * PI / 2), np.diag([1, -1j])),
    "T_dagger": (lambda q: q.rot_Z(angle=7 * PI / 4), np.diag([1, np.exp(-1j * PI / 4)])),
    "rot_X(pi/4)": (lambda q: q.rot_X(angle=PI / 4), _rot("X", PI / 4)),
    "rot_Y(3pi/4)": (lambda q: q.rot_Y(angle=3 * PI / 4), _rot("Y", 3 * PI / 4)),
    "rot_Z(pi/2)": (lambda q: q.rot_Z(angle=PI / 2), _rot("Z", PI / 2)),
}

#: input state -> (native preparation from |0>, its state vector)
INPUTS = {
    "0": (lambda q: None, np.array([1, 0], dtype=complex)),
    "+": (lambda q: q.rot_Y(angle=PI / 2), _S2 * np.array([1, 1], dtype=complex)),
    "+i": (lambda q: q.rot_X(angle=3 * PI / 2), _S2 * np.array([1, 1j], dtype=complex)),
}

#: measurement basis -> rotation that takes its +1 eigenstate to |0>
BASES = {
    "X": lambda q: q.rot_Y(angle=3 * PI / 2),
    "Y": lambda q: q.rot_X(angle=PI / 2),
    "Z": lambda q: None,
}


class Tomography(Program):
    """SHOTS shots of: prepare the input, apply the gate, measure in the basis."""

    def __init__(self, gate, state, basis):
        self.gate, self.state, self.basis = gate, state, basis

    @property
    def meta(self):
        return ProgramMeta(name="tomography", max_qubits=1)

    def run(self, context):
        conn = context.connection
        outcomes = []
        for _ in range(SHOTS):
            q = Qubit(conn)
            INPUTS[self.state][0](q)
            GATES[self.gate][0](q)
            BASES[self.basis](q)
            outcomes.append(q.measure())
        yield from conn.flush()
        return {"mean": sum(int(m) for m in outcomes) / SHOTS}


def network(device):
    if device == "nv":
        cfg = NVQDeviceConfig.perfect_config(
            num_qubits=1, electron_T1=0, electron_T2=0, carbon_T1=0, carbon_T2=0
        )
    else:
        cfg = GenericQDeviceConfig.perfect_config(num_qubits=1, T1=0, T2=0)
    return StackNetworkConfig(
        stacks=[StackConfig(name="Alice", qdevice_typ=device, qdevice_cfg=cfg)], links=[]
    )


@pytest.mark.parametrize("device", ["generic", "nv"])
@pytest.mark.parametrize("gate", list(GATES))
def test_gate_matches_its_matrix_by_tomography(device, gate):
    config = network(device)
    matrix = GATES[gate][1]
    for state, (_, vector) in INPUTS.items():
        out = matrix @ vector
        rho = np.outer(out, out.conj())
        for basis in BASES:
            expected = float(np.real(np.trace(rho @ _P[basis])))
            result = netqsim.run(config, {"Alice": Tomography(gate, state, basis)}, seed=7)
            measured = 1 - 2 * result["Alice"][0]["mean"]
            sigma = math.sqrt(max(0.0, 1 - expected**2) / SHOTS)
            assert abs(measured - expected) <= 5 * sigma + 1e-9, (
                f"{gate} on {device}, input |{state}>, <{basis}> = {measured:+.2f}, "
                f"matrix says {expected:+.2f} (5 sigma = {5 * sigma:.2f})"
            )


def test_h_s_then_rot_x_gives_the_same_outcome_on_nv_and_generic():
    """The issue's reproduction: H, S, rot_X(pi/2), measured, is 0 every time (|0>)."""

    class Repro(Program):
        @property
        def meta(self):
            return ProgramMeta(name="repro", max_qubits=1)

        def run(self, context):
            conn = context.connection
            q = Qubit(conn)
            q.H()
            q.S()
            q.rot_X(angle=PI / 2)
            m = q.measure()
            yield from conn.flush()
            return {"m": int(m)}

    for device in ("generic", "nv"):
        results = netqsim.run(network(device), {"Alice": Repro()}, num_times=20, seed=3)
        assert [r["m"] for r in results["Alice"]] == [0] * 20, device
