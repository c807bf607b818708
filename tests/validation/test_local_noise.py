"""Memory decoherence, gate depolarising noise and NV readout errors against closed forms.

Each test runs a local program many times (``mode="shared"``: one simulation),
compares the outcome rate with its closed form within 5 binomial sigmas
(``sigma = sqrt(p (1 - p) / N)``, N and sigma given per test), and checks the
exact density matrix from ``netqsim.util.get_qubit_state`` as well.
"""

import math

import numpy as np
import pytest
from netqasm.sdk.qubit import Qubit
from tests.validation.helpers import Body, check_rate, device

import netqsim
from netqsim.config import NVQDeviceConfig, two_nodes
from netqsim.util import get_qubit_state

N = 1000


def run_local(qdevice, body, n=N, seed=1, max_qubits=2):
    config = two_nodes(qdevice=qdevice)
    return netqsim.run(config, {"Alice": Body(body, max_qubits=max_qubits)},
                       num_times=n, seed=seed)["Alice"]


def stored_qubit(prepare, wait, before_measure=None):
    """A program body: prepare a qubit, keep it ``wait`` ns, read its state, measure it."""

    def body(context):
        q = Qubit(context.connection)
        prepare(q)
        yield from context.connection.flush()
        yield context.sim.timeout(wait)
        rho = get_qubit_state(q)
        if before_measure is not None:
            before_measure(q)
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m), "rho": rho}

    return body


@pytest.mark.parametrize("wait", [3e5, 1e6])
def test_plus_state_dephases_with_t2(wait):
    # |+> kept for t under T2 (T1 off): coherence e^{-t/T2}/2, P(-) = (1 - e^{-t/T2}) / 2.
    t2 = 1e6

    body = stored_qubit(prepare=lambda q: q.H(), wait=wait, before_measure=lambda q: q.H())
    rows = run_local(device(T2=t2), body, seed=2)
    coherence = math.exp(-wait / t2)
    assert np.allclose(rows[0]["rho"], [[0.5, coherence / 2], [coherence / 2, 0.5]])
    # N = 1000: sigma = 0.012 (t = 0.3 T2) and 0.015 (t = T2).
    check_rate(sum(r["m"] for r in rows), N, (1 - coherence) / 2, f"P(-) after {wait} ns")


@pytest.mark.parametrize("wait", [3e5, 1e6])
def test_excited_state_relaxes_with_t1(wait):
    # |1> kept for t under T1 (T2 off): P(1) = e^{-t/T1}.
    t1 = 1e6

    body = stored_qubit(prepare=lambda q: q.X(), wait=wait)
    rows = run_local(device(T1=t1), body, seed=3)
    p1 = math.exp(-wait / t1)
    assert np.allclose(rows[0]["rho"], np.diag([1 - p1, p1]))
    # N = 1000: sigma = 0.013 (p = 0.74) and 0.015 (p = 0.37).
    check_rate(sum(r["m"] for r in rows), N, p1, f"P(1) after {wait} ns")


def test_single_qubit_gate_depolarising_probability():
    # X with depolarising p afterwards: rho = (1-p)|1><1| + p I/2, P(0) = p/2.
    p = 0.3

    def body(context):
        q = Qubit(context.connection)
        q.X()
        yield from context.connection.flush()
        rho = get_qubit_state(q)
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m), "rho": rho}

    rows = run_local(device(single_qubit_gate_depolar_prob=p), body, seed=4)
    assert np.allclose(rows[0]["rho"], np.diag([p / 2, 1 - p / 2]))
    # N = 1000, P(0) = 0.15: sigma = 0.011.
    check_rate(sum(1 - r["m"] for r in rows), N, p / 2, "P(0) after a noisy X")


def test_two_qubit_gate_depolarises_each_qubit():
    # CNOT on |10> then depolarising p2 on each qubit: each reads wrong with p2/2,
    # independently: P(control 0) = P(target 0) = p2/2, P(both wrong) = p2^2/4.
    p2 = 0.2

    def body(context):
        c, t = Qubit(context.connection), Qubit(context.connection)
        c.X()
        c.cnot(t)
        yield from context.connection.flush()
        rho = get_qubit_state([c, t])
        mc, mt = c.measure(), t.measure()
        yield from context.connection.flush()
        return {"c": int(mc), "t": int(mt), "rho": rho}

    rows = run_local(device(two_qubit_gate_depolar_prob=p2), body, seed=5, max_qubits=2)
    one = np.diag([p2 / 2, 1 - p2 / 2])
    assert np.allclose(rows[0]["rho"], np.kron(one, one))
    # N = 1000, p = 0.1: sigma = 0.0095 each; p = 0.01: sigma = 0.0031.
    check_rate(sum(1 - r["c"] for r in rows), N, p2 / 2, "control flipped")
    check_rate(sum(1 - r["t"] for r in rows), N, p2 / 2, "target flipped")
    check_rate(sum(r["c"] == r["t"] == 0 for r in rows), N, p2**2 / 4, "both flipped")


@pytest.mark.parametrize("prepare_one", [False, True], ids=["read_0", "read_1"])
def test_nv_readout_errors(prepare_one):
    # NV electron readout: P(read 1 | 0) = prob_error_0, P(read 0 | 1) = prob_error_1.
    e0, e1 = 0.1, 0.05
    qdevice = NVQDeviceConfig.perfect_config(prob_error_0=e0, prob_error_1=e1)

    def body(context):
        q = Qubit(context.connection)
        if prepare_one:
            q.X()
        yield from context.connection.flush()
        rho = get_qubit_state(q)
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m), "rho": rho}

    rows = run_local(qdevice, body, seed=6)
    assert np.allclose(rows[0]["rho"], np.diag([0, 1] if prepare_one else [1, 0]), atol=1e-9)
    wrong = sum(r["m"] != int(prepare_one) for r in rows)
    # N = 1000: sigma = 0.0095 (e0 = 0.1) and 0.0069 (e1 = 0.05).
    check_rate(wrong, N, e1 if prepare_one else e0, "readout error")
