"""Small, fast programs for the sweep tests (referenced as tests.experiments.programs:Class)."""

from __future__ import annotations

from typing import Any

from netqasm.sdk.qubit import Qubit

from netqsim import Program, ProgramMeta


class Rotate(Program):
    """One node: Ry(n pi / 2^d)|0>, measure; returns the outcome ``m`` and ``angle_n``."""

    def __init__(self, n: int = 0, d: int = 2, fail_at: int | None = None) -> None:
        self.n, self.d, self.fail_at = int(n), int(d), fail_at

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="rotate", max_qubits=1)

    def run(self, context: Any) -> Any:
        if self.fail_at is not None and self.n == self.fail_at:
            raise RuntimeError(f"refusing n = {self.n}")
        q = Qubit(context.connection)
        if self.n:
            q.rot_Y(n=self.n, d=self.d)
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m), "angle_n": self.n, "t": context.now}


class Qubits(Program):
    """One node: allocates ``count`` qubits at once and measures them (fails past the device)."""

    def __init__(self, count: int = 4) -> None:
        self.count = int(count)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="qubits", max_qubits=self.count)

    def run(self, context: Any) -> Any:
        qubits = [Qubit(context.connection) for _ in range(self.count)]
        outcomes = [q.measure() for q in qubits]
        yield from context.connection.flush()
        return {"m": [int(m) for m in outcomes]}


class PairZ(Program):
    """Creates (``role="create"``) or receives a pair with ``peer`` and measures it in Z."""

    def __init__(self, peer: str, role: str = "create") -> None:
        if role not in ("create", "recv"):
            raise ValueError(f"role must be create or recv, got {role!r}")
        self.peer, self.role = peer, role

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=f"pair_{self.role}", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context: Any) -> Any:
        socket = context.epr_sockets[self.peer]
        q = (socket.create_keep if self.role == "create" else socket.recv_keep)()[0]
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m)}


class NotAProgram:
    def __init__(self) -> None:
        pass


def ones_fraction(rows: Any) -> float:
    """Metric function: fraction of outcomes 1 over all rows."""
    return float(rows["m"].mean())


def two_numbers(rows: Any) -> dict[str, float]:
    return {"n": float(len(rows)), "max": float(rows["m"].max())}
