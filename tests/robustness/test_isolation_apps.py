"""Issue 11, finding 11: programs on one node talking to the same peer are isolated.

Two programs on Alice pair with two programs on Bob (the k-th with the k-th, see
netqsim.host.pairing). Every round each pair shares one EPR pair, measured in Z on
both sides, and Alice's program tells its partner its outcome over the classical
socket. The programs issue their requests in orders that change from round to round
(different waits per program and round), so requests of the two applications reach
the network stacks interleaved every which way. With a perfect link the partners'
outcomes agree in every round; a pair or a message delivered to the other application
would agree only half the time (the outcomes are uniformly random), so 200 rounds
out of 200 cannot happen by chance (probability 2^-200 per application).
"""

import pytest
from tests.epr.programs import device

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import PerfectLinkConfig, two_nodes

ROUNDS = 200


class Partner(Program):
    """One of two programs on a node; ``slot`` (0 or 1) picks its waits per round."""

    def __init__(self, name, peer, slot, create):
        self.name, self.peer, self.slot, self.create = name, peer, slot, create

    @property
    def meta(self):
        return ProgramMeta(name=self.name, csockets=[self.peer], epr_sockets=[self.peer],
                           max_qubits=1)

    async def run(self, context):
        conn = context.connection
        epr = context.epr_sockets[self.peer]
        csocket = context.csockets[self.peer]
        agree = from_partner = 0
        for r in range(ROUNDS):
            # Waits chosen so that who asks first changes from round to round.
            await netqsim.sleep(((r + self.slot * (2 + self.create)) % 4) * 350.0)
            if self.create:
                m = epr.create_keep(1)[0].measure()
                await conn.flush()
                csocket.send(f"{self.name} {r} {int(m)}")
            else:
                m = epr.recv_keep(1)[0].measure()
                await conn.flush()
                sender, round_, outcome = (await csocket.recv()).split()
                from_partner += sender == self.peer_program and int(round_) == r
                agree += int(outcome) == int(m)
        return {"agree": agree, "from_partner": from_partner}


def programs():
    alice = [Partner("a0", "Bob", 0, True), Partner("a1", "Bob", 1, True)]
    bob = [Partner("b0", "Alice", 0, False), Partner("b1", "Alice", 1, False)]
    bob[0].peer_program, bob[1].peer_program = "a0", "a1"
    # Bob lists its programs in the same order: b0 pairs with a0, b1 with a1.
    return {"Alice": alice, "Bob": bob}


def test_two_programs_per_node_get_their_own_pairs_and_messages():
    config = two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig())
    results = netqsim.run(config, programs(), num_times=1, seed=11)
    (bob,) = results["Bob"]
    assert bob == {"b0": {"agree": ROUNDS, "from_partner": ROUNDS},
                   "b1": {"agree": ROUNDS, "from_partner": ROUNDS}}


def test_different_numbers_of_talking_programs_are_refused_with_the_rule():
    config = two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig())
    progs = programs()
    progs["Bob"] = progs["Bob"][:1]
    with pytest.raises(ValueError) as info:
        netqsim.run(config, progs, seed=1)
    assert str(info.value) == (
        "node 'Alice' runs 2 program(s) with a classical socket to 'Bob' (a0, a1) but 'Bob' "
        "runs 1 with one to 'Alice' (b0); programs pair in the order they are given, so "
        "both nodes need the same number"
    )


def test_socket_plan_pairs_in_order_with_ids_unique_per_node():
    from netqsim.host.pairing import plan_sockets

    def meta(name, *peers):
        return ProgramMeta(name=name, csockets=list(peers), epr_sockets=list(peers))

    plan = plan_sockets({
        "Alice": [meta("a0", "Bob", "Charlie"), meta("a1", "Bob")],
        "Bob": [meta("b0", "Alice"), meta("b1", "Alice")],
        "Charlie": [meta("c0", "Alice")],
    })
    # EPR socket ids count across a node's programs; each side knows the other's id.
    assert plan.epr_socket("Alice", "a0", "Bob", 0) == (0, 0)
    assert plan.epr_socket("Alice", "a0", "Charlie", 1) == (1, 0)
    assert plan.epr_socket("Alice", "a1", "Bob", 0) == (2, 1)
    assert plan.epr_socket("Bob", "b1", "Alice", 0) == (1, 2)
    assert plan.epr_socket("Charlie", "c0", "Alice", 0) == (0, 1)
    assert plan.csocket_peer("Alice", "a1", "Bob") == "b1"
    assert plan.csocket_peer("Bob", "b0", "Alice") == "a0"
    assert plan.csocket_peer("Charlie", "c0", "Alice") == "a0"
    # a program the plan does not know keeps its position as socket id
    assert plan.epr_socket("Alice", "other", "Bob", 3) == (3, 0)
