"""min_fidelity_all_at_end with max_tries: the SDK retries while the pair is too poor.

The network stack writes a GOODNESS value that the SDK's test passes exactly
when the delivered fidelity reaches the requested minimum. Each try costs one
full request (2 x classical delay + one link cycle), so the end time tells how
many tries were made.
"""

import pytest

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, GenericQDeviceConfig, two_nodes
from netqsim.qnodeos.netstack import goodness_for

DELAY, CYCLE = 500.0, 1000.0
ONE_TRY = 2 * DELAY + CYCLE


def requester(role: str, peer: str, min_fidelity: int, tries: int) -> Program:
    class Request(Program):
        @property
        def meta(self):
            return ProgramMeta(name=role, epr_sockets=[peer], max_qubits=2)

        def run(self, context):
            epr = context.epr_sockets[peer]
            request = epr.create_keep if role == "creator" else epr.recv_keep
            request(min_fidelity_all_at_end=min_fidelity, max_tries=tries)
            yield from context.connection.flush()
            return {"end": context.now}

    return Request()


@pytest.mark.parametrize(("min_fidelity", "expected_tries"), [(80, 1), (90, 1), (91, 3), (95, 3)])
def test_tries_until_the_delivered_fidelity_is_high_enough(min_fidelity, expected_tries):
    config = two_nodes(
        qdevice=GenericQDeviceConfig.perfect_config(num_qubits=2, T1=0, T2=0),
        link=DepolariseLinkConfig(fidelity=0.9, prob_success=1, t_cycle=CYCLE),
        clink=DefaultCLinkConfig(delay=DELAY),
    )
    results = netqsim.run(
        config,
        {"Alice": requester("creator", "Bob", min_fidelity, 3),
         "Bob": requester("receiver", "Alice", min_fidelity, 3)},
        seed=1,
    )
    assert results["Alice"][0]["end"] == expected_tries * ONE_TRY


@pytest.mark.parametrize("fid", [0.25, 0.5, 0.9, 0.95, 1.0])
def test_goodness_passes_the_sdk_test_exactly_at_the_minimum(fid):
    for minimum in range(0, 101):
        passes = goodness_for(fid) < 100_000 - 900 * minimum  # the SDK's `blt`
        assert passes == (round(100 * fid, 9) >= minimum), (fid, minimum)
