"""netqsim's stack logs (``netqsim.logs``): off by default, simulated time per simulation."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig, StackConfig, StackNetworkConfig
from netqsim.hardware.registry import build_processor
from netqsim.kernel import Simulator
from netqsim.logs import NO_TIME, LogManager, StackLog, program_logger
from netqsim.quantum import QuantumEngine

LAYERS = ("host", "qnodeos", "netstack", "processor", "program")


class Records(logging.Handler):
    """Keeps every record that reaches it."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self, logger: str) -> list[tuple[float, str]]:
        return [(r.sim_time, r.getMessage()) for r in self.records if r.name == logger]


@pytest.fixture
def records() -> Iterator[Records]:
    """A handler on the ``netqsim`` logger; the logger's state is restored afterwards."""
    root = logging.getLogger("netqsim")
    level = root.level
    handler = Records()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        LogManager.reset()
        root.setLevel(level)


def device(gate_time: float) -> GenericQDeviceConfig:
    return GenericQDeviceConfig(
        num_qubits=1, T1=0, T2=0, init_time=1000, single_qubit_gate_time=gate_time,
        measure_time=500, single_qubit_gate_depolar_prob=0.0,
    )


class Local(Program):
    """init, H, measure; logs through its program logger."""

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="local", max_qubits=1)

    def run(self, context: Any) -> Any:
        log = program_logger(context)
        q = Qubit(context.connection)
        q.H()
        m = q.measure()
        yield from context.connection.flush()
        log.info("measured %d", int(m))
        return int(m)


def one_node(gate_time: float) -> StackNetworkConfig:
    return StackNetworkConfig(
        stacks=[StackConfig(name="Alice", qdevice_typ="generic", qdevice_cfg=device(gate_time))],
        links=[],
    )


def test_default_level_is_warning_and_a_run_emits_nothing(records: Records) -> None:
    assert logging.getLogger("netqsim").level == logging.WARNING
    assert LogManager.get_log_level() == logging.WARNING
    assert not StackLog("processor", "Alice", Simulator(seed=1)).on
    netqsim.run(one_node(3000), {"Alice": Local()}, num_times=2, seed=1)
    assert records.records == []


def test_info_records_carry_the_simulated_time_of_their_run(records: Records) -> None:
    LogManager.set_log_level("INFO")
    netqsim.run(one_node(3000), {"Alice": Local()}, num_times=1, seed=1)
    # init 1 us, H 3 us, measurement 0.5 us, from t = 0
    processor = records.lines("netqsim.processor.Alice")
    assert [(t, m.split(",")[0]) for t, m in processor] == [
        (1000.0, "init position 0: 1000.0 ns"),
        (4000.0, "h on position 0: 3000.0 ns"),
        (4500.0, "meas position 0: 500.0 ns"),
    ]
    outcome = processor[-1][1].split("outcome ")[1]
    assert records.lines("netqsim.program.Alice") == [(4500.0, f"measured {outcome}")]
    assert (4500.0, "subroutine 0 of app 0 done after 4500.0 ns") in records.lines(
        "netqsim.qnodeos.Alice")
    names = {r.name for r in records.records}
    assert names == {"netqsim.host.Alice", "netqsim.qnodeos.Alice", "netqsim.processor.Alice",
                     "netqsim.program.Alice"}
    assert all(isinstance(r.sim_time, float) for r in records.records)


def test_two_simulations_in_one_process_log_their_own_times(records: Records) -> None:
    logging.getLogger("netqsim").setLevel(logging.INFO)
    sims = [Simulator(seed=1), Simulator(seed=2)]
    procs = [
        build_processor(sim, QuantumEngine(formalism="dm", rng=sim.rng_stream("q")), "generic",
                        device(gate_time), "Alice")
        for sim, gate_time in zip(sims, (3000, 7000), strict=True)
    ]

    def work(proc: Any) -> Any:
        yield from proc.init(0)
        yield from proc.gate("x", 0)

    for sim, proc in zip(sims, procs, strict=True):
        sim.process(work(proc))
    # Both built, the second one runs first and ends at 8 us; the first one's
    # records, logged afterwards, keep its own clock (a process-wide "current"
    # or "latest" clock would stamp them 8000).
    sims[1].run()
    sims[0].run(until=500)
    sims[0].run()
    assert records.lines("netqsim.processor.Alice") == [
        (1000.0, "init position 0: 1000.0 ns"),
        (8000.0, "x on position 0: 7000.0 ns"),
        (1000.0, "init position 0: 1000.0 ns"),
        (4000.0, "x on position 0: 3000.0 ns"),
    ]


def test_a_program_logger_without_a_simulator_logs_without_a_time(records: Records) -> None:
    class Context:
        node_name = "Alice"
        sim = None

    logging.getLogger("netqsim").setLevel(logging.INFO)
    program_logger(Context()).info("hello %s", "world")
    assert records.lines("netqsim.program.Alice") == [(NO_TIME, "hello world")]


def test_log_manager_files_console_and_errors(records: Records, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "netqsim.log"
    path.write_text("old\n")
    LogManager.log_to_file(path)
    LogManager.set_log_level(logging.INFO)
    LogManager.get_stack_logger("Program Alice").info("outside a run")
    netqsim.run(one_node(3000), {"Alice": Local()}, num_times=1, seed=1)
    lines = path.read_text().splitlines()
    assert lines[0] == "INFO:- ns:netqsim.Program Alice:outside a run"
    assert "INFO:4000.0 ns:netqsim.processor.Alice:h on position 0: 3000.0 ns" in lines
    assert capsys.readouterr().err.splitlines() == lines
    # netsquid-netbuilder's disable_console_logging drops FileHandlers too (they are
    # StreamHandlers); here the file keeps logging.
    LogManager.disable_console_logging()
    LogManager.get_stack_logger().info("file only")
    assert capsys.readouterr().err == ""
    assert path.read_text().splitlines()[-1] == "INFO:- ns:netqsim:file only"
    with pytest.raises(TypeError, match=r"^LogManager.set_log_level: level must be a level "
                       r"name or an int, got float 2.5$"):
        LogManager.set_log_level(2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^LogManager.get_stack_logger: sub_logger must be a "
                       r"string or None, got int 3$"):
        LogManager.get_stack_logger(3)  # type: ignore[arg-type]
    LogManager.reset()
    root = logging.getLogger("netqsim")
    assert root.level == logging.WARNING and root.propagate
    assert not [h for h in root.handlers if h is not records]


def test_records_name_their_call_site_and_carry_squidasm_simtime(records: Records) -> None:
    sim = Simulator(seed=1)
    log = StackLog("host", "Alice", sim)
    logging.getLogger("netqsim").setLevel(logging.DEBUG)
    sim.run(until=250.0)
    log.debug("first")
    log.log(logging.INFO, "second")
    first, second = records.records
    assert (first.sim_time, first.simtime, first.levelno) == (250.0, 250.0, logging.DEBUG)
    assert (second.getMessage(), second.levelno) == ("second", logging.INFO)
    assert {first.funcName, second.funcName} == {
        "test_records_name_their_call_site_and_carry_squidasm_simtime"}


def test_a_script_run_in_process_leaves_no_log_setup_behind(tmp_path: Path) -> None:
    from netqsim.compat.runner import run_script
    from netqsim.compat.squidasm import MODULES

    log_file = tmp_path / "run.log"
    script = tmp_path / "logs.py"
    script.write_text(
        "from squidasm.sim.stack.common import LogManager\n"
        "LogManager.set_log_level('INFO')\n"
        f"LogManager.log_to_file({str(log_file)!r})\n"
        "LogManager.get_stack_logger('script').info('hello')\n"
        "LogManager.disable_console_logging()\n"
        "LogManager.get_stack_logger('script').setLevel('DEBUG')\n"
        "import logging\n"
        "logging.basicConfig(level=logging.DEBUG)\n"
    )
    LogManager.get_stack_logger()  # the console handler, which the script takes away
    logger, root = logging.getLogger("netqsim"), logging.getLogger()
    before = [(log.level, log.propagate, list(log.handlers)) for log in (logger, root)]
    assert logger.handlers
    try:
        assert run_script(script, [], MODULES) == 0
        assert [(log.level, log.propagate, list(log.handlers))
                for log in (logger, root)] == before
        assert logging.getLogger("netqsim.script").level == logging.NOTSET
        assert "hello" in log_file.read_text()  # the file was flushed and closed, not lost
    finally:
        LogManager.reset()
