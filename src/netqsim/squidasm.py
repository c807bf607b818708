"""``python -m netqsim.squidasm SCRIPT [ARGS...]``: run a SquidASM script unchanged.

The same as ``netqsim squidasm SCRIPT [ARGS...]``: the script runs as
``__main__`` in its own folder, with ``squidasm``, ``netsquid``,
``netsquid_netbuilder`` and ``pydynaa`` imports served by netqsim
(:mod:`netqsim.compat.squidasm`). Exit status: the script's.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main", "run_squidasm_script"]


def run_squidasm_script(path: str, args: Sequence[str] = ()) -> int:
    """Run the SquidASM script at ``path`` with ``args``; returns its exit status."""
    from netqsim.compat.runner import run_script
    from netqsim.compat.squidasm import MODULES

    return run_script(path, args, MODULES)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m netqsim.squidasm``; returns the exit status."""
    from netqsim.compat.runner import ScriptNotFound

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print("usage: python -m netqsim.squidasm SCRIPT [ARGS...]\n\nRun a SquidASM script "
              "unchanged on netqsim (same as: netqsim squidasm SCRIPT [ARGS...]).",
              file=sys.stderr if not args else sys.stdout)
        return 2 if not args else 0
    try:
        return run_squidasm_script(args[0], args[1:])
    except ScriptNotFound as exc:
        print(f"netqsim: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("netqsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
