"""SquidASM-style scripts run unchanged through ``netqsim squidasm`` (each in a subprocess).

The scripts in ``scripts/`` were written for these tests in SquidASM's style
(imports of squidasm, netsquid and pydynaa; ``run(config, programs,
num_times)``); their printed output is checked exactly: every run is seeded
with ``netsquid.set_random_state``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parent / "scripts"
SRC = Path(__file__).resolve().parents[2] / "src"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return env


def run_cli(*args: str, cwd: Path | None = None, module: str = "netqsim"
            ) -> subprocess.CompletedProcess[str]:
    """``python -m netqsim squidasm ARGS`` (or ``-m netqsim.squidasm``) in a fresh process."""
    command = [sys.executable, "-m", module, *(["squidasm"] if module == "netqsim" else []),
               *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd,
                          env=_env())


def script(name: str) -> str:
    return str(SCRIPTS / name / "run_simulation.py")


def test_local_program_prints_its_results() -> None:
    done = run_cli(script("local_gates"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "a,b: [(1, 1)]\ncoins: 0010010110\n"


def test_epr_pairs_give_equal_outcomes_and_the_seed_reproduces_them() -> None:
    first = run_cli(script("epr"))
    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        "runs: 20, equal outcomes: 20\n"
        "alice: 11111111111010010100\n"
        "notes: ['measured']\n"
    )
    again = run_cli(script("epr"))
    assert again.stdout == first.stdout


def test_teleport_with_squidasm_routines_and_state_inspection() -> None:
    # Fidelity below 1 only because the SDK approximates the rotations of
    # set_qubit_state by multiples of pi/2^d; the same in every iteration.
    done = run_cli(script("teleport"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "fidelities: " + ", ".join(["0.999884"] * 5) + "\n"


@pytest.mark.parametrize("module", ["netqsim", "netqsim.squidasm"])
def test_script_sees_its_argv_folder_and_exit_status(tmp_path: Path, module: str) -> None:
    done = run_cli(script("argv_cwd"), "a", "b c", "--exit", "3", cwd=tmp_path, module=module)
    assert done.returncode == 3, done.stderr
    assert done.stdout == (
        "name: __main__\n"
        "argv: ['a', 'b c', '--exit', '3']\n"
        "argv0 is this file: True\n"
        "cwd is script folder: True\n"
        "path0 is script folder: True\n"
        "data: read from the script's folder\n"
        "helper: imported helper.py from the script's folder\n"
    )
    assert done.stderr == ""


@pytest.mark.parametrize("module", ["netqsim", "netqsim.squidasm"])
def test_missing_script_is_a_one_line_error(tmp_path: Path, module: str) -> None:
    missing = tmp_path / "nope.py"
    done = run_cli(str(missing), module=module)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"netqsim: error: script {missing} does not exist\n"


def test_script_exception_prints_its_traceback_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "fails.py"
    path.write_text("print('before')\n\ndef f():\n    raise ValueError('boom')\n\nf()\n")
    done = run_cli(str(path))
    assert done.returncode == 1
    assert done.stdout == "before\n"
    lines = done.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1] == f'  File "{path}", line 6, in <module>'
    assert lines[-1] == "ValueError: boom"
    assert "runpy" not in done.stderr and "compat" not in done.stderr


def test_missing_attribute_names_module_and_attribute(tmp_path: Path) -> None:
    path = tmp_path / "missing_name.py"
    path.write_text("from squidasm.util import no_such_helper\n")
    done = run_cli(str(path))
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "ImportError: cannot import name 'no_such_helper' from 'squidasm.util': the netqsim "
        "compatibility layer does not provide it (it provides: create_complete_graph_network, "
        "create_two_node_network, get_qubit_state, get_reference_state, qkd_routine, routines, "
        "util)"
    )


def test_module_not_provided_names_the_module(tmp_path: Path) -> None:
    path = tmp_path / "missing_module.py"
    path.write_text("import squidasm.sim.stack.netstack\n")
    done = run_cli(str(path))
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "ModuleNotFoundError: No module named 'squidasm.sim.stack.netstack': the netqsim "
        "compatibility layer does not provide it (it provides under 'squidasm.sim.stack': "
        "common, csocket, program)"
    )


@pytest.mark.parametrize("name", ["squidasm", "netsquid", "pydynaa", "netsquid_netbuilder"])
def test_foreign_imports_fail_outside_the_runner(name: str) -> None:
    # Loading all of netqsim's compatibility code must not install the hook.
    code = (
        "import netqsim.compat.squidasm, netqsim.compat.runner, netqsim.squidasm, netqsim.cli\n"
        "try:\n"
        f"    import {name}\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ModuleNotFoundError No module named '{name}'\n"


FORMALISM_SCRIPT = '''\
import sys

import netsquid as ns
from netqasm.sdk import Qubit
from squidasm.run.stack.config import StackConfig, StackNetworkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramMeta


class TGate(Program):
    meta = ProgramMeta(name="t_gate", max_qubits=1)

    def run(self, context):
        q = Qubit(context.connection)
        q.T()
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m)}


ns.set_qstate_formalism(getattr(ns.QFormalism, sys.argv[1]))
cfg = StackNetworkConfig(stacks=[StackConfig.perfect_generic_config("Alice")], links=[])
print(run(cfg, {"Alice": TGate()}, num_times=2)[0])
'''


@pytest.mark.parametrize("formalism", ["KET", "STAB"])
def test_set_qstate_formalism_selects_the_formalism_of_the_run(tmp_path: Path,
                                                               formalism: str) -> None:
    path = tmp_path / "formalism.py"
    path.write_text(FORMALISM_SCRIPT)
    done = run_cli(str(path), formalism)
    if formalism == "KET":
        assert done.returncode == 0, done.stderr
        assert done.stdout == "[{'m': 0}, {'m': 0}]\n"
    else:  # a T gate is not a Clifford: the stabilizer formalism refuses it
        assert done.returncode == 1
        # the error line, then the note naming the failed program
        error, note = done.stderr.splitlines()[-2:]
        assert error.endswith(
            "gate 'T' is not a Clifford/stabilizer operation and cannot run under formalism "
            "'stab'; supported by formalisms: dm, ket [GENERAL]")
        assert note == "raised in process 'Alice/t_gate' at t=1000 ns"


def test_numbers_on_sockets_and_remote_state_preparation() -> None:
    # RSP on a perfect link: Rz(theta + m pi)|+> up to the SDK's approximation
    # of the angle by multiples of pi/2^d; m is a fair coin.
    done = run_cli(script("routines"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "received: 42 0.30000000000000004 echo: 0.6000000000000001\n"
        "m: 01011011\n"
        "fidelities: " + ", ".join(["0.999998"] * 8) + "\n"
    )


def test_create_ghz_with_and_without_corrections() -> None:
    # 5 nodes, 30 rows per mode: every row is a GHZ state once the middle
    # nodes' outcomes are applied (do_corrections=False) or always (True).
    done = run_cli(script("ghz"), "30")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        "do_corrections=True: rows 30, agree 30, ones 16, m of middle nodes " + "0" * 90,
        "do_corrections=False: rows 30, agree 30, ones 17, m of middle nodes "
        "0111001101110101110111011001001100100011010000101101110110110111010011100010110000"
        "01001001",
    ]
    # The middle nodes' outcomes are fair coins: 90 of them, sigma 4.7; 5 sigma.
    assert abs(lines[1].rsplit(" ", 1)[1].count("1") - 45) < 24


def test_qkd_routine_error_rate_is_the_links_qber() -> None:
    done = run_cli(script("qkd"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "key length 99, error rate 0.09, key bits that differ 10\n"
        "key length 103, error rate 0.08, key bits that differ 8\n"
        "key length 95, error rate 0.10, key bits that differ 11\n"
        "key length 96, error rate 0.06, key bits that differ 12\n"
        "key length 112, error rate 0.05, key bits that differ 7\n"
        "mean error rate: 0.0760\n"
    )
    # link_noise 0.2: Werner fidelity 0.85, QBER 2(1 - F)/3 = 0.1 in X and Z.
    # 500 test bits: sigma = sqrt(0.1 * 0.9 / 500) = 0.0134; 5 sigma.
    assert abs(float(done.stdout.splitlines()[-1].split()[-1]) - 0.1) < 5 * 0.0134


def test_sim_time_reads_the_simulation_clock() -> None:
    # Classical delay 250 ns each way, two iterations in one simulation.
    done = run_cli(script("sim_time"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "before: 0.0\n"
        "0.0 ns: Alice sends\n"
        "250.0 ns: Bob receives ping\n"
        "500.0 ns: Alice receives pong\n"
        "500.0 ns: Alice sends\n"
        "750.0 ns: Bob receives ping\n"
        "1000.0 ns: Alice receives pong\n"
        "after: 1000.0\n"
        "reset: 0.0\n"
    )
