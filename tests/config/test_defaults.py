"""Defaults and helpers equal SquidASM's (values copied from its source, see module docs)."""

from __future__ import annotations

import pytest

from netqsim.config import (
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    HeraldedLinkConfig,
    InstantCLinkConfig,
    NVQDeviceConfig,
    PerfectLinkConfig,
    SingleClickLinkConfig,
    StackConfig,
    perfect_generic_config,
    perfect_nv_config,
)

SQUIDASM_GENERIC = {
    "num_qubits": 2,
    "num_comm_qubits": 2,
    "T1": 10_000_000_000,
    "T2": 1_000_000_000,
    "init_time": 10_000,
    "single_qubit_gate_time": 1_000,
    "two_qubit_gate_time": 100_000,
    "measure_time": 10_000,
    "single_qubit_gate_depolar_prob": 0.0,
    "two_qubit_gate_depolar_prob": 0.01,
}

SQUIDASM_NV = {
    "num_qubits": 2,
    "electron_init_depolar_prob": 0.05,
    "electron_single_qubit_depolar_prob": 0.0,
    "prob_error_0": 0.05,
    "prob_error_1": 0.005,
    "carbon_init_depolar_prob": 0.05,
    "carbon_z_rot_depolar_prob": 0.001,
    "ec_gate_depolar_prob": 0.008,
    "electron_T1": 1_000_000_000,
    "electron_T2": 300_000_000,
    "carbon_T1": 150_000_000_000,
    "carbon_T2": 1_500_000_000,
    "carbon_init": 310_000,
    "carbon_rot_x": 500_000,
    "carbon_rot_y": 500_000,
    "carbon_rot_z": 500_000,
    "electron_init": 2_000,
    "electron_rot_x": 5,
    "electron_rot_y": 5,
    "electron_rot_z": 5,
    "ec_controlled_dir_x": 500_000,
    "ec_controlled_dir_y": 500_000,
    "measure": 3_700,
}


def test_generic_defaults_match_squidasm() -> None:
    assert GenericQDeviceConfig().model_dump() == SQUIDASM_GENERIC


def test_nv_defaults_match_squidasm() -> None:
    assert NVQDeviceConfig().model_dump() == SQUIDASM_NV


def test_generic_perfect_config_like_squidasm() -> None:
    cfg = GenericQDeviceConfig.perfect_config(num_qubits=5)
    expected = dict(
        SQUIDASM_GENERIC,
        num_qubits=5,
        init_time=0,
        measure_time=0,
        single_qubit_gate_depolar_prob=0.0,
        two_qubit_gate_depolar_prob=0.0,
    )
    assert cfg.model_dump() == expected
    assert perfect_generic_config(5) == cfg
    assert GenericQDeviceConfig.perfect_config(T1=0, T2=0).T1 == 0


def test_nv_perfect_config_zeroes_error_probabilities() -> None:
    cfg = perfect_nv_config()
    probs = [k for k in SQUIDASM_NV if "prob" in k]
    assert len(probs) == 7
    assert all(getattr(cfg, k) == 0 for k in probs)
    assert cfg.measure == 3_700


def test_perfect_generic_stack() -> None:
    stack = StackConfig.perfect_generic_config("Alice")
    assert stack.qdevice_typ == "generic"
    assert stack.qdevice_cfg == GenericQDeviceConfig.perfect_config()
    assert stack.host_qnos_latency == 0 and stack.instr_latency == 0
    assert stack.instr_proc_time == 0


def test_perfect_link_delay() -> None:
    assert PerfectLinkConfig().state_delay_ns() == 1000.0
    assert PerfectLinkConfig(state_delay=7).cycle_time_ns() == 7
    assert PerfectLinkConfig(length=10).state_delay_ns() == pytest.approx(50_000)
    assert PerfectLinkConfig(length=10, speed_of_light=100_000).state_delay_ns() == pytest.approx(
        100_000
    )


def test_depolarise_cycle_time() -> None:
    cfg = DepolariseLinkConfig(fidelity=0.9, prob_success=0.5, t_cycle=20)
    assert cfg.cycle_time_ns() == 20 and cfg.state_delay_ns() == 20
    assert cfg.random_bell_state is False and cfg.speed_of_light == 200_000
    assert cfg.prob_max_mixed() == pytest.approx(0.1 * 4 / 3)
    by_length = DepolariseLinkConfig(fidelity=1, prob_success=1, length=2)
    assert by_length.cycle_time_ns() == pytest.approx(10_000)


def test_heralded_defaults_and_sides() -> None:
    cfg = HeraldedLinkConfig(length=4)
    assert (cfg.p_loss_init, cfg.p_loss_length, cfg.speed_of_light) == (0, 0.25, 200_000)
    assert (cfg.dark_count_probability, cfg.detector_efficiency, cfg.visibility) == (0, 1, 1)
    assert cfg.num_resolving is False and cfg.num_multiplexing_modes == 1
    assert (cfg.coin_prob_ph_ph, cfg.coin_prob_ph_dc, cfg.coin_prob_dc_dc) == (1, 1, 1)
    a, b = cfg.resolved_sides()
    assert a.length == b.length == 2
    assert a.delay_ns == pytest.approx(10_000)
    assert a.transmissivity == pytest.approx(10 ** (-0.25 * 2 / 10))
    mixed = HeraldedLinkConfig(length=4, length_A=1, p_loss_init_B=0.5)
    assert mixed.side("A").length == 1 and mixed.side("B").length == 2
    assert mixed.side("A").p_loss_init == 0 and mixed.side("B").p_loss_init == 0.5


def test_single_click_has_alpha() -> None:
    cfg = SingleClickLinkConfig(length=1)
    assert cfg.alpha == 1 - 0.99  # SquidASM: minimum fidelity 0.99 -> alpha = 1 - F
    assert not hasattr(cfg, "coin_prob_ph_ph")


def test_clink_delays() -> None:
    assert InstantCLinkConfig().delay_ns() == 0
    assert DefaultCLinkConfig(delay=10).delay_ns() == 10
    assert DefaultCLinkConfig(length=1).delay_ns() == pytest.approx(5_000)
