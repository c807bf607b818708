"""Paths of entanglement links between nodes that share no link.

A :class:`Router` knows the graph of entanglement links (each with a cost,
default 1) and the paths a configuration pins. ``path(a, b)`` returns the
pinned path if there is one, else the cheapest path by total link cost
(Dijkstra; ties go to the path whose node names sort first, so the choice is
deterministic). Paths are computed once per pair of end nodes and cached.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator, Sequence

__all__ = ["NoPathError", "ReachablePeers", "Router"]


class NoPathError(LookupError):
    """Two nodes are not connected by any path of entanglement links."""


class Router:
    """Shortest (or pinned) paths over the entanglement links of a network.

    >>> router = Router([("A", "R"), ("R", "B"), ("A", "X"), ("X", "B")], costs=[1, 1, 1, 5])
    >>> router.path("A", "B")
    ('A', 'R', 'B')
    >>> router.path("B", "A")
    ('B', 'R', 'A')
    """

    def __init__(
        self,
        edges: Iterable[tuple[str, str]],
        costs: Sequence[float] | None = None,
        pinned: Iterable[Sequence[str]] = (),
        nodes: Iterable[str] = (),
    ) -> None:
        edges = list(edges)
        if costs is None:
            costs = [1.0] * len(edges)
        if len(costs) != len(edges):
            raise ValueError(f"need one cost per link: {len(edges)} links, {len(costs)} costs")
        self._adjacent: dict[str, dict[str, float]] = {name: {} for name in nodes}
        for (a, b), cost in zip(edges, costs, strict=True):
            if not cost > 0:
                raise ValueError(f"link {a}-{b}: cost must be a positive number, got {cost!r}")
            self._adjacent.setdefault(a, {})[b] = float(cost)
            self._adjacent.setdefault(b, {})[a] = float(cost)
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}
        for entry in pinned:
            path = tuple(entry)
            self._check_pinned(path)
            self._cache[(path[0], path[-1])] = path
            self._cache[(path[-1], path[0])] = path[::-1]

    def _check_pinned(self, path: tuple[str, ...]) -> None:
        where = f"network_layer.paths entry {list(path)}"
        if len(path) < 2:
            raise ValueError(f"{where}: a path needs at least two nodes")
        if len(set(path)) != len(path):
            raise ValueError(f"{where}: a node appears twice")
        for node in path:
            if node not in self._adjacent:
                raise ValueError(f"{where}: {node!r} is not a node with entanglement links")
        for a, b in itertools.pairwise(path):
            if b not in self._adjacent[a]:
                raise ValueError(f"{where}: there is no entanglement link between {a!r} and {b!r}")

    def neighbours(self, node: str) -> list[str]:
        """The nodes sharing a link with ``node``, sorted."""
        return sorted(self._adjacent.get(node, {}))

    def reachable(self, source: str, target: str) -> bool:
        """True if a path of links joins the two (different) nodes."""
        if source == target:
            return False
        try:
            self.path(source, target)
        except NoPathError:
            return False
        return True

    def path(self, source: str, target: str) -> tuple[str, ...]:
        """The nodes from ``source`` to ``target``, both included (pinned or cheapest).

        Raises :class:`NoPathError` naming both nodes if none exists.
        """
        key = (source, target)
        found = self._cache.get(key)
        if found is None:
            found = self._dijkstra(source, target)
            self._cache[key] = found
            self._cache[(target, source)] = found[::-1]
        return found

    def _dijkstra(self, source: str, target: str) -> tuple[str, ...]:
        if source == target:
            raise NoPathError(f"no path from {source!r} to itself: an EPR pair needs two nodes")
        if source not in self._adjacent or target not in self._adjacent:
            self._no_path(source, target)
        # Entries (cost, path): among equal costs the lexicographically first path wins.
        heap: list[tuple[float, tuple[str, ...]]] = [(0.0, (source,))]
        done: set[str] = set()
        while heap:
            cost, path = heapq.heappop(heap)
            node = path[-1]
            if node in done:
                continue
            if node == target:
                return path
            done.add(node)
            for neighbour, step in self._adjacent[node].items():
                if neighbour not in done:
                    heapq.heappush(heap, (cost + step, (*path, neighbour)))
        self._no_path(source, target)
        raise AssertionError("unreachable")  # pragma: no cover - _no_path raises

    @staticmethod
    def _no_path(source: str, target: str) -> None:
        raise NoPathError(
            f"no path of entanglement links from {source!r} to {target!r} "
            "(add links under 'links' in the network config so that they are connected)"
        )


class ReachablePeers:
    """The nodes ``node`` can share pairs with, as a container: linked or joined by a path.

    ``peer in peers`` asks the router; iterating gives the directly linked
    nodes (for error messages).
    """

    __slots__ = ("node", "router")

    def __init__(self, router: Router, node: str) -> None:
        self.router = router
        self.node = node

    def __contains__(self, peer: object) -> bool:
        return isinstance(peer, str) and self.router.reachable(self.node, peer)

    def __iter__(self) -> Iterator[str]:
        return iter(self.router.neighbours(self.node))
