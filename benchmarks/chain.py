"""End-to-end pairs over repeater chains: netqsim's network layer, and SeQUeNCe's side by side.

Workload (the one of ``shared/anchors/sequence_chain.sh``): a linear chain of N
nodes (2, 3, 5, 9 and, with ``--nodes``, 17); the first node asks for end-to-end
pairs with the last one, for 1 s of simulated time; every delivered pair is
consumed at once (its memories are freed). Figures per chain: wall ms per
delivered end-to-end pair, scheduled kernel events per wall second, pairs
delivered and their mean fidelity (exact, from the layer's per-pair report).
Each chain runs ``--repeat`` times (default 3) per simulator; the fastest run
counts, for both.

Parameter mapping. SeQUeNCe's values are those of the topology files its
``generate-topology linear N`` writes with the anchor's templates (Bell-diagonal
formalism, single-heralded generation):

==========================  ==============================  ==================================
quantity                    SeQUeNCe (topology file)        netqsim
==========================  ==============================  ==================================
hop length                  router -> BSM 5 km each side    ``depolarise`` link per hop
attenuation                 0.2 dB/km (0.0002 dB/m)         in ``prob_success`` below
link success per attempt    both photons through 5 km in    ``prob_success = eta^4``,
                            each of the two rounds          ``eta = 10^(-0.2 * 5 / 10)``
                                                            (0.398)
attempt duration            NEGOTIATE + two emission        ``t_cycle = 4 ms``
                            rounds, each waiting for the
                            BSM result over 1 ms channels
link fidelity               memory raw fidelity 0.99,       ``fidelity = 0.99`` (Werner)
                            X/Y/Z errors 1/3 each
memory coherence            coherence_time 2 s: each        generic device ``T1 = T2 = 1.5 s``
                            memory a Pauli channel, X, Y,   (3/4 of 2 s): a half's Pauli
                            Z at rate 1/(3 x 2 s) each, so  transfer factors are exp(-t/1.5 s)
                            a pair whose halves both wait   = exp(-4t/(3 x 2 s)) as in
                            t keeps 1/4 + (F - 1/4)         SeQUeNCe; pair fidelities agree
                            exp(-8t/(3 x 2 s))              to 3e-4 after 50 ms (T1 is not
                                                            unital)
memories                    memo_size 10 per router,        10 qubits per node; the layer
                            request reserves 5 per hop      holds 1 per end, 2 per repeater
                            (generates on 5 in parallel)    (one pair at a time)
swap order                  nested: node i swaps at the     ``swap: doubling`` on chains of
                            level of its lowest set bit     2^k + 1 nodes (the same order),
                            (``_get_swapping_neighbors``)   else ``asap``
swap timing                 a repeater's swap waits for     ``swap_when: confirmed`` (the
                            the results of the swaps that   same waits over the same 1 ms
                            made both its pairs, then a     clinks)
                            request and answer with both
                            far nodes (resource managers)
gates, measurements         gate/measurement fidelity 1,    perfect, 0 ns
                            instantaneous
classical channels          1 ms between all routers        ``default`` clinks, 1 ms, all
                                                            pairs (the layer uses a direct
                                                            clink when it is faster)
detectors                   efficiency 1, no dark counts    (in ``prob_success``)
request                     router_0 -> router_{N-1},       node 0 -> node N-1, requests of
                            memo 5, fidelity 0.5, 1 s;      10 pairs one after another for
                            each pair released at once      1 s, measured on delivery
purification                rule on (BBPSSW, BDS) for       off: the 0.99 links are far above
                            pairs below 0.5: never fires    0.5. ``--purification
                                                            bbpssw:hop:F`` turns it on in
                                                            netqsim (pumping each hop to F)
                                                            and sets SeQUeNCe's request
                                                            fidelity to F (its rules purify
                                                            any pair below F: the two
                                                            schemes differ, and so do their
                                                            fidelities)
==========================  ==============================  ==================================

``--sequence-python PATH`` runs SeQUeNCe's own chain in a subprocess with that
interpreter (SeQUeNCe needs Python >= 3.12; ``pip install sequence`` into it),
building the same topology with its ``generate-topology`` (found next to the
interpreter), and prints its figures and the ratio of wall ms per pair. The
bar: netqsim at most 1/5 of SeQUeNCe's wall ms per pair on the 9-node chain, at
equal delivered fidelity (within 0.01). With memory decoherence the delivered
fidelity depends on how long halves wait in memory, so the swap order and swap
timing above are SeQUeNCe's (``--swap-when held`` lets netqsim's repeaters swap
as soon as they hold both halves: fewer waits, higher fidelity); ``--coherence-s
0`` removes decoherence from both, so that both deliver the Werner product of
the links. Not mapped: SeQUeNCe's pair decoheres for the 1 ms its herald takes
(-0.001 per hop), and its 5 memories per hop (more pairs, shorter waits than with
1 memory, which gives it 0.799 instead of 0.847 on 9 nodes).

Run: ``.venv/bin/python benchmarks/chain.py [--nodes 2 3 5 9] [--sequence-python PATH]``.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from netqsim import Program, ProgramMeta, run
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, GenericQDeviceConfig, chain
from netqsim.kernel import Simulator

# The module (``netqsim.runtime.run`` the attribute is the function of that name).
run_module = sys.modules["netqsim.runtime.run"]

SIM_S = 1.0
ETA = 10 ** (-0.2 * 5 / 10)  # one photon through 5 km of fibre at 0.2 dB/km
LINK = {"fidelity": 0.99, "prob_success": ETA**4, "t_cycle": 4e6}
COHERENCE_S = 2.0
CLINK_DELAY_NS = 1e6
MEMORIES = 10


def netqsim_chain(
    n: int, coherence_s: float = COHERENCE_S, purification: dict[str, Any] | None = None,
    swap_when: str = "confirmed",
) -> Any:
    """The netqsim network mapped from SeQUeNCe's ``linear n`` topology (table above).

    ``coherence_s <= 0`` means memories without decoherence; ``purification``
    is a ``network_layer.purification`` section (None: off); ``swap_when`` the
    layer's swap timing.
    """
    t = 0.75 * coherence_s * 1e9 if coherence_s > 0 else 0.0
    device = GenericQDeviceConfig.perfect_config(
        MEMORIES, T1=t, T2=t, single_qubit_gate_time=0, two_qubit_gate_time=0,
        measure_time=0, init_time=0,
    )
    names = [f"router_{i}" for i in range(n)]
    config = chain(names, qdevice=device, link=DepolariseLinkConfig(**LINK),
                   clink=DefaultCLinkConfig(delay=CLINK_DELAY_NS), clink_topology="all")
    hops = n - 1
    layer: dict[str, Any] = {
        "swap": "doubling" if hops > 1 and hops & (hops - 1) == 0 else "asap",
        "swap_when": swap_when,
    }
    if purification is not None:
        layer["purification"] = purification
    config.network_layer = layer
    return config


#: Pairs per request: each request is one flush of the program (``create_measure``
#: with ``number=BATCH``), so the host's per-subroutine cost is shared by that many pairs.
BATCH = 10


class Requester(Program):
    """Asks for ``BATCH`` pairs at a time with ``peer`` until ``until_ns``.

    The pairs are measured on delivery (``create_measure``): consumed at once,
    as SeQUeNCe's request app releases each memory as soon as it gets it.
    """

    def __init__(self, peer: str, until_ns: float) -> None:
        self.peer, self.until_ns = peer, until_ns

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="requester", csockets=[self.peer], epr_sockets=[self.peer],
                           max_qubits=1)

    def run(self, context):
        csocket, epr = context.csockets[self.peer], context.epr_sockets[self.peer]
        pairs = 0
        while context.now < self.until_ns:
            csocket.send("more")
            epr.create_measure(number=BATCH)
            yield from context.connection.flush()
            pairs += BATCH
        csocket.send("done")
        return pairs


class Responder(Program):
    """Receives ``BATCH`` pairs at a time from ``peer`` while it says ``more``."""

    def __init__(self, peer: str) -> None:
        self.peer = peer

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="responder", csockets=[self.peer], epr_sockets=[self.peer],
                           max_qubits=1)

    def run(self, context):
        csocket, epr = context.csockets[self.peer], context.epr_sockets[self.peer]
        pairs = 0
        while (yield from csocket.recv()) == "more":
            epr.recv_measure(number=BATCH)
            yield from context.connection.flush()
            pairs += BATCH
        return pairs


class _CountingSimulator(Simulator):
    """A simulator that remembers itself, so the benchmark can count its events."""

    last: Simulator | None = None

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed)
        _CountingSimulator.last = self


def _scheduled_events(sim: Simulator) -> int:
    # Every schedule takes the next insertion number: push one more entry and read it.
    queue = sim._queue
    queue.push(math.inf, None)
    _time, key, _ = queue.pop()
    return int(key)


def run_netqsim(
    n: int, sim_s: float, seed: int, formalism: str, coherence_s: float = COHERENCE_S,
    purification: dict[str, Any] | None = None, swap_when: str = "confirmed",
) -> dict[str, Any]:
    """One netqsim chain: wall time, events, pairs and their mean fidelity."""
    config = netqsim_chain(n, coherence_s, purification, swap_when)
    first, last = "router_0", f"router_{n - 1}"
    programs = {first: Requester(last, sim_s * 1e9), last: Responder(first)}
    run_module.Simulator = _CountingSimulator  # type: ignore[misc]
    try:
        t0 = time.perf_counter()
        results = run(config, programs, seed=seed, formalism=formalism)
        wall = time.perf_counter() - t0
    finally:
        run_module.Simulator = Simulator  # type: ignore[misc]
    assert _CountingSimulator.last is not None
    events = _scheduled_events(_CountingSimulator.last)
    if n > 2:
        fids = [p.fidelity for p in results.network.pairs]
    else:  # a direct link: the link's own Werner fidelity
        fids = [LINK["fidelity"]] * results[first][0]
    pairs = results[first][0]
    assert pairs == results[last][0]
    return {"nodes": n, "wall_s": wall, "events": events, "pairs": pairs,
            "mean_fidelity": sum(fids) / max(len(fids), 1)}


SEQUENCE_DRIVER = r'''
import json, sys, time
from sequence.app.request_app import RequestApp
from sequence.topology.router_net_topo import RouterNetTopo
from sequence.constants import SINGLE_HERALDED, SECOND, BELL_DIAGONAL_STATE_FORMALISM as BDS
from sequence.entanglement_management.generation import (
    EntanglementGenerationA, EntanglementGenerationB)
from sequence.entanglement_management.swapping import (
    EntanglementSwappingA, EntanglementSwappingB)
from sequence.entanglement_management.purification import PurificationProtocol
cfg, n, memo, sim_s, target = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                               float(sys.argv[4]), float(sys.argv[5]))
for cls in (EntanglementGenerationA, EntanglementGenerationB):
    cls.set_global_type(SINGLE_HERALDED)
for cls in (EntanglementSwappingA, EntanglementSwappingB, PurificationProtocol):
    cls.set_formalism(BDS)

class FidelityApp(RequestApp):
    """RequestApp that also records the fidelity of each pair it accepts."""
    def __init__(self, node):
        super().__init__(node)
        self.fidelities = []
    def get_memory(self, info):
        reservation = self.memo_to_reservation.get(info.index)
        if (reservation is not None and info.state in ("ENTANGLED", "PURIFIED")
                and info.remote_node == reservation.responder
                and info.fidelity >= reservation.fidelity):
            self.fidelities.append(info.fidelity)
        super().get_memory(info)

topo = RouterNetTopo(config_source=cfg)
tl = topo.get_timeline()
apps = {r.name: FidelityApp(r) for r in topo.get_nodes_by_type(RouterNetTopo.QUANTUM_ROUTER)}
tl.init()
apps["router_0"].start(responder=f"router_{n - 1}", start_t=int(0.1 * SECOND),
                       end_t=int((0.1 + sim_s) * SECOND), memo_size=memo, fidelity=target)
t0 = time.perf_counter()
tl.run()
wall = time.perf_counter() - t0
f = apps["router_0"].fidelities
print(json.dumps({"nodes": n, "wall_s": wall, "events": tl.run_counter,
                  "pairs": apps["router_0"].memory_counter,
                  "mean_fidelity": sum(f) / max(len(f), 1)}))
'''

def sequence_template(coherence_s: float) -> dict[str, Any]:
    """The anchor's node and BSM templates (coherence time <= 0: no decoherence)."""
    return {
        "router_template": {"MemoryArray": {
            "frequency": 2e8, "coherence_time": coherence_s if coherence_s > 0 else -1,
            "efficiency": 1, "fidelity": LINK["fidelity"]}},
        "bsm_template": {"encoding_type": "single_heralded", "SingleHeraldedBSM": {"detectors": [
            {"efficiency": 1, "dark_count": 0, "time_resolution": 6, "count_rate": 1e11}] * 2}},
    }


def run_sequence(
    python: str, n: int, sim_s: float, target: float, work: Path,
    coherence_s: float = COHERENCE_S,
) -> dict[str, Any]:
    """SeQUeNCe's chain of ``n`` routers in a subprocess of ``python``."""
    template = work / "template.json"
    template.write_text(json.dumps(sequence_template(coherence_s)))
    driver = work / "driver.py"
    driver.write_text(SEQUENCE_DRIVER)
    generator = Path(python).parent / "generate-topology"
    topo = work / f"linear{n}.json"
    subprocess.run(
        [str(generator), "linear", str(n), "--memory-size", str(MEMORIES), "--output",
         topo.name, "--directory", str(work), "--template-path", str(template)],
        check=True, capture_output=True, text=True,
    )
    out = subprocess.run(
        [python, "-W", "ignore", str(driver), str(topo), str(n), "5", str(sim_s), str(target)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(who: str, r: dict[str, Any]) -> str:
    ms = r["wall_s"] / max(r["pairs"], 1) * 1e3
    return (f"{who:9} {r['nodes']:>5} {r['pairs']:>6} {r['mean_fidelity']:>9.4f} "
            f"{r['wall_s']:>8.3f} {ms:>10.3f} {r['events'] / r['wall_s']:>12,.0f}")


def main() -> None:
    """Parse arguments, run the chains, print the table (and the ratios)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[2, 3, 5, 9])
    parser.add_argument("--sim-s", type=float, default=SIM_S)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formalism", default="dm", choices=["dm", "ket", "stab"])
    parser.add_argument("--sequence-python", default=None,
                        help="a Python >= 3.12 with SeQUeNCe installed: run its chain too")
    parser.add_argument("--target-fidelity", type=float, default=0.5,
                        help="SeQUeNCe's request fidelity (its purification target)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per simulator and chain; the fastest counts (same seed, "
                        "same pairs), so that load from other work on the machine counts less")
    parser.add_argument("--coherence-s", type=float, default=COHERENCE_S,
                        help="SeQUeNCe's memory coherence time [s] (netqsim: T1 = T2 = 3/4 of "
                        "it); 0: no memory decoherence in either")
    parser.add_argument("--swap-when", default="confirmed", choices=["held", "known", "confirmed"],
                        help="netqsim's network_layer.swap_when (confirmed: SeQUeNCe's timing)")
    parser.add_argument("--purification", default=None, metavar="PROTOCOL:SCOPE:TARGET",
                        help="netqsim purifies (e.g. dejmps:hop:0.995); SeQUeNCe's request "
                        "fidelity (its purification target) becomes TARGET too")
    args = parser.parse_args()
    purification = None
    if args.purification:
        protocol, scope, target = args.purification.split(":")
        purification = {"protocol": protocol, "scope": scope, "target_fidelity": float(target)}
        args.target_fidelity = float(target)
    memory = (f"T1=T2={0.75 * args.coherence_s:g} s" if args.coherence_s > 0
              else "no decoherence")
    print(f"chains, {args.sim_s} s simulated; link {LINK}, memory {memory}, "
          f"clinks {CLINK_DELAY_NS / 1e6} ms, formalism {args.formalism}, "
          f"swap_when {args.swap_when}")
    print(f"{'simulator':9} {'nodes':>5} {'pairs':>6} {'fidelity':>9} {'wall_s':>8} "
          f"{'ms/pair':>10} {'events/s':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.nodes:
            ours = min(
                (run_netqsim(n, args.sim_s, args.seed, args.formalism, args.coherence_s,
                             purification, args.swap_when) for _ in range(args.repeat)),
                key=lambda r: r["wall_s"],
            )
            print(_row("netqsim", ours), flush=True)
            if args.sequence_python:
                theirs = min(
                    (run_sequence(args.sequence_python, n, args.sim_s, args.target_fidelity,
                                  Path(tmp), args.coherence_s) for _ in range(args.repeat)),
                    key=lambda r: r["wall_s"],
                )
                print(_row("SeQUeNCe", theirs), flush=True)
                ratio = (ours["wall_s"] / max(ours["pairs"], 1)) / (
                    theirs["wall_s"] / max(theirs["pairs"], 1))
                dfid = ours["mean_fidelity"] - theirs["mean_fidelity"]
                verdict = ""
                if n == 9:
                    ok = ratio <= 0.2 and abs(dfid) <= 0.01
                    verdict = f"  bar (<= 1/5 at |dF| <= 0.01): {'met' if ok else 'NOT met'}"
                print(f"{'ratio':9} {n:>5}  netqsim/SeQUeNCe ms per pair = {ratio:.3f}, "
                      f"fidelity difference {dfid:+.4f}{verdict}", flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
