"""Errors instead of hangs: EPR sockets without a link, requests that can never be served."""

import pytest
from tests.epr.programs import KeepMeasure, SequentialMeasure, device, keep_pair, paired

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DepolariseLinkConfig, PerfectLinkConfig, chain, two_nodes
from netqsim.kernel import DeadlockError, ProcessError


def test_epr_socket_to_a_node_without_a_path_is_a_clear_error():
    config = chain(["Alice", "Bob", "Charlie"], qdevice=device())
    config.links = config.links[:1]  # Charlie is linked to nobody: no path from Alice
    with pytest.raises(ProcessError) as info:
        netqsim.run(config, keep_pair("Alice", "Charlie"), num_times=1, seed=71)
    assert isinstance(info.value.exception, ValueError)
    message = str(info.value)
    assert "'Alice'" in message and "'Charlie'" in message
    assert "no entanglement link" in message


def test_a_request_that_can_never_be_served_names_the_request():
    # One qubit per device, two pairs at once (not sequential): never possible.
    config = two_nodes(qdevice=device(num_qubits=1), link=PerfectLinkConfig())
    with pytest.raises(DeadlockError) as info:
        netqsim.run(config, keep_pair(number=2), num_times=1, seed=72)
    message = str(info.value)
    assert "create_keep(number=2)" in message
    assert "a free communication qubit" in message


def test_a_request_nobody_receives_names_the_request():
    class Idle(Program):
        @property
        def meta(self):
            return ProgramMeta(name="idle", epr_sockets=["Alice"], max_qubits=2)

        def run(self, context):
            return {}
            yield

    config = two_nodes(qdevice=device())
    with pytest.raises(DeadlockError) as info:
        netqsim.run(config, {"Alice": KeepMeasure("Bob", "create"), "Bob": Idle()},
                    num_times=1, seed=73)
    assert "Alice" in str(info.value)
    assert info.value.pending == [
        "create_keep(number=1) request 0 from 'Alice' to 'Bob' waits for 'Bob' to issue the "
        "matching receive (recv_keep, recv_measure or recv_rsp on the same EPR socket)"
    ]


def test_sequential_request_with_one_qubit_is_served():
    # The same two pairs with sequential=True and a post routine fit in one qubit.

    config = two_nodes(qdevice=device(num_qubits=1))
    results = netqsim.run(
        config, {"Alice": SequentialMeasure("Bob", "create", 2),
             "Bob": SequentialMeasure("Alice", "recv", 2)},
        num_times=20, seed=74,
    )
    assert all(a["m"] == b["m"] for a, b in paired(results))


def test_keep_with_max_qubits_one_waits_for_and_corrects_the_pair():
    # netqasm's SDK, for a program registering one qubit, assumes one communication
    # qubit and no memory and emits neither a wait for the pair nor the receiver's
    # correction; netqsim's CorrectingBuilder adds both. Random Bell states check
    # the correction; X and Z outcomes agree in every run.
    config = two_nodes(qdevice=device(num_qubits=1), link=DepolariseLinkConfig(
        fidelity=1, prob_success=1, t_cycle=10, random_bell_state=True))
    results = netqsim.run(config, keep_pair(bases=("X", "Z"), max_qubits=1),
                          num_times=40, seed=75)
    assert all(a["m"] == b["m"] for a, b in paired(results))
