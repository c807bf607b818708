"""Classical links between nodes: delayed, ordered, shared by all their users.

A classical link between two nodes carries every classical message between
them -- host socket messages and, later, the node controllers' own
entanglement-request messages -- in the order they were sent, each after the
link's delay. Receivers read from *mailboxes* keyed by ``(source, key)``;
since arrival times on a link never decrease, messages keep the link's order
across mailboxes too.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from netqsim.kernel import Channel, Simulator


class NoClassicalLink(LookupError):
    """Two nodes have no classical link between them."""


class ClassicalLink:
    """One direction of a classical link: a delay and an arrival order."""

    __slots__ = ("delay", "last_arrival", "source", "target")

    def __init__(self, source: str, target: str, delay: float) -> None:
        if not delay >= 0:
            raise ValueError(f"classical link {source}->{target}: delay must be >= 0 ns")
        self.source = source
        self.target = target
        self.delay = float(delay)
        self.last_arrival = 0.0


class ClassicalNetwork:
    """All classical links of a network, and every node's mailboxes.

    >>> from netqsim.kernel import Simulator
    >>> sim = Simulator(seed=0)
    >>> net = ClassicalNetwork(sim, {("Alice", "Bob"): 500.0})
    >>> inbox = net.mailbox("Bob", "Alice", "chat")
    >>> net.send("Alice", "Bob", "chat", "hi")
    >>> def bob():
    ...     return (yield inbox.recv()), sim.now
    >>> p = sim.process(bob())
    >>> sim.run()
    >>> p.value
    ('hi', 500.0)
    """

    def __init__(
        self,
        sim: Simulator,
        delays: dict[tuple[str, str], float],
        default_delay: float | None = None,
        nodes: Iterable[str] = (),
    ) -> None:
        """``delays`` lists the links; with ``default_delay``, every other pair of
        distinct ``nodes`` is linked too, with that delay (SquidASM's all-instant
        default without ``clinks``), built when first used so that a network of
        n nodes does not hold n^2 links."""
        self.sim = sim
        self._default = None if default_delay is None else float(default_delay)
        if self._default is not None and not self._default >= 0:
            raise ValueError(f"classical links: default_delay must be >= 0 ns, got {default_delay}")
        self._nodes = frozenset(nodes)
        self._links: dict[tuple[str, str], ClassicalLink] = {}
        for (a, b), delay in delays.items():
            if a == b:
                raise ValueError(f"a classical link needs two different nodes, got {a!r} twice")
            self._links[(a, b)] = ClassicalLink(a, b, delay)
            self._links[(b, a)] = ClassicalLink(b, a, delay)
        self._mailboxes: dict[tuple[str, str, Hashable], Channel] = {}

    @classmethod
    def complete(cls, sim: Simulator, nodes: Iterable[str], delay: float = 0.0) -> ClassicalNetwork:
        """Every pair of ``nodes`` linked with the same delay."""
        names = list(nodes)
        return cls(sim, {(a, b): delay for i, a in enumerate(names) for b in names[i + 1:]})

    def delay(self, source: str, target: str) -> float:
        """The delay in ns of the link from ``source`` to ``target``."""
        return self._link(source, target).delay

    def has_link(self, source: str, target: str) -> bool:
        """True if the two nodes are classically linked."""
        return (source, target) in self._links or self._by_default(source, target)

    def _by_default(self, source: str, target: str) -> bool:
        return (
            self._default is not None
            and source != target
            and source in self._nodes
            and target in self._nodes
        )

    def _link(self, source: str, target: str) -> ClassicalLink:
        link = self._links.get((source, target))
        if link is None and self._by_default(source, target):
            assert self._default is not None
            link = self._links[(source, target)] = ClassicalLink(source, target, self._default)
        if link is None:
            raise NoClassicalLink(
                f"there is no classical link between {source!r} and {target!r} "
                "(add one under 'clinks' in the network config)"
            )
        return link

    def mailbox(self, node: str, source: str, key: Hashable) -> Channel:
        """The channel on which ``node`` receives ``source``'s messages for ``key``."""
        box = self._mailboxes.get((node, source, key))
        if box is None:
            box = Channel(self.sim, 0.0, name=f"{source}->{node} {key}")
            self._mailboxes[(node, source, key)] = box
        return box

    def send(self, source: str, target: str, key: Hashable, message: Any) -> None:
        """Send ``message`` to ``target``'s mailbox for ``(source, key)``."""
        link = self._link(source, target)
        now = self.sim.now
        arrival = max(now + link.delay, link.last_arrival)
        link.last_arrival = arrival
        self.mailbox(target, source, key).send(message, delay=arrival - now)
