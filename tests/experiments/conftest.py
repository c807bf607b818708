"""Shared sweep-file fixtures: a two-node noisy network and a small sweep file writer."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

NETWORK = """\
stacks:
  - name: Alice
    qdevice_typ: generic
    qdevice_cfg: {num_qubits: 2, T1: 0, T2: 0, init_time: 0, single_qubit_gate_time: 0,
                  two_qubit_gate_time: 0, measure_time: 0}
  - name: Bob
    qdevice_typ: generic
    qdevice_cfg: {num_qubits: 2, T1: 0, T2: 1e6, init_time: 0, single_qubit_gate_time: 0,
                  two_qubit_gate_time: 0, measure_time: 0}
links:
  - stack1: Alice
    stack2: Bob
    typ: depolarise
    cfg: {fidelity: 0.9, prob_success: 1.0, t_cycle: 1000}
clinks:
  - {stack1: Alice, stack2: Bob, typ: default, cfg: {delay: 1000}}
"""

#: A 2 x 3 grid: link fidelity x Alice's rotation angle (Bob measures his half of a pair).
SWEEP = """\
name: test-sweep
network: network.yaml
programs:
  Alice:
    program: tests.experiments.programs:Rotate
    args: {{d: 2}}
  Bob:
    program: tests.experiments.programs:Rotate
parameters:
  - path: links[0].cfg.fidelity
    values: [0.8, 1.0]
  - path: programs[Alice].args.n
    name: n
    values: [0, 2, 4]
num_times: {num_times}
seed: 5
"""


@pytest.fixture
def network_file(tmp_path: Path) -> Path:
    path = tmp_path / "network.yaml"
    path.write_text(NETWORK)
    return path


@pytest.fixture
def write_sweep(tmp_path: Path, network_file: Path):
    """Write a sweep file (text, dedented) next to network.yaml; returns its path."""

    def write(text: str, name: str = "sweep.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path

    return write


@pytest.fixture
def sweep_file(write_sweep) -> Path:
    return write_sweep(SWEEP.format(num_times=4))
