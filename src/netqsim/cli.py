"""The ``netqsim`` command: run programs on a network, run parameter sweeps, validate files.

::

    netqsim run CONFIG --program NODE=module:Class [...] [--num-times N] [--seed S] [--out FILE]
    netqsim sweep FILE [--executor serial|processes|dask] [--workers N] [--scheduler ADDRESS]
                       [--out DIR] [--resume [--retry-failed]] [--point-timeout SECONDS]
                       [--quiet]
    netqsim validate FILE [FILE ...]
    netqsim squidasm SCRIPT [ARGS ...]
    netqsim simulate [--app-dir DIR] [--num N] [--seed S] [--config FILE] [netqasm's flags]
    netqsim simulaqron DIR | SCRIPT [SCRIPT ...] [--network FILE] [--config FILE] [--seed S]
                       [--node SCRIPT=NODE ...]

Mistakes in the input (a bad file, an unknown node, a program that raises)
are reported as ``netqsim: error: ...`` with exit status 1 (2 for a wrong
command line); ``--debug`` adds the Python traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UserError(Exception):
    """A mistake in the command's input: printed as one ``netqsim: error:`` message."""


def _version() -> str:
    from netqsim import __version__

    return __version__


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netqsim",
        description="netqsim: discrete-event simulator for quantum networks running NetQASM "
        "programs. Run programs on a network config, sweep parameters from a YAML sweep file, "
        "or validate a file.",
        epilog="Run 'netqsim COMMAND --help' for a command's options. Sweep file format: "
        "docs/sweeps.md.",
    )
    parser.add_argument("--version", action="version", version=f"netqsim {_version()}")
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run", help="run programs on a network config and print a per-node summary",
        description="Run one program per node on the network in CONFIG (a SquidASM-format "
        "YAML file), NUM_TIMES times, and print a per-node summary of the results: for each "
        "result key the mean with its confidence interval (numbers) or the counts of each "
        "value (other values).",
        epilog="example: netqsim run configs/noisy_two_nodes.yaml "
        "--program Alice=netqsim.demo:TeleportAlice --program Bob=netqsim.demo:TeleportBob "
        "--num-times 200 --seed 1",
    )
    run.add_argument("config", metavar="CONFIG", help="network config YAML file")
    run.add_argument(
        "--program", "-p", action="append", default=[], metavar="NODE=REF", required=True,
        help="program of a node: NODE=module:Class or NODE=path/to/file.py:Class "
        "(repeat for each node; the same node twice runs two programs)",
    )
    run.add_argument(
        "--arg", "-a", action="append", default=[], metavar="NODE.NAME=VALUE",
        help="constructor argument of a node's program (VALUE is read as YAML: 0.5, true, "
        "[1, 2], text); repeatable",
    )
    run.add_argument("--num-times", "-n", type=int, default=1, metavar="N",
                     help="number of iterations (default: 1)")
    run.add_argument("--seed", "-s", type=int, default=0, metavar="S",
                     help="random seed (default: 0)")
    run.add_argument("--mode", choices=("shared", "fresh"), default="shared",
                     help="shared: all iterations in one simulation, as SquidASM (default); "
                     "fresh: a new network per iteration")
    run.add_argument("--formalism", choices=("dm", "ket", "stab"), default="dm",
                     help="quantum state formalism (default: dm)")
    run.add_argument("--confidence", type=float, default=0.95, metavar="C",
                     help="confidence level of the intervals (default: 0.95)")
    run.add_argument("--out", "-o", metavar="FILE",
                     help="also write the tidy result table (one row per iteration and node) "
                     "to FILE: .parquet or .csv")

    sweep = sub.add_parser(
        "sweep", help="run a parameter sweep from a YAML sweep file",
        description="Run every point of the sweep in FILE (format: docs/sweeps.md). Finished "
        "points are written to --out as they finish (Parquet, plus sweep.json with the sweep "
        "file, versions and seeds); an interrupted sweep continues with --resume. A point "
        "whose program raises is recorded with its error and the others still run (the exit "
        "status is then 1). A progress bar with ETA is shown on a terminal.",
        epilog="example: netqsim sweep examples/sweeps/teleport_fidelity.yaml --workers 2 "
        "--out results/teleport",
    )
    sweep.add_argument("file", metavar="FILE", help="sweep file (YAML)")
    sweep.add_argument("--executor", "-e", choices=("serial", "processes", "dask"),
                       default="processes",
                       help="where points run: in this process (serial), a local process pool "
                       "(processes, the default) or a Dask cluster (dask; needs "
                       "pip install 'netqsim[cluster]')")
    sweep.add_argument("--workers", "-w", type=int, metavar="N",
                       help="worker processes (processes, or dask without --scheduler); "
                       "default: one per core")
    sweep.add_argument("--scheduler", metavar="ADDRESS",
                       help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (dask executor; "
                       "default: start a LocalCluster)")
    sweep.add_argument("--out", "-o", metavar="DIR",
                       help="output folder (default: results/<sweep file name>)")
    sweep.add_argument("--resume", action="store_true",
                       help="continue the sweep in --out: run only the points not finished yet")
    sweep.add_argument("--retry-failed", action="store_true",
                       help="with --resume: also run again the points that failed or timed out")
    sweep.add_argument("--point-timeout", type=float, metavar="SECONDS",
                       help="stop a point that runs longer than SECONDS (wall time) and record "
                       "it as timed out; the sweep goes on (default: no limit)")
    sweep.add_argument("--quiet", "-q", action="store_true",
                       help="print nothing but errors (no progress bar, no summary)")

    validate = sub.add_parser(
        "validate", help="check a network config or sweep file and list every problem",
        description="Check each FILE, a network config (stacks/links/clinks) or a sweep file "
        "(network/programs/parameters), and list every problem found, with its location and "
        "line. Exit status 0 when all files are valid, 1 otherwise.",
        epilog="example: netqsim validate configs/noisy_two_nodes.yaml "
        "examples/sweeps/teleport_fidelity.yaml",
    )
    validate.add_argument("files", metavar="FILE", nargs="+", help="file(s) to check")

    squidasm = sub.add_parser(
        "squidasm", help="run a SquidASM script unchanged",
        description="Run the SquidASM script SCRIPT with ARGS as __main__, in its own folder, "
        "with its imports of squidasm, netsquid, netsquid_netbuilder and pydynaa served by "
        "netqsim (what is provided: docs/porting-from-squidasm.md). The exit status is the "
        "script's.",
        epilog="example: netqsim squidasm examples/my_app/run_simulation.py --rounds 10",
    )
    squidasm.add_argument("script", metavar="SCRIPT", help="the script to run")
    squidasm.add_argument("script_args", metavar="ARGS", nargs=argparse.REMAINDER,
                          help="arguments passed to the script (its sys.argv[1:])")
    _add_simulate_parser(sub)
    _add_simulaqron_parser(sub)
    return parser


# --- netqsim simulate: netqasm application folders (issue 13) ---------------------------


def _bool_value(text: str) -> bool:
    # netqasm's --log-to-files takes a value, as click's BOOL type reads it.
    value = text.strip().lower()
    if value in ("1", "true", "t", "yes", "y", "on"):
        return True
    if value in ("0", "false", "f", "no", "n", "off"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not a valid boolean (use true or false)")


def _add_simulate_parser(sub: Any) -> None:
    simulate = sub.add_parser(
        "simulate", help="run a netqasm application folder (app_<role>.py) unchanged",
        description="Run the netqasm application in DIR as 'netqasm simulate' does: the main "
        "of every app_<role>.py with the inputs of <role>.yaml, roles placed on nodes by "
        "roles.yaml, on the network of network.yaml (netqasm's format) or of --config (a "
        "netqsim network), in simulated time. Writes netqasm's log folder (LOG_DIR/<time>/ and "
        "LOG_DIR/LAST/) and prints one result line per round. Formats: docs/runners.md.",
        epilog="example: netqsim simulate --app-dir my_app --num 10 --seed 1",
    )
    simulate.add_argument("--app-dir", default=".", help="the application folder (default: .)")
    simulate.add_argument("--network-config-file", default=None,
                          help="netqasm network file (default: APP_DIR/network.yaml if present)")
    simulate.add_argument("--config", default=None,
                          help="a netqsim (SquidASM-format) network YAML instead of netqasm's")
    simulate.add_argument("--formalism", choices=("stab", "ket", "dm"), default="ket",
                          help="quantum state formalism (default: ket, as netqasm)")
    simulate.add_argument("--num", type=int, default=1, help="number of rounds (default: 1)")
    simulate.add_argument("--seed", type=int, default=None,
                          help="seed: the same seed gives the same results")
    simulate.add_argument("--log-dir", default=None, help="log folder (default: APP_DIR/log)")
    simulate.add_argument("--log-to-files", type=_bool_value, default=True, metavar="BOOL",
                          help="false: write no log folder (default: true)")
    simulate.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR",
                                                  "CRITICAL"), default="WARNING",
                          help="level of netqasm's logger on stderr (default: WARNING)")
    simulate.add_argument("--track-lines", action=argparse.BooleanOptionalAction, default=True,
                          help="record the app's line numbers in the logs (default: on)")
    simulate.add_argument("--sim-context", action=argparse.BooleanOptionalAction, default=True,
                          help="pass app_config to each main (default: on)")
    simulate.add_argument("--hardware", choices=("generic", "nv"), default="generic",
                          help="node hardware when there is no network file (default: generic)")
    simulate.add_argument("--timer", action=argparse.BooleanOptionalAction, default=False,
                          help="print how long the simulation took (wall clock)")


def cmd_simulate(args: argparse.Namespace) -> int:
    """``netqsim simulate``: run an application folder; print each round's results."""
    import traceback

    from netqasm.logging.glob import set_log_level

    from netqsim.compat.app_runner import AppError, simulate_application
    from netqsim.compat.netqasm.folder import AppFolderError
    from netqsim.compat.netqasm.network_yaml import NetworkFileError
    from netqsim.kernel import DeadlockError

    if args.num < 1:
        raise UserError(f"--num must be a positive integer, got {args.num}")
    set_log_level(args.log_level)
    start = time.perf_counter()
    try:
        results = simulate_application(
            args.app_dir, num=args.num, network_config_file=args.network_config_file,
            config=args.config, formalism=args.formalism, seed=args.seed,
            log_dir=args.log_dir, log_to_files=args.log_to_files,
            track_lines=args.track_lines, sim_context=args.sim_context,
            hardware=args.hardware)
    except AppError as exc:
        cause = exc.__cause__
        if cause is not None:
            # The app's traceback from its main on, as 'python app.py' would show it.
            tb = cause.__traceback__
            while tb is not None and Path(tb.tb_frame.f_code.co_filename).name != exc.file:
                tb = tb.tb_next
            traceback.print_exception(type(cause), cause, tb or cause.__traceback__,
                                      file=sys.stderr)
        raise UserError(str(exc)) from None
    except (AppFolderError, NetworkFileError, DeadlockError, FileNotFoundError, ImportError,
            ValueError) as exc:
        raise UserError(str(exc)) from None
    for index, result in enumerate(results, 1):
        print(f"round {index}: {result}")
    if args.timer:
        print(f"finished simulation in {round(time.perf_counter() - start, 2)} seconds")
    return EXIT_OK


def _add_simulaqron_parser(sub: Any) -> None:
    simulaqron = sub.add_parser(
        "simulaqron", help="run SimulaQron scripts (one per node) unchanged, in simulated time",
        description="Run SimulaQron new-SDK / event-based scripts together in one process, in "
        "simulated time: each script as __main__ in its own folder, as the node its file name "
        "names (aliceTest.py is Alice) or --node gives; simulaqron.* and netqasm.sdk.external "
        "imports, asyncio streams and NetQASMConnection are served by netqsim. Output: the "
        "scripts' prints, in simulated-time order. Exit status: the first failing script's. "
        "Details: docs/runners.md.",
        epilog="example: netqsim simulaqron examples/simulaqron/epr_rounds --seed 1",
    )
    simulaqron.add_argument("paths", metavar="DIR|SCRIPT", nargs="+",
                            help="a folder (its scripts with a __main__ block) or the scripts")
    simulaqron.add_argument("--network", metavar="FILE",
                            help="SimulaQron network JSON (default: simulaqron_network.json "
                            "next to the scripts, else SimulaQron's default network)")
    simulaqron.add_argument("--config", metavar="FILE",
                            help="netqsim network YAML: devices, links, noise, classical "
                            "delays (default: perfect)")
    simulaqron.add_argument("--seed", type=int, default=None, help="random seed")
    simulaqron.add_argument("--node", metavar="SCRIPT=NODE", action="append", default=[],
                            help="run SCRIPT as NODE (default: the node its file name names)")


# --------------------------------------------------------------------------- helpers


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:
            return "nan"
        return f"{value:.4g}"
    return str(value)


def _parse_assignment(text: str, what: str, sep: str = "=") -> tuple[str, str]:
    if sep not in text:
        form = "NODE=REF" if what == "--program" else "NODE.NAME=VALUE"
        raise UserError(f"{what} {text!r}: expected {form}")
    key, value = text.split(sep, 1)
    if not key.strip() or not value.strip():
        raise UserError(f"{what} {text!r}: both sides of '=' are needed")
    return key.strip(), value.strip()


def _load_config(path: str) -> Any:
    from netqsim.config import ConfigError, StackNetworkConfig

    if not Path(path).is_file():
        raise UserError(f"config file {path} does not exist")
    try:
        return StackNetworkConfig.from_file(path)
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def _build_programs(config: Any, program_args: Sequence[str], arg_args: Sequence[str]
                    ) -> dict[str, list[Any]]:
    import yaml

    from netqsim.experiments.programs import (
        ProgramRefError,
        check_args,
        parse_ref,
        resolve,
    )

    refs: dict[str, list[Any]] = {}
    for text in program_args:
        node, ref_text = _parse_assignment(text, "--program")
        if node not in config.stack_names:
            raise UserError(f"--program {text}: no node {node!r} in the network (nodes: "
                            f"{', '.join(config.stack_names)})")
        try:
            ref = parse_ref(ref_text, Path.cwd())
            refs.setdefault(node, []).append(resolve(ref, Path.cwd()))
        except ProgramRefError as exc:
            raise UserError(f"--program {text}: {exc}") from None
    args: dict[str, dict[str, Any]] = {node: {} for node in refs}
    for text in arg_args:
        target, raw = _parse_assignment(text, "--arg")
        if "." not in target:
            raise UserError(f"--arg {text}: expected NODE.NAME=VALUE")
        node, name = target.split(".", 1)
        if node not in refs:
            raise UserError(f"--arg {text}: node {node!r} has no --program")
        if len(refs[node]) > 1:
            raise UserError(f"--arg {text}: node {node!r} runs several programs; --arg applies "
                            "to single-program nodes")
        try:
            args[node][name] = yaml.safe_load(raw)
        except yaml.YAMLError:
            args[node][name] = raw
    programs: dict[str, list[Any]] = {}
    for node, classes in refs.items():
        programs[node] = []
        for cls in classes:
            reason = check_args(cls, args[node])
            if reason is not None:
                raise UserError(f"program of {node}: {reason}")
            try:
                programs[node].append(cls(**args[node]))
            except Exception as exc:
                raise UserError(f"program of {node}: {cls.__name__}(...) raised "
                                f"{type(exc).__name__}: {exc}") from None
    return programs


def _node_summary(df: Any, node: str, confidence: float) -> list[str]:
    import pandas as pd

    from netqsim.experiments.metrics import mean_ci

    rows = df[df["node"] == node]
    lines = []
    for column in [c for c in df.columns if c not in ("iteration", "node")]:
        series = rows[column].dropna()
        if series.empty:
            continue
        if any(isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and not
               isinstance(v, (int, float, str))) for v in series.head(5)):
            lines.append(f"  {column:<16} {len(series)} lists")
            continue
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            mean, low, high = mean_ci(series.astype(float).to_numpy(), confidence)
            if series.nunique() == 1:
                lines.append(f"  {column:<16} {_fmt(series.iloc[0])} (all {len(series)})")
            else:
                lines.append(
                    f"  {column:<16} mean {_fmt(mean):<9} {confidence:.0%} CI "
                    f"[{_fmt(low)}, {_fmt(high)}]  min {_fmt(series.min())}  "
                    f"max {_fmt(series.max())}  (n={len(series)})"
                )
        else:
            counts = series.astype(str).value_counts()
            shown = ", ".join(f"{k}: {v}" for k, v in counts.head(6).items())
            more = f", ... ({len(counts)} distinct)" if len(counts) > 6 else ""
            lines.append(f"  {column:<16} {shown}{more}")
    return lines


def _write_table(df: Any, path: str) -> None:
    out = Path(path)
    if out.suffix not in (".parquet", ".csv"):
        raise UserError(f"--out {path}: use a .parquet or .csv file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if out.suffix == ".csv":
            df.to_csv(out, index=False)
        else:
            import pyarrow.parquet as pq

            from netqsim.experiments.store import rows_to_table

            pq.write_table(rows_to_table(df.to_dict("records")), out)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------- commands


def cmd_run(args: argparse.Namespace) -> int:
    import pandas as pd

    import netqsim
    from netqsim.experiments.worker import flatten
    from netqsim.host.statemachine import StateMachineError
    from netqsim.kernel.errors import SimulationError
    from netqsim.qnodeos.errors import InstructionError
    from netqsim.runtime.run import ControllerStopError

    if args.num_times < 1:
        raise UserError(f"--num-times must be >= 1 (got {args.num_times})")
    if args.seed < 0:
        raise UserError(f"--seed must be >= 0 (got {args.seed})")
    if not 0 < args.confidence < 1:
        raise UserError(f"--confidence must be in (0, 1) (got {args.confidence})")
    config = _load_config(args.config)
    programs = _build_programs(config, args.program, args.arg)
    start = time.perf_counter()
    try:
        results = netqsim.run(
            config, {n: (p[0] if len(p) == 1 else p) for n, p in programs.items()},
            num_times=args.num_times, seed=args.seed, mode=args.mode, formalism=args.formalism,
        )
    except (SimulationError, InstructionError, StateMachineError, ControllerStopError) as exc:
        # what netqsim.run raises when a program or a node fails
        raise UserError(f"the simulation failed: {exc}") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    wall = time.perf_counter() - start
    records = []
    for node, iterations in results.by_node().items():
        for i, result in enumerate(iterations):
            records.append({"iteration": i, "node": node, **flatten(result)})
    df = pd.DataFrame.from_records(records)
    if not df.empty:
        df = df.sort_values(["iteration"], kind="stable").reset_index(drop=True)
    sim_ms = sum(results.end_times) / 1e6
    n = args.num_times
    print(f"{args.config}: {n} iteration{'s' if n != 1 else ''}, seed {args.seed}, "
          f"{sim_ms:.4g} ms simulated in {wall:.2f} s")
    for node in config.stack_names:
        if node not in programs:
            continue
        names = ", ".join(p.meta.name for p in programs[node])
        print(f"{node} ({names})")
        lines = _node_summary(df, node, args.confidence) if not df.empty else []
        print("\n".join(lines) if lines else "  (no results)")
    if args.out:
        _write_table(df, args.out)
        print(f"wrote {len(df)} rows to {args.out}")
    return EXIT_OK


#: Exit status after SIGTERM (128 + the signal number, as a shell reports it).
EXIT_TERMINATED = 128 + signal.SIGTERM


def cmd_sweep(args: argparse.Namespace) -> int:
    from netqsim.experiments import (
        ExecutorError,
        StoreError,
        SweepError,
        SweepInterrupted,
        load_sweep,
        run_sweep,
    )

    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be >= 1 (got {args.workers})")
    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler needs --executor dask")
    if args.retry_failed and not args.resume:
        raise UserError("--retry-failed needs --resume")
    if args.point_timeout is not None and not 0 < args.point_timeout < float("inf"):
        raise UserError(f"--point-timeout must be a positive number of seconds "
                        f"(got {args.point_timeout:g})")
    try:
        spec = load_sweep(args.file)
    except SweepError as exc:
        raise UserError(str(exc)) from None
    out = Path(args.out) if args.out else Path("results") / Path(args.file).stem
    say = (lambda *a: None) if args.quiet else print
    say(f"{args.file}: {spec.describe()} -> {out}")
    previous = signal.getsignal(signal.SIGTERM)
    terminated = False

    def _terminate(signum: int, frame: Any) -> None:
        # SIGTERM stops the sweep as Ctrl-C does (finished points saved), with its own status
        nonlocal terminated
        terminated = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = run_sweep(spec, executor=args.executor, workers=args.workers,
                           scheduler=args.scheduler, out=out, resume=args.resume,
                           retry_failed=args.retry_failed, point_timeout=args.point_timeout,
                           progress=False if args.quiet else None)
    except (StoreError, ExecutorError) as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except (SweepInterrupted, KeyboardInterrupt) as exc:
        print(f"netqsim: {exc}" if isinstance(exc, SweepInterrupted) else "netqsim: interrupted",
              file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    failed = result.failed
    if not args.quiet:
        import pandas as pd

        summary = result.summary().drop(columns=["seed"])
        if summary["point_error"].isna().all():
            summary = summary.drop(columns=["point_error"])
        with pd.option_context("display.width", 160, "display.max_columns", 12,
                               "display.max_rows", 30, "display.float_format", "{:.4g}".format):
            print(summary.to_string(index=False, max_rows=30))
        total = len(spec)
        timed_out = len(result.timed_out)
        print(f"{result.points_run} point{'s' if result.points_run != 1 else ''} run "
              f"({total - result.points_run} already done) with {result.executor} in "
              f"{result.wall_time:.1f} s; {len(failed)} failed"
              + (f" ({timed_out} timed out)" if timed_out else ""))
        print(f"results: {out}/results.parquet, summary: {out}/summary.csv, "
              f"metadata: {out}/sweep.json")
    if len(failed):
        first = failed.iloc[0]
        print(f"netqsim: {len(failed)} point{'s' if len(failed) != 1 else ''} failed; first: "
              f"point {first['point']}: {str(first['point_error']).splitlines()[0]} "
              f"(tracebacks in {out}/errors.jsonl; --resume --retry-failed runs them again)",
              file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from netqsim.config import ConfigError, validate_file
    from netqsim.config.loading import read_yaml_file
    from netqsim.experiments import SweepError, is_sweep_data, load_sweep

    status = EXIT_OK
    for file in args.files:
        path = Path(file)
        if not path.is_file():
            print(f"{file}: does not exist" if not path.exists() else f"{file}: not a file")
            status = EXIT_FAIL
            continue
        try:
            doc = read_yaml_file(path)
        except ConfigError as exc:
            n = len(exc.problems)
            print(f"{file}: {n} problem{'s' if n != 1 else ''}:")
            for problem in exc.problems:
                print(f"  - {problem}")
            status = EXIT_FAIL
            continue
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{file}: cannot read file ({exc})")
            status = EXIT_FAIL
            continue
        if is_sweep_data(doc.data):
            kind = "sweep file"
            try:
                spec = load_sweep(path)
                problems: list[str] = []
                detail = spec.describe()
            except SweepError as exc:
                problems = exc.problems
        else:
            kind = "network config"
            problems = validate_file(path)
            if not problems:
                from netqsim.config import StackNetworkConfig

                cfg = StackNetworkConfig.from_file(path)
                def count(n: int, what: str) -> str:
                    return f"{n} {what}{'s' if n != 1 else ''}"

                detail = (f"{count(len(cfg.stacks), 'stack')} ({', '.join(cfg.stack_names)}), "
                          f"{count(len(cfg.links or []), 'link')}, "
                          f"{count(len(cfg.clinks or []), 'clink')}")
        if problems:
            n = len(problems)
            print(f"{file}: invalid {kind}, {n} problem{'s' if n != 1 else ''}:")
            for problem in problems:
                print(f"  - {problem}")
            status = EXIT_FAIL
        else:
            print(f"{file}: valid {kind}: {detail}")
    return status


def cmd_squidasm(args: argparse.Namespace) -> int:
    from netqsim.compat.runner import ScriptNotFound
    from netqsim.squidasm import run_squidasm_script

    try:
        return run_squidasm_script(args.script, args.script_args)
    except ScriptNotFound as exc:
        raise UserError(str(exc)) from None


COMMANDS = {"run": cmd_run, "sweep": cmd_sweep, "validate": cmd_validate,
            "squidasm": cmd_squidasm}
COMMANDS["simulate"] = cmd_simulate


def cmd_simulaqron(args: argparse.Namespace) -> int:
    from netqsim.compat.simulaqron.networks import NetworkFileError
    from netqsim.compat.simulaqron_runner import (
        NodeAssignmentError,
        ScriptNotFound,
        run_simulaqron,
    )
    from netqsim.config import ConfigError
    from netqsim.kernel import DeadlockError

    nodes = {}
    for entry in args.node:
        script, sep, node = entry.rpartition("=")
        if not sep or not script or not node:
            raise UserError(f"--node takes SCRIPT=NODE, got {entry!r}")
        nodes[script] = node
    try:
        return run_simulaqron(args.paths, network=args.network, config=args.config,
                              seed=args.seed, nodes=nodes)
    except (ScriptNotFound, NodeAssignmentError, NetworkFileError, ConfigError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:  # e.g. a --config file that cannot be read
        raise UserError(f"{exc.filename or args.config}: {exc.strerror or exc}") from None
    except DeadlockError as exc:
        raise UserError(f"every script waits and nothing can happen (a deadlock):\n{exc}") from None


COMMANDS["simulaqron"] = cmd_simulaqron


def _input_error(exc: Exception, args: argparse.Namespace) -> str | None:
    """The user-facing message of an error caused by the input (``None``: a bug).

    Invalid configurations and sweep files are the input's fault wherever they
    are detected, and so is an input file that is not text; so is running out
    of memory, which only an input asking for too much (qubits, points, array
    sizes) causes.
    """
    from netqsim.config import ConfigError
    from netqsim.experiments import SweepError

    if isinstance(exc, (ConfigError, SweepError)):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        file = getattr(args, "file", None) or getattr(args, "config", None)
        where = f"{file}: " if file else ""
        return f"{where}not UTF-8 text (byte {exc.start}: {exc.reason})"
    if isinstance(exc, MemoryError):
        detail = f" ({exc})" if str(exc) else ""
        return (f"out of memory{detail}: the input asks for more memory than this machine "
                "has (fewer qubits, points or iterations?)")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``netqsim`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    # Program modules given as module:Class are found from the current directory.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"netqsim: error: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("netqsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        message = _input_error(exc, args)
        if message is not None:
            print(f"netqsim: error: {message}", file=sys.stderr)
            return EXIT_FAIL
        if args.debug:
            raise
        print(f"netqsim: internal error: {type(exc).__name__}: {exc} (run with --debug for "
              "the traceback, and please report it)", file=sys.stderr)
        return EXIT_FAIL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
