"""min_fidelity_all_at_end / max_tries: retry statistics against their closed form.

The SDK compiles ``min_fidelity_all_at_end=F`` into a loop of at most
``max_tries`` requests that stops once the last pair's generation duration
(in whole us) is below ``100000 - 900 F`` (its NV rule, whatever the link).
On a link with success probability p per cycle T a pair takes K cycles, K
geometric; the last of ``number`` pairs arrives after S cycles, S the sum
of ``number`` such K (negative binomial), counted from the request's start.
One try passes with

    q = P(S T < max_time) = sum_{s=number}^{m} C(s-1, number-1) p^number (1-p)^(s-number),
    m = ceil(max_time / T) - 1   (for number = 1: q = 1 - (1 - p)^m),

and the number of tries N is geometric in q, cut at max_tries:
P(N = k) = (1 - q)^(k-1) q for k < max_tries, P(N = max_tries) = (1 - q)^(max_tries-1).

The tries are counted from the time a request takes: each try costs the
handshake, 2 d, plus its K T. With d = 1 ns and T = 2 ms, the elapsed time
modulo T is 2 N ns.
"""

from __future__ import annotations

import math

import pytest
from tests.epr.programs import assert_binomial_rate, assert_within_5_sigma, device

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, two_nodes

P, T, D = 0.2, 2e6, 1.0  # success probability per cycle, cycle [ns], classical delay [ns]
MAX_TRIES, N_RUNS = 5, 1000


class Retry(Program):
    """One create_keep/recv_keep with min_fidelity_all_at_end; returns the time it took."""

    def __init__(self, peer: str, role: str, number: int, min_fidelity: int) -> None:
        self.peer, self.role, self.number, self.min_fidelity = peer, role, number, min_fidelity

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="retry", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context):
        epr = context.epr_sockets[self.peer]
        request = epr.create_keep if self.role == "create" else epr.recv_keep
        start = context.now
        request(number=self.number, min_fidelity_all_at_end=self.min_fidelity,
                max_tries=MAX_TRIES)
        yield from context.connection.flush()
        return {"elapsed": context.now - start}


def tries_distribution(number: int, min_fidelity: int) -> list[float]:
    """P(N = k) for k = 1..MAX_TRIES (closed form above)."""
    max_time_ns = (100_000 - 900 * min_fidelity) * 1000
    m = math.ceil(max_time_ns / T) - 1
    q = sum(math.comb(s - 1, number - 1) * P**number * (1 - P) ** (s - number)
            for s in range(number, m + 1))
    return [(1 - q) ** (k - 1) * (q if k < MAX_TRIES else 1) for k in range(1, MAX_TRIES + 1)]


@pytest.mark.parametrize(("number", "min_fidelity"), [(1, 100), (1, 90), (2, 100)])
def test_number_of_tries_is_geometric_in_the_pass_probability(number, min_fidelity):
    # n = 1000 runs per case; every P(N = k) and the mean of N within 5 sigma.
    # F = 100: max 10000 us, m = 4, q = 0.590; F = 90: max 19000 us, m = 9,
    # q = 0.866; two pairs, F = 100: q = P(S <= 4) = 0.181.
    config = two_nodes(qdevice=device(2),
                       link=DepolariseLinkConfig(fidelity=0.9, prob_success=P, t_cycle=T),
                       clink=DefaultCLinkConfig(delay=D))
    programs = {"Alice": Retry("Bob", "create", number, min_fidelity),
                "Bob": Retry("Alice", "recv", number, min_fidelity)}
    results = netqsim.run(config, programs, num_times=N_RUNS, seed=12)
    tries = []
    for alice, bob in zip(results["Alice"], results["Bob"], strict=True):
        assert alice["elapsed"] == bob["elapsed"]  # both loops made the same tries
        handshakes = alice["elapsed"] % T
        assert handshakes % (2 * D) == 0 and 0 < handshakes <= 2 * D * MAX_TRIES, handshakes
        tries.append(int(handshakes // (2 * D)))

    expected = tries_distribution(number, min_fidelity)
    for k, p_k in enumerate(expected, start=1):
        assert_binomial_rate(tries.count(k), N_RUNS, p_k, f"P(N = {k})")
    mean = sum(k * p_k for k, p_k in enumerate(expected, start=1))
    variance = sum(k * k * p_k for k, p_k in enumerate(expected, start=1)) - mean**2
    assert_within_5_sigma(sum(tries) / N_RUNS, mean, math.sqrt(variance / N_RUNS), "mean tries")
