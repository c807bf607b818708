"""HostConnection builds one builder, the correcting one, with the state netqasm gives it."""

from netqasm.sdk.build_types import GenericHardwareConfig, NVHardwareConfig
from netqasm.sdk.transpile import NVSubroutineTranspiler

from netqsim.host.builder import CorrectingBuilder
from netqsim.host.compiled import CompiledSubroutines
from netqsim.host.connection import HostConnection
from netqsim.host.network_info import make_network_info


def connection(compiler=None, max_qubits=3, app_id=4):
    return HostConnection(
        object(), app_name="Alice", node_name="Alice", app_id=app_id, max_qubits=max_qubits,
        network_info=make_network_info({"Alice": 0}), compiler=compiler,
        compiled=CompiledSubroutines(),
    )


def test_correcting_builder_adds_no_state_so_retyping_netqasms_builder_is_enough():
    # HostConnection retypes the Builder that netqasm's constructor made; that
    # is only right while CorrectingBuilder has no constructor or slots of its own.
    assert "__init__" not in vars(CorrectingBuilder)
    assert "__slots__" not in vars(CorrectingBuilder)


def test_the_builder_is_a_correcting_builder_for_this_connection():
    conn = connection()
    builder = conn.builder
    assert type(builder) is CorrectingBuilder
    assert builder._connection is conn and builder.app_id == 4
    assert builder._compiler is None and builder._return_arrays is True
    assert type(builder._hardware_config) is GenericHardwareConfig
    assert builder._hardware_config.qubit_count == 3


def test_an_nv_connection_builds_for_nv_hardware():
    builder = connection(compiler=NVSubroutineTranspiler, max_qubits=2).builder
    assert type(builder) is CorrectingBuilder
    assert builder._compiler is NVSubroutineTranspiler
    assert type(builder._hardware_config) is NVHardwareConfig
    assert builder._hardware_config.qubit_count == 2
