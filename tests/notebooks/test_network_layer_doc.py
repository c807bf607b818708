"""docs/network-layer.md: its Python and YAML snippets run and say what they print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.network.purification_policy import werner_product_fidelity

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "network-layer.md"


def blocks(language: str) -> list[str]:
    """The fenced code blocks of the document in ``language``, in order."""
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_python_example_delivers_what_its_comments_say(capsys):
    (example,) = blocks("python")
    namespace: dict = {"__name__": "network_layer_doc"}
    exec(compile(example, str(DOC), "exec"), namespace)
    pair, results = namespace["pair"], namespace["results"]
    assert pair.path == ("node_0", "node_1", "node_2", "node_3")
    assert pair.swaps == 2
    # (1 + 3 w^3) / 4 with w = 14/15: exact, no memory or gate noise.
    assert pair.fidelity == pytest.approx(werner_product_fidelity([0.95] * 3), abs=1e-9)
    assert pair.fidelity == pytest.approx((1 + 3 * (14 / 15) ** 3) / 4, abs=1e-12)
    counts = results.network.counts["node_1"]
    assert (counts["generated"], counts["swapped"]) == (20, 10)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("('node_0', 'node_1', 'node_2', 'node_3') 2 0.8597")


class _End(Program):
    def __init__(self, peer: str, creates: bool) -> None:
        self.peer, self.creates = peer, creates

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="end", epr_sockets=[self.peer], max_qubits=1)

    def run(self, context):
        epr = context.epr_sockets[self.peer]
        (epr.create_measure if self.creates else epr.recv_measure)(number=5)
        yield from context.connection.flush()
        return {}


def test_the_yaml_example_is_a_valid_config_that_runs_with_every_policy():
    (text,) = blocks("yaml")
    config = StackNetworkConfig.from_yaml(text, file="docs/network-layer.md")
    layer = config.network_layer
    assert layer.cutoff_time == 1e6 and layer.swap == "asap"
    assert (layer.purification.protocol, layer.purification.scope,
            layer.purification.target_fidelity) == ("dejmps", "hop", 0.98)
    assert layer.paths == [["Alice", "R1", "R2", "Bob"]]
    assert [link.cost for link in config.links] == [2.0, 1.0, 1.0]
    results = netqsim.run(config, {"Alice": _End("Bob", True), "Bob": _End("Alice", False)},
                          seed=5)
    pairs = results.network.pairs
    assert len(pairs) == 5
    assert all(p.path == ("Alice", "R1", "R2", "Bob") for p in pairs)
    # DEJMPS lifts 0.97 to 0.98 in two successful rounds: 3 hops x 2 per pair, at least.
    assert all(p.purification_rounds >= 6 for p in pairs)


def test_every_file_the_document_names_exists():
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:tests|benchmarks|notebooks|docs)/[\w/.-]+\.(?:py|ipynb|md))`",
                           text))
    assert named, "the document names no files"
    missing = sorted(name for name in named if not (ROOT / name).exists())
    assert missing == []
