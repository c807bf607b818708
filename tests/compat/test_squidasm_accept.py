"""Behaviours SquidASM's own examples rely on, found by running them under ``netqsim squidasm``.

Each script in ``scripts/accept_*`` was written for these tests in the style
of the example that needed the behaviour (see ``/work/notes/acceptance.md``):

- ``accept_snippet_logger``: the chsh example logs through netsquid-driver's
  ``SnippetLogManager`` (imported from ``squidasm.sim.stack.common``);
- ``accept_raw_create_args``: the custom-subroutine link-layer example commits
  hand-written NetQASM whose ``create_epr`` argument array has the 20 entries
  of older netqasm versions (netqasm 2.3 writes 22; SquidASM reads by position);
- ``accept_stalled_run``: the logging tutorial (3.2) stalls in about a quarter
  of its unseeded runs (a noisy "continue" bit decoded wrongly stops Bob
  early); SquidASM's run() then returns what finished.
"""

from __future__ import annotations

from tests.compat.test_squidasm_scripts import run_cli, script


def test_snippet_log_manager_is_the_stack_log_manager_with_simulated_times() -> None:
    done = run_cli(script("accept_snippet_logger"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "one manager: True\n"
        "same tree: True\n"
        "level: INFO\n"
        "message: hello\n"
    )
    records = done.stderr.splitlines()
    # the programs' own loggers, at the simulated time: the message crosses the
    # 1500 ns classical link
    assert "INFO:0.0 ns:netqsim.SenderProgram:sending a greeting" in records
    assert "INFO:1500.0 ns:netqsim.ReceiverProgram:received 'hello' at 1500.0 ns" in records


def test_create_epr_reads_a_20_entry_argument_array_by_position() -> None:
    done = run_cli(script("accept_raw_create_args"))
    assert done.returncode == 0, done.stderr
    # 3 runs of 4 create-and-keep pairs on a perfect link, both halves measured
    # after H: Phi+ gives equal outcomes on both sides, pair by pair
    assert done.stdout == (
        "alice [0, 1, 0, 1] bob [0, 1, 0, 1]\n"
        "alice [1, 0, 0, 1] bob [1, 0, 0, 1]\n"
        "alice [1, 1, 1, 1] bob [1, 1, 1, 1]\n"
    )


def test_a_stalled_run_returns_what_finished_with_a_warning_and_the_next_run_works() -> None:
    done = run_cli(script("accept_stalled_run"))
    assert done.returncode == 0, done.stderr
    # 1000 ns classical link: Bob answers at 1000 and 3000 ns and stops; Alice's
    # third question arrives at 5000 ns and nothing answers it
    assert done.stdout == (
        "stalled run: [] [{'answered at': 3000.0}]\n"
        "next run: ['answer to question 0', 'answer to question 1'] "
        "[{'answered at': 3000.0}]\n"
    )
    lines = done.stderr.splitlines()
    assert lines[0].endswith(
        "run_simulation.py:48: StalledRunWarning: simulation stalled at t=5000 ns: no events "
        "are left but 1 process(es) still wait:"
    )
    assert lines[1] == ("  - process 'Alice/asking' waits on recv() on channel "
                        "\"Bob->Alice ('csocket', 0, 'answering', 'asking')\"")
    assert lines[2] == ("As in SquidASM, run() returns the iterations that finished "
                        "(Alice 0, Bob 1 of 1).")
