"""Teleportation, CHSH, QBER, heralded links and swapping against their closed forms.

Noiseless, instantaneous devices (``helpers.device``) isolate the link
noise. Each statistical check is within 5 sigma; the sample size and sigma
are stated next to it. Exact density-matrix checks (``get_qubit_state``)
come first where the state is deterministic.
"""

import itertools
import math

import pytest
from netqasm.sdk.qubit import Qubit
from tests.validation.helpers import Body, check, check_rate, correlator, device

import netqsim
from netqsim.config import (
    DepolariseLinkConfig,
    HeraldedLinkConfig,
    SingleClickLinkConfig,
    chain,
    two_nodes,
)
from netqsim.network.links import build_link_model
from netqsim.util import (
    bell_fidelity,
    fidelity_to,
    get_qubit_state,
    get_reference_state,
    qkd_receiver,
    qkd_sender,
    teleport_recv,
    teleport_send,
)


def werner_link(fidelity: float) -> DepolariseLinkConfig:
    return DepolariseLinkConfig(fidelity=fidelity, prob_success=1, t_cycle=10)


def measure(q, basis: str):
    """Measure in Z, X, Y, (Z+X)/sqrt2 or (Z-X)/sqrt2 (outcome 0 = eigenvalue +1)."""
    if basis == "X":
        q.H()
    elif basis == "Y":
        q.rot_X(n=1, d=1)  # Rx(pi/2): the +1 eigenstate of Y goes to |0>
    elif basis == "Z+X":
        q.rot_Y(n=7, d=2)
    elif basis == "Z-X":
        q.rot_Y(n=1, d=2)
    return q.measure()


def test_teleportation_fidelity_is_two_f_plus_one_over_three():
    f_link, theta, n = 0.8, 1.1, 1500
    expected = (2 * f_link + 1) / 3

    def alice(context):
        q = Qubit(context.connection)
        q.rot_Y(angle=theta)
        yield from teleport_send(q, context, "Bob")
        return {}

    async def bob(context):
        q = await teleport_recv(context, "Alice")
        exact = fidelity_to(get_qubit_state(q), get_reference_state(0.0, theta))
        q.rot_Y(angle=2 * math.pi - theta)
        m = q.measure()
        await context.connection.flush()
        return {"m": int(m), "exact": exact}

    config = two_nodes(qdevice=device(), link=werner_link(f_link))
    rows = netqsim.run(config, {"Alice": Body(alice, ["Bob"]), "Bob": Body(bob, ["Alice"])},
                       num_times=n, seed=21)["Bob"]
    assert all(r["exact"] == pytest.approx(expected, abs=1e-5) for r in rows)
    # N = 1500, P(0) = F = 0.867: sigma = 0.0088.
    check_rate(sum(r["m"] == 0 for r in rows), n, expected, "teleported fidelity")


def test_chsh_value_is_two_sqrt2_werner_parameter():
    f_link, n = 0.9, 2000
    settings = list(itertools.product(("Z", "X"), ("Z+X", "Z-X")))

    def player(index):
        def body(context):
            a, b = settings[body.count % 4]  # both nodes cycle through the four settings
            body.count += 1
            socket = context.epr_sockets["Bob" if index == 0 else "Alice"]
            q = (socket.create_keep if index == 0 else socket.recv_keep)()[0]
            m = measure(q, a if index == 0 else b)
            yield from context.connection.flush()
            return {"m": int(m), "setting": (a, b)}
        body.count = 0
        return body

    config = two_nodes(qdevice=device(), link=werner_link(f_link))
    results = netqsim.run(config, {"Alice": Body(player(0), ["Bob"]),
                                   "Bob": Body(player(1), ["Alice"])}, num_times=n, seed=22)
    s_value, variance = 0.0, 0.0
    for setting in settings:
        signs = [1 - 2 * (a["m"] ^ b["m"])
                 for a, b in zip(results["Alice"], results["Bob"], strict=True)
                 if a["setting"] == setting]
        mean, sigma = correlator(signs)
        s_value += -mean if setting == ("X", "Z-X") else mean
        variance += sigma**2
    # 500 rounds per setting; sigma(S) = sqrt(sum (1 - E^2)/500) = 0.07.
    check(s_value, 2 * math.sqrt(2) * (4 * f_link - 1) / 3, math.sqrt(variance), "CHSH S")


@pytest.mark.parametrize("f_link", [0.85, 0.95])
def test_qber_is_two_thirds_of_the_infidelity(f_link):
    pairs, runs = 1000, 2

    def alice(context):
        return (yield from qkd_sender(context, "Bob", pairs, test_fraction=1.0)).as_dict()

    def bob(context):
        return (yield from qkd_receiver(context, "Alice", pairs)).as_dict()

    config = two_nodes(qdevice=device(), link=DepolariseLinkConfig(
        fidelity=f_link, prob_success=1, t_cycle=10, random_bell_state=True))
    rows = netqsim.run(config, {"Alice": Body(alice, ["Bob"]), "Bob": Body(bob, ["Alice"])},
                       num_times=runs, seed=23)["Alice"]
    errors = sum(r["errors"] for r in rows)
    tested = sum(r["num_tested"] for r in rows)
    # ~1000 sifted test bits: sigma = 0.0095 (F = 0.85) and 0.0058 (F = 0.95).
    check_rate(errors, tested, 2 * (1 - f_link) / 3, "QBER")


@pytest.mark.parametrize("cls", [HeraldedLinkConfig, SingleClickLinkConfig])
@pytest.mark.parametrize("length", [10.0, 40.0])
def test_heralded_link_rate_and_fidelity_against_length(cls, length):
    cfg = cls(length=length, p_loss_length=0.25, dark_count_probability=2e-3,
              visibility=0.9, speed_of_light=200_000)
    model = build_link_model(cfg)
    n = 600
    bases = ("Z", "X", "Y")

    def create(context):
        basis = bases[create.count % 3]
        create.count += 1
        t0 = context.now
        q = context.epr_sockets["Bob"].create_keep()[0]
        yield from context.connection.flush()
        t1 = context.now
        yield from context.csockets["Bob"].recv()
        m = measure(q, basis)
        yield from context.connection.flush()
        return {"m": int(m), "basis": basis, "duration": t1 - t0}

    def recv(context):
        basis = bases[recv.count % 3]
        recv.count += 1
        q = context.epr_sockets["Alice"].recv_keep()[0]
        yield from context.connection.flush()
        exact = bell_fidelity(get_qubit_state(q, full_state=True))
        context.csockets["Alice"].send("seen")
        m = measure(q, basis)
        yield from context.connection.flush()
        return {"m": int(m), "exact": exact}

    create.count = recv.count = 0
    config = two_nodes(qdevice=device(), link=cfg)
    results = netqsim.run(config, {"Alice": Body(create, ["Bob"]), "Bob": Body(recv, ["Alice"])},
                          num_times=n, seed=24)
    alice, bob = results["Alice"], results["Bob"]
    # The SDK corrects the heralded Psi+- to Phi+: exactly the model's fidelity.
    assert all(r["exact"] == pytest.approx(model.fidelity(), abs=1e-9) for r in bob)
    # Rate: attempts per pair are geometric(p): mean 1/p, sigma = sqrt(1-p)/p/sqrt(N).
    p = model.success_probability
    attempts = [a["duration"] / model.cycle_time_ns for a in alice]
    check(sum(attempts) / n, 1 / p, math.sqrt(1 - p) / p / math.sqrt(n), "attempts per pair")
    # Fidelity from correlators, 200 pairs per basis: sigma(F) <= sqrt(3/200)/4 = 0.031.
    stats = {}
    for basis in bases:
        stats[basis] = correlator([1 - 2 * (a["m"] ^ b["m"])
                                   for a, b in zip(alice, bob, strict=True)
                                   if a["basis"] == basis])
    estimate = (1 + stats["X"][0] - stats["Y"][0] + stats["Z"][0]) / 4
    sigma = math.sqrt(sum(s**2 for _, s in stats.values())) / 4
    check(estimate, model.fidelity(), sigma, f"fidelity at {length} km")


def test_heralded_fidelity_falls_and_time_grows_with_length():
    models = [build_link_model(HeraldedLinkConfig(length=length, dark_count_probability=1e-3))
              for length in (5, 20, 50, 100)]
    fids = [m.fidelity() for m in models]
    times = [m.mean_duration_ns for m in models]
    assert fids == sorted(fids, reverse=True) and times == sorted(times)


def test_swapped_werner_pairs_have_the_product_fidelity():
    f1, f2, n = 0.9, 0.8, 900
    w = (4 * f1 - 1) / 3 * (4 * f2 - 1) / 3
    expected = (1 + 3 * w) / 4
    bases = ("Z", "X", "Y")

    def left(context):
        basis = bases[left.count % 3]
        left.count += 1
        q = context.epr_sockets["M"].create_keep()[0]
        yield from context.connection.flush()
        yield from context.csockets["R"].recv()
        m = measure(q, basis)
        yield from context.connection.flush()
        return {"m": int(m), "basis": basis}

    def middle(context):
        q1 = context.epr_sockets["L"].recv_keep()[0]
        q2 = context.epr_sockets["R"].create_keep()[0]
        q1.cnot(q2)
        q1.H()
        m1, m2 = q1.measure(), q2.measure()
        yield from context.connection.flush()
        context.csockets["R"].send(f"{int(m1)} {int(m2)}")
        return {}

    def right(context):
        basis = bases[right.count % 3]
        right.count += 1
        q = context.epr_sockets["M"].recv_keep()[0]
        yield from context.connection.flush()
        m1, m2 = (int(v) for v in (yield from context.csockets["M"].recv()).split())
        if m2:
            q.X()
        if m1:
            q.Z()
        yield from context.connection.flush()
        exact = bell_fidelity(get_qubit_state(q, full_state=True))
        context.csockets["L"].send("seen")
        m = measure(q, basis)
        yield from context.connection.flush()
        return {"m": int(m), "exact": exact}

    left.count = right.count = 0
    config = chain(["L", "M", "R"], qdevice=device(), link=[werner_link(f1), werner_link(f2)])
    results = netqsim.run(config, {
        "L": Body(left, ["R"], epr=["M"]), "M": Body(middle, ["R"], epr=["L", "R"]),
        "R": Body(right, ["M", "L"], epr=["M"])}, num_times=n, seed=25)
    assert all(r["exact"] == pytest.approx(expected, abs=1e-9) for r in results["R"])
    pairs = list(zip(results["L"], results["R"], strict=True))
    stats = {b: correlator([1 - 2 * (a["m"] ^ c["m"]) for a, c in pairs if a["basis"] == b])
             for b in bases}
    estimate = (1 + stats["X"][0] - stats["Y"][0] + stats["Z"][0]) / 4
    # 300 pairs per basis: sigma(F) = sqrt(sum (1 - E^2)/300)/4 ~ 0.02.
    sigma = math.sqrt(sum(s**2 for _, s in stats.values())) / 4
    check(estimate, expected, sigma, "swapped pair fidelity")
