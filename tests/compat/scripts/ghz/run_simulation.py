# A GHZ state along a line of nodes with SquidASM's create_ghz, with and without corrections.
import sys

import netsquid as ns
from netsquid_netbuilder.modules.clinks.default import DefaultCLinkConfig
from netsquid_netbuilder.modules.qlinks.perfect import PerfectQLinkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
from squidasm.util.routines import create_ghz
from squidasm.util.util import create_complete_graph_network


class GHZNode(Program):
    def __init__(self, name, names, corrections):
        self.name, self.names, self.corrections = name, names, corrections

    @property
    def meta(self) -> ProgramMeta:
        peers = [n for n in self.names if n != self.name]
        return ProgramMeta(name="ghz", csockets=peers, epr_sockets=peers, max_qubits=2)

    def run(self, context: ProgramContext):
        i = self.names.index(self.name)
        down = self.names[i - 1] if i > 0 else None
        up = self.names[i + 1] if i < len(self.names) - 1 else None
        q, m = yield from create_ghz(
            context.connection,
            context.epr_sockets[down] if down else None,
            context.epr_sockets[up] if up else None,
            context.csockets[down] if down else None,
            context.csockets[up] if up else None,
            do_corrections=self.corrections,
        )
        out = q.measure()
        yield from context.connection.flush()
        return {"out": int(out), "m": m}


if __name__ == "__main__":
    ns.set_random_state(seed=8)
    names = [f"Node_{i}" for i in range(5)]
    cfg = create_complete_graph_network(names, "perfect", PerfectQLinkConfig(state_delay=100),
                                        clink_typ="default", clink_cfg=DefaultCLinkConfig(delay=50))
    for corrections in (True, False):
        programs = {n: GHZNode(n, names, corrections) for n in names}
        results = run(config=cfg, programs=programs, num_times=int(sys.argv[1]))
        rows = list(zip(*results, strict=True))
        agree = 0
        for row in rows:
            flips, corrected = 0, []
            for r in row:
                corrected.append(r["out"] ^ flips)
                flips ^= r["m"]
            agree += len(set(corrected)) == 1
        print(f"do_corrections={corrections}: rows {len(rows)}, agree {agree}, "
              f"ones {sum(row[0]['out'] for row in rows)}, "
              f"m of middle nodes {''.join(str(r['m']) for row in rows for r in row[1:-1])}")
