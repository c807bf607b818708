"""netqsim's discrete-event kernel.

A :class:`Simulator` owns a clock (nanoseconds), a queue of events and the
simulation's random streams. Processes are generator functions or ``async
def`` coroutines that wait on :class:`Event` objects: timeouts, other
processes, channel receives, or composites ``a | b`` and ``a & b``.
"""

from netqsim.kernel.channel import Channel, Receive
from netqsim.kernel.errors import (
    DeadlockError,
    Interrupt,
    ProcessError,
    SimulationError,
)
from netqsim.kernel.events import (
    PENDING,
    AllOf,
    AnyOf,
    Condition,
    ConditionValue,
    Event,
    Timeout,
)
from netqsim.kernel.lock import Lock
from netqsim.kernel.process import Process
from netqsim.kernel.simulator import Simulator

__all__ = [
    "PENDING",
    "AllOf",
    "AnyOf",
    "Channel",
    "Condition",
    "ConditionValue",
    "DeadlockError",
    "Event",
    "Interrupt",
    "Lock",
    "Process",
    "ProcessError",
    "Receive",
    "SimulationError",
    "Simulator",
    "Timeout",
]
