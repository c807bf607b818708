"""The network layer: entanglement between nodes that share no link.

A creator's request to a node without a link takes the path the
:class:`~netqsim.network.routing.Router` gives (pinned, or cheapest by link
cost). The request (REQ) travels to the receiver and its READY comes back
along the path's classical links, with the sum of their delays, as for a
direct link. Then each pair is made by a
:class:`~netqsim.network.repeater_chain.ChainPair` (generation per hop, swaps
at the repeaters, cutoffs) and handed to each end node when the last swap
outcome has reached it. Repeaters run no application: the layer uses their
processors and qubit positions directly.

Policies come from the config's ``network_layer`` section
(``cutoff_time``, ``swap``, ``swap_when``, ``purification``,
``paths``); without one: swap-asap, no cutoff, cheapest paths.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator, Mapping
from typing import Any

from netqsim.hardware.processor import joint_state
from netqsim.kernel import Simulator
from netqsim.network.classical import ClassicalNetwork
from netqsim.network.layer_report import NetworkSummary, PairReport
from netqsim.network.link_layer import EntanglementLink
from netqsim.network.purification import PairEnd
from netqsim.network.purification_policy import (
    PurificationPolicy,
    pump,
    rounds_needed,
    werner_product_fidelity,
)
from netqsim.network.repeater_chain import ChainPair, Route, Segment, SwapPolicy, to_phi_plus
from netqsim.network.routing import Router
from netqsim.quantum import bell_state, fidelity

__all__ = [
    "SWAP_SCHEDULES", "SWAP_TIMINGS", "NetworkLayer", "policy_from_config", "router_from_config",
]

Gen = Generator[Any, Any, Any]

#: Values of ``network_layer.swap``.
SWAP_SCHEDULES = ("asap", "doubling")
#: Values of ``network_layer.swap_when``.
SWAP_TIMINGS = ("held", "known", "confirmed")


def _setting(section: Any, key: str, default: Any) -> Any:
    if section is None:
        return default
    if isinstance(section, Mapping):
        return section.get(key, default)
    return getattr(section, key, default)


def policy_from_config(config: Any) -> SwapPolicy:
    """The swap schedule, memory cutoff, purification and swap timing of ``network_layer``."""
    section = getattr(config, "network_layer", None)
    schedule = _setting(section, "swap", "asap") or "asap"
    schedule = getattr(schedule, "value", schedule)
    if schedule not in SWAP_SCHEDULES:
        raise ValueError(
            f"network_layer.swap: {schedule!r} is not a swap schedule; use one of "
            f"{', '.join(SWAP_SCHEDULES)}"
        )
    cutoff = _setting(section, "cutoff_time", None)
    if cutoff is not None and not float(cutoff) > 0:
        raise ValueError(f"network_layer.cutoff_time must be > 0 ns or null, got {cutoff!r}")
    purification = _setting(section, "purification", None)
    if purification is not None:
        purification = PurificationPolicy(
            _setting(purification, "protocol", None),
            _setting(purification, "scope", "hop"),
            float(_setting(purification, "target_fidelity", 1.0)),
        )
    when = _setting(section, "swap_when", "held") or "held"
    if when not in SWAP_TIMINGS:
        raise ValueError(
            f"network_layer.swap_when: {when!r} is not a swap timing; use one of "
            f"{', '.join(SWAP_TIMINGS)}"
        )
    return SwapPolicy(schedule, None if cutoff is None else float(cutoff), purification, when)


def router_from_config(config: Any) -> Router:
    """A router over a config's links (each link's ``cost``, default 1) and pinned paths."""
    links = list(config.links)
    costs = [float(getattr(link, "cost", None) or 1.0) for link in links]
    pinned = _setting(getattr(config, "network_layer", None), "paths", None) or ()
    return Router(
        [(link.stack1, link.stack2) for link in links], costs, pinned,
        nodes=config.stack_names,
    )


class NetworkLayer:
    """Serves requests between nodes without a link, over paths of links.

    ``stacks`` maps node names to their network stacks, which provide
    ``name``, ``processor``, ``reserve_positions``, ``release_positions``,
    ``accept_request``, and ``deliver_routed``.
    """

    def __init__(
        self,
        sim: Simulator,
        router: Router,
        policy: SwapPolicy,
        classical: ClassicalNetwork,
        links: Mapping[frozenset[str], EntanglementLink],
        stacks: Mapping[str, Any],
    ) -> None:
        self.sim = sim
        self.router = router
        self.policy = policy
        self.summary = NetworkSummary()
        self._classical = classical
        self._links = links
        self._stacks = stacks
        self._routes: dict[tuple[str, str], Route] = {}
        self._by_id = {stack.node_id: stack for stack in stacks.values()}
        self._rng = sim.rng_stream("network-layer")

    def stack_by_id(self, node_id: int) -> Any:
        """The network stack of the node with id ``node_id`` (None if there is none)."""
        return self._by_id.get(node_id)

    def route(self, source: str, target: str) -> Route:
        """The route from ``source`` to ``target`` (NoPathError naming both if none)."""
        key = (source, target)
        found = self._routes.get(key)
        if found is None:
            found = self._routes[key] = self._build_route(self.router.path(source, target))
        return found

    def _build_route(self, path: tuple[str, ...]) -> Route:
        delays = [0.0]
        for a, b in itertools.pairwise(path):
            delays.append(delays[-1] + self._classical.delay(a, b))
        route = Route(
            path, [self._stacks[name] for name in path],
            [self._links[frozenset(pair)] for pair in itertools.pairwise(path)],
            delays, direct=self._direct_delay,
        )
        self.policy.levels(route)  # a doubling schedule checks the path length here
        self.policy.check_cutoff(route)
        self._check_positions(route)
        route.purify_rounds = self._purification_rounds(route)
        return route

    def _direct_delay(self, a: str, b: str) -> float | None:
        """The delay of the classical link between ``a`` and ``b`` (None if there is none)."""
        return self._classical.delay(a, b) if self._classical.has_link(a, b) else None

    def _check_positions(self, route: Route) -> None:
        """Every node of the path has the communication positions its role needs."""
        last = len(route.path) - 1
        for i, stack in enumerate(route.stacks):
            needed = self.policy.positions_needed(i in (0, last))
            have = len(stack.processor.comm_positions)
            if have < needed:
                role = "an end node" if i in (0, last) else "a repeater"
                raise ValueError(
                    f"node {stack.name!r} on the path {'-'.join(route.path)} has {have} "
                    f"communication qubit position(s); as {role} it needs {needed}"
                )

    def _purification_rounds(self, route: Route) -> list[int] | int | None:
        """Successful rounds per hop (scope hop) or end to end; None without purification."""
        purification = self.policy.purification
        if purification is None:
            return None
        protocol, target = purification.protocol, purification.target_fidelity
        fidelities = [link.model.fidelity() for link in route.links]
        if purification.scope == "hop":
            return [
                rounds_needed(protocol, f, target, f"link {link.name}")
                for f, link in zip(fidelities, route.links, strict=True)
            ]
        return rounds_needed(protocol, werner_product_fidelity(fidelities), target,
                             f"path {'-'.join(route.path)}")

    # -- handshake --------------------------------------------------------
    def send_request(self, request: Any) -> None:
        """Carry a creator's REQ to the receiver along the route."""
        self._after(request.route.end_to_end_delay, request.receiver.accept_request, request)

    def send_ready(self, request: Any) -> None:
        """Carry the receiver's READY back; the pairs start when it arrives."""
        self._after(request.route.end_to_end_delay, self._start, request)

    def _after(self, delay: float, action: Any, request: Any) -> None:
        timer = self.sim.timeout(delay)
        timer.callbacks.append(lambda _event: action(request))  # type: ignore[union-attr]

    def _start(self, request: Any) -> None:
        request.creator.answered(request)
        self.sim.process(self._serve(request), name=f"network layer {request.describe()}")

    # -- pairs ------------------------------------------------------------
    def _serve(self, request: Any) -> Gen:
        route: Route = request.route
        what = request.describe()
        first, last = route.stacks[0], route.stacks[-1]
        taken_up = self.sim.now  # GOODNESS counts from here, as a link's from held_since
        for index in range(request.create.number):
            positions = yield from self._reserve(route, what)
            start = self.sim.now
            pair, final, done = yield from self._end_to_end(route, positions, what)
            self._release_repeaters(route, positions)
            own, remote = positions[0][0], positions[-1][0]
            arrivals = sorted(
                [(max(final.reach_first, done), 0, first, own),
                 (max(final.reach_last, done), 1, last, remote)],
                key=lambda item: (item[0], item[1]),
            )
            measured = None
            for when, side, stack, position in arrivals:
                if when > self.sim.now:
                    yield self.sim.timeout(when - self.sim.now)
                if measured is None:
                    state = joint_state([(first.processor, own), (last.processor, remote)])
                    measured = fidelity(state, bell_state(final.bell))
                    # Both ends report one duration, so their SDK retry loops agree.
                    duration = self.sim.now - taken_up
                stack.deliver_routed(request, index, position, side == 0, final.bell, duration)
                self.summary.add(stack.name, "delivered")
            assert measured is not None
            self.summary.pairs.append(PairReport(
                route.path, request.create_id, index, start, self.sim.now,
                pair.swaps, pair.discards, measured, final.bell,
                pair.purify_rounds, pair.purify_failures,
            ))

    def _end_to_end(self, route: Route, positions: list[tuple[int, ...]], what: str) -> Gen:
        """One end-to-end pair (purified end to end if the policy says so).

        Returns the :class:`ChainPair` that made it (its counters include
        every try), the final segment, and the time from which both ends know
        of it regardless of the swap outcomes (purification, else 0).
        """
        purification = self.policy.purification
        rounds = route.purify_rounds if (
            purification is not None and purification.scope == "end_to_end") else 0
        pair = ChainPair(self.sim, route, positions, self.policy, self.summary, what, self._rng)
        if not rounds:
            return pair, (yield from pair.run()), 0.0
        assert purification is not None and isinstance(rounds, int)
        first, last = route.stacks[0], route.stacks[-1]
        sacrificial = [positions[0][1:], *positions[1:-1], positions[-1][1:]]
        while True:
            final = yield from self._corrected(pair)
            helper = ChainPair(self.sim, route, sacrificial, self.policy, self.summary, what,
                               self._rng)
            ends = (PairEnd(first.name, first.processor, positions[0][0], positions[0][1]),
                    PairEnd(last.name, last.processor, positions[-1][0], positions[-1][1]))
            ok, tried = yield from pump(
                self.sim, purification.protocol, rounds, ends,
                lambda helper=helper: self._corrected(helper), route.end_to_end_delay,
                self._rng, self.summary,
            )
            pair.swaps += helper.swaps
            pair.discards += helper.discards
            pair.purify_rounds += tried
            if ok:
                final.bell = 0
                return pair, final, self.sim.now
            pair.purify_failures += 1
            first.processor.free(positions[0][0])
            last.processor.free(positions[-1][0])

    def _corrected(self, pair: ChainPair) -> Gen:
        """Run ``pair`` again; once the last node knows the frame, make it Phi+ there."""
        final: Segment = yield from pair.run()
        wait = max(final.reach_first, final.reach_last) - self.sim.now
        if wait > 0:
            yield self.sim.timeout(wait)
        last = pair.route.stacks[-1]
        yield from to_phi_plus(last.processor, pair.last_position, final.bell)
        return final

    def _reserve(self, route: Route, what: str) -> Gen:
        """Qubit positions along the route: one per end node, two per repeater.

        Nodes are served in node-id order, the same for every request, so two
        requests waiting for each other's positions cannot block each other.
        """
        last = len(route.path) - 1
        positions: list[tuple[int, ...]] = [()] * (last + 1)
        order = sorted(range(last + 1), key=lambda i: route.stacks[i].node_id)
        for i in order:
            count = self.policy.positions_needed(i in (0, last))
            positions[i] = yield from route.stacks[i].reserve_positions(count, what)
        return positions

    def _release_repeaters(self, route: Route, positions: list[tuple[int, ...]]) -> None:
        """Give back what the pair no longer needs: all of the repeaters' positions and
        the end nodes' sacrificial ones (their kept halves go to the programs)."""
        for stack, held in zip(route.stacks[1:-1], positions[1:-1], strict=True):
            stack.release_positions(held)
        for stack, held in ((route.stacks[0], positions[0]), (route.stacks[-1], positions[-1])):
            if len(held) > 1:
                stack.release_positions(held[1:])

    def count_direct(self, creator: str, receiver: str) -> None:
        """Count a pair a direct link delivered (generated and delivered at both ends)."""
        for node in (creator, receiver):
            self.summary.add(node, "generated")
            self.summary.add(node, "delivered")
