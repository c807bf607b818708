"""Read a netqasm application folder: ``app_<role>.py``, ``<role>.yaml``, ``roles.yaml``.

As ``netqasm simulate`` reads it: every ``app_<role>.py`` is a role whose
``main`` function the runner calls; ``<role>.yaml`` (optional) holds the
keyword arguments of that ``main``; ``roles.yaml`` (optional) maps each role
to the node that runs it (default: the node named like the role).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["AppFolder", "AppFolderError", "load_app_folder"]

APP_PREFIX = "app_"


class AppFolderError(ValueError):
    """An application folder that cannot be run; the message names the file and what is wrong."""


@dataclass
class AppFolder:
    """The roles of an application folder and what each role needs."""

    path: Path
    #: role -> file name (``app_<role>.py``), in sorted role order.
    files: dict[str, str]
    #: role -> keyword arguments for its ``main`` (from ``<role>.yaml``).
    inputs: dict[str, dict[str, Any]]
    #: role -> node name (from ``roles.yaml``; default: the role's own name).
    roles: dict[str, str]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise AppFolderError(f"{path}: not valid YAML: {exc}") from exc


def load_app_folder(path: str | Path) -> AppFolder:
    """The roles, inputs and role placement of the application folder at ``path``."""
    folder = Path(path)
    if not folder.is_dir():
        raise AppFolderError(f"application folder {folder} does not exist or is not a folder")
    files = {
        entry.name[len(APP_PREFIX):-len(".py")]: entry.name
        for entry in sorted(folder.iterdir())
        if entry.name.startswith(APP_PREFIX) and entry.name.endswith(".py") and entry.is_file()
    }
    if not files:
        raise AppFolderError(
            f"folder {folder} is not an application folder: it has no app_<role>.py files")
    inputs: dict[str, dict[str, Any]] = {}
    for role in files:
        input_file = folder / f"{role}.yaml"
        data = _read_yaml(input_file) if input_file.exists() else None
        if data is not None and not isinstance(data, dict):
            raise AppFolderError(
                f"{input_file}: the inputs of role {role!r} must be a mapping of argument "
                f"names to values, got {type(data).__name__}")
        inputs[role] = dict(data or {})
    roles_file = folder / "roles.yaml"
    placed = _read_yaml(roles_file) if roles_file.exists() else None
    if placed is not None and not isinstance(placed, dict):
        raise AppFolderError(f"{roles_file}: must map each role to a node name")
    placed = {str(k): str(v) for k, v in (placed or {}).items()}
    missing = [role for role in files if role not in placed]
    if placed and missing:
        raise AppFolderError(
            f"{roles_file}: role(s) {', '.join(missing)} (app_<role>.py) have no node; add "
            f"'<role>: <node>' lines (roles given: {', '.join(sorted(placed))})")
    roles = {role: placed.get(role, role) for role in files}
    return AppFolder(folder.resolve(), files, inputs, roles)


def load_main(folder: AppFolder, role: str, app_config: bool = True) -> Callable[..., Any]:
    """Import ``app_<role>.py`` (its folder first on ``sys.path``) and return its ``main``.

    Call inside the compatibility imports, so that the app's
    ``netqasm.sdk.external`` names are netqsim's. Raises :class:`AppFolderError`
    if ``main`` cannot take the role's inputs (and ``app_config`` when given).
    """
    name = folder.files[role][:-len(".py")]
    file = folder.path / folder.files[role]
    sys.modules.pop(name, None)  # always this folder's file, not a module of an earlier run
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ImportError(f"{file}: {exc}", name=exc.name, path=exc.path) from exc
    except Exception as exc:  # the app's own code failed at import: say whose
        raise AppFolderError(f"{file}: importing it failed: {type(exc).__name__}: {exc}") from exc
    main = getattr(module, "main", None)
    if main is None or not callable(main):
        raise AppFolderError(
            f"{file} has no function main: netqasm runs "
            f"main(app_config=..., **inputs) of every app_<role>.py")
    inputs = dict(folder.inputs[role])
    if app_config:
        inputs["app_config"] = None
    try:
        inspect.signature(main).bind(**inputs)
    except TypeError as exc:
        given = ", ".join(sorted(inputs)) or "no arguments"
        source = f"inputs from {role}.yaml" if folder.inputs[role] else f"there is no {role}.yaml"
        raise AppFolderError(
            f"{file}: main{inspect.signature(main)} cannot be called with {given} "
            f"({source}): {exc}") from None
    except ValueError:
        pass  # no signature to check (a builtin or C callable): the call will tell
    return main
