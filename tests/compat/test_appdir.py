"""netqasm application folders run unchanged: netqsim.simulate_application / netqsim simulate.

The app folders under tests/compat/apps/ are written for these tests in
netqasm's style (app_<role>.py with main(app_config=..., **inputs)).
"""

from __future__ import annotations

import itertools
import math
import shutil
import threading
from pathlib import Path

import pytest
from netqasm.runtime.interface.logging import (
    AppLogEntry,
    ClassCommLogEntry,
    InstrLogEntry,
    NetworkLogEntry,
)
from netqasm.util.yaml import load_yaml

import netqsim
from netqsim.compat.app_runner import AppError
from netqsim.compat.netqasm.folder import AppFolderError
from netqsim.kernel import DeadlockError

APPS = Path(__file__).parent / "apps"


def _no_app_threads() -> bool:
    return not [t for t in threading.enumerate() if t.name.startswith("netqsim:")]


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(APPS / name, target, ignore=shutil.ignore_patterns("__pycache__", "log"))
    return target


def test_teleport_inputs_from_yaml_and_one_result_per_round(tmp_path: Path) -> None:
    # sender.yaml gives theta = pi: the teleported state is |1><1| every round.
    results = netqsim.simulate_application(APPS / "teleport", num=3, seed=4,
                                           log_dir=tmp_path / "log")
    assert len(results) == 3
    for result in results:
        assert set(result) == {"app_sender", "app_receiver"}
        assert result["app_receiver"] == {"state": [[0.0, 0.0], [0.0, 1.0]], "outcome": 1}
        assert set(result["app_sender"]) == {"z", "x"}
    assert load_yaml(str(tmp_path / "log" / "LAST" / "results.yaml")) == results
    assert _no_app_threads()


def test_same_seed_same_results_and_seeds_differ() -> None:
    def corrections(seed: int) -> list[dict]:
        results = netqsim.simulate_application(APPS / "teleport", num=8, seed=seed,
                                               log_to_files=False)
        return [r["app_sender"] for r in results]

    assert corrections(11) == corrections(11)
    assert corrections(11) != corrections(12)


def test_log_folder_parses_back_with_netqasms_entry_types(tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    netqsim.simulate_application(APPS / "teleport", num=2, seed=1, log_dir=log_dir)
    folders = [p for p in log_dir.iterdir() if p.name != "LAST"]
    assert len(folders) == 1 and len(folders[0].name) == len("20240101-120000")
    last = log_dir / "LAST"
    expected = {"results.yaml", "network_log.yaml", "sender_instrs.yaml",
                "receiver_instrs.yaml", "sender_class_comm.yaml", "receiver_class_comm.yaml",
                "sender_app_log.yaml"}
    assert {p.name for p in last.iterdir()} == expected
    assert {p.name for p in folders[0].iterdir()} == expected

    # Every record has exactly the fields of netqasm's entry dataclasses.
    sends = [ClassCommLogEntry(**e) for e in load_yaml(str(last / "sender_class_comm.yaml"))]
    assert [(e.INS, e.SEN, e.REC, e.SOD) for e in sends] == [("SEND", "sender", "receiver", 0)] * 2
    assert sends[0].HFL.endswith("app_sender.py") and sends[0].MSG.startswith("corrections: ")
    receives = [ClassCommLogEntry(**e) for e in
                load_yaml(str(last / "receiver_class_comm.yaml"))]
    assert [e.INS for e in receives] == ["WAIT_RECV", "RECV"] * 2
    app_log = [AppLogEntry(**e) for e in load_yaml(str(last / "sender_app_log.yaml"))]
    assert [e.LOG.split(" (")[0] for e in app_log] == ["corrections"] * 2

    instrs = [InstrLogEntry(**e) for e in load_yaml(str(last / "sender_instrs.yaml"))]
    names = [e.INS for e in instrs]
    # Round 1 of the sender: init, the state preparation, cnot, h, two measurements.
    assert names[0] == "init" and "cnot" in names and names.count("meas") == 4
    # SquidASM's generic device: initialisation takes 100 us.
    assert instrs[0].SIT == 100_000
    assert all(a.SIT <= b.SIT for a, b in itertools.pairwise(instrs))
    meas = [e for e in instrs if e.INS == "meas"]
    assert all(e.OUT in (0, 1) for e in meas)

    network = [NetworkLogEntry(**e) for e in load_yaml(str(last / "network_log.yaml"))]
    stages = [e.INS for e in network]
    assert stages == ["epr_EntanglementStage.START", "epr_EntanglementStage.FINISH"] * 2
    start, finish = network[0], network[1]
    # NoNoise links deliver 1000 ns after the generation starts (SquidASM's state delay).
    assert finish.SIT - start.SIT == 1_000
    assert finish.TYP == "epr_EntanglementType.CK" and sorted(finish.NOD) == ["receiver",
                                                                               "sender"]


def test_roles_place_apps_on_the_network_files_nodes() -> None:
    (result,) = netqsim.simulate_application(APPS / "roles_pairs", seed=3, log_to_files=False)
    assert result["app_alice"]["node"] == "Delft"
    assert result["app_bob"]["node"] == "Amsterdam"
    assert len(result["app_alice"]["outcomes"]) == 4  # pairs: 4 from alice.yaml


@pytest.mark.parametrize(("noise_type", "expected", "n"), [
    ("Depolarise", 0.1, 2000), ("DiscreteDepolarise", 0.1, 1000), ("Bitflip", 0.2, 1000)])
def test_link_fidelity_gives_the_closed_form_error_rate(
    tmp_path: Path, noise_type: str, expected: float, n: int
) -> None:
    # netqasm's (Discrete)Depolarise link with fidelity F delivers
    # (1 - p) |Phi+><Phi+| + p I/4 with p = 1 - F: Z outcomes differ with
    # probability p/2 (F = 0.8: 0.1). Its Bitflip link flips one half with
    # probability 1 - F: they differ with probability 0.2. The bound is 5 sigma,
    # sigma = sqrt(q (1 - q) / n): 0.0067 for n = 2000, 0.0095 and 0.0126 for
    # n = 1000. (test_example_app_folder_gives_the_closed_form_fidelity checks
    # the Depolarise state exactly.)
    folder = _copy("measure_pairs", tmp_path)
    network = (APPS / "roles_pairs" / "network.yaml").read_text()
    (folder / "network.yaml").write_text(network.replace("Depolarise", noise_type))
    shutil.copy(APPS / "roles_pairs" / "roles.yaml", folder / "roles.yaml")
    for role in ("alice", "bob"):
        (folder / f"{role}.yaml").write_text(f"pairs: {n}\n")
    (result,) = netqsim.simulate_application(folder, seed=21, log_to_files=False)
    alice, bob = result["app_alice"]["outcomes"], result["app_bob"]["outcomes"]
    assert len(alice) == len(bob) == n
    rate = sum(a != b for a, b in zip(alice, bob, strict=True)) / n
    assert abs(rate - expected) < 5 * math.sqrt(expected * (1 - expected) / n)


def test_three_nodes_and_broadcast_channel() -> None:
    results = netqsim.simulate_application(APPS / "three_nodes", num=2, seed=5,
                                           log_to_files=False)
    for result in results:
        hub = result["app_hub"]
        # Perfect links: each leaf's outcome equals the hub's for its pair.
        assert hub["outcomes"] == [result["app_left"]["outcome"],
                                   result["app_right"]["outcome"]]
        # hub.yaml's greeting reached both leaves by broadcast, and both answered.
        assert hub["replies"] == [("left", "left got hi from hub"),
                                  ("right", "right got hi from hub")]


def test_without_app_config_main_gets_only_its_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "app_solo.py").write_text(
        "def main(**inputs):\n    return {'inputs': sorted(inputs)}\n")
    (folder / "solo.yaml").write_text("a: 1\nb: 2\n")
    (plain,) = netqsim.simulate_application(folder, sim_context=False, log_to_files=False)
    (with_context,) = netqsim.simulate_application(folder, log_to_files=False)
    assert plain == {"app_solo": {"inputs": ["a", "b"]}}
    assert with_context == {"app_solo": {"inputs": ["a", "app_config", "b"]}}


def test_netqasm_simulator_variable_does_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    # netqasm.sdk.external itself would import simulaqron (not installed) here.
    monkeypatch.setenv("NETQASM_SIMULATOR", "simulaqron")
    (result,) = netqsim.simulate_application(APPS / "teleport", seed=2, log_to_files=False)
    assert result["app_receiver"]["outcome"] == 1


# -- errors -------------------------------------------------------------------------


def test_missing_main_is_an_error_naming_the_file() -> None:
    with pytest.raises(AppFolderError, match=r"err_no_main/app_alice\.py has no function main: "
                                             r"netqasm runs main\(app_config=\.\.\., \*\*inputs\)"):
        netqsim.simulate_application(APPS / "err_no_main", log_to_files=False)


def test_role_without_node_in_roles_yaml(tmp_path: Path) -> None:
    folder = _copy("roles_pairs", tmp_path)
    (folder / "roles.yaml").write_text("alice: Delft\n")
    with pytest.raises(AppFolderError, match=r"roles\.yaml: role\(s\) bob \(app_<role>\.py\) "
                                             r"have no node"):
        netqsim.simulate_application(folder, log_to_files=False)


def test_role_on_a_node_the_network_lacks(tmp_path: Path) -> None:
    folder = _copy("roles_pairs", tmp_path)
    (folder / "roles.yaml").write_text("alice: Delft\nbob: Paris\n")
    with pytest.raises(AppFolderError, match=r"role 'bob' runs on node 'Paris' \(roles\.yaml\), "
                                             r"which is not a node of the network \(nodes: "
                                             r"Delft, Amsterdam\)"):
        netqsim.simulate_application(folder, log_to_files=False)


def test_unprovided_import_names_module_and_attribute() -> None:
    with pytest.raises(ImportError, match=r"cannot import name 'simulate_application' from "
                                          r"'netqasm\.sdk\.external': the netqsim compatibility "
                                          r"layer does not provide it"):
        netqsim.simulate_application(APPS / "err_import", log_to_files=False)


def test_deadlock_names_each_app_and_its_line() -> None:
    with pytest.raises(DeadlockError) as info:
        netqsim.simulate_application(APPS / "err_deadlock", log_to_files=False)
    pending = info.value.pending
    assert any(line.startswith("thread 'alice' blocks in app_alice.py line 6 (main) on recv()")
               for line in pending)
    assert any(line.startswith("thread 'bob' blocks in app_bob.py line 6 (main) on recv()")
               for line in pending)
    assert _no_app_threads()


def test_an_app_that_raises_names_role_round_and_time(tmp_path: Path) -> None:
    folder = tmp_path / "raising"
    folder.mkdir()
    (folder / "app_solo.py").write_text(
        "def main(app_config=None, fail_in=2):\n"
        "    import netqasm.sdk.external\n"
        "    main.calls = getattr(main, 'calls', 0) + 1\n"
        "    if main.calls == fail_in:\n"
        "        raise KeyError('no such key')\n"
        "    return {}\n")
    with pytest.raises(AppError, match=r"app 'solo' \(app_solo\.py\) failed in round 2 at "
                                       r"t=0 ns: KeyError: 'no such key'") as info:
        netqsim.simulate_application(folder, num=3, log_to_files=False)
    assert isinstance(info.value.__cause__, KeyError)
    assert _no_app_threads()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"num must be a positive integer, got 0"):
        netqsim.simulate_application(APPS / "teleport", num=0)
    with pytest.raises(ValueError, match=r"formalism must be one of stab, ket, dm, got 'x'"):
        netqsim.simulate_application(APPS / "teleport", formalism="x")
    with pytest.raises(AppFolderError, match=r"has no app_<role>\.py files"):
        netqsim.simulate_application(APPS)


def test_two_roles_on_one_node_talk_without_a_link(tmp_path: Path) -> None:
    folder = tmp_path / "same_node"
    folder.mkdir()
    (folder / "app_a.py").write_text(
        "from netqasm.sdk.external import Socket\n\n"
        "def main(app_config=None):\n"
        "    socket = Socket('a', 'b')\n"
        "    socket.send('ping')\n"
        "    return socket.recv()\n")
    (folder / "app_b.py").write_text(
        "from netqasm.sdk.external import Socket\n\n"
        "def main(app_config=None):\n"
        "    socket = Socket('b', 'a')\n"
        "    message = socket.recv()\n"
        "    socket.send(message + ' pong')\n"
        "    return message\n")
    (folder / "roles.yaml").write_text("a: N\nb: N\n")
    (result,) = netqsim.simulate_application(folder, log_to_files=False)
    assert result == {"app_a": "ping pong", "app_b": "ping"}


def test_non_blocking_receives(tmp_path: Path) -> None:
    folder = tmp_path / "polling"
    folder.mkdir()
    (folder / "app_a.py").write_text(
        "from netqasm.sdk.external import BroadcastChannel, Socket\n\n"
        "def main(app_config=None):\n"
        "    socket = Socket('a', 'b')\n"
        "    channel = BroadcastChannel('a', remote_app_names=['b'], socket_id=1)\n"
        "    errors = []\n"
        "    for receive in (lambda: socket.recv(block=False),\n"
        "                    lambda: channel.recv(block=False)):\n"
        "        try:\n"
        "            receive()\n"
        "        except RuntimeError as exc:\n"
        "            errors.append(str(exc))\n"
        "    socket.send('go')\n"
        "    return errors + [socket.recv(), socket.recv(block=False)]\n")
    (folder / "app_b.py").write_text(
        "from netqasm.sdk.external import Socket\n\n"
        "def main(app_config=None):\n"
        "    socket = Socket('b', 'a')\n"
        "    socket.recv()\n"
        "    socket.send('one')\n"
        "    socket.send('two')\n")
    (result,) = netqsim.simulate_application(folder, log_to_files=False)
    assert result["app_a"] == [
        "no message from 'b' has arrived at 'a' yet (block=False)",
        "no broadcast message has arrived at 'a' yet (block=False)",
        "one", "two"]


def test_sim_states_toolbox_without_netsquid(tmp_path: Path) -> None:
    # netqasm's sim_states imports NetSquid; inside a run it is served by netqsim.
    folder = tmp_path / "states"
    folder.mkdir()
    (folder / "app_solo.py").write_text(
        "import math\n"
        "from netqasm.sdk import Qubit\n"
        "from netqasm.sdk.external import NetQASMConnection, get_qubit_state\n"
        "from netqasm.sdk.toolbox import set_qubit_state\n"
        "from netqasm.sdk.toolbox.sim_states import get_fidelity, qubit_from, to_dm\n\n"
        "def main(app_config=None, phi=0.0, theta=0.0):\n"
        "    with NetQASMConnection('solo') as conn:\n"
        "        q = Qubit(conn)\n"
        "        set_qubit_state(q, phi, theta)\n"
        "        conn.flush()\n"
        "        state = get_qubit_state(q)\n"
        "    reference = qubit_from(phi, theta)\n"
        "    orthogonal = qubit_from(phi + math.pi, math.pi - theta)\n"
        "    return [round(get_fidelity(reference, state), 9),\n"
        "            round(get_fidelity(orthogonal, state), 9),\n"
        "            bool(abs(to_dm(reference) - state).max() < 1e-3)]\n")
    (folder / "solo.yaml").write_text("phi: 0.7\ntheta: 1.1\n")
    (result,) = netqsim.simulate_application(folder, log_to_files=False)
    assert result["app_solo"][1] < 1e-3 and result["app_solo"][2]
    assert result["app_solo"][0] == pytest.approx(1.0, abs=1e-4)


def test_epr_socket_to_a_node_without_link_fails_the_app(tmp_path: Path) -> None:
    # bob shares no link with anyone: no path for the network layer either.
    folder = _copy("measure_pairs", tmp_path)
    config = tmp_path / "net.yaml"
    config.write_text(
        "stacks:\n"
        "  - {name: alice, qdevice_typ: generic, qdevice_cfg: {num_qubits: 3}}\n"
        "  - {name: bob, qdevice_typ: generic, qdevice_cfg: {num_qubits: 3}}\n"
        "  - {name: carol, qdevice_typ: generic, qdevice_cfg: {num_qubits: 3}}\n"
        "links:\n"
        "  - {stack1: alice, stack2: carol, typ: perfect}\n")
    with pytest.raises(AppError, match=r"app '(alice|bob)' \(app_(alice|bob)\.py\) failed in "
                                       r"round 1 at t=0 ns: InstructionError: .* has no "
                                       r"entanglement link to node id"):
        netqsim.simulate_application(folder, config=config, log_to_files=False)
    assert _no_app_threads()


def test_example_app_folder_gives_the_closed_form_fidelity() -> None:
    # examples/app_folders/teleport: a Depolarise link of fidelity 0.9 delivers a
    # pair of Bell fidelity 1 - 3(0.1)/4 = 0.925; teleporting over it gives
    # (2 x 0.925 + 1) / 3 = 0.95 exactly in the dm formalism, whatever the outcomes.
    folder = Path(__file__).resolve().parents[2] / "examples" / "app_folders" / "teleport"
    results = netqsim.simulate_application(folder, num=3, seed=1, formalism="dm",
                                           log_to_files=False)
    assert [r["app_receiver"]["fidelity"] for r in results] == [0.95] * 3


def test_network_config_file_is_found_in_the_app_folder(tmp_path: Path) -> None:
    folder = _copy("roles_pairs", tmp_path)
    (folder / "network.yaml").rename(folder / "other.yaml")
    (result,) = netqsim.simulate_application(folder, network_config_file="other.yaml",
                                             seed=1, log_to_files=False)
    assert result["app_bob"]["node"] == "Amsterdam"
    with pytest.raises(FileNotFoundError, match=r"network config file nowhere\.yaml does "
                                                r"not exist"):
        netqsim.simulate_application(folder, network_config_file="nowhere.yaml")
    with pytest.raises(ValueError, match=r"give a netqsim network \(--config\) or a netqasm "
                                         r"network file \(--network-config-file\), not both"):
        netqsim.simulate_application(folder, network_config_file="other.yaml",
                                     config=folder / "other.yaml")
