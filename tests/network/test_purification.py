"""Purification rounds on two processors: Monte Carlo against the closed forms, exact timing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from netqsim.config import GenericQDeviceConfig
from netqsim.hardware import build_processor
from netqsim.hardware.processor import place_joint
from netqsim.kernel import Simulator
from netqsim.network.classical import ClassicalNetwork
from netqsim.network.purification import (
    PairEnd,
    bbpssw_fidelity,
    bbpssw_success_probability,
    bell_diagonal,
    dejmps_coefficients,
    dejmps_success_probability,
    purify,
    purify_end,
    twirl_gates,
    werner_coefficients,
)
from netqsim.quantum import QuantumEngine

_S = 1 / math.sqrt(2)
_BELL = [
    np.array([_S, 0, 0, _S]),  # Phi+
    np.array([0, _S, -_S, 0]),  # Psi-
    np.array([0, _S, _S, 0]),  # Psi+
    np.array([_S, 0, 0, -_S]),  # Phi-
]


def _bell_diagonal_state(coeffs) -> np.ndarray:
    return sum(c * np.outer(v, v.conj()) for c, v in zip(coeffs, _BELL, strict=True))


class _Setup:
    """Two generic devices A and B (2 qubits each) and a classical link between them."""

    def __init__(self, formalism: str = "dm", seed: int = 1, delay: float = 0.0, **cfg) -> None:
        self.sim = Simulator(seed=seed)
        engine = QuantumEngine(formalism=formalism, rng=self.sim.rng_stream("quantum"))
        # No memory decoherence: the closed forms assume none.
        device = GenericQDeviceConfig.perfect_config(2, **{"T1": 0, "T2": 0, **cfg})
        self.pa = build_processor(self.sim, engine, "generic", device, "A")
        self.pb = build_processor(self.sim, engine, "generic", device, "B")
        self.classical = ClassicalNetwork(self.sim, {("A", "B"): delay})
        self.a = PairEnd("A", self.pa, keep=0, sacrifice=1)
        self.b = PairEnd("B", self.pb, keep=0, sacrifice=1)
        self.rng = self.sim.rng_stream("purify")

    def place(self, keep: np.ndarray, sacrifice: np.ndarray) -> None:
        place_joint([(self.pa, 0), (self.pb, 0)], keep)
        place_joint([(self.pa, 1), (self.pb, 1)], sacrifice)

    def rounds(self, protocol: str, keep: np.ndarray, sacrifice: np.ndarray, n: int):
        """``n`` rounds; returns the successes and the kept pair's state after each success."""
        kept: list[np.ndarray] = []
        wins = 0

        def body():
            nonlocal wins
            for i in range(n):
                self.place(keep, sacrifice)
                ok = yield from purify(
                    self.sim, protocol, self.a, self.b, self.classical, self.rng, key=i
                )
                assert not self.pa.is_in_use(1) and not self.pb.is_in_use(1)
                if ok:
                    wins += 1
                    kept.append(self.pa.engine.density_matrix(
                        [self.pa.qubit_at(0), self.pb.qubit_at(0)]
                    ))

        self.sim.process(body())
        self.sim.run()
        return wins, kept


def _within_5_sigma(successes: int, n: int, p: float) -> None:
    sigma = math.sqrt(p * (1 - p) / n)
    assert abs(successes / n - p) <= 5 * sigma, (successes / n, p, sigma)


def test_closed_forms_known_values() -> None:
    # Werner F = 0.75: p = 0.75^2 + 2*0.75/12 + 5/144, F' = (0.5625 + 1/144) / p
    p = 0.5625 + 0.125 + 5 / 144
    assert bbpssw_success_probability(0.75) == pytest.approx(p, abs=1e-15)
    assert bbpssw_fidelity(0.75) == pytest.approx((0.5625 + 1 / 144) / p, abs=1e-15)
    assert bbpssw_fidelity(1.0) == 1.0 and bbpssw_fidelity(0.5) == pytest.approx(0.5)
    # DEJMPS on Werner input is the same map as BBPSSW for the fidelity and probability.
    w = werner_coefficients(0.8)
    assert dejmps_success_probability(w) == pytest.approx(bbpssw_success_probability(0.8))
    assert dejmps_coefficients(w)[0] == pytest.approx(bbpssw_fidelity(0.8))
    assert sum(dejmps_coefficients((0.7, 0.1, 0.15, 0.05))) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"f1 must be a fidelity in \[0, 1\], got 1.5"):
        bbpssw_fidelity(1.5)
    with pytest.raises(ValueError, match=r"c1 must sum to 1, got 0.9"):
        dejmps_coefficients((0.6, 0.1, 0.1, 0.1))


@pytest.mark.parametrize(("f_keep", "f_sac"), [(0.75, 0.75), (0.9, 0.7)])
def test_bbpssw_monte_carlo_matches_closed_form(f_keep: float, f_sac: float) -> None:
    # n = 1500 rounds (dm): success rate within 5 sigma of p; each kept pair's
    # fidelity is exact (the dm conditional state), so it must equal F' to 1e-9.
    n = 1500
    setup = _Setup(seed=3)
    keep = _bell_diagonal_state(werner_coefficients(f_keep))
    sac = _bell_diagonal_state(werner_coefficients(f_sac))
    wins, kept = setup.rounds("bbpssw", keep, sac, n)
    _within_5_sigma(wins, n, bbpssw_success_probability(f_keep, f_sac))
    expected = bbpssw_fidelity(f_keep, f_sac)
    assert max(abs(bell_diagonal(rho)[0] - expected) for rho in kept) < 1e-9


def test_dejmps_monte_carlo_matches_closed_form() -> None:
    # n = 1500 rounds (dm), Bell-diagonal inputs that are not Werner: success rate
    # within 5 sigma; all four output coefficients exact to 1e-9.
    n = 1500
    c1, c2 = (0.7, 0.1, 0.15, 0.05), (0.8, 0.05, 0.1, 0.05)
    setup = _Setup(seed=4)
    wins, kept = setup.rounds(
        "dejmps", _bell_diagonal_state(c1), _bell_diagonal_state(c2), n
    )
    _within_5_sigma(wins, n, dejmps_success_probability(c1, c2))
    expected = np.array(dejmps_coefficients(c1, c2))
    assert max(np.abs(np.array(bell_diagonal(rho)) - expected).max() for rho in kept) < 1e-9


@pytest.mark.parametrize("protocol", ["bbpssw", "dejmps"])
def test_stab_monte_carlo_fidelity(protocol: str) -> None:
    # Under stab a Werner pair is a sampled Pauli error, so each kept pair is |Phi+>
    # or not: n = 3000 rounds, success rate and mean fidelity each within 5 sigma.
    n, f = 3000, 0.8
    setup = _Setup("stab", seed=5)
    w = _bell_diagonal_state(werner_coefficients(f))
    wins, kept = setup.rounds(protocol, w, w, n)
    _within_5_sigma(wins, n, bbpssw_success_probability(f))
    fids = [bell_diagonal(rho)[0] for rho in kept]
    assert all(abs(x - 1) < 1e-9 or abs(x) < 1e-9 for x in fids)
    _within_5_sigma(round(sum(fids)), wins, bbpssw_fidelity(f))


def test_dejmps_timing_is_gates_then_classical_delay() -> None:
    # A: two rot_x (5 ns each), cnot (100 ns), meas (1000 ns), then B's outcome
    # arrives 7000 ns after B sent it; B is slower (2-qubit gate 300 ns).
    sim_setup = _Setup(delay=7000.0, single_qubit_gate_time=5, two_qubit_gate_time=100,
                       measure_time=1000)
    slow = GenericQDeviceConfig.perfect_config(
        2, single_qubit_gate_time=5, two_qubit_gate_time=300, measure_time=1000, T1=0, T2=0
    )
    pb = build_processor(sim_setup.sim, sim_setup.pa.engine, "generic", slow, "B")
    b = PairEnd("B", pb, 0, 1)
    phi = _bell_diagonal_state((1, 0, 0, 0))
    place_joint([(sim_setup.pa, 0), (pb, 0)], phi)
    place_joint([(sim_setup.pa, 1), (pb, 1)], phi)
    times = {}

    def end(e, peer, first):
        ok = yield from purify_end("dejmps", e, peer, sim_setup.classical, first=first)
        times[e.node] = (sim_setup.sim.now, ok)

    sim_setup.sim.process(end(sim_setup.a, "B", True))
    sim_setup.sim.process(end(b, "A", False))
    sim_setup.sim.run()
    t_a, t_b = 2 * 5 + 100 + 1000, 2 * 5 + 300 + 1000
    assert times == {"A": (t_b + 7000, True), "B": (t_a + 7000, True)}


def test_purify_returns_when_both_know_and_bbpssw_twirl_timing() -> None:
    setup = _Setup(delay=2500.0, single_qubit_gate_time=10, two_qubit_gate_time=200,
                   measure_time=3000)
    phi = _bell_diagonal_state((1, 0, 0, 0))
    setup.place(phi, phi)
    twirls = ((3, 2), (0, 1))  # keep: Z then two cycles; sacrifice: one cycle
    assert twirl_gates(3, 2, True) == [("z", None)] + [
        ("rot_x", math.pi / 2), ("rot_z", math.pi / 2)
    ] * 2
    assert twirl_gates(0, 1, False) == [("rot_x", -math.pi / 2), ("rot_z", -math.pi / 2)]
    done = {}

    def end(e, peer, first):
        ok = yield from purify_end(
            "bbpssw", e, peer, setup.classical, first=first, twirls=twirls, key="t"
        )
        done[e.node] = (setup.sim.now, ok)

    setup.sim.process(end(setup.a, "B", True))
    setup.sim.process(end(setup.b, "A", False))
    setup.sim.run()
    local = (5 + 2) * 10 + 200 + 3000  # 7 single-qubit gates, cnot, meas
    assert done == {"A": (local + 2500, True), "B": (local + 2500, True)}
    # A perfect |Phi+> pair stays |Phi+> through the twirl and the round.
    kept = setup.pa.engine.density_matrix([setup.pa.qubit_at(0), setup.pb.qubit_at(0)])
    assert bell_diagonal(kept)[0] == pytest.approx(1.0, abs=1e-12)

    # purify() itself resumes at the same time as the later of the two ends.
    setup2 = _Setup(delay=2500.0, single_qubit_gate_time=10, two_qubit_gate_time=200,
                    measure_time=3000)
    setup2.place(phi, phi)
    result = {}

    def caller():
        result["ok"] = yield from purify(setup2.sim, "dejmps", setup2.a, setup2.b,
                                         setup2.classical, setup2.rng)
        result["t"] = setup2.sim.now

    setup2.sim.process(caller())
    setup2.sim.run()
    assert result == {"ok": True, "t": 2 * 10 + 200 + 3000 + 2500}


def test_bad_arguments_are_named() -> None:
    setup = _Setup()
    with pytest.raises(ValueError, match="unknown purification protocol 'bbpsw' "
                       r"\(known: bbpssw, dejmps\)"):
        next(purify(setup.sim, "bbpsw", setup.a, setup.b, setup.classical, setup.rng))
    with pytest.raises(ValueError, match="purification needs two different nodes, got 'A' twice"):
        next(purify(setup.sim, "dejmps", setup.a, setup.a, setup.classical, setup.rng))
    with pytest.raises(ValueError, match=r"twirl element must have pauli in 0..3 and cycle in "
                       r"0..2, got \(4, 0\)"):
        twirl_gates(4, 0, True)
