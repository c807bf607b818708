"""The result store: a tidy table written incrementally as Parquet, plus JSON metadata.

An output folder holds

``sweep.json``
    the sweep file (path and text), the master seed, every point's parameters
    and seed, package versions, a fingerprint of the sweep and one entry per
    run (executor, workers, start/end, points run, failures, status);
``parts/part-NNNNNN.parquet``
    finished points, written as they finish (at most ``flush_interval``
    seconds late); each part is written to a temporary name and renamed, so a
    part is either complete or absent, and a point's rows are always in one part;
``results.parquet``
    all rows in point order, written when the sweep completes (the parts are
    then removed);
``errors.jsonl``
    one line per failed point with its error and traceback;
``summary.csv``
    the metrics per point (see :mod:`netqsim.experiments.metrics`).

``sweep.lock``
    held (``flock``) by the run writing to the folder, so that a second run on
    the same folder is refused while the first runs; the operating system
    releases it when its holder ends, also after a SIGKILL.

A point counts as finished when its rows are in a Parquet file. Resuming
reads which points those are and runs only the others (with
``retry_failed``, also the failed and timed-out ones); if the same point is
found in two files (a kill between writing ``results.parquet`` and removing
the parts), one copy is used. Files that do not belong to the sweep (points
it does not have, another schema, unreadable metadata) are refused with a
:class:`StoreError` naming the file.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq

from .spec import ERROR, RESERVED_COLUMNS, SweepSpec
from .worker import TIMEOUT, PointOutcome

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FORMAT = "netqsim-sweep-results/1"
META = "sweep.json"
RESULTS = "results.parquet"
PARTS = "parts"
ERRORS = "errors.jsonl"
SUMMARY = "summary.csv"
LOCK = "sweep.lock"

_FIXED_TYPES = {"point": pa.int64(), "seed": pa.int64(), "iteration": pa.int64(),
                "node": pa.string(), ERROR: pa.string()}


class StoreError(RuntimeError):
    """The output folder cannot be used (exists without --resume, other sweep, ...)."""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """Versions of Python, netqsim and the packages that shape the results."""
    from importlib import metadata

    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for dist in ("netqsim", "netqasm", "numpy", "stim", "pydantic", "pandas", "pyarrow"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[dist] = "not installed"
    return out


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _column(name: str, values: list[Any]) -> pa.Array:
    if name in _FIXED_TYPES:
        return pa.array(values, type=_FIXED_TYPES[name])
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([None if v is None else (v if isinstance(v, str) else repr(v))
                         for v in values], type=pa.string())


def rows_to_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """A Parquet-ready table of ``rows`` (columns in first-seen order)."""
    names: dict[str, None] = {}
    for row in rows:
        for key in row:
            names.setdefault(key, None)
    return pa.table({n: _column(n, [row.get(n) for row in rows]) for n in names})


def outcome_rows(outcome: PointOutcome, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The tidy rows of one point: one per (iteration, node), or one error row."""
    head = {"point": outcome.index, "seed": outcome.seed, **params}
    taken = set(RESERVED_COLUMNS) | set(params)
    if outcome.error is not None:
        return [{**head, "iteration": None, "node": None, ERROR: outcome.error}]
    rows = []
    for record in outcome.records:
        row = dict(head)
        row["iteration"] = record["iteration"]
        row["node"] = record["node"]
        for key, value in record.items():
            if key in ("iteration", "node"):
                continue
            row[f"result.{key}" if key in taken else key] = value
        row[ERROR] = None
        rows.append(row)
    return rows


def _tidy(frames: list[pd.DataFrame], spec_params: Sequence[str] = ()) -> pd.DataFrame:
    if not frames:
        columns = ["point", "seed", *spec_params, "iteration", "node", ERROR]
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    seen: set[int] = set()
    kept = []
    for frame in frames:
        points = set(frame["point"].unique().tolist())
        fresh = points - seen
        if fresh != points:
            frame = frame[frame["point"].isin(fresh)]
        seen |= fresh
        kept.append(frame)
    df = pd.concat(kept, ignore_index=True, sort=False)
    df = df.sort_values("point", kind="stable").reset_index(drop=True)
    df["point"] = df["point"].astype("int64")
    df["seed"] = df["seed"].astype("int64")
    df["iteration"] = df["iteration"].astype("Int64")
    # the error column last, the result columns before it
    cols = [c for c in df.columns if c != ERROR] + [ERROR]
    return df[cols]


def _result_files(out: Path) -> list[Path]:
    files = []
    results, parts = out / RESULTS, out / PARTS
    if results.exists() and not results.is_file():
        raise StoreError(f"{results} is not a file; the sweep output folder {out} is damaged")
    if results.is_file():
        files.append(results)
    if parts.exists() and not parts.is_dir():
        raise StoreError(f"{parts} is not a folder (the sweep keeps its finished points "
                         f"there); the sweep output folder {out} is damaged")
    if parts.is_dir():
        files.extend(sorted(p for p in parts.glob("part-*.parquet")))
    return files


def _read_meta(path: Path) -> dict[str, Any]:
    """``sweep.json`` at ``path``, checked to be a sweep's metadata."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path} cannot be read (truncated or damaged?): {exc}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("fingerprint"), str) or not (
            isinstance(meta.get("points"), list)):
        raise StoreError(f"{path} is not the metadata of a netqsim sweep (it lacks the "
                         "fingerprint or the list of points)")
    return meta


def _meta_point_ids(path: Path, meta: dict[str, Any]) -> set[int]:
    try:
        return {int(p["point"]) for p in meta["points"]}
    except (TypeError, KeyError, ValueError):
        raise StoreError(f"{path}: the list of points is damaged") from None


def _check_part(path: Path, valid: set[int]) -> tuple[list[int], list[Any]]:
    """The point ids and errors of a result file, refusing one that is not this sweep's."""
    try:
        schema = pq.read_schema(path)
        missing = [c for c in ("point", "seed", ERROR) if c not in schema.names]
        if missing:
            raise StoreError(f"{path} is not a sweep result file: it has no "
                             f"{', '.join(repr(c) for c in missing)} column; it was not merged")
        kinds = {"point": pa.types.is_integer(schema.field("point").type),
                 ERROR: (pa.types.is_string(schema.field(ERROR).type)
                         or pa.types.is_large_string(schema.field(ERROR).type)
                         or pa.types.is_null(schema.field(ERROR).type))}
        wrong = [name for name, ok in kinds.items() if not ok]
        if wrong:
            expected = {"point": "integers", ERROR: "text"}[wrong[0]]
            raise StoreError(f"{path} is not a sweep result file: column {wrong[0]!r} has type "
                             f"{schema.field(wrong[0]).type}, not {expected}; it was not merged")
        table = pq.read_table(path, columns=["point", ERROR])
    except (OSError, pa.ArrowException) as exc:
        raise StoreError(f"{path} cannot be read as a sweep result file: {exc}") from None
    points = table.column("point").to_pylist()
    foreign = sorted({p for p in points if p not in valid}, key=lambda p: (p is None, p or 0))
    if foreign:
        shown = ", ".join(str(p) for p in foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise StoreError(f"{path} holds point ids that are not in this sweep ({shown}; the sweep "
                         f"has points 0 to {len(valid) - 1}); it was not merged: move it away "
                         "and resume to run its points again")
    return points, table.column(ERROR).to_pylist()


def _read_checked(files: Iterable[Path], valid: set[int]) -> list[pd.DataFrame]:
    frames = []
    for file in files:
        _check_part(file, valid)
        frames.append(pd.read_parquet(file))
    return frames


def load_results(out: str | os.PathLike[str]) -> pd.DataFrame:
    """The tidy result table of the output folder ``out`` (finished points only)."""
    out = Path(out)
    meta = load_metadata(out)
    names = [p["name"] for p in meta.get("parameters", [])]
    valid = _meta_point_ids(out / META, meta)
    return _tidy(_read_checked(_result_files(out), valid), names)


def load_metadata(out: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``sweep.json`` of the output folder ``out``."""
    path = Path(out) / META
    if not path.is_file():
        raise StoreError(f"{out} is not a netqsim sweep output folder (no {META})")
    return _read_meta(path)


class _FolderLock:
    """An exclusive lock on ``folder/sweep.lock``, refused while another process holds it.

    An ``flock`` (where there is one; ``msvcrt`` byte locks on Windows): the
    operating system drops it when the holder ends in any way, so a killed
    run leaves no stale lock behind.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the lock file {self.path}: "
                             f"{exc.strerror or exc}") from None
        try:
            self._lock(fd)
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StoreError(
                f"{folder} is in use by another netqsim sweep (pid {holder}, lock {self.path}); "
                "wait for it to finish, or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd: int | None = fd

    @staticmethod
    def _lock(fd: int) -> None:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def release(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)  # closing the descriptor drops the lock


class ResultStore:
    """Collects finished points; with an output folder, writes them as they come.

    ``out=None`` keeps everything in memory (a notebook sweep without files).
    """

    def __init__(self, spec: SweepSpec, out: str | os.PathLike[str] | None = None, *,
                 resume: bool = False, retry_failed: bool = False,
                 flush_interval: float = 1.0) -> None:
        self.spec = spec
        self.out = Path(out) if out is not None else None
        self.flush_interval = float(flush_interval)
        self._params = {p.index: p.params for p in spec.points()}
        self._buffer: list[dict[str, Any]] = []
        self._buffer_errors: list[dict[str, Any]] = []
        self._frames: list[pd.DataFrame] = []
        self._memory_rows: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self._meta: dict[str, Any] = {}
        self._lock: _FolderLock | None = None
        self.done: set[int] = set()
        self.failed: set[int] = set()
        self.new_points = 0
        self.new_failed = 0
        self.new_timed_out = 0
        if self.out is not None:
            try:
                self._open(resume, retry_failed)
            except BaseException:
                self.close()
                raise

    # -- opening ----------------------------------------------------------------------

    def _open(self, resume: bool, retry_failed: bool) -> None:
        assert self.out is not None
        out = self.out
        meta_path = out / META
        if out.exists() and not out.is_dir():
            raise StoreError(f"--out {out} is a file, not a folder")
        if not meta_path.exists() and out.is_dir() and any(
                entry.name != LOCK for entry in out.iterdir()):
            raise StoreError(f"{out} exists and is not a netqsim sweep output folder; "
                             "choose another --out")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the output folder {out}: "
                             f"{exc.strerror or exc}") from None
        # Lock before reading anything: a second run is refused while the first runs.
        self._lock = _FolderLock(out)
        if meta_path.exists():
            if not resume:
                raise StoreError(
                    f"{out} already holds sweep results; pass --resume to continue that sweep, "
                    "or choose another --out"
                )
            meta = _read_meta(meta_path)
            if meta.get("fingerprint") != self.spec.fingerprint():
                raise StoreError(
                    f"{out} holds the results of a different sweep (network, programs, "
                    "parameters, seeds or num_times changed); use another --out"
                )
            self._meta = meta
            valid = set(self._params)
            for frame_file in _result_files(out):
                points, errors = _check_part(frame_file, valid)
                self.done.update(points)
                self.failed.update(p for p, e in zip(points, errors, strict=True)
                                   if e is not None)
            if retry_failed and self.failed:
                self._forget(self.failed)
        else:
            self._meta = self._new_meta()
        (out / PARTS).mkdir(parents=True, exist_ok=True)
        self._write_meta()

    def _forget(self, points: set[int]) -> None:
        """Remove the rows and errors of ``points`` (to run them again)."""
        assert self.out is not None
        for file in _result_files(self.out):
            table = pq.read_table(file)
            drop = pa.compute.is_in(table.column("point"), value_set=pa.array(sorted(points)))
            if not pa.compute.any(drop).as_py():
                continue
            kept = table.filter(pa.compute.invert(drop))
            if kept.num_rows:
                # rewrite under a temporary name: the file is complete or unchanged
                tmp = file.with_name(f".{file.name}.tmp")
                pq.write_table(kept, tmp)
                os.replace(tmp, file)
            else:
                file.unlink()
        errors = self.out / ERRORS
        if errors.is_file():
            lines = [line for line in errors.read_text(encoding="utf-8").splitlines()
                     if line.strip() and json.loads(line).get("point") not in points]
            tmp = errors.with_name(f".{ERRORS}.tmp")
            tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            os.replace(tmp, errors)
        self.done -= points
        self.failed -= points

    def close(self) -> None:
        """Release the output folder for other runs (idempotent)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _new_meta(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "format": FORMAT,
            "name": spec.name,
            "description": spec.description,
            "sweep_file": str(Path(spec.file).resolve()) if spec.file else None,
            "sweep_text": spec.text,
            "fingerprint": spec.fingerprint(),
            "seed": spec.seed,
            "sampling_seed": spec.sampling_seed,
            "num_times": spec.num_times,
            "mode": spec.mode,
            "formalism": spec.formalism,
            "combine": spec.combine,
            "parameters": [{"name": p.name, "path": str(p.path), "generator": p.kind,
                            "spec": p.spec} for p in spec.parameters],
            "num_points": len(spec.points()),
            "points": [{"point": p.index, "seed": p.seed, "params": p.params}
                       for p in spec.points()],
            "versions": versions(),
            "created": _now(),
            "runs": [],
            "status": "new",
        }

    def _write_meta(self) -> None:
        if self.out is not None:
            self._meta["updated"] = _now()
            _write_json(self.out / META, self._meta)

    # -- recording --------------------------------------------------------------------

    def start_run(self, executor: str, workers: int, pending: int) -> None:
        """Record the start of a run (executor, workers, points to run)."""
        self._run = {"started": _now(), "executor": executor, "workers": workers,
                     "points_to_run": pending, "points_run": 0, "failed": 0,
                     "timed_out": 0, "status": "running"}
        if self.out is not None:
            self._meta.setdefault("runs", []).append(self._run)
            self._meta["status"] = "running"
            self._write_meta()

    def add(self, outcome: PointOutcome) -> None:
        """Record a finished point (written within ``flush_interval`` seconds)."""
        rows = outcome_rows(outcome, self._params[outcome.index])
        self.done.add(outcome.index)
        self.new_points += 1
        if outcome.error is not None:
            self.failed.add(outcome.index)
            self.new_failed += 1
            self.new_timed_out += outcome.status == TIMEOUT
            self._buffer_errors.append({
                "point": outcome.index, "seed": outcome.seed,
                "params": self._params[outcome.index], "status": outcome.status,
                "error": outcome.error, "traceback": outcome.traceback,
            })
        if self.out is None:
            self._memory_rows.extend(rows)
            return
        self._buffer.extend(rows)
        if time.monotonic() - self._last_flush >= self.flush_interval:
            self.flush()

    def flush(self) -> None:
        """Write buffered points as one new part (atomically)."""
        self._last_flush = time.monotonic()
        if self.out is None or not self._buffer:
            return
        parts = self.out / PARTS
        parts.mkdir(parents=True, exist_ok=True)
        number = 1 + max((int(p.stem.split("-")[1]) for p in parts.glob("part-*.parquet")),
                         default=-1)
        final = parts / f"part-{number:06d}.parquet"
        tmp = parts / f".part-{number:06d}.parquet.tmp"
        pq.write_table(rows_to_table(self._buffer), tmp)
        os.replace(tmp, final)
        self._buffer = []
        if self._buffer_errors:
            with open(self.out / ERRORS, "a", encoding="utf-8") as handle:
                for entry in self._buffer_errors:
                    handle.write(json.dumps(entry, default=str) + "\n")
            self._buffer_errors = []
        if hasattr(self, "_run"):
            self._run.update(points_run=self.new_points, failed=self.new_failed,
                             timed_out=self.new_timed_out)
            self._write_meta()

    # -- finishing --------------------------------------------------------------------

    def frame(self) -> pd.DataFrame:
        """The tidy table of every finished point (from disk and memory)."""
        names = self.spec.parameter_names
        if self.out is None:
            frames = [rows_to_table(self._memory_rows).to_pandas()] if self._memory_rows else []
            return _tidy(frames, names)
        self.flush()
        return _tidy(_read_checked(_result_files(self.out), set(self._params)), names)

    def finish(self, status: str, summary: pd.DataFrame | None = None) -> pd.DataFrame:
        """Flush, and on ``status == "complete"`` consolidate into ``results.parquet``.

        Ends the run: the output folder is released for other runs.
        """
        try:
            return self._finish(status, summary)
        finally:
            self.close()

    def _finish(self, status: str, summary: pd.DataFrame | None) -> pd.DataFrame:
        self.flush()
        df = self.frame()
        if self.out is not None:
            if status == "complete":
                tmp = self.out / f".{RESULTS}.tmp"
                pq.write_table(self._as_written(df), tmp)
                os.replace(tmp, self.out / RESULTS)
                for part in (self.out / PARTS).glob("part-*.parquet"):
                    part.unlink()
                try:
                    (self.out / PARTS).rmdir()
                except OSError:
                    pass  # something else in there: leave it
                if summary is not None:
                    summary.to_csv(self.out / SUMMARY, index=False)
            if hasattr(self, "_run"):
                self._run.update(finished=_now(), status=status, points_run=self.new_points,
                                 failed=self.new_failed, timed_out=self.new_timed_out)
            self._meta["status"] = status
            self._meta["points_done"] = len(self.done)
            self._meta["points_failed"] = len(self.failed)
            self._write_meta()
        return df

    def _as_written(self, df: pd.DataFrame) -> pa.Table:
        """``df`` as an Arrow table with the column types of the files it was read from.

        Pandas turns an integer column with gaps (a failed point's row) into
        floats; keeping the parts' types means that once the failed rows are
        gone (``retry_failed``), the column reads as integers again.
        """
        assert self.out is not None
        try:
            schema = pa.unify_schemas([pq.read_schema(f) for f in _result_files(self.out)])
            schema = pa.schema([schema.field(name) for name in df.columns])
            return pa.Table.from_pandas(df, schema=schema, preserve_index=False)
        except (pa.ArrowException, KeyError, ValueError, TypeError):
            return pa.Table.from_pandas(df, preserve_index=False)  # types differ between parts

    def errors(self) -> list[dict[str, Any]]:
        """Failed points with error and traceback (from ``errors.jsonl`` or memory)."""
        entries: list[dict[str, Any]] = []
        if self.out is not None and (self.out / ERRORS).is_file():
            for line in (self.out / ERRORS).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entries.append(json.loads(line))
        entries.extend(self._buffer_errors)
        unique: dict[int, dict[str, Any]] = {}  # point index -> its first error entry
        for entry in entries:
            unique.setdefault(entry["point"], entry)
        return [unique[k] for k in sorted(unique)]


def pending_points(spec: SweepSpec, done: Iterable[int]) -> list[int]:
    """Indices of the points still to run."""
    finished = set(done)
    return [p.index for p in spec.points() if p.index not in finished]
