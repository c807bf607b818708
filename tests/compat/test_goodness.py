"""Under ``netqsim squidasm``, an EPR result's ``generation_duration`` is SquidASM's:
the generation duration in whole microseconds, counted from the start of the
request's generation (not the create/READY handshake) to each pair's delivery.
"""

from __future__ import annotations

from tests.compat.test_squidasm_scripts import run_cli, script


def test_script_prints_the_generation_duration_of_every_pair() -> None:
    # Link: one 1.7 us cycle per pair (F = 0.9); classical delay 3 us.
    # Kept pairs arrive 1.7, 3.4 and 5.1 us into their request, measured pairs
    # 1.7 and 3.4 us into theirs: 1, 3, 5 and 1, 3 us, on both nodes, in both
    # iterations. (Before, every pair read 18999, a code for F = 0.9.)
    done = run_cli(script("goodness"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Alice keep [1, 3, 5] measure [1, 3]\n" * 2
        + "Bob keep [1, 3, 5] measure [1, 3]\n" * 2
    )
