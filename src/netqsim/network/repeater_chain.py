"""One end-to-end pair over a path of links: generation per hop, swaps, cutoffs.

Every hop generates a pair with its own link model as soon as the request
holds qubit positions along the path. A repeater swaps as soon as the policy
lets it (``asap``: it holds halves of two adjacent segments; ``doubling``:
the two segments have its nesting level's length) and its ``swap_when``
timing allows (``held``: at once; ``known``/``confirmed``: once it has
learned of both segments, and has asked their far nodes) on its own processor:
CNOT, H on the left half, and both halves measured, with the device's
durations, gate noise and memory decoherence. The outcomes ``m1`` (left) and
``m2`` (right) travel to both end nodes over the classical links (a direct
one where it is faster than the path); the pair's Bell index is tracked as a
Pauli frame (bit 0: X, bit 1: Z), so the delivered index is exact and the
programs' corrections make the requested state. A cutoff shorter than one
generation attempt of a hop, or than a swap whose segment must be stored, is
an error. With a memory cutoff, a segment (a pair between two nodes of the
path, before it reaches end to end) whose oldest hop is older than the cutoff
is discarded at both its nodes and its hops are generated again.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from netqsim.hardware.processor import place_joint
from netqsim.kernel import Simulator
from netqsim.network.layer_report import NetworkSummary
from netqsim.network.link_layer import EntanglementLink
from netqsim.network.purification import PairEnd
from netqsim.network.purification_policy import PurificationPolicy, pump

__all__ = ["ChainPair", "Route", "Segment", "SwapPolicy", "cutoff_too_short", "doubling_levels"]

Gen = Generator[Any, Any, Any]


@dataclass(eq=False)
class Route:
    """A path and what it runs on: node stacks, links and classical delays.

    ``stacks[i]`` is the network stack of ``path[i]``; ``links[i]`` joins
    ``path[i]`` and ``path[i + 1]``; ``delay_from_first[i]`` is the classical
    delay from ``path[0]`` to ``path[i]`` along the path (sum of the clinks);
    ``direct(a, b)`` is the delay of a classical link between nodes ``a`` and
    ``b`` of the path, or None if they have none.
    """

    path: tuple[str, ...]
    stacks: list[Any]
    links: list[EntanglementLink]
    delay_from_first: list[float]
    purify_rounds: list[int] | int | None = None
    """Successful purification rounds per hop (scope hop) or end to end (an int); None: none."""
    direct: Callable[[str, str], float | None] | None = None

    def delay(self, i: int, j: int) -> float:
        """Classical delay between path nodes ``i`` and ``j``: over their own classical
        link if they have one and it is faster, else along the path."""
        along = abs(self.delay_from_first[j] - self.delay_from_first[i])
        if self.direct is None or abs(j - i) < 2:
            return along
        own = self.direct(self.path[i], self.path[j])
        return along if own is None else min(own, along)

    @property
    def end_to_end_delay(self) -> float:
        """Classical delay from one end node to the other (see :meth:`delay`)."""
        return self.delay(0, len(self.path) - 1)


class Segment:
    """A pair between two nodes of a path (a hop, or hops joined by swaps)."""

    __slots__ = ("alive", "bell", "born", "known_left", "known_right", "left", "reach_first",
                 "reach_last", "right", "swaps")

    def __init__(
        self, left: int, right: int, born: float, bell: int, swaps: int = 0,
        reach_first: float = 0.0, reach_last: float = 0.0,
        known_left: float = 0.0, known_right: float = 0.0,
    ) -> None:
        self.left = left
        self.right = right
        self.born = born  # generation time of its oldest hop
        self.bell = bell  # Bell index: bit 0 an X, bit 1 a Z on the right half
        self.swaps = swaps
        # When the last swap outcome of this segment reaches the first/last node.
        self.reach_first = reach_first
        self.reach_last = reach_last
        # When its left/right node has learned of it (the last swap outcome arrived there).
        self.known_left = known_left
        self.known_right = known_right
        self.alive = True


def cutoff_too_short(
    cutoff: float, link: str, attempt: float, path: tuple[str, ...], needed: float
) -> ValueError:
    """The error for a cutoff shorter than one generation attempt (``attempt`` ns) on ``link``."""
    return ValueError(
        f"network_layer.cutoff_time ({cutoff:g} ns) is shorter than one generation attempt "
        f"on link {link} ({attempt:g} ns) on the path {'-'.join(path)}: stored halves would be "
        f"discarded before that hop can deliver; set cutoff_time >= {needed:g} ns or null"
    )


def doubling_levels(hops: int) -> list[int]:
    """Per node of a ``hops + 1``-node path, the segment length its swap joins (0 at the ends).

    Node ``i`` of a doubling schedule joins two segments of ``lowbit(i)`` hops
    each. Raises ValueError unless ``hops`` is a power of two.
    """
    if hops < 1 or hops & (hops - 1):
        raise ValueError(
            f"swap schedule 'doubling' needs a path of 2^k + 1 nodes; this path has "
            f"{hops + 1} (use swap: asap, or pin a path of 3, 5, 9, 17, ... nodes)"
        )
    return [0] + [i & -i for i in range(1, hops)] + [0]


@dataclass(frozen=True)
class SwapPolicy:
    """When repeaters swap, when stored halves are discarded, and purification."""

    schedule: str = "asap"
    cutoff_ns: float | None = None
    purification: PurificationPolicy | None = None
    swap_when: str = "held"
    """held: a repeater swaps once it holds both halves; known: once the swap outcomes
    that made both segments have reached it; confirmed: known, and after a request and
    answer with the far node of each segment (which must know its segment too)."""

    def positions_needed(self, end: bool) -> int:
        """Qubit positions a pair needs at an end node or at a repeater."""
        keep = 1 if end else 2
        scope = self.purification.scope if self.purification is not None else None
        if scope == "hop" or (scope == "end_to_end" and end):
            return 2 * keep  # a sacrificial position next to each kept half
        return keep

    def check_cutoff(self, route: Route) -> None:
        """Raise ValueError if the cutoff is shorter than one attempt on a hop of ``route``.

        A stored half then lives less than one generation attempt of the hop it
        waits for, so pairs are discarded over and over and the request may never end.
        """
        cutoff = self.cutoff_ns
        if cutoff is None or len(route.path) < 3:
            return
        cycles = [(link.model.cycle_time_ns, link.name) for link in route.links]
        longest = max(cycle for cycle, _name in cycles)
        for cycle, name in cycles:
            if cutoff < cycle:
                raise cutoff_too_short(cutoff, name, cycle, route.path, longest)

    def levels(self, route: Route) -> list[int] | None:
        """Per node the segment length it waits for (doubling), or None (asap)."""
        if self.schedule == "doubling":
            return doubling_levels(len(route.path) - 1)
        return None


class ChainPair:
    """Generates one end-to-end pair for a request along ``route``.

    ``positions[i]`` holds the qubit positions the request reserved at node
    ``i``: one at each end, ``(left, right)`` at a repeater, followed by as
    many sacrificial positions when hops are purified. ``run`` is a
    generator that returns the end-to-end :class:`Segment`.
    """

    def __init__(
        self, sim: Simulator, route: Route, positions: list[tuple[int, ...]],
        policy: SwapPolicy, summary: NetworkSummary, what: str,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.sim = sim
        self.route = route
        self.policy = policy
        self.summary = summary
        self.what = what
        n = len(route.path)
        self._last = n - 1
        # The position of each node's half towards its left/right neighbour, and
        # of the sacrificial halves (hop purification).
        kept = [1 if i in (0, n - 1) else 2 for i in range(n)]
        self._left_pos = [p[0] for p in positions]
        self._right_pos = [p[k - 1] for p, k in zip(positions, kept, strict=True)]
        self._left_sac = [p[k] if len(p) > k else -1 for p, k in zip(positions, kept, strict=True)]
        self._right_sac = [p[-1] for p in positions]
        rounds = route.purify_rounds
        self._hop_rounds: list[int] = rounds if isinstance(rounds, list) else [0] * (n - 1)
        self._rng = rng
        self._levels = policy.levels(route)
        self._left_of: list[Segment | None] = [None] * n
        self._right_of: list[Segment | None] = [None] * n
        self._done = sim.event(f"end-to-end pair for {what}")  # renewed by each run
        self.swaps = 0
        self.discards = 0
        self.purify_rounds = 0
        self.purify_failures = 0

    def run(self) -> Gen:
        """Generate every hop, swap, and return the end-to-end segment when it exists.

        May run again (for another pair in the same positions) once it returned.
        """
        self._done = self.sim.event(f"end-to-end pair for {self.what}")
        for hop in range(self._last):
            self._start_hop(hop)
        return (yield self._done)

    @property
    def last_position(self) -> int:
        """The position of the pair's half at the last node."""
        return self._left_pos[-1]

    # -- hops -------------------------------------------------------------
    def _start_hop(self, hop: int) -> None:
        self.sim.process(self._hop(hop), name=f"{self.route.path[hop]}/hop for {self.what}")

    def _hop(self, hop: int) -> Gen:
        rounds = self._hop_rounds[hop]
        while True:
            bell = yield from self._generate(hop, sacrificial=False)
            born = self.sim.now
            if not rounds:
                break
            bell = yield from self._purify_hop(hop, bell, rounds)
            if bell is not None:
                # A purified pair counts as new for the cutoff: pumping may take longer
                # than the cutoff, and restarting it then would never end.
                born = self.sim.now
                break
        now = self.sim.now
        self._add(Segment(hop, hop + 1, born, bell, 0, now, now, now, now))

    def _generate(self, hop: int, sacrificial: bool) -> Gen:
        """One pair on ``hop`` into the kept (or sacrificial) positions; its Bell index."""
        route = self.route
        link = route.links[hop]
        yield from link.acquire(self.what)
        try:
            delivery = yield from link.generate()
        finally:
            link.release()
        self._check_attempt(link, delivery)
        here, there = route.stacks[hop], route.stacks[hop + 1]
        left = self._right_sac[hop] if sacrificial else self._right_pos[hop]
        right = self._left_sac[hop + 1] if sacrificial else self._left_pos[hop + 1]
        pair = [(here.processor, left), (there.processor, right)]
        if link.stack1 != here.name:
            pair.reverse()
        place_joint(pair, delivery.state)
        self.summary.add(here.name, "generated")
        self.summary.add(there.name, "generated")
        return delivery.bell_index

    def _check_attempt(self, link: EntanglementLink, delivery: Any) -> None:
        """Raise ValueError if one attempt of ``link`` took longer than the cutoff.

        The runtime side of :meth:`SwapPolicy.check_cutoff`, for link models whose
        attempts take longer than the cycle time they declare.
        """
        cutoff = self.policy.cutoff_ns
        attempt = delivery.duration_ns / delivery.attempts
        if cutoff is not None and self._last > 1 and attempt > cutoff:
            raise cutoff_too_short(cutoff, link.name, attempt, self.route.path, attempt)

    def _check_swap(self, repeater: str, took: float, left: Segment, right: Segment) -> None:
        """Raise ValueError if a swap that leaves a segment to store took longer than the cutoff.

        Such a segment is older than the cutoff the moment it is made, so it is
        discarded unless another swap takes it at that very instant: on a
        deterministic chain of four or more nodes the request would never end.
        """
        cutoff = self.policy.cutoff_ns
        end_to_end = left.left == 0 and right.right == self._last
        if cutoff is not None and not end_to_end and took > cutoff:
            raise ValueError(
                f"network_layer.cutoff_time ({cutoff:g} ns) is shorter than the entanglement "
                f"swap at repeater {repeater!r} ({took:g} ns: CNOT, H and two measurements on "
                f"its device) on the path {'-'.join(self.route.path)}: every swapped segment "
                f"is older than the cutoff when it is made; set cutoff_time >= {took:g} ns "
                "or null"
            )

    def _purify_hop(self, hop: int, bell: int, rounds: int) -> Gen:
        """Pump the hop's kept pair; Bell index 0 if it worked, None if it was spoiled."""
        route = self.route
        here, there = route.stacks[hop], route.stacks[hop + 1]
        yield from to_phi_plus(there.processor, self._left_pos[hop + 1], bell)

        def sacrifice() -> Gen:
            fresh = yield from self._generate(hop, sacrificial=True)
            yield from to_phi_plus(there.processor, self._left_sac[hop + 1], fresh)

        ends = (PairEnd(here.name, here.processor, self._right_pos[hop], self._right_sac[hop]),
                PairEnd(there.name, there.processor, self._left_pos[hop + 1],
                        self._left_sac[hop + 1]))
        delay = route.delay_from_first[hop + 1] - route.delay_from_first[hop]
        assert self._rng is not None and self.policy.purification is not None
        ok, tried = yield from pump(
            self.sim, self.policy.purification.protocol, rounds, ends, sacrifice, delay,
            self._rng, self.summary,
        )
        self.purify_rounds += tried
        if ok:
            return 0
        self.purify_failures += 1
        here.processor.free(self._right_pos[hop])
        there.processor.free(self._left_pos[hop + 1])
        return None

    # -- segments ---------------------------------------------------------
    def _add(self, segment: Segment) -> None:
        if segment.left == 0 and segment.right == self._last:
            self._done.succeed(segment)
            return
        self._right_of[segment.left] = segment
        self._left_of[segment.right] = segment
        cutoff = self.policy.cutoff_ns
        if cutoff is not None:
            timer = self.sim.timeout(max(0.0, segment.born + cutoff - self.sim.now))
            timer.callbacks.append(self._expiry(segment))  # type: ignore[union-attr]
        if segment.left > 0:
            self._try_swap(segment.left)
        if segment.right < self._last:
            self._try_swap(segment.right)

    def _expiry(self, segment: Segment) -> Callable[[Any], None]:
        def expire(_event: Any) -> None:
            if not segment.alive:
                return  # swapped away or delivered in time
            segment.alive = False
            self._right_of[segment.left] = None
            self._left_of[segment.right] = None
            stacks = self.route.stacks
            for node, position in (
                (segment.left, self._right_pos[segment.left]),
                (segment.right, self._left_pos[segment.right]),
            ):
                stacks[node].processor.free(position)
                self.summary.add(stacks[node].name, "discarded")
            self.discards += 1
            for hop in range(segment.left, segment.right):
                self._start_hop(hop)
        return expire

    def _try_swap(self, node: int) -> None:
        left, right = self._left_of[node], self._right_of[node]
        if left is None or right is None:
            return
        if self._levels is not None:
            span = self._levels[node]
            if node - left.left != span or right.right - node != span:
                return
        if self.policy.swap_when != "held":
            ready = self._swap_time(node, left, right)
            if ready > self.sim.now:
                timer = self.sim.timeout(ready - self.sim.now)
                timer.callbacks.append(  # type: ignore[union-attr]
                    lambda _event: self._try_swap(node))
                return
        left.alive = right.alive = False
        self._left_of[node] = self._right_of[node] = None
        self._right_of[left.left] = None
        self._left_of[right.right] = None
        self.sim.process(
            self._swap(node, left, right), name=f"{self.route.path[node]}/swap for {self.what}"
        )

    def _swap_time(self, node: int, left: Segment, right: Segment) -> float:
        """When ``node`` may swap ``left`` and ``right`` under ``swap_when`` known/confirmed."""
        known = max(left.known_right, right.known_left)
        if self.policy.swap_when == "known":
            return known
        # The request leaves once the repeater knows both segments; each far node answers
        # once the request arrived and it knows its segment; the swap waits for both answers.
        route = self.route
        answers = [known]
        for far, far_knows in ((left.left, left.known_left), (right.right, right.known_right)):
            delay = route.delay(node, far)
            answers.append(max(known + delay, far_knows) + delay)
        return max(answers)

    def _swap(self, node: int, left: Segment, right: Segment) -> Gen:
        stack = self.route.stacks[node]
        processor = stack.processor
        a, b = self._left_pos[node], self._right_pos[node]
        started = self.sim.now
        yield from processor.gate("cnot", (a, b))
        yield from processor.gate("h", (a,))
        m1 = yield from processor.measure(a)
        m2 = yield from processor.measure(b)
        processor.free(a)
        processor.free(b)
        self.swaps += 1
        self.summary.add(stack.name, "swapped")
        now = self.sim.now
        self._check_swap(stack.name, now - started, left, right)
        route = self.route
        to_first, to_last = route.delay(node, 0), route.delay(node, self._last)
        self._add(Segment(
            left.left, right.right, min(left.born, right.born),
            left.bell ^ right.bell ^ (m2 | (m1 << 1)),
            left.swaps + right.swaps + 1,
            max(left.reach_first, right.reach_first, now + to_first),
            max(left.reach_last, right.reach_last, now + to_last),
            max(left.known_left, now + route.delay(node, left.left)),
            max(right.known_right, now + route.delay(node, right.right)),
        ))


def to_phi_plus(processor: Any, position: int, bell: int) -> Gen:
    """Turn a pair of Bell index ``bell`` into Phi+ with gates on one half (X, then Z)."""
    if bell & 1:
        yield from processor.gate("x", (position,))
    if bell & 2:
        yield from processor.gate("z", (position,))
