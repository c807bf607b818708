"""SquidASM's LogManager under ``netqsim squidasm``: stack logs with exact simulated times.

``scripts/logging`` runs one deterministic iteration on two noiseless nodes
(init 2 us, single-qubit gate 5 us, measurement 3 us; a perfect link of 4 us
per pair; a classical link of 1 us). Alice inits, applies H and measures
(t = 2, 7 and 10 us), then asks for a pair: the request reaches Bob at 11 us,
his READY is back at 12 us, the pair is delivered at 16 us and both measure it
by 19 us.
"""

from __future__ import annotations

from pathlib import Path

from tests.compat.test_squidasm_scripts import run_cli, script

SCRIPT = script("logging")

# One record of each kind, as the log file holds it.
EXPECTED = [
    # host messages sent and answered
    "INFO:0.0 ns:netqsim.host.Alice:sent message 0: InitNewApp of app 0 (alice)",
    "INFO:0.0 ns:netqsim.host.Alice:message 0 answered: InitNewApp of app 0 (alice) "
    "(0 return values)",
    "INFO:10000.0 ns:netqsim.host.Alice:message 2 answered: subroutine of app 0 "
    "(13 instructions) (1 return values)",
    # the controller: messages received and answered, subroutines run
    "INFO:10000.0 ns:netqsim.qnodeos.Alice:received message 3: SubroutineMessage (app 0)",
    "INFO:0.0 ns:netqsim.qnodeos.Alice:running subroutine 0 of app 0 (13 instructions)",
    "INFO:10000.0 ns:netqsim.qnodeos.Alice:subroutine 0 of app 0 done after 10000.0 ns",
    "INFO:19000.0 ns:netqsim.qnodeos.Bob:subroutine 0 of app 0 done after 19000.0 ns",
    # processor instructions with their durations
    "INFO:2000.0 ns:netqsim.processor.Alice:init position 0: 2000.0 ns",
    "INFO:7000.0 ns:netqsim.processor.Alice:h on position 0: 5000.0 ns",
    "INFO:10000.0 ns:netqsim.processor.Alice:meas position 0: 3000.0 ns, outcome 1",
    "INFO:19000.0 ns:netqsim.processor.Bob:meas position 0: 3000.0 ns, outcome 0",
    # EPR requests
    "INFO:0.0 ns:netqsim.netstack.Bob:receive registered for EPR socket purpose 0 with node "
    "id 0",
    "INFO:10000.0 ns:netqsim.netstack.Alice:sent create_keep(number=1) request 0 from "
    "'Alice' to 'Bob'",
    "INFO:11000.0 ns:netqsim.netstack.Bob:received create_keep(number=1) request 0 from "
    "'Alice' to 'Bob'",
    "INFO:12000.0 ns:netqsim.netstack.Alice:peer ready for create_keep(number=1) request 0 "
    "from 'Alice' to 'Bob'",
    # EPR deliveries, on both nodes (generation took the link's 4 us)
    "INFO:16000.0 ns:netqsim.netstack.Alice:pair 0 of request 0 with node id 1 delivered: "
    "kept at position 0, PHI_PLUS, generation duration 4 us",
    "INFO:16000.0 ns:netqsim.netstack.Bob:pair 0 of request 0 with node id 0 delivered: "
    "kept at position 0, PHI_PLUS, generation duration 4 us",
    # the program's own logger: the time of netsquid.sim_time()
    "INFO:0.0 ns:netqsim.Program Alice:start",
    "INFO:10000.0 ns:netqsim.Program Alice:local outcome 1",
    "INFO:19000.0 ns:netqsim.Program Alice:epr outcome 0 at 19000.0",
]


def test_info_logs_every_kind_of_stack_record_with_its_simulated_time(tmp_path: Path) -> None:
    log = tmp_path / "stack.log"
    log.write_text("left from an earlier run\n")  # log_to_file overwrites
    done = run_cli(SCRIPT, str(log))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "level before: 30\nlevel after: 20\nequal: True\n"
    lines = log.read_text().splitlines()
    assert lines[0] == EXPECTED[0]
    for line in EXPECTED:
        assert line in lines
    # every record has a time: nothing is logged without a simulation behind it
    assert all(line.split(":")[1].endswith(" ns") and line.split(":")[1] != "- ns"
               for line in lines)
    # the console (stderr) gets the same records as the file
    assert done.stderr.splitlines() == lines


def test_warning_level_logs_nothing(tmp_path: Path) -> None:
    log = tmp_path / "stack.log"
    done = run_cli(SCRIPT, str(log), "WARNING")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "level before: 30\nlevel after: 30\nequal: True\n"
    assert log.read_text() == ""
    assert done.stderr == ""


def test_netbuilder_logger_is_the_same_log_manager(tmp_path: Path) -> None:
    path = tmp_path / "netbuilder_logger.py"
    path.write_text(
        "from netsquid_netbuilder.logger import LogManager as A\n"
        "from squidasm.sim.stack.common import LogManager as B\n"
        "import logging\n"
        "print(A is B, A.get_stack_logger('x').name, A.get_log_level() == logging.WARNING)\n"
        "A.set_log_level(logging.DEBUG)\n"
        "print(B.get_log_level() == logging.DEBUG)\n"
        "A.set_log_level('LOUD')\n"
    )
    done = run_cli(str(path))
    assert done.returncode == 1
    assert done.stdout == "True netqsim.x True\nTrue\n"
    assert done.stderr.splitlines()[-1] == (
        "ValueError: LogManager.set_log_level: unknown level 'LOUD' (levels: CRITICAL, "
        "ERROR, WARNING, INFO, DEBUG, NOTSET or a number)"
    )
