"""The receiver's Bell-state corrections hit the qubits that received the pairs.

netqasm's SDK applies them to virtual qubit 0; netqsim's CorrectingBuilder
fixes that. With a link that heralds a random Bell state, outcomes of the two
halves agree in Z only if every pair was corrected on the right qubit.
"""

import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, GenericQDeviceConfig, two_nodes


def pair_program(role: str, peer: str, sequential: bool) -> Program:
    class Pairs(Program):
        @property
        def meta(self):
            return ProgramMeta(name=role, epr_sockets=[peer], max_qubits=3)

        def run(self, context):
            conn, epr = context.connection, context.epr_sockets[peer]
            Qubit(conn)  # occupies virtual qubit 0, so the pairs land elsewhere
            request = epr.create_keep if role == "creator" else epr.recv_keep
            if sequential:
                outcomes = conn.new_array(4)

                def measure(_, qubit, pair):
                    qubit.measure(future=outcomes.get_future_index(pair))

                request(number=4, sequential=True, post_routine=measure)
                yield from conn.flush()
                return {"m": [int(outcomes.get_future_index(i)) for i in range(4)]}
            qubits = request(number=2)
            results = [q.measure() for q in qubits]
            yield from conn.flush()
            return {"m": [int(m) for m in results]}

    return Pairs()


@pytest.mark.parametrize("sequential", [False, True], ids=["keep2", "sequential4"])
def test_every_pair_is_corrected_on_its_own_qubit(sequential):
    config = two_nodes(
        qdevice=GenericQDeviceConfig.perfect_config(num_qubits=3, T1=0, T2=0),
        link=DepolariseLinkConfig(
            fidelity=1.0, prob_success=1, t_cycle=1000, random_bell_state=True
        ),
        clink=DefaultCLinkConfig(delay=500),
    )
    results = netqsim.run(
        config,
        {"Alice": pair_program("creator", "Bob", sequential),
         "Bob": pair_program("receiver", "Alice", sequential)},
        num_times=40, seed=3,
    )
    # Each pair is Phi+ after correction: Z outcomes agree in every run.
    assert [r["m"] for r in results["Alice"]] == [r["m"] for r in results["Bob"]]


def single_qubit_program(role: str, peer: str) -> Program:
    class OneQubit(Program):
        @property
        def meta(self):
            return ProgramMeta(name=role, epr_sockets=[peer], max_qubits=1)

        def run(self, context):
            epr = context.epr_sockets[peer]
            qubit = (epr.create_keep if role == "creator" else epr.recv_keep)()[0]
            outcome = qubit.measure()
            yield from context.connection.flush()
            return {"m": int(outcome)}

    return OneQubit()


def test_programs_with_a_single_qubit_wait_for_and_correct_their_pair():
    """netqasm emits no wait (and no correction) for max_qubits=1; netqsim does."""
    config = two_nodes(
        qdevice=GenericQDeviceConfig.perfect_config(num_qubits=1, T1=0, T2=0),
        link=DepolariseLinkConfig(
            fidelity=1.0, prob_success=1, t_cycle=1000, random_bell_state=True
        ),
        clink=DefaultCLinkConfig(delay=500),
    )
    results = netqsim.run(
        config,
        {"Alice": single_qubit_program("creator", "Bob"),
         "Bob": single_qubit_program("receiver", "Alice")},
        num_times=40, seed=5,
    )
    assert [r["m"] for r in results["Alice"]] == [r["m"] for r in results["Bob"]]
