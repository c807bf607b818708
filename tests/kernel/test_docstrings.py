"""The runnable examples in the kernel's docstrings stay correct."""

import doctest

import pytest

import netqsim.kernel.channel
import netqsim.kernel.events
import netqsim.kernel.lock
import netqsim.kernel.queue
import netqsim.kernel.simulator
import netqsim.network.classical


@pytest.mark.parametrize(
    "module",
    [netqsim.kernel.events, netqsim.kernel.simulator, netqsim.kernel.channel,
     netqsim.kernel.lock, netqsim.kernel.queue,
     netqsim.network.classical],
)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
