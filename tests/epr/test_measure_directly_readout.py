"""Measure-directly outcomes carry the device's readout error (NV prob_error_0/1)."""

import math

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import NVQDeviceConfig, PerfectLinkConfig, two_nodes


def measure_program(role: str, peer: str) -> Program:
    class Measure(Program):
        @property
        def meta(self):
            return ProgramMeta(name=role, epr_sockets=[peer], max_qubits=1)

        def run(self, context):
            epr = context.epr_sockets[peer]
            results = (epr.create_measure if role == "creator" else epr.recv_measure)()
            yield from context.connection.flush()
            return {"m": int(results[0].raw_measurement_outcome)}

    return Measure()


def test_nv_readout_error_flips_measured_directly_outcomes():
    # Perfect Phi+ pairs measured in Z: the true outcomes agree. Alice's NV
    # reports 0 as 1 with e0 and 1 as 0 with e1, Bob's device is perfect, so
    # P(mismatch) = (e0 + e1) / 2.
    e0, e1 = 0.1, 0.04
    alice = NVQDeviceConfig.perfect_config(num_qubits=1).model_copy(
        update={"prob_error_0": e0, "prob_error_1": e1}
    )
    config = two_nodes(
        qdevice={"Alice": alice, "Bob": NVQDeviceConfig.perfect_config(num_qubits=1)},
        link=PerfectLinkConfig(state_delay=1000),
    )
    n = 3000
    results = netqsim.run(
        config, {"Alice": measure_program("creator", "Bob"),
                 "Bob": measure_program("receiver", "Alice")},
        num_times=n, seed=9,
    )
    pairs = zip(results["Alice"], results["Bob"], strict=True)
    mismatches = sum(a["m"] != b["m"] for a, b in pairs)
    expected = (e0 + e1) / 2
    sigma = math.sqrt(expected * (1 - expected) / n)  # N = 3000: sigma ~ 0.0047
    assert abs(mismatches / n - expected) < 5 * sigma
