"""``run(..., on_stall=...)``: a simulation that runs out of events while programs wait."""

from __future__ import annotations

import pytest
from tests.runtime.programs import Receiver, Sender
from tests.runtime.test_classical import two_nodes

import netqsim
from netqsim.kernel import DeadlockError


def _stalling() -> dict[str, netqsim.Program]:
    # Alice waits for a third message that Bob never sends.
    return {"Alice": Receiver("Bob", ["str", "str", "str"]),
            "Bob": Sender("Alice", ["a", "b"], gap=10.0)}


def test_by_default_a_stall_is_an_error_naming_who_waits() -> None:
    with pytest.raises(DeadlockError) as caught:
        netqsim.run(two_nodes(delay=100.0), _stalling(), seed=3)
    assert caught.value.time == 110.0  # Bob's second message arrived, then nothing
    assert "process 'Alice/receiver' waits on" in str(caught.value)


@pytest.mark.parametrize("mode", ["shared", "fresh"])
def test_on_stall_return_gives_the_iterations_that_finished(mode: str) -> None:
    results = netqsim.run(two_nodes(delay=100.0), _stalling(), num_times=2, seed=3,
                          mode=mode, on_stall="return")
    # Bob sends 2 messages per iteration (at 0 and 10 ns, then 20 and 30 ns);
    # they arrive 100 ns later. shared: Alice takes the first three for her
    # first iteration and stalls in her second, at 130 ns. fresh: each
    # iteration is its own simulation and Alice stalls in each, at 110 ns.
    assert len(results["Alice"]) == (1 if mode == "shared" else 0)
    assert len(results["Bob"]) == 2
    assert [stall.time for stall in results.stalls] == ([130.0] if mode == "shared"
                                                          else [110.0, 110.0])
    assert all(isinstance(stall, DeadlockError) for stall in results.stalls)
    if mode == "shared":
        assert [v for _, v in results["Alice"][0]["got"]] == ["a", "b", "a"]


def test_a_run_that_does_not_stall_reports_no_stalls() -> None:
    results = netqsim.run(two_nodes(delay=100.0),
                          {"Alice": Receiver("Bob", ["str"]), "Bob": Sender("Alice", ["a"])},
                          seed=3, on_stall="return")
    assert results.stalls == []
    assert [v for _, v in results["Alice"][0]["got"]] == ["a"]


def test_on_stall_must_be_raise_or_return() -> None:
    with pytest.raises(ValueError, match="on_stall must be one of raise, return; got 'ignore'"):
        netqsim.run(two_nodes(), _stalling(), on_stall="ignore")
