"""Serve other simulators' module names from netqsim: a ``sys.meta_path`` import hook.

A *module map* names one virtual module (``"squidasm.run.stack.run"``) and the
netqsim module that provides its contents (its ``__all__``, or the names
listed). Inside ``with compat_imports(maps):`` an ``import`` of a mapped name
gets a fresh module whose attributes are the provider's objects themselves
(``squidasm.sim.stack.program.Program is netqsim.Program``), so there is one
implementation, netqsim's. The parent packages of a mapped name
(``squidasm``, ``squidasm.run``, ...) are served as empty packages unless they
exist as real modules.

Under a root that the maps serve (``squidasm``), a module that no map names
raises ``ModuleNotFoundError``, and a name a served module lacks raises
``ImportError``; both messages name the module (and the name) and say that the
compatibility layer does not provide it (a public name, that is: a probe for
a private name like ``getattr(module, "_x", None)`` sees the usual
AttributeError). A served package imports a mapped submodule on first
attribute access (``import netsquid as ns; ns.qubits.ketstates.b00``).

On leaving the block, every module the hook served is removed from
``sys.modules`` (and from its parent package), real modules it shadowed are
put back, and the hook is uninstalled: outside the block these imports fail
as Python normally fails.

Families of maps (SquidASM's names, netqasm's, SimulaQron's) are plain
sequences of :class:`ModuleMap`: adding a family means adding provider modules
and a table, not changing this hook.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["CompatFinder", "ModuleMap", "compat_imports", "not_provided"]

#: Origin recorded in the spec of every served module.
ORIGIN = "netqsim compatibility layer"


@dataclass(frozen=True)
class ModuleMap:
    """One virtual module: its foreign name and the netqsim module providing its contents.

    ``names`` lists the provider attributes the virtual module offers; by
    default the provider's ``__all__``.
    """

    name: str
    provider: str
    names: tuple[str, ...] | None = None


def not_provided(module: str, name: str, provided: Iterable[str] = ()) -> ImportError:
    """The error for ``from module import name`` when the compatibility layer lacks ``name``."""
    offer = ", ".join(sorted(provided)) or "no names"
    return ImportError(
        f"cannot import name {name!r} from {module!r}: the netqsim compatibility layer does "
        f"not provide it (it provides: {offer})",
        name=module,
    )


def _module_getattr(module_name: str, exported: Sequence[str],
                    children: frozenset[str]) -> Any:
    def __getattr__(name: str) -> Any:
        # A mapped submodule is imported on first access, as packages like
        # netsquid import theirs (`import netsquid as ns; ns.qubits.ketstates`).
        if name in children:
            return importlib.import_module(f"{module_name}.{name}")
        # Probes for private and dunder names (copy, pickle, inspect, pytest)
        # must see a plain AttributeError.
        if name.startswith("_"):
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        # ImportError (not AttributeError) so that `from module import name`
        # shows this message instead of Python's generic one.
        raise not_provided(module_name, name, [*exported, *children])

    return __getattr__


class CompatFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads the virtual modules of a set of :class:`ModuleMap`."""

    def __init__(self, maps: Iterable[ModuleMap]) -> None:
        self._maps: dict[str, ModuleMap] = {}
        for m in maps:
            if m.name in self._maps:
                raise ValueError(f"module {m.name!r} is mapped twice")
            self._maps[m.name] = m
        self._packages: set[str] = set()
        for name in self._maps:
            parts = name.split(".")
            self._packages.update(".".join(parts[:i]) for i in range(1, len(parts)))
        self._roots = {name.split(".")[0] for name in self._maps}
        self.served: list[str] = []

    @property
    def names(self) -> list[str]:
        """The mapped module names."""
        return list(self._maps)

    def _children(self, name: str) -> frozenset[str]:
        prefix = name + "."
        return frozenset(
            n[len(prefix):].split(".")[0] for n in (*self._maps, *self._packages)
            if n.startswith(prefix)
        )

    def _real_spec(self, fullname: str, path: Sequence[str] | None) -> Any:
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path)
            if spec is not None:
                return spec
        return None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A spec for a mapped module or one of its parents; None for names we do not serve."""
        if fullname in self._maps:
            is_pkg = fullname in self._packages
            return importlib.util.spec_from_loader(
                fullname, self, origin=ORIGIN, is_package=is_pkg
            )
        if fullname in self._packages:
            # A real package (netqasm.sdk) stays real; only missing ones are virtual.
            if self._real_spec(fullname, path) is not None:
                return None
            return importlib.util.spec_from_loader(
                fullname, self, origin=ORIGIN, is_package=True
            )
        root = fullname.split(".")[0]
        if root in self._roots and self._real_spec(root, None) is None:
            parent = fullname.rpartition(".")[0]
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: the netqsim compatibility layer does not "
                f"provide it (it provides under {parent or root!r}: "
                f"{', '.join(sorted(self._children(parent or root))) or 'nothing'})",
                name=fullname,
            )
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        """Default module creation."""
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        """Fill a virtual module with its provider's objects."""
        name = module.__name__
        self.served.append(name)
        mapping = self._maps.get(name)
        exported: list[str] = []
        if mapping is not None:
            provider = importlib.import_module(mapping.provider)
            exported = list(mapping.names if mapping.names is not None
                            else getattr(provider, "__all__", ()))
            for attr in exported:
                setattr(module, attr, getattr(provider, attr))
            module.__doc__ = (f"{name}, served by netqsim's compatibility layer from "
                              f"{mapping.provider}.")
        else:
            module.__doc__ = f"{name}: a package of netqsim's compatibility layer."
        module.__dict__["__all__"] = exported
        module.__dict__["__getattr__"] = _module_getattr(name, exported, self._children(name))


@contextmanager
def compat_imports(maps: Iterable[ModuleMap]) -> Iterator[CompatFinder]:
    """Install a :class:`CompatFinder` for ``maps`` for the duration of the block.

    Modules already imported under a mapped name are set aside and restored on
    exit; the modules served in the block are removed from ``sys.modules``.
    """
    finder = CompatFinder(maps)
    shadowed = {n: sys.modules.pop(n) for n in finder.names if n in sys.modules}
    sys.meta_path.insert(0, finder)
    try:
        yield finder
    finally:
        sys.meta_path.remove(finder)
        for name in reversed(finder.served):
            module = sys.modules.get(name)
            if module is not None and getattr(module.__spec__, "loader", None) is finder:
                del sys.modules[name]
            parent_name, _, child = name.rpartition(".")
            parent = sys.modules.get(parent_name)
            if parent is not None and getattr(parent, child, None) is module:
                if name in shadowed:
                    setattr(parent, child, shadowed[name])
                else:
                    delattr(parent, child)
        sys.modules.update(shadowed)
