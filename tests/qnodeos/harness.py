"""A node controller driven with hand-built message bytes, for wire-level tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netqasm.backend.messages import (
    InitNewAppMessage,
    StopAppMessage,
    SubroutineMessage,
)
from netqasm.lang.instr.flavour import NVFlavour, VanillaFlavour
from netqasm.lang.parsing import parse_text_subroutine

from netqsim.config import GenericQDeviceConfig, NVQDeviceConfig
from netqsim.hardware import build_processor
from netqsim.kernel import Channel, Simulator
from netqsim.qnodeos import NodeController
from netqsim.qnodeos.wire import decode_return_message
from netqsim.quantum import QuantumEngine


@dataclass
class Harness:
    """One controller; ``send`` puts bytes in, ``replies`` collects (time, message)."""

    sim: Simulator
    controller: NodeController
    inbox: Channel
    replies: list[tuple[float, Any]] = field(default_factory=list)
    raw_replies: list[bytes] = field(default_factory=list)

    def send(self, message: Any) -> None:
        self.inbox.send(message if isinstance(message, bytes) else bytes(message))

    def run(self) -> list[tuple[float, Any]]:
        self.sim.run()
        return self.replies

    def kinds(self) -> list[str]:
        return [type(m).__name__ for _, m in self.replies]


def make_harness(
    device: str = "generic", cfg: Any = None, latency: float = 0.0, instr_time: float = 0.0,
    seed: int = 1,
) -> Harness:
    sim = Simulator(seed=seed)
    engine = QuantumEngine("dm", rng=sim.rng_stream("quantum"))
    if cfg is None:
        cfg = (
            GenericQDeviceConfig.perfect_config(num_qubits=3, T1=0, T2=0)
            if device == "generic"
            else NVQDeviceConfig.perfect_config(num_qubits=3)
        )
    processor = build_processor(sim, engine, device, cfg, "Alice")
    inbox = Channel(sim, latency, name="host->qnodeos")
    outbox = Channel(sim, latency, name="qnodeos->host")
    flavour = NVFlavour() if device == "nv" else VanillaFlavour()
    controller = NodeController(
        "Alice", 0, sim, processor, inbox, outbox, instr_proc_time=instr_time, flavour=flavour
    )
    harness = Harness(sim, controller, inbox)

    def collect():
        while True:
            raw = yield outbox.recv()
            harness.raw_replies.append(raw)
            harness.replies.append((sim.now, decode_return_message(raw)))

    sim.process(collect(), daemon=True)
    return harness


def subroutine(body: str, app_id: int = 0, flavour: Any = None) -> SubroutineMessage:
    """A SubroutineMessage from NetQASM text (without the header lines)."""
    text = f"# NETQASM 1.0\n# APPID {app_id}\n{body}"
    return SubroutineMessage(parse_text_subroutine(text, flavour=flavour))


def start_app(harness: Harness, app_id: int = 0, max_qubits: int = 3) -> None:
    harness.send(InitNewAppMessage(app_id=app_id, max_qubits=max_qubits))


def stop_app(harness: Harness, app_id: int = 0) -> None:
    harness.send(StopAppMessage(app_id=app_id))


# -- helpers for instruction-level tests ------------------------------------------


@dataclass
class Outcome:
    """What the host saw for one subroutine (message id 1, after InitNewApp)."""

    harness: Harness
    #: (register name, value) of every ReturnRegMessage, in order.
    regs: list[tuple[str, int]]
    #: address -> values of every ReturnArrayMessage (the last one wins).
    arrays: dict[int, list[int | None]]
    #: Simulated time of the subroutine's MsgDoneMessage (None if it never came).
    time: float | None
    #: (error code, controller.errors text) if the subroutine failed.
    error: tuple[Any, str] | None

    def reg(self, name: str) -> int:
        """The last value returned for register ``name`` (e.g. ``"M0"``)."""
        values = [v for n, v in self.regs if n == name]
        assert values, f"register {name} was not returned; got {self.regs}, error {self.error}"
        return values[-1]


def instruction_count(body: str, flavour: Any = None) -> int:
    """How many instructions the parser makes of ``body`` (it adds ``set``s for immediates)."""
    return len(parse_text_subroutine(f"# NETQASM 1.0\n# APPID 0\n{body}", flavour=flavour)
               .instructions)


def run_subroutine(
    body: str, device: str = "generic", cfg: Any = None, latency: float = 0.0,
    instr_time: float = 0.0, seed: int = 1, max_qubits: int = 3, flavour: Any = None,
    harness: Harness | None = None,
) -> Outcome:
    """Start app 0, run ``body`` as message 1, and collect what came back."""
    from netqasm.backend.messages import (
        ErrorCode,
        ErrorMessage,
        MsgDoneMessage,
        ReturnArrayMessage,
        ReturnRegMessage,
    )
    from netqasm.lang.operand import Register

    if flavour is None and device == "nv":
        flavour = NVFlavour()
    h = harness or make_harness(device, cfg, latency, instr_time, seed)
    start_app(h, max_qubits=max_qubits)
    h.send(subroutine(body, flavour=flavour))
    h.run()
    regs: list[tuple[str, int]] = []
    arrays: dict[int, list[int | None]] = {}
    time = None
    error = None
    previous: Any = None
    for t, m in h.replies:
        if isinstance(m, ReturnRegMessage):
            regs.append((str(Register.from_raw(m.register)), m.value))
        elif isinstance(m, ReturnArrayMessage):
            arrays[m.address] = m.values
        elif isinstance(m, MsgDoneMessage) and m.msg_id == 1:
            time = t
            if isinstance(previous, ErrorMessage):
                error = (ErrorCode(previous.err_code), str(h.controller.errors[1]))
        previous = m
    return Outcome(h, regs, arrays, time, error)
