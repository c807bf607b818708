"""What the network layer reports: one record per delivered pair and counts per node."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["COUNT_KINDS", "NetworkSummary", "PairReport"]

#: What :class:`NetworkSummary` counts per node.
COUNT_KINDS = ("generated", "swapped", "purified", "discarded", "delivered")


@dataclass(frozen=True)
class PairReport:
    """One end-to-end pair the network layer delivered.

    ``start_ns`` is when its generation began (after the request handshake),
    ``end_ns`` when the second end node received it; ``fidelity`` is the exact
    fidelity of the two qubits to ``bell_index`` when the first end node
    received it.
    """

    path: tuple[str, ...]
    """The nodes from the creator to the receiver."""
    create_id: int
    """The creator's id of the request (as in the link-layer results)."""
    sequence_number: int
    """Which pair of the request (0 for the first)."""
    start_ns: float
    end_ns: float
    swaps: int
    """Entanglement swaps done for this pair, including those in discarded segments."""
    discards: int
    """Pairs (hop or swapped segment) discarded on the memory cutoff for this pair."""
    fidelity: float
    bell_index: int
    """Delivered Bell state (0=Phi+, 1=Psi+, 2=Phi-, 3=Psi-), as reported to the programs."""
    purification_rounds: int = 0
    """Purification rounds done for this pair (every hop, or end to end; failed ones too)."""
    purification_failures: int = 0
    """Rounds that failed, each spoiling the kept pair (made again from scratch)."""

    @property
    def duration_ns(self) -> float:
        """Time from the start of generation until both end nodes had the pair."""
        return self.end_ns - self.start_ns


@dataclass
class NetworkSummary:
    """Per-run totals of the network layer (``results.network``).

    ``counts[node][kind]`` for ``kind`` in :data:`COUNT_KINDS`: pair halves a
    node received from a link (``generated``), swaps it performed
    (``swapped``), purification rounds it took part in (``purified``), halves
    it discarded on the memory cutoff (``discarded``) and pairs delivered to
    its programs (``delivered``; direct-link pairs included). ``pairs`` holds
    a :class:`PairReport` per pair delivered over a path of two or more links.
    """

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    pairs: list[PairReport] = field(default_factory=list)

    def add(self, node: str, kind: str, amount: int = 1) -> None:
        """Count ``amount`` events of ``kind`` at ``node``."""
        per_node = self.counts.get(node)
        if per_node is None:
            per_node = self.counts[node] = dict.fromkeys(COUNT_KINDS, 0)
        per_node[kind] += amount

    def total(self, kind: str) -> int:
        """The count of ``kind`` summed over all nodes."""
        if kind not in COUNT_KINDS:
            raise KeyError(f"unknown count {kind!r}; known: {', '.join(COUNT_KINDS)}")
        return sum(per_node[kind] for per_node in self.counts.values())

    @classmethod
    def merged(cls, summaries: Iterable[NetworkSummary]) -> NetworkSummary:
        """One summary adding up several runs' (``mode="fresh"``)."""
        out = cls()
        for summary in summaries:
            for node, per_node in summary.counts.items():
                for kind, amount in per_node.items():
                    if amount:
                        out.add(node, kind, amount)
            out.pairs.extend(summary.pairs)
        return out
