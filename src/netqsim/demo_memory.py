"""The node-stack demo: a Bell pair waiting in two noisy memories, simulated vs closed form.

A kernel process prepares |Phi+> on two qubits, lets them wait in memories
with dephasing time T2, and reads the fidelity to |Phi+> at several times.
Each qubit's coherence decays as exp(-t/T2), so the pair's fidelity is
F(t) = (1 + exp(-2t/T2)) / 2. The density-matrix result must equal it; the
same experiment with sampled measurements (X and Z parity, 4000 shots per
time) gives an estimate with its standard error.

Run: ``python -m netqsim.demo_memory`` (``make run`` now runs the teleportation demo,
:mod:`netqsim.demo`).
"""

from __future__ import annotations

import math

import numpy as np

from netqsim.kernel import Simulator
from netqsim.quantum import QuantumEngine, bell_state, fidelity, gates

T2 = 1_000_000.0  # ns (1 ms)
WAITS = (0.0, 100_000.0, 500_000.0, 1_000_000.0, 3_000_000.0)
SHOTS = 4000


def closed_form(t: float) -> float:
    """Fidelity of |Phi+> after both qubits dephased for ``t`` ns."""
    return (1 + math.exp(-2 * t / T2)) / 2


def simulate(formalism: str = "dm", seed: int = 7) -> list[tuple[float, float]]:
    """(wait, fidelity) pairs from the density matrix after each wait."""
    sim = Simulator(seed=seed)
    engine = QuantumEngine(formalism, rng=sim.rng_stream("quantum"))  # type: ignore[abstract]
    rows: list[tuple[float, float]] = []

    def experiment():
        for wait in WAITS:
            a, b = engine.new_qubits(2)
            engine.apply(gates.H, [a])
            engine.apply(gates.CNOT, [a, b])
            prepared = sim.now
            yield sim.timeout(wait)
            for q in (a, b):  # memory noise for the time each qubit waited
                engine.t1t2(q, sim.now - prepared, 0.0, T2)
            rows.append((wait, fidelity(engine.density_matrix([a, b]), bell_state(0))))
            engine.discard(a)
            engine.discard(b)

    sim.run(sim.process(experiment()))
    return rows


def sampled(seed: int = 11) -> list[tuple[float, float, float]]:
    """(wait, estimated fidelity, standard error) from XX and ZZ parity shots.

    F = (1 + <XX> - <YY> + <ZZ>) / 4 for states of this symmetry, and here
    <XX> = -<YY>, so F = (1 + 2<XX> + <ZZ>) / 4.
    """
    rng = np.random.default_rng(seed)
    engine = QuantumEngine("dm", rng=rng)  # type: ignore[abstract]
    rows = []
    for wait in WAITS:
        parities = {}
        for basis in ("X", "Z"):
            values = []
            for _ in range(SHOTS):
                a, b = engine.new_qubits(2)
                engine.apply(gates.H, [a])
                engine.apply(gates.CNOT, [a, b])
                for q in (a, b):
                    engine.t1t2(q, wait, 0.0, T2)
                values.append(1 - 2 * (engine.measure(a, basis) ^ engine.measure(b, basis)))
                engine.discard(a)
                engine.discard(b)
            parities[basis] = np.asarray(values, dtype=float)
        estimate = (1 + 2 * parities["X"].mean() + parities["Z"].mean()) / 4
        error = math.sqrt(4 * parities["X"].var() / SHOTS + parities["Z"].var() / SHOTS) / 4
        rows.append((wait, float(estimate), error))
    return rows


def main() -> None:
    print("Bell pair |Phi+> in two memories with T2 = 1 ms (dephasing only)")
    print(f"{'wait [us]':>10} {'simulated F':>12} {'closed form':>12} {'sampled F':>18}")
    for (wait, f_dm), (_, f_hat, err) in zip(simulate(), sampled(), strict=True):
        print(
            f"{wait / 1000:>10.0f} {f_dm:>12.6f} {closed_form(wait):>12.6f} "
            f"{f_hat:>11.4f} ± {err:.4f}"
        )
    print(f"(sampled: {SHOTS} shots per basis per wait; closed form F = (1 + exp(-2t/T2))/2)")


if __name__ == "__main__":
    main()
