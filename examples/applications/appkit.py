"""Shared helpers of the application examples: configs, closed-form inputs, reports.

Not an example itself. Each example module offers ``simulate(config, runs,
seed) -> list[Row]`` (used by the tests) and ``main(argv)`` (prints a table).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from netqsim.config import GenericQDeviceConfig, StackNetworkConfig
from netqsim.network.links import build_link_model
from netqsim.util import Estimate

#: The repository's configs/ folder.
CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@dataclass(frozen=True)
class Row:
    """One figure of merit: the simulated estimate and its analytic expectation."""

    label: str
    simulated: Estimate
    expected: float

    @property
    def sigmas(self) -> float:
        """Distance of the estimate from the expectation, in standard errors."""
        return self.simulated.sigmas_from(self.expected)


def load(path: str | Path | None, default: str) -> StackNetworkConfig:
    """The config at ``path``, or ``configs/<default>``."""
    return StackNetworkConfig.from_file(Path(path) if path else CONFIGS / default)


def link_fidelity(config: StackNetworkConfig, a: str, b: str) -> float:
    """Fidelity of the pairs the link between ``a`` and ``b`` delivers."""
    for link in config.links:
        if {link.stack1, link.stack2} == {a, b}:
            return build_link_model(link).fidelity()
    raise KeyError(f"no link between {a!r} and {b!r}")


def werner(fidelity: float) -> float:
    """Werner parameter ``w = (4F - 1) / 3`` of a pair of fidelity F."""
    return (4 * fidelity - 1) / 3


def gate_noise(config: StackNetworkConfig, node: str) -> tuple[float, float]:
    """(single-, two-qubit) depolarising probabilities of a generic device; (0, 0) otherwise."""
    cfg = config.stack(node).qdevice_cfg
    if isinstance(cfg, GenericQDeviceConfig):
        return float(cfg.single_qubit_gate_depolar_prob), float(cfg.two_qubit_gate_depolar_prob)
    return 0.0, 0.0


def memory_note(config: StackNetworkConfig) -> str:
    """A note if some device has memory decoherence (not in the closed forms)."""
    for stack in config.stacks:
        cfg = stack.qdevice_cfg
        t2 = getattr(cfg, "T2", None) or getattr(cfg, "electron_T2", None)
        if t2:
            return ("memory decoherence (T1/T2) is not in the closed form; it shifts the "
                    "simulated values slightly")
    return ""


def parser(description: str, runs: int, seed: int) -> argparse.ArgumentParser:
    """The command line every example takes: [CONFIG] [--runs N] [--seed S]."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("config", nargs="?", help="network YAML (default: see the module docstring)")
    p.add_argument("--runs", type=int, default=runs, help="iterations (default %(default)s)")
    p.add_argument("--seed", type=int, default=seed, help="seed (default %(default)s)")
    return p


def report(title: str, rows: Sequence[Row], notes: Sequence[str] = ()) -> None:
    """Print a table: figure of merit, simulated ± standard error, closed form, sigmas."""
    print(title)
    width = max(len(r.label) for r in rows) + 2
    print(f"{'':{width}} {'simulated':>19} {'closed form':>12}")
    for r in rows:
        sig = r.sigmas
        if r.simulated.sigma < 1e-4:  # an exact (density-matrix) value
            diff = r.simulated.value - r.expected
            shown = f"(exact; differs by {diff:+.1e})" if abs(diff) > 1e-9 else "(exact)"
        else:
            shown = f"({sig:+.1f} sigma)" if math.isfinite(sig) else ""
        print(f"{r.label:{width}} {r.simulated.value:>9.4f} ± {r.simulated.sigma:.4f}"
              f" {r.expected:>12.4f}   {shown}")
    for note in notes:
        if note:
            print(f"note: {note}")
