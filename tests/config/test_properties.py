"""Property tests: any valid config survives a YAML round trip; bad values never slip in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netqsim.config import ConfigError, GenericQDeviceConfig, StackNetworkConfig, two_nodes
from netqsim.config import DepolariseLinkConfig as Depol

times = st.floats(min_value=0, max_value=1e12, allow_nan=False)
probs = st.floats(min_value=0, max_value=1)


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=50),
    t=times,
    p=probs,
    fidelity=st.floats(min_value=0.25, max_value=1),
    success=st.floats(min_value=1e-6, max_value=1),
)
def test_yaml_round_trip(n: int, t: float, p: float, fidelity: float, success: float) -> None:
    dev = GenericQDeviceConfig(
        num_qubits=n, T1=0, T2=t, measure_time=t, two_qubit_gate_depolar_prob=p
    )
    net = two_nodes(qdevice=dev, link=Depol(fidelity=fidelity, prob_success=success, t_cycle=t))
    assert StackNetworkConfig.from_yaml(net.to_yaml()) == net


@settings(max_examples=50, deadline=None)
@given(p=st.floats(allow_nan=True, allow_infinity=True))
def test_probabilities_outside_unit_interval_rejected(p: float) -> None:
    try:
        GenericQDeviceConfig(single_qubit_gate_depolar_prob=p)
    except ConfigError as exc:
        assert not 0 <= p <= 1
        assert exc.problems[0].startswith("single_qubit_gate_depolar_prob: must be in [0, 1]")
    else:
        assert 0 <= p <= 1
