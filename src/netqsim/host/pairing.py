"""Which program on a peer node each program's sockets connect to, and their ids.

netqasm pairs sockets by application and socket id (``Socket(app_name,
remote_app_name, socket_id)``, ``EPRSocket(remote_app_name, epr_socket_id,
remote_epr_socket_id)``); SquidASM's ``ProgramMeta`` names only the remote
*node*. With several programs on a node, netqsim pairs them in the order they
are given: the k-th program on node A that has a socket to node B pairs with
the k-th program on B that has a socket to A (classical and EPR sockets each
on their own). The two nodes must then run the same number of such programs;
a node whose peer runs none keeps a socket that nobody answers, as before.

EPR socket ids are unique per node (numbered across its programs in order), so
the purpose id of a socket pair -- the lower node id's socket id, see
:meth:`~netqsim.qnodeos.netstack.NetworkStack.get_purpose_id` -- is unique per
link, and pairs and requests reach only the application that asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from netqsim.host.program import ProgramMeta

# (node, program name, remote node)
_Key = tuple[str, str, str]


@dataclass(frozen=True)
class SocketPlan:
    """The socket pairing of one run (see the module docstring)."""

    #: (node, program, remote) -> the program on ``remote`` its classical socket talks to
    csocket_peers: dict[_Key, str | None] = field(default_factory=dict)
    #: (node, program, remote) -> (its EPR socket id, the peer program's socket id)
    epr_socket_ids: dict[_Key, tuple[int, int]] = field(default_factory=dict)

    def csocket_peer(self, node: str, program: str, remote: str) -> str | None:
        """The program on ``remote`` that ``program``'s classical socket talks to."""
        return self.csocket_peers.get((node, program, remote))

    def epr_socket(self, node: str, program: str, remote: str, index: int) -> tuple[int, int]:
        """(local, remote) EPR socket ids of ``program``'s socket to ``remote``.

        ``index`` is the socket's position in ``meta.epr_sockets``; a program the
        plan does not know (one run outside :func:`plan_sockets`) uses it as its id.
        """
        return self.epr_socket_ids.get((node, program, remote), (index, 0))


def plan_sockets(programs: Mapping[str, Sequence[ProgramMeta]]) -> SocketPlan:
    """Pair the sockets of ``programs`` (node name -> the metas of its programs)."""
    csocket_pairs = _pair(programs, "csockets")
    epr_pairs = _pair(programs, "epr_sockets")
    local_ids: dict[_Key, int] = {}
    for node, metas in programs.items():
        next_id = 0
        for meta in metas:
            for remote in meta.epr_sockets:
                local_ids[(node, meta.name, remote)] = next_id
                next_id += 1
    epr_ids = {}
    for key, local_id in local_ids.items():
        node, _, remote = key
        peer = epr_pairs.get(key)
        remote_id = local_ids[(remote, peer, node)] if peer is not None else 0
        epr_ids[key] = (local_id, remote_id)
    return SocketPlan(csocket_pairs, epr_ids)


def _pair(programs: Mapping[str, Sequence[ProgramMeta]], kind: str) -> dict[_Key, str | None]:
    """(node, program, remote) -> the peer program, for sockets of ``kind``."""
    def talking(node: str, remote: str) -> list[str]:
        return [meta.name for meta in programs.get(node, ()) if remote in getattr(meta, kind)]

    pairs: dict[_Key, str | None] = {}
    for node, metas in programs.items():
        remotes = dict.fromkeys(r for meta in metas for r in getattr(meta, kind))
        for remote in remotes:
            mine, theirs = talking(node, remote), talking(remote, node)
            if theirs and len(mine) != len(theirs):
                label = "classical" if kind == "csockets" else "EPR"
                raise ValueError(
                    f"node {node!r} runs {len(mine)} program(s) with a {label} socket to "
                    f"{remote!r} ({', '.join(mine)}) but {remote!r} runs {len(theirs)} with "
                    f"one to {node!r} ({', '.join(theirs)}); programs pair in the order "
                    "they are given, so both nodes need the same number"
                )
            for index, name in enumerate(mine):
                pairs[(node, name, remote)] = theirs[index] if theirs else None
    return pairs


__all__ = ["SocketPlan", "plan_sockets"]
