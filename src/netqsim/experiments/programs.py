"""Program references in sweep files: ``module:Class`` or ``path/to/file.py:Class``.

A reference is resolved to a class in the process that runs a point (the
main process, a worker process or a Dask worker), so only the reference and
the constructor arguments travel, never a program object.

``module:Class`` is imported normally; if that fails, the sweep file's folder
is tried as well, so ``programs:Teleport`` finds ``programs.py`` next to the
sweep file. ``file.py:Class`` (a path ending in ``.py``, relative to the sweep
file's folder) loads that file as a module.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netqsim.host.program import Program


class ProgramRefError(ValueError):
    """A program reference cannot be resolved (the message says why)."""


@dataclass(frozen=True)
class ProgramRef:
    """Where a program class lives: a module name or a file, plus the class name.

    ``obj`` holds the class itself when the sweep was built in Python with a
    class object (it is then pickled by reference).
    """

    module: str | None = None
    file: str | None = None
    name: str = ""
    obj: Any = None

    @property
    def text(self) -> str:
        if self.obj is not None:
            return f"{self.obj.__module__}:{self.obj.__qualname__}"
        return f"{self.module or self.file}:{self.name}"

    def __str__(self) -> str:
        return self.text


def parse_ref(value: Any, base_dir: Path) -> ProgramRef:
    """A :class:`ProgramRef` from ``"module:Class"``, ``"file.py:Class"`` or a class."""
    if inspect.isclass(value):
        return ProgramRef(name=value.__qualname__, obj=value)
    if not isinstance(value, str) or value.count(":") != 1:
        raise ProgramRefError(
            f"must be 'module:Class' or 'path/to/file.py:Class' (got {value!r})"
        )
    where, name = (part.strip() for part in value.split(":"))
    if not where or not name:
        raise ProgramRefError(f"must be 'module:Class' or 'file.py:Class' (got {value!r})")
    if where.endswith(".py") or "/" in where or "\\" in where:
        path = Path(where)
        if not path.is_absolute():
            path = base_dir / path
        return ProgramRef(file=str(path.resolve()), name=name)
    return ProgramRef(module=where, name=name)


def _module_from_file(path: str) -> Any:
    """Import ``path`` as a module (cached under a name derived from the path)."""
    digest = hashlib.sha1(path.encode("utf-8")).hexdigest()[:12]
    modname = f"_netqsim_sweep_{Path(path).stem}_{digest}"
    module = sys.modules.get(modname)
    if module is not None:
        return module
    if not Path(path).is_file():
        raise ProgramRefError(f"file {path} does not exist")
    spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:  # pragma: no cover - .py files always load
        raise ProgramRefError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[modname]
        raise ProgramRefError(f"importing {path} failed: {type(exc).__name__}: {exc}") from exc
    return module


def _import_module(name: str, base_dir: Path | None) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if not (name == missing or name.startswith(missing + ".")):
            raise ProgramRefError(f"importing {name} failed: {exc}") from exc
        if base_dir is not None:
            candidate = base_dir.joinpath(*name.split(".")).with_suffix(".py")
            if candidate.is_file():
                return _module_from_file(str(candidate.resolve()))
        where = f" in {base_dir}" if base_dir is not None else ""
        raise ProgramRefError(
            f"no module named {name!r} (not importable, and no {name.replace('.', '/')}.py"
            f"{where})"
        ) from None
    except Exception as exc:
        raise ProgramRefError(f"importing {name} failed: {type(exc).__name__}: {exc}") from exc


def resolve(ref: ProgramRef, base_dir: Path | None = None) -> type[Program]:
    """The program class ``ref`` names; :class:`ProgramRefError` if it is not one."""
    if ref.obj is not None:
        cls = ref.obj
    else:
        module = (
            _module_from_file(ref.file) if ref.file else _import_module(str(ref.module), base_dir)
        )
        cls = module
        for part in ref.name.split("."):
            try:
                cls = getattr(cls, part)
            except AttributeError:
                raise ProgramRefError(
                    f"{ref.module or ref.file} has no attribute {ref.name!r}"
                ) from None
    if not (inspect.isclass(cls) and issubclass(cls, Program)):
        raise ProgramRefError(f"{ref.text} is not a netqsim Program subclass")
    return cls


def check_args(cls: type, args: Mapping[str, Any]) -> str | None:
    """Why ``cls(**args)`` cannot be called, or ``None`` if the arguments fit its signature."""
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover - builtins without signatures
        return None
    try:
        signature.bind(**args)
    except TypeError as exc:
        shown = []
        for param in signature.parameters.values():
            if param.kind is param.VAR_POSITIONAL:
                shown.append(f"*{param.name}")
            elif param.kind is param.VAR_KEYWORD:
                shown.append(f"**{param.name}")
            elif param.default is param.empty:
                shown.append(param.name)
            else:
                shown.append(f"{param.name}={param.default!r}")
        return f"{exc} (arguments: {cls.__name__}({', '.join(shown)}))"
    return None


def instantiate(ref: ProgramRef, args: Mapping[str, Any], base_dir: Path | None = None) -> Program:
    """``cls(**args)`` for the class ``ref`` names."""
    return resolve(ref, base_dir)(**dict(args))
