"""Programs made from functions, and small networks, for the event-based tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, GenericQDeviceConfig, two_nodes

#: One-way classical delay of the test network (ns); an odd number, so sums are telling.
DELAY = 1234.0


class FnProgram(Program):
    """A program whose ``run`` is ``body(context)`` (an async def or a generator function)."""

    def __init__(
        self, body: Callable[[Any], Any], peer: str, *, epr: bool = False, max_qubits: int = 2,
        name: str | None = None,
    ) -> None:
        self.body = body
        self.peer = peer
        self.epr = epr
        self.max_qubits = max_qubits
        self.name = name or body.__name__

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(self.name, csockets=[self.peer],
                           epr_sockets=[self.peer] if self.epr else [],
                           max_qubits=self.max_qubits)

    def run(self, context: Any) -> Any:
        return self.body(context)


def network(delay: float = DELAY, fidelity: float | None = None):
    """Alice and Bob: perfect instant devices, a perfect (or depolarising) link, a clink."""
    device = GenericQDeviceConfig.perfect_config(
        num_qubits=3, T1=0, T2=0, init_time=0, single_qubit_gate_time=0,
        two_qubit_gate_time=0, measure_time=0,
    )
    link = None
    if fidelity is not None:
        link = DepolariseLinkConfig(fidelity=fidelity, prob_success=1.0, t_cycle=10.0)
    return two_nodes(qdevice=device, link=link, clink=DefaultCLinkConfig(delay=delay))


def run_pair(alice: Callable[[Any], Any], bob: Callable[[Any], Any], *, epr: bool = False,
             num_times: int = 1, seed: int = 1, config: Any = None) -> tuple[list, list]:
    """Run ``alice`` on Alice and ``bob`` on Bob; their result lists."""
    results = netqsim.run(
        config or network(),
        {"Alice": FnProgram(alice, "Bob", epr=epr), "Bob": FnProgram(bob, "Alice", epr=epr)},
        num_times=num_times, seed=seed,
    )
    return results["Alice"], results["Bob"]


def writes(data: bytes) -> Callable[[Any], Any]:
    """Alice's side of many stream tests: open a stream to Bob, write ``data``, close it."""

    async def alice(context: Any) -> None:
        _reader, writer = await context.open_stream("Bob")
        writer.write(data)
        writer.close()

    return alice


def times(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values]
