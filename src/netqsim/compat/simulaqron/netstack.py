"""SimulaQron's entanglement semantics: ``create_keep`` does not wait for the peer's receive.

In SimulaQron the creator of a pair makes it at once and hands the other half
to the peer's backend, where it waits until the peer's ``recv_keep`` picks it
up. SimulaQron's own examples rely on this (the creator flushes before
telling the peer to receive). netqsim's network stack, like SquidASM's,
starts generating only once both sides asked; under ``netqsim simulaqron``
each node's stack answers a creator's request at once instead: the pair is
generated (taking the link's time), the creator's half delivered, and the
peer's half kept in the peer's memory until its receive takes it.
"""

from __future__ import annotations

from collections import defaultdict

from netqsim.qnodeos.netstack import NETSTACK_KEY, NetworkStack

__all__ = ["CreateFirstNetworkStack", "use_create_first"]


class CreateFirstNetworkStack(NetworkStack):
    """A network stack that lets requests proceed before the matching receive (module doc)."""

    # Pairs generated (or being generated) per (remote node id, purpose id)
    # before this node's program asked to receive them.
    _early: defaultdict[tuple[int, int], int]

    def _match(self, key: tuple[int, int]) -> None:
        incoming = self._incoming[key]
        while incoming:
            request = incoming.popleft()
            if self._receives[key] > 0:
                self._receives[key] -= 1
            else:
                self._early[key] += 1
            self._classical.send(self.name, request.creator.name, NETSTACK_KEY, ("READY", request))

    def receive_registered(self, remote_node_id: int, purpose_id: int) -> None:
        """A receive takes an early pair if there is one; otherwise it waits as usual."""
        key = (remote_node_id, purpose_id)
        if self._early[key] > 0:
            self._peer(remote_node_id)
            self._early[key] -= 1
            return
        super().receive_registered(remote_node_id, purpose_id)


def use_create_first(stack: NetworkStack) -> None:
    """Give a built node's ``stack`` SimulaQron's semantics (see the module doc).

    The stack keeps its state; only its class changes (the network builder
    builds plain stacks, and this runner is the only one that wants these).
    """
    stack.__class__ = CreateFirstNetworkStack
    stack._early = defaultdict(int)  # type: ignore[attr-defined]
