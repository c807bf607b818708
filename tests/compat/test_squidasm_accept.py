"""Behaviours SquidASM's own examples rely on, found by running them under ``netqsim squidasm``.

Each script in ``scripts/accept_*`` was written for these tests in the style
of the example that needed the behaviour (see ``/work/notes/acceptance.md``):

- ``accept_snippet_logger``: the chsh example logs through netsquid-driver's
  ``SnippetLogManager`` (imported from ``squidasm.sim.stack.common``);
- ``accept_raw_create_args``: the custom-subroutine link-layer example commits
  hand-written NetQASM whose ``create_epr`` argument array has the 20 entries
  of older netqasm versions (netqasm 2.3 writes 22; SquidASM reads by position).
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
