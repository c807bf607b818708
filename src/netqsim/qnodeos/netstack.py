"""A node's network stack: EPR sockets and entanglement requests.

Timing follows SquidASM's stack runtime. A creator's request travels to the
peer's network stack over the classical link (delay d); the peer answers
READY once its program has issued the matching receive (another d); then the
entanglement link generates the pairs one after the other. One
``create_keep(number=N)`` therefore takes ``2 d + N x`` (link generation
time), and requests on the same link queue up. Several peers are served at
the same time, each by its own link.

Results go to the executors in netqasm's link-layer formats
(``LinkLayerOKTypeK``/``LinkLayerOKTypeM``), filling the programs' result
arrays. The Bell state the link heralded is reported as it is; the NetQASM
SDK compiles the corrections on the receiving side. GOODNESS is the
generation duration in whole microseconds, as SquidASM writes it: from the
moment the link took the request up to this pair's delivery (so it grows
with the pair index). The SDK reads it as ``generation_duration`` and its
``min_fidelity_all_at_end`` loop retries while it is not below
``100000 - 900 * F_min``. Requests to a node without a link go to the
network layer (:mod:`netqsim.network.network_layer`); their GOODNESS runs
from when the layer took the request up.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from netqasm.backend.network_stack import BaseNetworkStack
from netqasm.qlink_compat import (
    Basis,
    BellState,
    LinkLayerCreate,
    LinkLayerOKTypeK,
    LinkLayerOKTypeM,
    RandomBasis,
    RequestType,
    ReturnType,
)

from netqsim.hardware.errors import UnsupportedInstruction
from netqsim.hardware.processor import place_joint
from netqsim.kernel import Event, Simulator
from netqsim.logs import StackLog
from netqsim.network.classical import ClassicalNetwork
from netqsim.network.link_layer import EntanglementLink
from netqsim.qnodeos.measure import measurement_basis

if TYPE_CHECKING:
    from netqsim.qnodeos.executor import NodeExecutor

Gen = Generator[Any, Any, Any]

NETSTACK_KEY = "netstack"

# netqsim's Bell index (NetSquid order: Phi+, Psi+, Phi-, Psi-) -> netqasm's BellState.
_NETQASM_BELL = (BellState.PHI_PLUS, BellState.PSI_PLUS, BellState.PHI_MINUS, BellState.PSI_MINUS)
_AXES = {0: "XYX", 1: "YZY", 2: "ZXZ"}
_SQRT_HALF = 1 / math.sqrt(2)
_H = np.array([[1, 1], [1, -1]], dtype=complex) * _SQRT_HALF
_BASIS_UNITARIES = {
    Basis.Z: np.eye(2, dtype=complex),
    Basis.X: _H,
    Basis.Y: np.diag([1, 1j]) @ _H,
    Basis.ZPLUSX: np.array(
        [[math.cos(math.pi / 8), -math.sin(math.pi / 8)],
         [math.sin(math.pi / 8), math.cos(math.pi / 8)]], dtype=complex),
    Basis.ZMINUSX: np.array(
        [[math.cos(math.pi / 8), math.sin(math.pi / 8)],
         [-math.sin(math.pi / 8), math.cos(math.pi / 8)]], dtype=complex),
}
_RANDOM_BASES = {
    RandomBasis.XZ: (Basis.X, Basis.Z),
    RandomBasis.XYZ: (Basis.X, Basis.Y, Basis.Z),
    RandomBasis.CHSH: (Basis.ZPLUSX, Basis.ZMINUSX),
}


def generation_duration_us(duration_ns: float) -> int:
    """A generation duration in whole microseconds, rounded down, as SquidASM reports it."""
    # Sums of float times can land a hair below a whole microsecond (3 us as
    # 2999.9999999996 ns); 1e-6 us (1 ps) of slack counts those as 3 us.
    return math.floor(duration_ns / 1000 + 1e-6)


def _observable_basis(unitary: np.ndarray) -> Basis:
    """The named basis a measurement unitary measures in (Z if none)."""
    for basis in (Basis.Z, Basis.X, Basis.Y):
        overlap = abs(np.vdot(_BASIS_UNITARIES[basis][:, 0], unitary[:, 0]))
        if abs(overlap - 1) < 1e-9 or overlap < 1e-9:
            return basis
    return Basis.Z


@dataclass(eq=False)
class EntanglementRequest:
    """A creator's request, as both network stacks know it."""

    create: LinkLayerCreate
    create_id: int
    creator: NetworkStack
    receiver: NetworkStack
    route: Any = None
    """The network layer's route when the two nodes share no link (None: direct link)."""

    def describe(self) -> str:
        kind = {RequestType.K: "create_keep", RequestType.M: "create_measure",
                RequestType.R: "create_rsp"}.get(self.create.type, str(self.create.type))
        return (
            f"{kind}(number={self.create.number}) request {self.create_id} from "
            f"{self.creator.name!r} to {self.receiver.name!r}"
        )


class NetworkStack(BaseNetworkStack):
    """Serves one node's EPR sockets and entanglement requests.

    Created for every node; :meth:`connect` adds a peer reachable over an
    entanglement link. Requests to a node without a link go to the network
    layer (:attr:`layer`), which serves them over a path of links.
    """

    def __init__(
        self,
        sim: Simulator,
        name: str,
        node_id: int,
        executor: NodeExecutor,
        processor: Any,
        classical: ClassicalNetwork,
        rng: np.random.Generator,
    ) -> None:
        self.sim = sim
        self.name = name
        self.node_id = node_id
        self.executor = executor
        self.processor = processor
        self._classical = classical
        self._rng = rng
        self._log = StackLog("netstack", name, sim)
        self._peers: dict[int, tuple[NetworkStack, EntanglementLink]] = {}
        self._sockets: dict[tuple[int, int], int] = {}
        self._incoming: dict[tuple[int, int], deque[EntanglementRequest]] = defaultdict(deque)
        self._receives: dict[tuple[int, int], int] = defaultdict(int)
        self._qubit_waiters: list[Event] = []
        self._next_create_id = 0
        self._unanswered: dict[int, EntanglementRequest] = {}
        #: The network layer (:class:`netqsim.network.network_layer.NetworkLayer`), if any.
        self.layer: Any = None
        sim.add_stall_reporter(self._unfinished)

    def connect(self, peer: NetworkStack, link: EntanglementLink) -> None:
        """Make ``peer`` reachable over ``link`` (call on both ends)."""
        self._peers[peer.node_id] = (peer, link)
        self.sim.process(
            self._listen(peer), name=f"{self.name}/netstack from {peer.name}", daemon=True
        )

    def _peer(self, remote_node_id: int) -> tuple[NetworkStack, EntanglementLink]:
        found = self._peers.get(remote_node_id)
        if found is None:
            linked = ", ".join(sorted(peer.name for peer, _ in self._peers.values())) or "none"
            raise UnsupportedInstruction(
                f"node {self.name!r} has no entanglement link to node id {remote_node_id} "
                f"(linked nodes: {linked}; add a link under 'links' in the network config)"
            )
        return found

    def _remote(self, remote_node_id: int) -> NetworkStack:
        """The stack of a node reachable over a link or, via the network layer, a path."""
        found = self._peers.get(remote_node_id)
        if found is not None:
            return found[0]
        if self.layer is not None:
            remote = self.layer.stack_by_id(remote_node_id)
            if remote is not None and self.layer.router.reachable(self.name, remote.name):
                return remote  # type: ignore[no-any-return]
        return self._peer(remote_node_id)[0]  # raises, naming the linked nodes

    # -- netqasm's network stack interface ---------------------------------------
    def get_purpose_id(self, remote_node_id: int, epr_socket_id: int) -> int:
        """The id both ends use for a socket pair: the lower node id's socket id.

        Hosts number EPR sockets per node, across its applications
        (:mod:`netqsim.host.pairing`), so this id is unique per link and the
        requests and pairs of different applications never mix.
        """
        remote_socket = self._sockets.get((remote_node_id, epr_socket_id))
        if remote_socket is None:
            raise ValueError(
                f"EPR socket {epr_socket_id} of node {self.name!r} towards node id "
                f"{remote_node_id} is not open"
            )
        return epr_socket_id if self.node_id < remote_node_id else remote_socket

    def setup_epr_socket(
        self, epr_socket_id: int, remote_node_id: int, remote_epr_socket_id: int,
        timeout: float = 1.0,
    ) -> Gen:
        """Open a socket towards a node reachable over a link or a path (else an error)."""
        self._remote(remote_node_id)
        self._sockets[(remote_node_id, epr_socket_id)] = remote_epr_socket_id
        return
        yield  # a generator, as netqasm's executor expects

    def put(self, request: LinkLayerCreate) -> None:
        """A creator's request (from ``create_epr``): send it to the peer."""
        peer = self._remote(request.remote_node_id)
        entanglement = EntanglementRequest(request, self._next_create_id, self, peer)
        self._next_create_id += 1
        if self._log.on:
            self._log.info("sent %s", entanglement.describe())
        self._unanswered[entanglement.create_id] = entanglement
        if request.remote_node_id in self._peers:
            self._classical.send(self.name, peer.name, NETSTACK_KEY, ("REQ", entanglement))
        else:
            entanglement.route = self.layer.route(self.name, peer.name)
            self.layer.send_request(entanglement)

    def receive_registered(self, remote_node_id: int, purpose_id: int) -> None:
        """The local program issued ``recv_epr``: a matching request may start."""
        self._remote(remote_node_id)
        key = (remote_node_id, purpose_id)
        self._receives[key] += 1
        if self._log.on:
            self._log.info("receive registered for EPR socket purpose %d with node id %d",
                           purpose_id, remote_node_id)
        self._match(key)

    def qubit_freed(self) -> None:
        """A qubit position was freed: requests waiting for one try again."""
        waiters, self._qubit_waiters = self._qubit_waiters, []
        for event in waiters:
            event.succeed()

    # -- protocol -------------------------------------------------------------
    def _listen(self, peer: NetworkStack) -> Gen:
        inbox = self._classical.mailbox(self.name, peer.name, NETSTACK_KEY)
        while True:
            kind, request = yield inbox.recv()
            if kind == "REQ":
                self.accept_request(request)
            else:  # READY: the receiver is waiting for the pairs
                self.answered(request)
                self.sim.process(
                    self._generate(request), name=f"{self.name}/netstack {request.describe()}"
                )

    def answered(self, request: EntanglementRequest) -> None:
        """The receiver's READY for one of this node's requests arrived."""
        if self._log.on:
            self._log.info("peer ready for %s", request.describe())
        del self._unanswered[request.create_id]

    def accept_request(self, request: EntanglementRequest) -> None:
        """A creator's request arrived: it starts when the local program receives."""
        if self._log.on:
            self._log.info("received %s", request.describe())
        key = (request.creator.node_id, request.create.purpose_id)
        self._incoming[key].append(request)
        self._match(key)

    def _unfinished(self) -> list[str]:
        lines = [
            f"{request.describe()} waits for {request.receiver.name!r} to issue the "
            "matching receive (recv_keep, recv_measure or recv_rsp on the same EPR socket)"
            for request in self._unanswered.values()
        ]
        for (remote_id, purpose_id), count in self._receives.items():
            if count:
                peer = self._remote(remote_id).name
                lines.append(
                    f"node {self.name!r} waits for {count} request(s) from {peer!r} "
                    f"(EPR socket purpose {purpose_id}) that were never sent"
                )
        return lines

    def _match(self, key: tuple[int, int]) -> None:
        incoming = self._incoming[key]
        while incoming and self._receives[key] > 0:
            request = incoming.popleft()
            self._receives[key] -= 1
            if request.route is None:
                self._classical.send(
                    self.name, request.creator.name, NETSTACK_KEY, ("READY", request)
                )
            else:
                self.layer.send_ready(request)

    def _generate(self, request: EntanglementRequest) -> Gen:
        peer = request.receiver
        _, link = self._peers[peer.node_id]
        yield from link.acquire(request.describe())
        try:
            for index in range(request.create.number):
                own = yield from self._reserve(request)
                remote = yield from peer._reserve(request)
                delivery = yield from link.generate()
                self._deliver(request, index, link, delivery, own, remote)
        finally:
            link.release()

    def _reserve(self, request: EntanglementRequest) -> Gen:
        """A free communication qubit position, reserved (waits for one if needed)."""
        (position,) = yield from self.reserve_positions(1, request.describe())
        return position

    def reserve_positions(self, count: int, what: str) -> Gen:
        """``count`` free communication positions, reserved together (waits until there are).

        Taking them all at once means two requests that each need two
        positions cannot each hold one and wait forever for the other.
        """
        while True:
            free = [p for p in sorted(self.processor.comm_positions)
                    if self.executor.position_is_free(p)]
            if len(free) >= count:
                for position in free[:count]:
                    self.executor.reserve_position(position)
                return tuple(free[:count])
            qubits = "a free communication qubit" if count == 1 else (
                f"{count} free communication qubits")
            event = self.sim.event(f"{qubits} on node {self.name!r} for {what}")
            self._qubit_waiters.append(event)
            yield event

    def release_positions(self, positions: tuple[int, ...]) -> None:
        """Give back reserved positions whose qubits are gone (a repeater after its swap)."""
        for position in positions:
            self.executor.release_position(position)
        self.qubit_freed()

    def _deliver(
        self, request: EntanglementRequest, index: int, link: EntanglementLink,
        delivery: Any, own: int, remote: int,
    ) -> None:
        peer = request.receiver
        pair = [(self.processor, own), (peer.processor, remote)]
        if link.stack1 != self.name:
            pair.reverse()
        place_joint(pair, delivery.state)
        # Both ends report the same duration, so the two SDK retry loops of a
        # min_fidelity_all_at_end request always agree on whether to try again.
        goodness = generation_duration_us(self.sim.now - link.held_since)
        mine = self._result(request, index, own, True, delivery.bell_index, goodness)
        theirs = peer._result(request, index, remote, False, delivery.bell_index, goodness)
        self.executor.handle_epr_response(mine)
        peer.executor.handle_epr_response(theirs)
        if self.layer is not None:
            self.layer.count_direct(self.name, peer.name)

    def deliver_routed(
        self, request: EntanglementRequest, index: int, position: int, is_creator: bool,
        bell_index: int, duration_ns: float,
    ) -> None:
        """Hand this node's half of a pair the network layer made to the executor.

        ``duration_ns`` runs from when the layer took the request up (READY
        arrived) to the pair's delivery; the layer gives both ends the same.
        """
        goodness = generation_duration_us(duration_ns)
        self.executor.handle_epr_response(
            self._result(request, index, position, is_creator, bell_index, goodness)
        )

    def _result(
        self, request: EntanglementRequest, index: int, position: int, is_creator: bool,
        bell_index: int, goodness: int,
    ) -> LinkLayerOKTypeK | LinkLayerOKTypeM:
        """This node's link-layer result for one pair, in the format the request asks for."""
        common = {
            "create_id": request.create_id,
            "sequence_number": index,
            "purpose_id": request.create.purpose_id,
            "goodness": goodness,
            "bell_state": _NETQASM_BELL[bell_index],
        }
        create = request.create
        other = request.receiver if is_creator else request.creator
        direction = 0 if is_creator else 1
        keeps = create.type == RequestType.K or (create.type != RequestType.M and not is_creator)
        if keeps:  # create_keep, or the receiving side of remote state preparation
            return self._keep_result(position, direction, other.node_id, common)
        if is_creator:
            return self._measured_result(
                position, direction, other.node_id, common, create.random_basis_local,
                (create.rotation_local_1, create.rotation_local_2, create.rotation_local_3),
                create.rotation_axes_local,
            )
        return self._measured_result(
            position, direction, other.node_id, common, create.random_basis_remote,
            (create.rotation_remote_1, create.rotation_remote_2, create.rotation_remote_3),
            create.rotation_axes_remote,
        )

    def _keep_result(
        self, position: int, direction: int, remote_id: int, common: dict[str, Any]
    ) -> LinkLayerOKTypeK:
        return LinkLayerOKTypeK(
            type=ReturnType.OK_K, logical_qubit_id=position, directionality_flag=direction,
            remote_node_id=remote_id, goodness_time=int(self.sim.now // 1000), **common,
        )

    def _measured_result(
        self, position: int, direction: int, remote_id: int, common: dict[str, Any],
        random_basis: Any, rotations: tuple[int, int, int], axes: Any,
    ) -> LinkLayerOKTypeM:
        random_basis = RandomBasis(random_basis)
        if random_basis is RandomBasis.NONE:
            first, second, third = (math.pi * (n or 0) / 16 for n in rotations)
            axes_name = _AXES[int(getattr(axes, "value", axes) or 0)]
            unitary = measurement_basis(axes_name, (first, second, third))
            basis = _observable_basis(unitary)
        else:
            choices = _RANDOM_BASES[random_basis]
            basis = choices[int(self._rng.integers(len(choices)))]
            unitary = _BASIS_UNITARIES[basis]
        outcome = self.processor.measure_delivered(position, unitary)
        self.processor.free(position)
        self.executor.release_position(position)
        return LinkLayerOKTypeM(
            type=ReturnType.OK_M, measurement_outcome=outcome, measurement_basis=basis,
            directionality_flag=direction, remote_node_id=remote_id, **common,
        )
