"""Every example in examples/event_based runs, and its asserted outcome holds.

Statistical checks are 5-sigma binomial checks with the number of runs N stated.
"""

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from netqsim.config import StackNetworkConfig

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "event_based"
PERFECT = ROOT / "configs" / "perfect_two_nodes.yaml"
US = 1000.0  # ns
CLINK = 10 * US  # classical delay of configs/perfect_two_nodes.yaml


def load(stem):
    name = f"event_based_example_{stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{stem}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


def within_5_sigma(hits_rate, n, p):
    sigma = math.sqrt(p * (1 - p) / n)
    return abs(hits_rate - p) < 5 * sigma, f"{hits_rate:.4f} vs {p:.4f}, 5 sigma = {5 * sigma:.4f}"


def test_every_example_is_listed_in_the_readme():
    readme = (EXAMPLES / "README.md").read_text()
    scripts = sorted(p.name for p in EXAMPLES.glob("[0-9][0-9]_*.py"))
    assert scripts == ["01_ping_pong.py", "02_state_machine.py", "03_quantum_handlers.py",
                       "04_verified_protocol.py", "05_teleport_state_machine.py"]
    for script in scripts:
        assert script in readme


def test_01_ping_pong_answers_pong_or_a_refusal_one_round_trip_each(capsys):
    example = load("01_ping_pong")
    outcome = example.main([])
    assert outcome["alice"]["replies"] == ["pong", "pong", "refused: unknown message 'hello'",
                                           "pong"]
    assert outcome["bob"]["handled"] == 4
    received = [t for t, node, text in outcome["trace"] if node == "Alice" and "<-" in text]
    assert received == [2 * CLINK * k for k in (1, 2, 3, 4)]
    assert outcome["trace"][-1] == (9 * CLINK, "Bob", "EOF: done")
    out = capsys.readouterr().out
    assert "    20.000 us  Alice  <- pong" in out
    assert "result: 4 messages, 3 pongs and 1 refusal(s), finished at 80.000 us" in out


@pytest.mark.parametrize("rounds", [1, 3, 5])
def test_02_state_machine_walks_its_transition_table(rounds):
    example = load("02_state_machine")
    outcome = example.run_example(rounds=rounds)
    alice, bob = outcome["alice"], outcome["bob"]
    assert alice["state"] == bob["state"] == "DONE"
    assert bob["rounds"] == alice["rounds"] == rounds
    assert bob["ignored"] == 0
    expected = ([("WAIT_GREETING", "hello", "IN_ROUNDS")]
                + [("IN_ROUNDS", f"ack {k}", "IN_ROUNDS") for k in range(1, rounds)]
                + [("IN_ROUNDS", f"ack {rounds}", "WAIT_GOODBYE"),
                   ("WAIT_GOODBYE", "goodbye", "DONE")])
    assert alice["transitions"] == expected
    assert bob["transitions"][0] == ("WAIT_HELLO", "hello", "IN_SESSION")
    assert bob["transitions"][-1] == ("IN_SESSION", "goodbye", "DONE")
    # One round trip for the greeting, one per round, one for the goodbye.
    assert alice["end"] == 2 * CLINK * (rounds + 2)


def test_02_main_prints_the_trace_and_result(capsys):
    load("02_state_machine").main(["--rounds", "2"])
    out = capsys.readouterr().out
    assert "    10.000 us  Bob    <- hello            (in WAIT_HELLO)" in out
    assert out.strip().endswith("result: both machines reached DONE/DONE after 2 rounds, "
                                "at 80.000 us")


def test_03_quantum_handlers_bits_agree_on_a_perfect_link(capsys):
    example = load("03_quantum_handlers")
    outcome = example.main(["--runs", "30"])
    pairs = outcome["pairs"]
    assert outcome["agree"] == len(pairs) == 30
    # Random: with 30 runs, all-equal bits have probability 2^-29.
    assert {a for a, _ in pairs} == {0, 1}
    trace = outcome["trace"]
    assert (CLINK, "Bob", "-> yes") in trace
    # Bob's handler awaits its flush from 10 us, while Alice keeps running (receives
    # "yes" at 20 us and starts her own quantum work).
    assert (2 * CLINK, "Alice", "<- yes (in WAIT_ACCEPT)") in trace
    assert "result: the bits agree in 30/30 runs" in capsys.readouterr().out


def test_04_verified_protocol_mismatch_rate_matches_the_werner_closed_form():
    example = load("04_verified_protocol")
    n, fidelity = 1500, 0.8
    outcome = example.run_example(example.load_config(None, fidelity), runs=n, seed=7)
    assert outcome["expected"] == pytest.approx(2 / 3 * (1 - fidelity))
    ok, text = within_5_sigma(outcome["rate"], n, outcome["expected"])
    assert ok, f"mismatch rate over N={n}: {text}"


def test_04_on_a_perfect_link_never_mismatches(capsys):
    example = load("04_verified_protocol")
    outcome = example.main([str(PERFECT), "--runs", "40"])
    assert outcome["expected"] == 0.0 and outcome["mismatches"] == 0
    out = capsys.readouterr().out
    assert "result: mismatch rate 0.0000" in out and "closed form 2/3 (1 - F) = 0.0000" in out
    # The trace: negotiate, quantum, then verify.
    texts = [text for _, _, text in outcome["trace"]]
    assert texts.index("-> yes") < texts.index("-> bit 0" if "-> bit 0" in texts
                                               else "-> bit 1") < texts.index("-> match")


def test_05_teleportation_fidelity_is_two_f_plus_one_over_three():
    example = load("05_teleport_state_machine")
    n, fidelity = 1500, 0.8
    outcome = example.run_example(example.load_config(None, fidelity), runs=n, seed=5)
    assert outcome["expected"] == pytest.approx((2 * fidelity + 1) / 3)
    ok, text = within_5_sigma(outcome["fidelity"], n, outcome["expected"])
    assert ok, f"teleported fidelity over N={n}: {text}"


def test_05_on_a_perfect_link_always_arrives(capsys):
    example = load("05_teleport_state_machine")
    outcome = example.main([str(PERFECT), "--runs", "40"])
    assert outcome["fidelity"] == 1.0 and outcome["expected"] == 1.0
    out = capsys.readouterr().out
    assert "<- corrections" in out and "(in WAIT_CORRECTIONS)" in out
    assert "result: teleported-state fidelity 1.0000" in out


def test_examples_accept_another_config_and_other_node_names(tmp_path):
    text = PERFECT.read_text().replace("Alice", "Anna").replace("Bob", "Ben")
    path = tmp_path / "renamed.yaml"
    path.write_text(text)
    outcome = load("01_ping_pong").run_example(StackNetworkConfig.from_file(path))
    assert outcome["nodes"] == ("Anna", "Ben")
    assert outcome["alice"]["replies"][0] == "pong"
