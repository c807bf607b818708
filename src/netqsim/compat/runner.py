"""Run a foreign script unchanged: as ``__main__``, in its folder, with its argv, inside a hook.

:func:`run_script` is what ``netqsim squidasm SCRIPT [ARGS...]`` calls; other
runners reuse it with their own module maps.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from netqsim.compat.hook import ModuleMap, compat_imports
from netqsim.compat.session import session
from netqsim.config import lenient_loading
from netqsim.logs import logging_restored

__all__ = ["ScriptNotFound", "forget_script_modules", "run_script"]


class ScriptNotFound(FileNotFoundError):
    """The script given to a runner does not exist or is not a file."""


def _print_script_traceback(exc: BaseException, script: Path) -> None:
    # Show the traceback as `python script.py` would: from the script's first
    # frame on, without the runner's and runpy's frames.
    tb = exc.__traceback__
    while tb is not None and Path(tb.tb_frame.f_code.co_filename) != script:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)


def forget_script_modules(folder: Path, before: set[str]) -> None:
    """Forget the modules a run imported from ``folder`` itself (the script's own modules).

    A second script run in this process (a test suite, a notebook) must import
    its own ``application.py``, not the one the previous script left behind.
    Only modules found through ``folder`` as a ``sys.path`` entry are forgotten
    (``folder/pkg/x.py`` as ``pkg.x``): packages installed below it, such as a
    project's ``.venv`` or ``src``, stay imported.
    """
    root = folder.resolve()
    for name in set(sys.modules) - before:
        file = getattr(sys.modules[name], "__file__", None)
        if not file:
            continue
        path = Path(file).resolve()
        if not path.is_relative_to(root):
            continue
        parts = path.relative_to(root).with_suffix("").parts
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if ".".join(parts) == name:
            del sys.modules[name]


def run_script(path: str | os.PathLike[str], args: Sequence[str],
               maps: Iterable[ModuleMap]) -> int:
    """Run the Python script at ``path`` with ``args`` as ``__main__``; returns its exit status.

    During the run the script's folder is the working directory and first on
    ``sys.path``, ``sys.argv`` is ``[script, *args]`` (the script's absolute
    path first, so that it stays valid in the new working directory), and the modules of
    ``maps`` are importable, and configs load leniently (unknown keys are
    dropped with a warning, :func:`netqsim.config.lenient_loading`);
    everything is restored afterwards (the script's log setup too), and the
    modules imported from the script's folder are forgotten. A
    ``SystemExit`` of the script propagates (its code is the exit status); any
    other exception of the script prints its traceback to stderr and gives 1.
    """
    script = Path(path)
    if not script.is_file():
        what = "is not a file" if script.exists() else "does not exist"
        raise ScriptNotFound(f"script {os.fspath(path)} {what}")
    script = script.resolve()
    folder = str(script.parent)
    saved_argv, saved_path, saved_cwd = sys.argv[:], sys.path[:], os.getcwd()
    modules_before = set(sys.modules)
    sys.argv = [str(script), *args]
    sys.path.insert(0, folder)
    os.chdir(folder)
    try:
        # Foreign scripts' YAML files carry keys their simulators ignore: warn, don't fail.
        with session(), compat_imports(maps), lenient_loading(), logging_restored():
            try:
                runpy.run_path(str(script), run_name="__main__")
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                _print_script_traceback(exc, script)
                return 1
        return 0
    finally:
        forget_script_modules(script.parent, modules_before)
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        sys.path[:] = saved_path
