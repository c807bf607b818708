"""The log folder of an application run, in netqasm's formats.

``netqsim simulate`` writes what ``netqasm simulate`` (SquidASM backend)
writes, into ``<log dir>/<YYYYmmdd-HHMMSS>/``, then copies that folder to
``<log dir>/LAST/``:

* ``results.yaml``: a list with one entry per round, ``{"app_<role>": result}``;
* ``<role>_class_comm.yaml``: each ``Socket`` send/receive of the app
  (netqasm's ``ClassCommLogEntry`` fields);
* ``<role>_app_log.yaml``: what the app logged with netqasm's
  ``get_new_app_logger(...).log(...)`` (``AppLogEntry``);
* ``<role>_instrs.yaml``: each quantum instruction the app's node executed
  (``InstrLogEntry``; ``SIT`` is the simulated time in ns);
* ``network_log.yaml``: start and end of each entanglement generation
  (``NetworkLogEntry``; ``SIT`` in ns).

Entries of all rounds go into the one folder (netqasm starts a new folder
when a round starts in a new wall-clock second). ``WCT`` is the wall clock,
as in netqasm.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from netqasm.logging import output as netqasm_output
from netqasm.logging.output import reset_struct_loggers
from netqasm.runtime.interface.logging import ClassCommLogEntry
from netqasm.util.yaml import dump_yaml

__all__ = ["LAST", "RunLogs"]

LAST = "LAST"


class RunLogs:
    """Collects the records of one run and writes them at its end.

    With ``log_dir=None`` nothing is recorded (``enabled`` is False) and
    :meth:`write` writes nothing.
    """

    def __init__(self, log_dir: Path | None) -> None:
        self.enabled = log_dir is not None
        self.base = log_dir
        self.folder: Path | None = None
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            self.folder = log_dir / datetime.now().strftime("%Y%m%d-%H%M%S")
            self.folder.mkdir(exist_ok=True)
        self._class_comm: dict[str, list[dict[str, Any]]] = {}
        self.instrs: dict[str, list[dict[str, Any]]] = {}
        self.network: list[dict[str, Any]] = []
        self._app_logs: dict[str, list[dict[str, Any]]] = {}
        # netqasm's app loggers register in a process-wide list: start empty.
        reset_struct_loggers()

    def class_comm(self, app: str, operation: str, msg: Any, sender: str, receiver: str,
                   socket_id: int, line: int | None, file: str | None, log: str) -> None:
        """Record one socket operation of ``app``."""
        self._class_comm.setdefault(app, []).append(asdict(ClassCommLogEntry(
            WCT=str(datetime.now()), HLN=line, HFL=file, INS=operation, MSG=msg, SEN=sender,
            REC=receiver, SOD=socket_id, LOG=log)))

    def collect_app_logs(self) -> None:
        """Take the records of the apps' netqasm app loggers (call at the end of a round).

        netqasm keeps its app loggers in a process-wide list and each round
        makes new ones for the same file: collecting per round keeps every
        round's records (netqasm's own save would keep one logger's).
        """
        for logger in netqasm_output._STRUCT_LOGGERS if self.enabled else ():
            self._app_logs.setdefault(logger._filepath, []).extend(logger._storage)
        reset_struct_loggers()

    def write(self, results: list[dict[str, Any]]) -> None:
        """Write every file of the run and copy the folder to ``LAST``."""
        if self.folder is None or self.base is None:
            reset_struct_loggers()
            return
        folder = self.folder
        for app, entries in self._class_comm.items():
            dump_yaml(entries, str(folder / f"{app.lower()}_class_comm.yaml"))
        for app, entries in self.instrs.items():
            dump_yaml(entries, str(folder / f"{app}_instrs.yaml"))
        dump_yaml(self.network, str(folder / "network_log.yaml"))
        self.collect_app_logs()
        for path, entries in self._app_logs.items():  # the apps' <app>_app_log.yaml
            dump_yaml(entries, path)
        dump_yaml(results, str(folder / "results.yaml"))
        last = self.base / LAST
        if last.exists():
            shutil.rmtree(last)
        shutil.copytree(folder, last)
