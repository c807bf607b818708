"""netqasm's ``network.yaml`` (nodes, qubits, links) as a netqsim network config.

``netqasm simulate`` reads a network file of this shape (all keys required
unless marked)::

    nodes:
      - name: Delft
        hardware: Generic        # optional: Generic (default) or NV
        gate_fidelity: 0.99
        qubits:
          - {id: 0, t1: 0, t2: 0}
    links:
      - name: ch1
        node_name1: Delft
        node_name2: Amsterdam
        noise_type: Depolarise   # NoNoise, Depolarise, DiscreteDepolarise or Bitflip
        fidelity: 0.9

and SquidASM builds its NetSquid network from it. :func:`network_from_netqasm`
maps it, field by field, onto the netqsim models that behave the same way:

* node ``name``: the stack's name; ``qubits``: ``num_qubits`` = their count.
* ``hardware: Generic``: a ``generic`` device with SquidASM's QDevice timings
  (init 100 us, single-qubit gates 1 us, CNOT/CZ 500 us; measurement is
  instantaneous there, 0 here). ``hardware: NV``: netqsim's ``nv`` device
  (its own NV timings and noise; ``gate_fidelity`` and ``t1``/``t2`` are not
  applied; SquidASM's default NV device uses 1-5 ns gates).
* ``gate_fidelity`` g: every gate depolarises each qubit it acts on with
  probability 1 - g (NetSquid's time-independent ``DepolarNoiseModel``), i.e.
  ``single_qubit_gate_depolar_prob`` = ``two_qubit_gate_depolar_prob`` = 1 - g.
  SquidASM also depolarises after qubit initialisation; netqsim does not.
* per-qubit ``t1``/``t2`` (ns, 0 = no decay): the device's ``T1``/``T2``; a
  netqsim device has one T1 and one T2 for all qubits, so the qubits of a node
  must agree.
* link ``noise_type: NoNoise``: a ``perfect`` link delivering after 1000 ns
  (SquidASM's state delay).
* ``Depolarise`` and ``DiscreteDepolarise`` with ``fidelity`` F: the pair is
  the Bell state with probability F and the maximally mixed state I/4
  otherwise (``(1 - p)|Phi+><Phi+| + p I/4`` with p = 1 - F, as SquidASM's
  distributors); netqsim's ``depolarise`` link takes the Bell-state fidelity
  of that mixture, 1 - 3p/4, succeeds every cycle and delivers after 1000 ns.
* ``Bitflip`` with ``fidelity`` F: netqsim's ``bitflip`` link, Phi+ with one
  half flipped (Psi+) with probability 1 - F, delivered after 1000 ns.
* link ``name``: kept only in error messages. Classical messages between
  nodes arrive at once, as with SquidASM's thread sockets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netqsim.config import StackNetworkConfig

__all__ = ["NetworkFileError", "default_network", "load_network_file", "network_from_netqasm"]

#: SquidASM's generic QDevice timings [ns] and its link state delay [ns].
GENERIC_TIMINGS = {
    "init_time": 100_000,
    "single_qubit_gate_time": 1_000,
    "two_qubit_gate_time": 500_000,
    "measure_time": 0,
}
LINK_STATE_DELAY = 1_000
#: Qubits per node of netqasm's default network (no network file).
DEFAULT_NUM_QUBITS = 5
NOISE_TYPES = ("NoNoise", "Depolarise", "DiscreteDepolarise", "Bitflip")
HARDWARE = ("Generic", "NV")


class NetworkFileError(ValueError):
    """A netqasm network file that cannot be mapped; the message names the entry."""


def _require(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(entry, Mapping):
        raise NetworkFileError(f"{where}: expected a mapping, got {entry!r}")
    if key not in entry:
        raise NetworkFileError(f"{where}: missing key {key!r}")
    return entry[key]


def _probability(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise NetworkFileError(f"{where}: must be a number between 0 and 1, got {value!r}")
    return float(value)


def _stack(node: Mapping[str, Any], where: str) -> dict[str, Any]:
    name = _require(node, "name", where)
    where = f"{where} ({name})"
    hardware = node.get("hardware", "Generic")
    if hardware not in HARDWARE:
        raise NetworkFileError(
            f"{where}: hardware {hardware!r} is not supported (use one of {', '.join(HARDWARE)})")
    qubits = _require(node, "qubits", where)
    if not isinstance(qubits, Sequence) or isinstance(qubits, str) or not qubits:
        raise NetworkFileError(f"{where}: 'qubits' must be a non-empty list, got {qubits!r}")
    times = set()
    for index, qubit in enumerate(qubits):
        spot = f"{where} qubits[{index}]"
        times.add((float(_require(qubit, "t1", spot)), float(_require(qubit, "t2", spot))))
    if len(times) > 1:
        raise NetworkFileError(
            f"{where}: all qubits of a node must have the same t1 and t2 in netqsim "
            f"(got {sorted(times)})")
    t1, t2 = times.pop()
    noise = 1.0 - _probability(_require(node, "gate_fidelity", where), f"{where} gate_fidelity")
    if hardware == "NV":
        return {"name": name, "qdevice_typ": "nv", "qdevice_cfg": {"num_qubits": len(qubits)}}
    cfg = {
        "num_qubits": len(qubits), "T1": t1, "T2": t2, **GENERIC_TIMINGS,
        "single_qubit_gate_depolar_prob": noise, "two_qubit_gate_depolar_prob": noise,
    }
    return {"name": name, "qdevice_typ": "generic", "qdevice_cfg": cfg}


def _link(link: Mapping[str, Any], where: str) -> dict[str, Any]:
    where = f"{where} ({link.get('name', '?')})" if isinstance(link, Mapping) else where
    ends = {"stack1": _require(link, "node_name1", where),
            "stack2": _require(link, "node_name2", where)}
    noise_type = _require(link, "noise_type", where)
    if noise_type not in NOISE_TYPES:
        raise NetworkFileError(
            f"{where}: noise_type {noise_type!r} is not one of {', '.join(NOISE_TYPES)}")
    if noise_type == "NoNoise":
        return {**ends, "typ": "perfect", "cfg": {"state_delay": LINK_STATE_DELAY}}
    fidelity = _probability(_require(link, "fidelity", where), f"{where} fidelity")
    if noise_type == "Bitflip":
        return {**ends, "typ": "bitflip",
                "cfg": {"fidelity": fidelity, "state_delay": LINK_STATE_DELAY}}
    prob_max_mixed = 1.0 - fidelity
    return {**ends, "typ": "depolarise", "cfg": {
        "fidelity": 1.0 - 0.75 * prob_max_mixed, "prob_success": 1.0,
        "t_cycle": LINK_STATE_DELAY}}


def network_from_netqasm(data: Any, source: str = "network file") -> StackNetworkConfig:
    """The netqsim network for netqasm network-file contents ``data`` (see the module doc)."""
    if not isinstance(data, Mapping):
        raise NetworkFileError(f"{source}: expected a mapping with 'nodes' and 'links'")
    nodes = _require(data, "nodes", source)
    links = _require(data, "links", source) or []
    stacks = [_stack(node, f"{source}: nodes[{i}]") for i, node in enumerate(nodes)]
    seen: set[frozenset[str]] = set()
    entries = []
    for i, link in enumerate(links):
        entry = _link(link, f"{source}: links[{i}]")
        pair = frozenset((entry["stack1"], entry["stack2"]))
        if pair in seen:  # netqasm's default files list each pair in both directions
            continue
        seen.add(pair)
        entries.append(entry)
    try:
        return StackNetworkConfig.from_dict({"stacks": stacks, "links": entries})
    except ValueError as exc:
        raise NetworkFileError(f"{source}: {exc}") from exc


def default_network(node_names: Sequence[str], hardware: str = "generic") -> StackNetworkConfig:
    """netqasm's default network: the named nodes, perfect, every pair linked.

    As ``netqasm simulate`` without a network file: 5 qubits per node without
    decay, perfect gates and NoNoise links; ``hardware`` is ``generic`` or ``nv``.
    """
    if hardware not in ("generic", "nv"):
        raise ValueError(f"hardware must be 'generic' or 'nv', got {hardware!r}")
    qubits = [{"id": i, "t1": 0, "t2": 0} for i in range(DEFAULT_NUM_QUBITS)]
    nodes = [{"name": name, "hardware": "NV" if hardware == "nv" else "Generic",
              "gate_fidelity": 1, "qubits": qubits} for name in node_names]
    links = [{"name": f"link_{a}_{b}", "node_name1": a, "node_name2": b,
              "noise_type": "NoNoise", "fidelity": 1}
             for i, a in enumerate(node_names) for b in node_names[i + 1:]]
    return network_from_netqasm({"nodes": nodes, "links": links}, "default network")


def load_network_file(path: Path) -> StackNetworkConfig:
    """Read a netqasm network file."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise NetworkFileError(f"{path}: not valid YAML: {exc}") from exc
    return network_from_netqasm(data, str(path))
