"""A returned array lands in shared memory exactly as netqasm's init_new_array puts it."""

import pytest
from netqasm.sdk.shared_memory import SharedMemory

import netqsim.host.endpoint as endpoint_module
from netqsim.host.endpoint import store_returned_array


@pytest.mark.parametrize("values", [[1, None, -3], [], [2**31 - 1]])
def test_the_memory_holds_what_netqasm_would_hold(values):
    ours, theirs = SharedMemory(), SharedMemory()
    for memory in (ours, theirs):
        memory.init_new_array(5, new_array=[9, 9, 9, 9])  # an older array at that address
    store_returned_array(ours, 5, list(values))
    theirs.init_new_array(5, new_array=list(values))
    assert ours._arrays._arrays == theirs._arrays._arrays
    assert ours.get_array_part(5, slice(0, len(values))) == values


def test_on_hardware_netqasms_width_check_still_runs(monkeypatch):
    monkeypatch.setattr(endpoint_module, "get_is_using_hardware", lambda: True)
    monkeypatch.setattr("netqasm.sdk.shared_memory.get_is_using_hardware", lambda: True)
    with pytest.raises(OverflowError, match="value 4294967296 does not fit into 32 bits"):
        store_returned_array(SharedMemory(), 1, [2**32])
