"""Observer hooks: an executor's instruction observer, and the pair observer of links and
executors (generation started, pair half delivered), as netqasm's log files use them."""

from __future__ import annotations

from typing import Any

import pytest
from netqasm.backend.messages import ReturnRegMessage
from netqasm.lang.parsing import parse_text_subroutine
from netqasm.qlink_compat import LinkLayerOKTypeK
from tests.epr.programs import device, keep_pair
from tests.qnodeos.harness import make_harness, run_subroutine, start_app, subroutine

from netqsim.config import PerfectLinkConfig, chain, two_nodes
from netqsim.kernel import Simulator
from netqsim.network.pair_observer import PairObserver
from netqsim.qnodeos.dispatch import Frame
from netqsim.runtime.network import Network

# Parsed as: set R0 0, set R1 2, set R2 1, [LOOP] add R0 R0 R2, blt R0 R1 LOOP (to pc 3),
# qalloc, init, h, meas, qfree, ret_reg M0.
LOOP_AND_QUBIT = (
    "set R0 0\nset R1 2\nset R2 1\nLOOP:\nadd R0 R0 R2\nblt R0 R1 LOOP\n"
    "set Q0 0\nqalloc Q0\ninit Q0\nh Q0\nmeas Q0 M0\nqfree Q0\nret_reg M0\n"
)


class Recorder:
    """An instruction observer: (time, pc, mnemonic, app id, R0 as the instruction left it)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.seen: list[tuple[float, int, str, int, Any]] = []

    def __call__(self, frame: Frame, pc: int, instr: Any) -> None:
        self.seen.append((self.sim.now, pc, instr.mnemonic, frame.app_id, frame.regs[0]))


def _observed_harness(instr_time: float = 0.0):
    h = make_harness(instr_time=instr_time)
    recorder = Recorder(h.sim)
    h.controller.executor.observe_instructions(recorder)
    return h, recorder


def test_every_executed_instruction_is_reported_after_it_ran_with_the_state_it_left():
    h, recorder = _observed_harness(instr_time=2.0)
    out = run_subroutine(LOOP_AND_QUBIT, harness=h)
    assert out.error is None
    # the branch is taken once (back to pc 3) and falls through once
    pcs = [pc for _, pc, *_ in recorder.seen]
    assert pcs == [0, 1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    mnemonics = [m for _, _, m, _, _ in recorder.seen]
    assert mnemonics == ["set", "set", "set", "add", "blt", "add", "blt", "set", "qalloc",
                         "init", "h", "meas", "qfree", "ret_reg"]
    assert {app for *_, app, _ in recorder.seen} == {0}
    # R0 as each instruction left it: the first add makes it 1, the second 2
    assert [r0 for *_, r0 in recorder.seen][:7] == [0, 0, 0, 1, 1, 2, 2]
    # 2 ns of processing before each instruction; the perfect device's h takes 1000 ns
    # (init and meas take none): reported when each has ended
    gate = [1000.0 if m == "h" else 0.0 for m in mnemonics]
    assert [t for t, *_ in recorder.seen] == [
        2.0 * (i + 1) + sum(gate[:i + 1]) for i in range(14)]
    assert recorder.seen[10][:3] == (1022.0, 8, "h")


def test_a_failing_instruction_is_not_reported():
    h, recorder = _observed_harness()
    out = run_subroutine("set R0 1\nadd R2 R0 R1\nret_reg R2\n", harness=h)  # R1 never set
    assert out.error is not None and "R1 is not defined" in out.error[1]
    assert [(pc, m) for _, pc, m, _, _ in recorder.seen] == [(0, "set")]


def test_without_an_observer_the_plan_is_the_compiled_one():
    h = make_harness()
    ex = h.controller.executor
    body = parse_text_subroutine(f"# NETQASM 1.0\n# APPID 0\n{LOOP_AND_QUBIT}").instructions
    assert ex.plan(body) == ex.compile_plan(body)  # the executor's own handlers, unwrapped
    ex.observe_instructions(Recorder(h.sim))
    assert ex.plan(body) != ex.compile_plan(body)
    ex.observe_instructions(None)
    assert ex.plan(body) == ex.compile_plan(body)


def test_an_observer_set_after_a_body_was_cached_sees_its_next_run_and_none_stops_it():
    h = make_harness()
    ex = h.controller.executor
    body = "set R0 5\nret_reg R0\n"
    run_subroutine(body, harness=h)  # plan cached without an observer
    recorder = Recorder(h.sim)
    ex.observe_instructions(recorder)
    h.send(subroutine(body))
    h.run()
    assert [(pc, m, r0) for _, pc, m, _, r0 in recorder.seen] == [(0, "set", 5),
                                                                   (1, "ret_reg", 5)]
    ex.observe_instructions(None)
    h.send(subroutine(body))
    h.run()
    assert len(recorder.seen) == 2
    assert [m.value for _, m in h.replies if isinstance(m, ReturnRegMessage)] == [5, 5, 5]


def test_observers_that_cannot_be_called_are_refused_naming_the_node():
    h = make_harness()
    start_app(h)
    with pytest.raises(TypeError, match=r"executor of node 'Alice': the instruction observer "
                                        r"must be callable as observer\(frame, pc, instr\), "
                                        r"got int"):
        h.controller.executor.observe_instructions(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"executor of node 'Alice': the observer must have "
                                        r"generation_started\(link\) and pair_delivered\(node, "
                                        r"result\) methods, got Recorder"):
        h.controller.executor.observe_pairs(Recorder(h.sim))  # type: ignore[arg-type]


# -- pairs -------------------------------------------------------------------------------


class PairLog:
    """A pair observer: (time, what, where, create id, sequence number)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.events: list[tuple[float, str, str, int | None, int | None]] = []

    def generation_started(self, link: Any) -> None:
        self.events.append((self.sim.now, "start", link.name, None, None))

    def pair_delivered(self, node: str, result: Any) -> None:
        assert isinstance(result, LinkLayerOKTypeK)
        self.events.append((self.sim.now, "delivered", node, result.create_id,
                            result.sequence_number))


def _run_observed(config: Any, programs: dict[str, Any]) -> PairLog:
    sim = Simulator(seed=2)
    network = Network(config, sim, programs={n: [p] for n, p in programs.items()})
    log = PairLog(sim)
    assert isinstance(log, PairObserver)
    for link in network.links.values():
        link.observe(log)
    for node in network.nodes.values():
        node.controller.executor.observe_pairs(log)
    for name, program in programs.items():
        sim.process(network.node(name).host.run_program(program, 1, []), name=name)
    sim.run()
    return log


def test_link_generations_and_deliveries_are_reported_at_their_times():
    # instant classical link: the request is taken up at t = 0; each pair takes 700 ns
    config = two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig(state_delay=700))
    log = _run_observed(config, keep_pair(number=2))
    assert log.events == [
        (0.0, "start", "Alice-Bob", None, None),
        (700.0, "delivered", "Alice", 0, 0),
        (700.0, "delivered", "Bob", 0, 0),
        (700.0, "start", "Alice-Bob", None, None),
        (1400.0, "delivered", "Alice", 0, 1),
        (1400.0, "delivered", "Bob", 0, 1),
    ]


def test_a_pair_over_a_path_starts_on_each_link_and_reaches_only_its_end_nodes():
    config = chain(["Alice", "Rep", "Bob"], qdevice=device(num_qubits=2),
                   link=PerfectLinkConfig(state_delay=500))
    log = _run_observed(config, keep_pair("Alice", "Bob"))
    starts = sorted((t, where) for t, what, where, *_ in log.events if what == "start")
    assert starts == [(0.0, "Alice-Rep"), (0.0, "Rep-Bob")]
    delivered = [(what, where, cid, seq) for _, what, where, cid, seq in log.events
                 if what == "delivered"]
    assert sorted(delivered) == [("delivered", "Alice", 0, 0), ("delivered", "Bob", 0, 0)]


def test_a_link_refuses_an_observer_without_the_methods_naming_the_link():
    config = two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig())
    network = Network(config, Simulator(seed=1))
    (link,) = network.links.values()
    with pytest.raises(TypeError, match=r"link Alice-Bob: the observer must have "
                                        r"generation_started\(link\)"):
        link.observe(object())  # type: ignore[arg-type]
    link.observe(None)  # None is no observer


def test_netqasm_log_recording_subscribes_without_replacing_any_method(tmp_path):
    from netqsim.compat.netqasm.logs import RunLogs
    from netqsim.compat.netqasm.stack_logs import record_entanglement, record_instructions

    config = two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig())
    network = Network(config, Simulator(seed=1))
    logs = RunLogs(tmp_path)
    for node in network.nodes.values():
        record_instructions(node, logs)
    record_entanglement(network, logs)
    for node in network.nodes.values():
        replaced = set(vars(node.controller.executor)) & {"plan", "handle_epr_response"}
        assert replaced == set(), f"{node.name}: {replaced}"
    for link in network.links.values():
        assert "generate" not in vars(link)


def test_the_half_of_a_stopped_application_is_still_reported_as_delivered():
    # Alice's app asks for a pair and stops before it comes: her executor discards her
    # half, but the pair was made, so the observer (and netqasm's network log) hears of it.
    from netqasm.backend.messages import StopAppMessage
    from tests.robustness.test_epr_request_outlives_subroutine import (
        CREATE_NO_WAIT,
        RECV_AND_WAIT,
        _open,
        _subroutine,
    )

    sim = Simulator(seed=3)
    network = Network(two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig()), sim)
    log = PairLog(sim)
    for node in network.nodes.values():
        node.controller.executor.observe_pairs(log)
    messages = {"Alice": [*_open(1), _subroutine(CREATE_NO_WAIT), bytes(StopAppMessage(app_id=0))],
                "Bob": [*_open(0), _subroutine(RECV_AND_WAIT)]}
    for name, raws in messages.items():
        endpoint = network.node(name).host.endpoint
        for raw in raws:
            endpoint.send_raw(raw).callbacks.append(lambda ev: setattr(ev, "defused", True))
    sim.run()
    alice = network.node("Alice").controller.executor
    assert alice.position_is_free(0)  # her half was discarded
    assert sorted((node, cid, seq) for _, _, node, cid, seq in log.events) == [
        ("Alice", 0, 0), ("Bob", 0, 0)]
