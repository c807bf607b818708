"""Executors: where the points of a sweep run.

Every executor takes work items and yields outcomes as they finish (in any
order); the results do not depend on which executor ran them, because each
point carries its own seed.

``serial``
    in this process, one point after the other.
``processes`` (the default)
    a local process pool, one worker per core unless ``workers`` says
    otherwise. Workers start from a fork server (or ``spawn`` where there is
    none), never by forking a process that may hold threads. They ignore
    Ctrl-C (the sweep process handles it and ends them) and exit as soon as
    the sweep process dies, however it dies.
``dask``
    a Dask distributed cluster: the scheduler at ``scheduler`` (e.g.
    ``tcp://10.0.0.5:8786``), or a ``LocalCluster`` with ``workers``
    single-threaded worker processes when no address is given. Needs the
    ``cluster`` extra (``pip install netqsim[cluster]``). Program classes must
    be importable on the workers (same code, same paths).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

EXECUTORS = ("serial", "processes", "dask")
#: How long to try to reach a Dask scheduler given by address.
DASK_CONNECT_TIMEOUT = "10s"


class ExecutorError(RuntimeError):
    """An executor cannot be set up (missing extra, unreachable scheduler, ...)."""


class Executor(ABC):
    """Base class: a context manager whose :meth:`map_unordered` yields finished results."""

    name = "executor"
    workers = 1

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:  # noqa: B027 - by default there is nothing to release
        """Release workers (idempotent)."""

    def abort(self) -> None:
        """Stop at once (after an interrupt): drop queued and running work, release workers."""
        self.close()

    @abstractmethod
    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``fn(item)`` for every item, yielded as they finish."""

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"


class SerialExecutor(Executor):
    """Runs every item in this process, in order."""

    name = "serial"

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            yield fn(item)


#: How often a worker checks that the sweep process is alive, where it cannot wait on it.
PARENT_POLL_INTERVAL = 0.25


def _wait_for_exit(pid: int, ppid: int) -> None:
    """Return once process ``pid`` has ended (or this process's parent ``ppid`` has)."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is not None:
        try:
            fd = pidfd_open(pid)
        except ProcessLookupError:
            return  # already gone
        except OSError:
            pass  # e.g. an older kernel: poll below
        else:
            select.select([fd], [], [])  # readable once the process has ended
            return
    while True:
        time.sleep(PARENT_POLL_INTERVAL)
        if os.getppid() != ppid:
            return  # our own parent (the sweep process, or its fork server) has gone
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass  # alive, owned by someone else


def _exit_with(parent: int) -> None:
    """End this worker at once when process ``parent`` (the sweep) dies.

    A worker blocked on its task queue never notices on its own (it holds a
    copy of that queue's write end), and it keeps the fork server and the
    resource tracker alive with it, all holding the sweep's output pipes.
    """
    ppid = os.getppid()

    def watch() -> None:
        _wait_for_exit(parent, ppid)
        os._exit(1)

    threading.Thread(target=watch, name="netqsim-parent-watch", daemon=True).start()


def _worker_init(parent: int) -> None:
    """Set up a worker: leave Ctrl-C to the sweep process, and die with it."""
    # The sweep process saves the results and stops the workers on Ctrl-C.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with(parent)


def _mp_context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["netqsim.experiments.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessExecutor(Executor):
    """A local process pool (``workers`` processes; default: one per core)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = int(workers) if workers else (os.cpu_count() or 1)
        if self.workers < 1:
            raise ExecutorError(f"workers must be >= 1 (got {workers})")
        self._pool: ProcessPoolExecutor | None = None

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_mp_context(), initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        pending: set[Future[Any]] = set()
        items = iter(items)
        # Keep a bounded number of points in flight: memory stays small for huge
        # sweeps and an interrupt leaves little queued work behind.
        limit = 4 * self.workers
        for item in items:
            pending.add(self._pool.submit(fn, item))
            if len(pending) >= limit:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise ExecutorError(
                        "a worker process died (killed, out of memory, or it could not start: "
                        "a script that runs a sweep must do so under "
                        "'if __name__ == \"__main__\":', because worker processes import it); "
                        "finished points are saved, resume to run the rest"
                    ) from None
                yield result
                nxt = next(items, None)
                if nxt is not None:
                    pending.add(self._pool.submit(fn, nxt))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        # Points still running would be thrown away anyway (they are re-run on
        # resume): end their workers rather than wait for them.
        if self._pool is not None:
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                if process.is_alive():
                    process.terminate()
        self.close()


@contextlib.contextmanager
def signals_ignored(*signums: int) -> Iterator[None]:
    """Ignore these signals in this process for the block (in the main thread only).

    Processes started meanwhile inherit the ignored signals.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class DaskExecutor(Executor):
    """A Dask distributed cluster: ``scheduler`` address, or a ``LocalCluster``."""

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError(
                "the dask executor needs Dask distributed: pip install 'netqsim[cluster]'"
            ) from None
        self.scheduler = scheduler
        self._cluster: Any = None
        if scheduler:
            try:
                self._client: Client | None = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ExecutorError(f"cannot connect to the Dask scheduler at {scheduler}: "
                                    f"{exc}") from None
            info = self._client.scheduler_info()
            self.workers = max(1, len(info.get("workers", {})))
        else:
            self.workers = int(workers) if workers else (os.cpu_count() or 1)
            if self.workers < 1:
                raise ExecutorError(f"workers must be >= 1 (got {workers})")
            # The cluster's processes inherit an ignored SIGINT: Ctrl-C in a terminal
            # reaches the whole process group, and only this process should act on it
            # (it saves the results and closes the cluster).
            with signals_ignored(signal.SIGINT):
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR,
                )
            self._client = Client(self._cluster)

    def describe(self) -> str:
        where = self.scheduler or "LocalCluster"
        return f"dask on {where} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        from dask.distributed import as_completed

        if self._client is None:
            raise ExecutorError("the dask executor is closed")
        futures = self._client.map(fn, list(items), pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                if not future.done():
                    future.cancel()

    def close(self) -> None:
        client, self._client = getattr(self, "_client", None), None
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_executor(name: str = "processes", workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor called ``name`` (``serial``, ``processes`` or ``dask``)."""
    if name not in EXECUTORS:
        raise ExecutorError(f"unknown executor {name!r} (valid: {', '.join(EXECUTORS)})")
    if scheduler and name != "dask":
        raise ExecutorError("--scheduler is only used with the dask executor")
    if workers is not None and workers < 1:
        raise ExecutorError(f"workers must be >= 1 (got {workers})")
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    return DaskExecutor(workers, scheduler)
