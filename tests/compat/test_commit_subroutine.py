"""Hand-written subroutines under ``netqsim squidasm``: ``commit_protosubroutine``,
``commit_subroutine`` and ``shared_memory.get_array``, as SquidASM's advanced
examples use them (``scripts/commit``: text files parsed once at import and
committed in every iteration, an EPR pair created and received by hand).
"""

from __future__ import annotations

from tests.compat.test_squidasm_scripts import run_cli, script


def test_committed_text_subroutines_create_and_measure_pairs() -> None:
    # old: "TypeError: 'NoneType' object is not iterable" at the first commit
    done = run_cli(script("commit"))
    assert done.returncode == 0, done.stderr
    # Perfect link: every pair is Phi+ (Bell state 0), so the Z outcomes agree;
    # seeded, so the outcomes themselves are fixed too.
    assert done.stdout == (
        "alice: 01100111\n"
        "bob:   01100111\n"
        "bell states: [0]\n"
        "flipped: [1]\n"
        "create.nqasm parsed once, committed 8 times, unchanged: True\n"
    )
