"""netqsim.util: state inspection and routines, in generator and async programs."""

import math

import numpy as np
import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import (
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    PerfectLinkConfig,
    star,
    two_nodes,
)
from netqsim.quantum import bell_state
from netqsim.util import (
    Routine,
    bell_fidelity,
    distributed_CPhase_control,
    distributed_CPhase_target,
    fidelity_to,
    get_qubit_state,
    get_reference_ket,
    get_reference_state,
    ghz_line,
    ghz_star_center,
    ghz_star_leaf,
    measure_xy,
    qkd_receiver,
    qkd_sender,
    queue_recv_remote_state,
    queue_remote_state,
    recv_float,
    recv_int,
    recv_remote_state,
    remote_state_prepare,
    routine,
    send_float,
    send_int,
    state_group,
)


def device(n=3, **kw):
    values = dict(T1=0, T2=0, init_time=0, single_qubit_gate_time=0, two_qubit_gate_time=0,
                  measure_time=0)
    values.update(kw)
    return GenericQDeviceConfig.perfect_config(num_qubits=n, **values)


PERFECT = two_nodes(qdevice=device(), link=PerfectLinkConfig(state_delay=100))


class Local(Program):
    """Runs ``body(context)`` (generator or coroutine function) on one node."""

    def __init__(self, body, max_qubits=2, peers=()):
        self.body, self.max_qubits, self.peers = body, max_qubits, list(peers)

    @property
    def meta(self):
        return ProgramMeta("local", csockets=self.peers, epr_sockets=self.peers,
                           max_qubits=self.max_qubits)

    def run(self, context):
        return self.body(context)


def test_reference_state_follows_squidasm_convention():
    # cos(theta/2)|0> + e^{i phi} sin(theta/2)|1>, i.e. Rz(phi) Ry(theta)|0>.
    assert np.allclose(get_reference_state(0, 0), [[1, 0], [0, 0]])
    assert np.allclose(get_reference_state(0, math.pi), [[0, 0], [0, 1]])
    assert np.allclose(get_reference_state(0, math.pi / 2), 0.5 * np.ones((2, 2)))
    assert np.allclose(get_reference_state(math.pi / 2, math.pi / 2), [[0.5, -0.5j], [0.5j, 0.5]])
    ket = get_reference_ket(0.3, 1.1)
    assert fidelity_to(get_reference_state(0.3, 1.1), ket) == pytest.approx(1)


def test_get_qubit_state_of_a_local_qubit_in_both_program_styles():
    def gen(context):
        q = Qubit(context.connection)
        q.rot_Y(angle=1.0)
        q.rot_Z(angle=0.5)
        yield from context.connection.flush()
        return {"rho": get_qubit_state(q, "Alice"), "group": state_group(q)}

    async def coro(context):
        q = Qubit(context.connection)
        q.X()
        await context.connection.flush()
        return {"rho": get_qubit_state(q)}

    results = netqsim.run(PERFECT, {"Alice": Local(gen), "Bob": Local(coro)}, seed=1)
    alice, bob = results["Alice"][0], results["Bob"][0]
    assert fidelity_to(alice["rho"], get_reference_state(0.5, 1.0)) == pytest.approx(1, abs=1e-5)
    assert alice["group"] == [("Alice", 0)]
    assert np.allclose(bob["rho"], [[0, 0], [0, 1]])


def test_wrong_node_name_and_unflushed_qubits_are_errors():
    def body(context):
        q = Qubit(context.connection)
        yield from context.connection.flush()
        with pytest.raises(ValueError, match="belongs to node 'Alice'"):
            get_qubit_state(q, "Bob")
        fresh = Qubit(context.connection)  # not flushed: not allocated yet
        with pytest.raises(KeyError):
            get_qubit_state(fresh)
        yield from context.connection.flush()
        return {}

    netqsim.run(PERFECT, {"Alice": Local(body)}, seed=1)


def test_full_state_of_an_epr_half_includes_the_remote_half():
    def create(context):
        context.epr_sockets["Bob"].create_keep()
        yield from context.connection.flush()
        yield from context.csockets["Bob"].recv()
        return {}

    def recv(context):
        q = context.epr_sockets["Alice"].recv_keep()[0]
        yield from context.connection.flush()
        result = {"full": get_qubit_state(q, full_state=True), "own": get_qubit_state(q),
                  "group": state_group(q)}
        context.csockets["Alice"].send("done")
        return result

    config = two_nodes(qdevice=device(), link=DepolariseLinkConfig(
        fidelity=0.8, prob_success=1, t_cycle=10))
    results = netqsim.run(config, {"Alice": Local(create, peers=["Bob"]),
                                   "Bob": Local(recv, peers=["Alice"])}, seed=2)
    bob = results["Bob"][0]
    assert bob["full"].shape == (4, 4)
    assert bell_fidelity(bob["full"]) == pytest.approx(0.8)
    assert np.allclose(bob["own"], np.eye(2) / 2)
    assert [node for node, _ in bob["group"]] == ["Bob", "Alice"]


def test_routine_objects_work_with_yield_from_and_await():
    @routine
    def twice(context, x):
        yield context.sim.timeout(5)
        return 2 * x

    def gen(context):
        value = yield from twice(context, 3)
        return {"value": value, "t": context.now}

    async def coro(context):
        value = await twice(context, 4)
        return {"value": value, "t": context.now}

    assert isinstance(twice(None, 1), Routine)
    results = netqsim.run(PERFECT, {"Alice": Local(gen), "Bob": Local(coro)}, seed=3)
    assert results["Alice"][0]["value"] == 6 and results["Bob"][0]["value"] == 8
    assert results["Alice"][0]["t"] == results["Bob"][0]["t"] == 5


@pytest.mark.parametrize(("ctrl", "target"), [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_distributed_cphase_flips_the_targets_phase_iff_the_control_is_one(ctrl, target):
    # Control |ctrl>, target H|target>: CZ gives Z^ctrl H|target>, so the
    # target's X-basis outcome is target XOR ctrl and the control is unchanged.
    def control(context):
        q = Qubit(context.connection)
        if ctrl:
            q.X()
        yield from distributed_CPhase_control(context, "Bob", q)
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m)}

    async def tgt(context):
        q = Qubit(context.connection)
        if target:
            q.X()
        q.H()  # |+> or |->
        await distributed_CPhase_target(context, "Alice", q)
        q.H()
        m = q.measure()
        await context.connection.flush()
        return {"m": int(m)}

    results = netqsim.run(PERFECT, {"Alice": Local(control, peers=["Bob"]),
                                    "Bob": Local(tgt, peers=["Alice"])}, num_times=20, seed=4)
    assert all(r["m"] == ctrl for r in results["Alice"])
    assert all(r["m"] == target ^ ctrl for r in results["Bob"])


def test_ghz_over_a_star_is_correlated():
    config = star("Hub", ["A", "B", "C"], qdevice=device(4))

    def hub(context):
        q = yield from ghz_star_center(context, ["A", "B", "C"])
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m)}

    def leaf(context):
        q = yield from ghz_star_leaf(context, "Hub")
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m)}

    progs = {"Hub": Local(hub, max_qubits=3, peers=["A", "B", "C"])}
    for name in "ABC":
        progs[name] = Local(leaf, peers=["Hub"])
    results = netqsim.run(config, progs, num_times=30, seed=5)
    rows = list(zip(*(results[n] for n in ("Hub", "A", "B", "C")), strict=True))
    assert all(len({r["m"] for r in row}) == 1 for row in rows)
    assert 0 < sum(row[0]["m"] for row in rows) < 30


def test_ghz_star_state_is_exact():
    config = star("Hub", ["A", "B"], qdevice=device(4))

    def hub(context):
        q = yield from ghz_star_center(context, ["A", "B"])
        for leaf in ("A", "B"):
            yield from context.csockets[leaf].recv()
        full = get_qubit_state(q, full_state=True)
        for leaf in ("A", "B"):
            context.csockets[leaf].send("done")
        return {"full": full}

    def leaf(context):
        yield from ghz_star_leaf(context, "Hub")
        context.csockets["Hub"].send("ready")
        yield from context.csockets["Hub"].recv()
        return {}

    results = netqsim.run(config, {"Hub": Local(hub, max_qubits=2, peers=["A", "B"]),
                                   "A": Local(leaf, peers=["Hub"]),
                                   "B": Local(leaf, peers=["Hub"])}, seed=6)
    ghz = np.zeros(8, dtype=complex)
    ghz[0] = ghz[7] = 1 / math.sqrt(2)
    assert fidelity_to(results["Hub"][0]["full"], ghz) == pytest.approx(1)


@pytest.mark.parametrize("theta", [0.0, math.pi / 4, 1.3])
def test_remote_state_preparation(theta):
    def client(context):
        m = yield from remote_state_prepare(context, "Bob", theta)
        context.csockets["Bob"].send(str(m))
        return {"m": m}

    def server(context):
        q = yield from recv_remote_state(context, "Alice")
        m = int((yield from context.csockets["Alice"].recv()))
        # Rz(theta + m pi)|+> has Bloch angles phi = theta + m pi, theta = pi/2.
        return {"f": fidelity_to(get_qubit_state(q),
                                 get_reference_state(theta + m * math.pi, math.pi / 2))}

    results = netqsim.run(PERFECT, {"Alice": Local(client, peers=["Bob"]),
                                    "Bob": Local(server, peers=["Alice"])},
                          num_times=10, seed=7)
    assert all(r["f"] == pytest.approx(1, abs=1e-5) for r in results["Bob"])


def test_measure_xy_outcome_zero_is_rz_minus_angle_plus():
    angle = 0.7

    def body(context):
        q = Qubit(context.connection)
        q.H()
        q.rot_Z(angle=2 * math.pi - angle)  # Rz(-angle)|+>
        m = measure_xy(q, angle)
        yield from context.connection.flush()
        return {"m": int(m)}

    results = netqsim.run(PERFECT, {"Alice": Local(body)}, num_times=20, seed=8)
    assert all(r["m"] == 0 for r in results["Alice"])


def test_qkd_keys_agree_on_a_perfect_link_with_random_bell_states():
    config = two_nodes(qdevice=device(), link=DepolariseLinkConfig(
        fidelity=1, prob_success=1, t_cycle=10, random_bell_state=True))

    def alice(context):
        return (yield from qkd_sender(context, "Bob", 200, test_fraction=0.3)).as_dict()

    async def bob(context):
        return (await qkd_receiver(context, "Alice", 200)).as_dict()

    results = netqsim.run(config, {"Alice": Local(alice, peers=["Bob"]),
                                   "Bob": Local(bob, peers=["Alice"])}, seed=9)
    a, b = results["Alice"][0], results["Bob"][0]
    assert a["key"] == b["key"] and a["qber"] == b["qber"] == 0.0
    assert a["num_sifted"] == b["num_sifted"]
    # Binomial(200, 1/2) sifted pairs: sigma ~ 7; 5 sigma.
    assert abs(a["num_sifted"] - 100) < 36
    assert len(a["key"]) == a["num_sifted"] - a["num_tested"] > 0
    assert bell_fidelity(bell_state(0, as_dm=True)) == pytest.approx(1)


# ---------------------------------------------------------------- numbers on classical sockets


def test_ints_and_floats_cross_a_socket_unchanged_in_both_styles():
    values = [0, -7, 2**70]
    floats = [0.1 + 0.2, -1e-300, 2.5e300, math.pi]

    def sender(context):
        sock = context.csockets["Bob"]
        for v in values:
            send_int(sock, v)
        for f in floats:
            send_float(sock, f)
        yield from context.connection.flush()
        return {}

    async def receiver(context):
        sock = context.csockets["Alice"]
        ints = [await recv_int(sock) for _ in values]
        got = [await recv_float(sock) for _ in floats]
        assert all(type(f) is float for f in got)
        return {"ints": ints, "floats": got}

    def gen_receiver(context):
        sock = context.csockets["Alice"]
        ints, got = [], []
        for _ in values:
            ints.append((yield from recv_int(sock)))
        for _ in floats:
            got.append((yield from recv_float(sock)))
        return {"ints": ints, "floats": got}

    for body in (receiver, gen_receiver):
        results = netqsim.run(PERFECT, {"Alice": Local(sender, peers=["Bob"]),
                                        "Bob": Local(body, peers=["Alice"])}, seed=11)
        assert results["Bob"][0] == {"ints": values, "floats": floats}


def test_recv_int_names_a_message_that_is_not_an_int():
    def sender(context):
        context.csockets["Bob"].send("1.5")
        yield from context.connection.flush()
        return {}

    def receiver(context):
        return {"v": (yield from recv_int(context.csockets["Alice"]))}

    with pytest.raises(netqsim.kernel.errors.ProcessError,
                       match=r"'Bob/local' failed .* ValueError: invalid literal for int\(\) "
                             r"with base 10: '1.5'"):
        netqsim.run(PERFECT, {"Alice": Local(sender, peers=["Bob"]),
                              "Bob": Local(receiver, peers=["Alice"])}, seed=12)


# ---------------------------------------------------------------- RSP without flushing


def test_queued_remote_state_preparation_waits_for_the_programs_flush():
    theta = 0.9

    def client(context):
        m = queue_remote_state(context.epr_sockets["Bob"], theta)
        yield from context.connection.flush()
        send_int(context.csockets["Bob"], int(m))
        return {"m": int(m)}

    def server(context):
        q = queue_recv_remote_state(context.epr_sockets["Alice"])
        assert isinstance(q, Qubit)
        yield from context.connection.flush()
        m = yield from recv_int(context.csockets["Alice"])
        return {"f": fidelity_to(get_qubit_state(q),
                                 get_reference_state(theta + m * math.pi, math.pi / 2))}

    results = netqsim.run(PERFECT, {"Alice": Local(client, peers=["Bob"]),
                                    "Bob": Local(server, peers=["Alice"])},
                          num_times=10, seed=13)
    assert {r["m"] for r in results["Alice"]} == {0, 1}
    assert all(r["f"] == pytest.approx(1, abs=1e-5) for r in results["Bob"])


# ---------------------------------------------------------------- GHZ over a line of sockets

LINE = ["N0", "N1", "N2", "N3"]


def line_program(i, corrections, basis="Z"):
    def body(context):
        down = LINE[i - 1] if i > 0 else None
        up = LINE[i + 1] if i + 1 < len(LINE) else None
        q, m = yield from ghz_line(
            context.connection,
            None if down is None else context.epr_sockets[down],
            None if up is None else context.epr_sockets[up],
            None if down is None else context.csockets[down],
            None if up is None else context.csockets[up],
            corrections=corrections,
        )
        if basis == "X":
            q.H()
        out = q.measure()
        yield from context.connection.flush()
        return {"out": int(out), "m": m}

    peers = [LINE[j] for j in (i - 1, i + 1) if 0 <= j < len(LINE)]
    return Local(body, max_qubits=2, peers=peers)


def line_config():
    from netqsim.config import chain
    return chain(LINE, qdevice=device(), link=PerfectLinkConfig(state_delay=100))


@pytest.mark.parametrize("corrections", [True, False])
def test_ghz_line_gives_ghz_outcomes_with_and_without_corrections(corrections):
    n = 40
    progs = {name: line_program(i, corrections) for i, name in enumerate(LINE)}
    results = netqsim.run(line_config(), progs, num_times=n, seed=14)
    rows = list(zip(*(results[name] for name in LINE), strict=True))
    for row in rows:
        # Without corrections, node k's qubit is flipped by the outcomes of the
        # middle nodes below it; SquidASM's create_ghz returns those outcomes.
        flips = 0
        for r in row:
            assert r["out"] ^ flips == row[0]["out"]
            flips ^= r["m"]
        assert row[0]["m"] == row[-1]["m"] == 0
    ms = [r["m"] for row in rows for r in row[1:-1]]
    if corrections:
        assert set(ms) == {0}
    else:
        # m is a fair coin: 80 outcomes, sigma 4.5; 5 sigma.
        assert abs(sum(ms) - 40) < 23
    # All-zero and all-one rows both occur: Binomial(40, 1/2), P(none) = 2^-39.
    assert 0 < sum(row[0]["out"] for row in rows) < n


def test_ghz_line_state_is_ghz_in_the_x_basis():
    # X-basis outcomes of a GHZ state have even parity, every time.
    progs = {name: line_program(i, True, basis="X") for i, name in enumerate(LINE)}
    results = netqsim.run(line_config(), progs, num_times=30, seed=15)
    rows = list(zip(*(results[name] for name in LINE), strict=True))
    assert all(sum(r["out"] for r in row) % 2 == 0 for row in rows)


def test_ghz_line_refuses_missing_sockets():
    with pytest.raises(TypeError, match="ghz_line needs down_epr_socket or up_epr_socket; "
                                        "both are None"):
        next(iter(ghz_line(object())))
    with pytest.raises(TypeError, match="ghz_line with corrections needs up_socket next to "
                                        "up_epr_socket"):
        next(iter(ghz_line(object(), None, object())))


# ---------------------------------------------------------------- QKD with a number of test bits


def test_qkd_with_num_test_bits_tests_exactly_that_many():
    config = two_nodes(qdevice=device(), link=DepolariseLinkConfig(
        fidelity=1, prob_success=1, t_cycle=10))

    def alice(context):
        return (yield from qkd_sender(context, "Bob", 120, num_test_bits=17)).as_dict()

    def bob(context):
        return (yield from qkd_receiver(context, "Alice", 120)).as_dict()

    results = netqsim.run(config, {"Alice": Local(alice, peers=["Bob"]),
                                   "Bob": Local(bob, peers=["Alice"])}, num_times=3, seed=16)
    for a, b in zip(results["Alice"], results["Bob"], strict=True):
        assert a["num_tested"] == b["num_tested"] == 17
        assert a["key"] == b["key"] and len(a["key"]) == a["num_sifted"] - 17
    with pytest.raises(ValueError, match="qkd_sender: num_test_bits must be >= 0, got -1"):
        next(iter(qkd_sender(object(), "Bob", 10, num_test_bits=-1)))
