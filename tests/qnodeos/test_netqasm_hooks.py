"""netqsim's executor builds on private parts of netqasm's ``Executor``: if a new
netqasm release changes their shape, this test says which one, instead of the
simulator failing somewhere deep in a run."""

import inspect

import netqasm
import pytest
from netqasm.backend.executor import EprCmdData, Executor
from netqasm.sdk.shared_memory import Arrays

from netqsim.qnodeos import executor as node_executor

# method -> the parameters (after self) netqsim calls it with or overrides it with
METHODS = {
    "execute_subroutine": ["subroutine"],
    "_execute_commands": ["subroutine_id", "commands"],
    "_setup_registers": ["app_id"],
    "_setup_arrays": ["app_id"],
    "_clear_arrays": ["app_id"],
    "_get_register": ["app_id", "register"],
    "_set_register": ["app_id", "register", "value"],
    "_clear_subroutine": ["subroutine_id"],
    "_allocate_physical_qubit": ["subroutine_id", "virtual_address", "physical_address"],
    "_free_physical_qubit": ["subroutine_id", "address"],
    "_get_unused_physical_qubit": [],
    "_clear_phys_qubit_in_memory": ["physical_address"],
    "_do_create_epr": [
        "subroutine_id", "remote_node_id", "epr_socket_id", "q_array_address",
        "arg_array_address", "ent_results_array_address",
    ],
    "_do_recv_epr": [
        "subroutine_id", "remote_node_id", "epr_socket_id", "q_array_address",
        "ent_results_array_address",
    ],
    "_get_purpose_id": ["remote_node_id", "epr_socket_id"],
    "_store_ent_info": ["epr_cmd_data", "response", "pair_index"],
    "_handle_epr_response": ["response"],
    "_handle_pending_epr_responses": [],
    "_wait_to_handle_epr_responses": [],
    "_new_shared_memory": ["app_id"],
    "_clear_shared_memory": ["app_id"],
}
STATE = [
    "_registers", "_app_arrays", "_qubit_unit_modules", "_subroutines",
    "_used_physical_qubit_addresses", "_epr_create_requests", "_epr_recv_requests",
    "_pending_epr_responses", "_program_counters",
]


def _where(name):
    return (
        f"netqasm {netqasm.__version__} changed Executor.{name}, which "
        f"{node_executor.__name__} relies on; adapt src/netqsim/qnodeos/executor.py "
        "and dispatch.py, or pin the netqasm version netqsim was tested with"
    )


@pytest.mark.parametrize("name", sorted(METHODS))
def test_executor_hooks_keep_their_shape(name):
    method = getattr(Executor, name, None)
    assert callable(method), _where(name) + " (it is gone)"
    params = list(inspect.signature(method).parameters)[1:]
    assert params == METHODS[name], _where(name) + f" (parameters now {params})"


def test_executor_state_and_epr_bookkeeping_keep_their_shape():
    executor = Executor(name="probe")
    for name in STATE:
        assert hasattr(executor, name), _where(name) + " (attribute gone)"
    fields = list(EprCmdData.__dataclass_fields__)
    assert fields[:2] == ["subroutine_id", "ent_results_array_address"], _where("EprCmdData")
    arrays = Arrays()
    arrays.init_new_array(3, 2)
    assert arrays.has_array(3) and arrays._get_array(3) == [None, None], _where("Arrays")
