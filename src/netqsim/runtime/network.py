"""Build a simulated network from a config: per node a processor, a controller
with its network stack, and a host; between nodes the classical and the
entanglement links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netqasm.lang.instr.flavour import NVFlavour, VanillaFlavour

from netqsim.config import StackConfig, StackNetworkConfig
from netqsim.hardware import build_processor
from netqsim.host.endpoint import HostEndpoint
from netqsim.host.host import Host
from netqsim.host.network_info import make_network_info
from netqsim.host.nv_compiler import NVCompiler
from netqsim.host.pairing import plan_sockets
from netqsim.host.program import Program
from netqsim.kernel import Channel, Simulator
from netqsim.network.classical import ClassicalNetwork
from netqsim.network.link_layer import EntanglementLink
from netqsim.network.links import build_link_model
from netqsim.network.links.formalism import check_link_formalism
from netqsim.network.network_layer import NetworkLayer, policy_from_config, router_from_config
from netqsim.network.routing import ReachablePeers
from netqsim.qnodeos.checks import SubroutineLimits
from netqsim.qnodeos.controller import NodeController
from netqsim.qnodeos.netstack import NetworkStack
from netqsim.quantum import QuantumEngine


class NodeEndpoint(HostEndpoint):
    """A host endpoint that knows the network it belongs to.

    The host's connections reach the simulated node through it
    (:attr:`HostConnection.network <netqsim.host.connection.HostConnection.network>`),
    which is how :func:`netqsim.util.get_qubit_state` finds a program's qubits
    without any process-global state.
    """

    network: Network | None = None


@dataclass
class Node:
    """One node of the network and its parts."""

    name: str
    node_id: int
    config: StackConfig
    processor: Any
    controller: NodeController
    host: Host
    netstack: NetworkStack


class Network:
    """A network of nodes on one simulator, built from a ``StackNetworkConfig``.

    Node ids are the stacks' positions in the config. ``formalism`` selects
    the quantum state representation (``dm``, ``ket`` or ``stab``).
    """

    def __init__(
        self,
        config: StackNetworkConfig,
        sim: Simulator,
        formalism: str = "dm",
        programs: Mapping[str, Sequence[Program]] | None = None,
    ) -> None:
        config.validate_all()
        self.config = config
        self.sim = sim
        # QuantumEngine(...) returns the concrete engine of the formalism.
        self.engine = QuantumEngine(  # type: ignore[abstract]
            formalism=formalism, rng=sim.rng_stream("quantum")
        )
        check_link_formalism(config.links, formalism)
        node_ids = {stack.name: index for index, stack in enumerate(config.stacks)}
        self.network_info = make_network_info(node_ids)
        # Without clinks every pair is linked instantly (SquidASM): ClassicalNetwork
        # makes those links on first use instead of n^2 config entries up front.
        self.classical = ClassicalNetwork(
            sim,
            {(clink.stack1, clink.stack2): clink.delay_ns() for clink in config.clinks or ()},
            default_delay=None if config.clinks else 0.0,
            nodes=config.stack_names,
        )
        self._programs = dict(programs or {})
        self.sockets = plan_sockets(
            {node: [p.meta for p in group] for node, group in self._programs.items()}
        )
        self.router = router_from_config(config)
        self.nodes: dict[str, Node] = {}
        for stack in config.stacks:
            self.nodes[stack.name] = self._build_node(stack, node_ids[stack.name])
        self.links: dict[frozenset[str], EntanglementLink] = {}
        for link_config in config.links:
            a, b = link_config.stack1, link_config.stack2
            link = EntanglementLink(
                sim, build_link_model(link_config), a, b, sim.rng_stream(f"link:{a}-{b}")
            )
            self.links[frozenset((a, b))] = link
            self.nodes[a].netstack.connect(self.nodes[b].netstack, link)
            self.nodes[b].netstack.connect(self.nodes[a].netstack, link)
        #: Serves entanglement between nodes that share no link (see docs/network-layer.md).
        self.network_layer = NetworkLayer(
            sim, self.router, policy_from_config(config), self.classical, self.links,
            {name: node.netstack for name, node in self.nodes.items()},
        )
        for node in self.nodes.values():
            node.netstack.layer = self.network_layer

    def _build_node(self, stack: StackConfig, node_id: int) -> Node:
        sim, name = self.sim, stack.name
        processor = build_processor(sim, self.engine, stack.qdevice_typ, stack.qdevice_cfg, name)
        latency = stack.host_qnos_latency
        to_controller = Channel(sim, latency, name=f"{name} host->qnodeos")
        to_host = Channel(sim, latency, name=f"{name} qnodeos->host")
        nv = stack.qdevice_typ == "nv"
        controller = NodeController(
            name, node_id, sim, processor, to_controller, to_host,
            instr_proc_time=stack.instr_latency,
            flavour=NVFlavour() if nv else VanillaFlavour(),
        )
        controller.executor.limits = SubroutineLimits(
            stack.max_instructions_per_subroutine, stack.max_array_entries
        )
        endpoint = NodeEndpoint(
            sim, name, to_controller, to_host, error_details=controller.errors.get
        )
        endpoint.network = self
        netstack = NetworkStack(
            sim, name, node_id, controller.executor, processor, self.classical,
            sim.rng_stream(f"netstack:{name}"),
        )
        controller.add_network_stack(netstack)
        host = Host(
            sim, name, endpoint, self.classical, self.network_info,
            compiler=NVCompiler if nv else None,
            sockets=self.sockets,
            entanglement_peers=self._entanglement_peers(name),
            num_qubits=processor.num_positions,
        )
        return Node(name, node_id, stack, processor, controller, host, netstack)

    def _entanglement_peers(self, name: str) -> ReachablePeers:
        return ReachablePeers(self.router, name)

    def node(self, name: str) -> Node:
        """The node called ``name`` (KeyError naming the known nodes otherwise)."""
        try:
            return self.nodes[name]
        except KeyError:
            raise KeyError(
                f"no node called {name!r} in this network (nodes: {', '.join(self.nodes)})"
            ) from None
