"""netqsim subclasses netqasm's Executor and QNodeController and relies on their
private hooks; a netqasm release that renames or reshapes one must fail here, with a
message naming the hook, rather than somewhere deep in a simulation.

The hooks are found by reading netqsim's own source (so the list follows the code):
every method the netqsim class overrides, and every private attribute (``self._x``,
``super()._x``) it uses without defining it. Their parameters are compared with
the ones this suite was tested with (netqasm 2.3, the version pyproject.toml pins).
"""

from __future__ import annotations

import ast
import inspect
from importlib import metadata
from pathlib import Path

import pytest
from netqasm.backend.executor import EprCmdData, Executor
from netqasm.backend.qnodeos import QNodeController
from netqasm.sdk.shared_memory import Arrays

import netqsim.qnodeos.controller as controller_module
import netqsim.qnodeos.dispatch as dispatch_module
import netqsim.qnodeos.executor as executor_module
from netqsim.qnodeos import NodeController, NodeExecutor

# Parameters (names, defaults) of the netqasm 2.3 methods netqsim overrides or calls;
# annotations are left out (netqasm writes them as strings).
TESTED_SIGNATURES = {
    "Executor": {
        "init_new_application": "(self, app_id, max_qubits)",
        "stop_application": "(self, app_id)",
        "_get_simulated_time": "(self)",
        "_new_shared_memory": "(self, app_id)",
        "_clear_shared_memory": "(self, app_id)",
        "_update_shared_memory": "(self, app_id, entry, value)",
        "_set_array_entry": "(self, app_id, array_entry, value)",
        "_initialize_array": "(self, app_id, address, length)",
        "_store_ent_info": "(self, epr_cmd_data, response, pair_index)",
        "_do_wait": "(self)",
        "_get_instruction_handlers": "(self)",
        "_get_unused_physical_qubit": "(self)",
        "_allocate_physical_qubit": "(self, subroutine_id, virtual_address, physical_address=None)",
        "_clear_phys_qubit_in_memory": "(self, physical_address)",
        "_handle_epr_response": "(self, response)",
        "_handle_pending_epr_responses": "(self)",
        "_wait_to_handle_epr_responses": "(self)",
        "_do_single_qubit_instr": "(self, instr, subroutine_id, address)",
        "_do_single_qubit_rotation": "(self, instr, subroutine_id, address, angle)",
        "_do_controlled_qubit_rotation": "(self, instr, subroutine_id, address1, address2, angle)",
        "_do_two_qubit_instr": "(self, instr, subroutine_id, address1, address2)",
        "_do_meas": "(self, subroutine_id, q_address)",
        "_do_create_epr": "(self, subroutine_id, remote_node_id, epr_socket_id, q_array_address, "
                          "arg_array_address, ent_results_array_address)",
        "_do_recv_epr": "(self, subroutine_id, remote_node_id, epr_socket_id, q_array_address, "
                        "ent_results_array_address)",
        "_get_create_request": "(self, subroutine_id, remote_node_id, epr_socket_id, "
                               "arg_array_address)",
        "_get_purpose_id": "(self, remote_node_id, epr_socket_id)",
        "_execute_commands": "(self, subroutine_id, commands)",
        "_execute_command": "(self, subroutine_id, command)",
        "_get_app_id": "(self, subroutine_id)",
        "_get_register": "(self, app_id, register)",
        "_set_register": "(self, app_id, register, value)",
        "_get_position": "(self, subroutine_id=None, address=0, app_id=None)",
        "_clear_subroutine": "(self, subroutine_id)",
        "_setup_registers": "(self, app_id)",
        "_setup_arrays": "(self, app_id)",
        "_clear_arrays": "(self, app_id)",
        "_get_new_subroutine_id": "(self)",
        "_free_physical_qubit": "(self, subroutine_id, address)",
        "execute_subroutine": "(self, subroutine)",
        "_get_array": "(self, app_id, address)",
        "node_id": None,  # a property
    },
    "QNodeController": {
        "_get_executor_class": "(flavour=None)",
        "stop": "(self)",
        "_mark_message_finished": "(self, msg_id, msg)",
        "handle_netqasm_message": "(self, msg_id, msg)",
        "_handle_init_new_app": "(self, msg)",
        "_handle_stop_app": "(self, msg)",
        "_handle_open_epr_socket": "(self, msg)",
        "_execute_subroutine": "(self, subroutine)",
        "add_network_stack": "(self, network_stack)",
        "network_stack": None,  # a property
    },
}


class _Controller(QNodeController):
    """The smallest concrete QNodeController, to see its instance attributes."""

    @classmethod
    def _get_executor_class(cls, flavour=None):
        return Executor

    def stop(self):
        pass

    def _mark_message_finished(self, msg_id, msg):
        pass


def _shape(function) -> str:
    """A function's parameters as ``(a, b=1, *args, **kwargs)``, without annotations."""
    parts = []
    for parameter in inspect.signature(function).parameters.values():
        text = parameter.name
        if parameter.kind is parameter.VAR_POSITIONAL:
            text = "*" + text
        elif parameter.kind is parameter.VAR_KEYWORD:
            text = "**" + text
        if parameter.default is not parameter.empty:
            text += f"={parameter.default!r}"
        parts.append(text)
    return "(" + ", ".join(parts) + ")"


def _hooks(module, class_name: str) -> tuple[set[str], set[str]]:
    """(methods the class defines, private names it uses on self/super())."""
    tree = ast.parse(Path(module.__file__).read_text())
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    defined = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    used = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            target = node.value
            if (isinstance(target, ast.Name) and target.id == "self") or (
                isinstance(target, ast.Call) and getattr(target.func, "id", "") == "super"
            ):
                used.add(node.attr)
    return defined, used


def _called_on_executor(module) -> set[str]:
    """Private netqasm Executor names a helper module calls on the executor it drives."""
    tree = ast.parse(Path(module.__file__).read_text())
    return {
        node.attr for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_")
        and not node.attr.startswith("__") and hasattr(Executor, node.attr)
    }


CASES = [
    (executor_module, "NodeExecutor", NodeExecutor, Executor, lambda: Executor(name="probe")),
    (controller_module, "NodeController", NodeController, QNodeController,
     lambda: _Controller(name="probe")),
]


def test_netqasm_is_the_minor_version_this_suite_was_tested_with():
    version = metadata.version("netqasm")
    assert version.split(".")[:2] == ["2", "3"], (
        f"netqasm {version} is installed; netqsim overrides private hooks of netqasm 2.3 "
        "(see this file) and pins netqasm>=2.3,<2.4 in pyproject.toml"
    )


@pytest.mark.parametrize(("module", "name", "ours", "base", "make"), CASES,
                         ids=[c[1] for c in CASES])
def test_every_private_hook_netqsim_uses_exists_in_netqasm(module, name, ours, base, make):
    defined, used = _hooks(module, name)
    instance_attrs = set(vars(make()))
    own_attrs = {a for a in used if a not in defined and not hasattr(base, a)
                 and a not in instance_attrs}
    # What netqsim's class sets up itself (self._x = ... in its own methods) is not a hook.
    source = Path(module.__file__).read_text()
    missing = sorted(a for a in own_attrs if f"self.{a} =" not in source
                     and f"self.{a}:" not in source)
    assert not missing, (
        f"{name} uses {missing}, which netqasm's {base.__name__} "
        f"(netqasm {metadata.version('netqasm')}) no longer has: netqsim must follow the change"
    )


@pytest.mark.parametrize(("module", "name", "ours", "base", "make"), CASES,
                         ids=[c[1] for c in CASES])
def test_hook_signatures_are_the_ones_netqsim_was_written_for(module, name, ours, base, make):
    defined, used = _hooks(module, name)
    if base is Executor:  # the dispatch table runs instructions through the executor's hooks
        used |= _called_on_executor(dispatch_module)
    expected = TESTED_SIGNATURES[base.__name__]
    hooks = sorted(n for n in (defined | used) if hasattr(base, n) and not n.startswith("__"))
    unknown = [n for n in hooks if n not in expected]
    assert not unknown, (
        f"{name} now relies on netqasm's {base.__name__}.{unknown}: add its signature to "
        "TESTED_SIGNATURES after checking it"
    )
    changed = []
    for hook in hooks:
        attribute = inspect.getattr_static(base, hook)
        if expected[hook] is None:
            if not isinstance(attribute, property):
                changed.append(f"{hook}: no longer a property")
            continue
        actual = _shape(getattr(base, hook))
        if actual != expected[hook]:
            changed.append(f"{hook}{actual} (netqsim was written for {hook}{expected[hook]})")
    assert not changed, (
        f"netqasm {metadata.version('netqasm')} changed {base.__name__} hooks that "
        f"{name} overrides or calls:\n  " + "\n  ".join(changed)
    )


@pytest.mark.parametrize(("module", "name", "ours", "base", "make"), CASES,
                         ids=[c[1] for c in CASES])
def test_overrides_accept_every_parameter_netqasm_passes(module, name, ours, base, make):
    defined, _ = _hooks(module, name)
    problems = []
    for hook in sorted(defined):
        if hook.startswith("__") or not callable(getattr(base, hook, None)):
            continue
        theirs = inspect.signature(getattr(base, hook)).parameters
        mine = inspect.signature(getattr(ours, hook)).parameters
        takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in mine.values())
        lost = [p for p in theirs if p not in mine and not takes_kwargs
                and theirs[p].kind not in (inspect.Parameter.VAR_POSITIONAL,
                                           inspect.Parameter.VAR_KEYWORD)]
        if lost:
            problems.append(f"{hook} does not accept {lost}")
    assert not problems, f"{name} overrides out of step with netqasm: {problems}"


def test_executor_state_and_epr_bookkeeping_keep_their_shape():
    """Executor state the dispatch table reads, and the EPR/array records it fills."""
    executor = Executor(name="probe")
    for name in ("_registers", "_app_arrays", "_qubit_unit_modules", "_subroutines",
                 "_used_physical_qubit_addresses", "_epr_create_requests",
                 "_epr_recv_requests", "_pending_epr_responses", "_program_counters"):
        assert hasattr(executor, name), f"netqasm's Executor no longer has {name}"
    fields = list(EprCmdData.__dataclass_fields__)
    assert fields[:2] == ["subroutine_id", "ent_results_array_address"], (
        f"netqasm's EprCmdData fields are now {fields}"
    )
    arrays = Arrays()
    arrays.init_new_array(3, 2)
    assert arrays.has_array(3) and arrays._get_array(3) == [None, None], (
        "netqasm's Arrays changed shape"
    )
