"""The import hook: serves mapped names, cleans up after itself, shadows and restores."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

import netqsim
from netqsim.compat.hook import CompatFinder, ModuleMap, compat_imports

PYDYNAA = "netqsim.compat.squidasm.pydynaa"


def test_served_module_holds_the_providers_objects() -> None:
    with compat_imports([ModuleMap("fakesim.kernel.events", PYDYNAA)]):
        import fakesim
        from fakesim.kernel.events import EventExpression
        assert EventExpression is netqsim.kernel.Event
        assert fakesim.__path__ == []  # parents are packages
        assert sys.modules["fakesim.kernel.events"].__all__ == ["EventExpression"]


def test_modules_are_gone_after_the_block() -> None:
    with compat_imports([ModuleMap("fakesim.events", PYDYNAA)]):
        importlib.import_module("fakesim.events")
        assert "fakesim.events" in sys.modules
    assert not [name for name in sys.modules if name.split(".")[0] == "fakesim"]
    assert not [f for f in sys.meta_path if isinstance(f, CompatFinder)]
    with pytest.raises(ModuleNotFoundError, match=r"^No module named 'fakesim'$"):
        importlib.import_module("fakesim.events")


def test_explicit_names_restrict_what_a_module_offers() -> None:
    maps = [ModuleMap("fakesim.a", "netqsim.compat.squidasm.stack_program", ("Program",))]
    with compat_imports(maps):
        module = importlib.import_module("fakesim.a")
        assert module.Program is netqsim.Program
        with pytest.raises(ImportError, match=re.escape(
                "cannot import name 'ProgramMeta' from 'fakesim.a': the netqsim "
                "compatibility layer does not provide it (it provides: Program)")):
            exec("from fakesim.a import ProgramMeta", {})


def test_private_probes_are_plain_attribute_errors() -> None:
    with compat_imports([ModuleMap("fakesim.a.b", PYDYNAA)]):
        package = importlib.import_module("fakesim.a")
        assert not hasattr(package, "__wrapped__")
        assert getattr(package, "_private_probe", None) is None


def test_a_mapped_submodule_is_imported_on_attribute_access() -> None:
    with compat_imports([ModuleMap("fakesim.a.b", PYDYNAA)]):
        import fakesim

        assert "fakesim.a.b" not in sys.modules
        assert fakesim.a.b.EventExpression is netqsim.kernel.Event
        assert sys.modules["fakesim.a.b"] is fakesim.a.b


def test_a_real_module_is_shadowed_and_restored() -> None:
    import colorsys

    with compat_imports([ModuleMap("colorsys", PYDYNAA)]):
        import colorsys as inside

        assert inside is not colorsys
        assert inside.EventExpression is netqsim.kernel.Event
    import colorsys as after

    assert after is colorsys
    assert sys.modules["colorsys"] is colorsys


def test_a_module_under_a_real_package_leaves_the_package_as_it_was() -> None:
    # As netqasm.sdk.external will be served under the real netqasm.sdk.
    import netqasm.sdk

    with compat_imports([ModuleMap("netqasm.sdk.netqsim_probe", PYDYNAA)]):
        from netqasm.sdk import netqsim_probe

        assert netqsim_probe.EventExpression is netqsim.kernel.Event
        assert sys.modules["netqasm.sdk"] is netqasm.sdk  # the real package stays
        import netqasm.sdk.qubit  # other real modules import as usual

        assert netqasm.sdk.qubit.Qubit is not None
    assert not hasattr(netqasm.sdk, "netqsim_probe")
    assert "netqasm.sdk.netqsim_probe" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("netqasm.sdk.netqsim_probe")


def test_a_module_mapped_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("module 'fakesim.a' is mapped twice")):
        CompatFinder([ModuleMap("fakesim.a", PYDYNAA), ModuleMap("fakesim.a", PYDYNAA)])


def test_only_the_scripts_own_modules_are_forgotten(tmp_path: Path) -> None:
    from netqsim.compat.runner import forget_script_modules

    (tmp_path / "application.py").write_text("X = 1\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "helper.py").write_text("Y = 2\n")
    installed = tmp_path / ".venv" / "site-packages"
    installed.mkdir(parents=True)
    (installed / "thirdparty.py").write_text("Z = 3\n")
    before = set(sys.modules)
    sys.path[:0] = [str(tmp_path), str(installed)]
    try:
        import application  # noqa: F401
        import pkg.helper  # noqa: F401
        import thirdparty  # noqa: F401

        forget_script_modules(tmp_path, before)
        assert "thirdparty" in sys.modules  # installed below the folder: kept
        assert not {"application", "pkg", "pkg.helper"} & set(sys.modules)
    finally:
        sys.path.remove(str(tmp_path))
        sys.path.remove(str(installed))
        sys.modules.pop("thirdparty", None)
