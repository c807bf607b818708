"""Every kernel test runs on both event queues: the compiled one and its
pure-Python twin (what installs without a C compiler get)."""

import pytest

import netqsim.kernel.simulator
from netqsim.kernel.queue import COMPILED, EventQueue, PyEventQueue


@pytest.fixture(autouse=True, params=["compiled", "python"])
def queue_implementation(request, monkeypatch):
    """The queue class the simulators of this test use."""
    if request.param == "compiled":
        if not COMPILED:
            pytest.skip("the compiled event queue was not built (no C compiler at install)")
        return EventQueue
    monkeypatch.setattr(netqsim.kernel.simulator, "EventQueue", PyEventQueue)
    return PyEventQueue
