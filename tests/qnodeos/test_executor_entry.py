"""The executor's entry points: execute() without a Subroutine object, and the plan
cache that checks and compiles a repeated body once."""

from netqasm.backend.messages import ReturnRegMessage
from netqasm.lang.parsing import parse_text_subroutine
from tests.qnodeos.harness import make_harness, run_subroutine, start_app, subroutine

from netqsim.qnodeos.checks import SubroutineLimits


def instructions(body):
    return parse_text_subroutine(f"# NETQASM 1.0\n# APPID 0\n{body}").instructions


def test_execute_runs_a_decoded_body_for_an_application():
    h = make_harness(instr_time=2.0)
    start_app(h)
    h.run()
    ex = h.controller.executor
    body = instructions("set R0 6\nset R1 7\nmul R2 R0 R1\nret_reg R2\n")
    h.sim.process(ex.execute(0, body))
    h.run()
    returns = ex.take_returns(0)
    assert [(type(m), m.value) for m in returns] == [(ReturnRegMessage, 42)]
    assert h.sim.now == 4 * 2.0 and ex._subroutines == {}


def test_a_repeated_body_is_checked_and_compiled_once():
    h = make_harness()
    ex = h.controller.executor
    body = "set R0 1\nret_reg R0\n"
    out = run_subroutine(body, harness=h)
    assert out.error is None and len(ex._plans) == 1
    (first,) = ex._plans.values()
    # the controller hands out the same decoded instruction objects for the same bytes
    h.send(subroutine(body))
    h.run()
    assert list(ex._plans.values()) == [first]
    assert [m.value for _, m in h.replies if isinstance(m, ReturnRegMessage)] == [1, 1]
    ex.limits = SubroutineLimits(max_instructions=5)  # new limits: plans are checked again
    assert ex._plans == {}
