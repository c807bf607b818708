"""Compiled subroutines, kept per node: each distinct subroutine is assembled and serialized once.

A program's iterations send the same subroutines again and again, and the
SDK's text assembler and serializer cost more host time than anything else.
:class:`CompiledSubroutines` keeps the serialized instructions of what a node
compiled, keyed by :func:`~netqsim.host.subroutine_key.subroutine_key` (the
pending commands and NetQASM version), the builder class and the compiler, and
puts the metadata header (which holds the application id) in front at every
send. The bytes sent are those the SDK would produce; with the environment
variable ``NETQSIM_CHECK_COMPILE_CACHE=1`` every cache hit is compiled again
and compared, and a difference raises :class:`CompileCacheMismatch`.

Compilers must be deterministic functions of the subroutine (netqasm's are).
A cache lives as long as the node's host endpoint (one simulation), so
simulations never share one; it is bounded in entries and in commands held.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netqasm.backend.messages import MESSAGE_TYPE, MESSAGE_TYPE_BYTES, MessageType
from netqasm.lang.encoding import METADATA_BYTES, Metadata
from netqasm.lang.ir import ProtoSubroutine
from netqasm.lang.operand import Template
from netqasm.lang.subroutine import Subroutine
from netqasm.lang.version import NETQASM_VERSION
from netqasm.sdk.builder import Builder

from netqsim.host.subroutine_key import commands_key, subroutine_key

#: Set to ``1`` to compile every cache hit again and compare the bytes.
CHECK_ENV = "NETQSIM_CHECK_COMPILE_CACHE"

_TYPE_BYTE = bytes(MESSAGE_TYPE(MessageType.SUBROUTINE.value))
_HEADER_BYTES = MESSAGE_TYPE_BYTES + METADATA_BYTES


class CompileCacheMismatch(RuntimeError):
    """A cached subroutine's bytes differ from a fresh compilation (check mode)."""


@dataclass(frozen=True)
class CompiledSubroutine:
    """A subroutine's serialized instructions, without the header that names the app."""

    netqasm_version: tuple[int, int]
    body: bytes
    instructions: int

    def message(self, app_id: int) -> bytes:
        """The ``SubroutineMessage`` bytes of this subroutine for application ``app_id``."""
        header = Metadata(netqasm_version=self.netqasm_version, app_id=app_id)
        return _TYPE_BYTE + bytes(header) + self.body


def compile_message(builder: Builder, proto: ProtoSubroutine, app_id: int) -> tuple[bytes, int]:
    """Compile ``proto`` with the SDK: the message bytes and the instruction count."""
    subroutine = builder.subrt_compile_subroutine(proto)
    if subroutine.arguments:  # templates to fill in: the SDK rebuilds the instructions
        subroutine.instantiate(app_id)
    else:  # nothing to fill in; rebuilding every instruction would only cost time
        subroutine.app_id = app_id
    return _TYPE_BYTE + bytes(subroutine), len(subroutine.instructions)


def subroutine_message(subroutine: Subroutine, app_id: int) -> tuple[bytes, int]:
    """The ``SubroutineMessage`` bytes of a compiled ``subroutine`` for ``app_id``, and its length.

    ``subroutine`` is not changed (its own application id is not used).
    Raises ``ValueError`` if it still has template arguments to fill in.
    """
    # ``instantiate`` fills the operands in but keeps ``arguments``: look at the operands
    unfilled = sorted({op.name for instr in subroutine.instructions
                       for op in instr.operands if isinstance(op, Template)})
    if unfilled:
        raise ValueError(
            f"the subroutine has template arguments {', '.join(unfilled)} without "
            "values: fill them in with subroutine.instantiate(app_id, {name: value, ...}) "
            "before committing it"
        )
    body = b"".join(bytes(instr.serialize()) for instr in subroutine.instructions)
    compiled = CompiledSubroutine(
        netqasm_version=subroutine.netqasm_version or NETQASM_VERSION,
        body=body,
        instructions=len(subroutine.instructions),
    )
    return compiled.message(app_id), compiled.instructions


def _check_from_environment() -> bool:
    value = os.environ.get(CHECK_ENV, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"environment variable {CHECK_ENV}={value!r}: expected 1 or 0")


class CompiledSubroutines:
    """A bounded LRU cache of compiled subroutines; :meth:`compile` is the entry point.

    ``max_entries`` bounds the number of subroutines kept and ``max_commands``
    the pending commands their keys hold (a key's size grows with them); a
    subroutine with more commands than that is compiled but never kept.
    ``check`` (default: from ``NETQSIM_CHECK_COMPILE_CACHE``) compiles every
    hit again and raises :class:`CompileCacheMismatch` if the bytes differ.
    """

    def __init__(
        self, max_entries: int = 256, max_commands: int = 100_000, check: bool | None = None
    ) -> None:
        if max_entries < 0 or max_commands < 0:
            raise ValueError(
                f"CompiledSubroutines bounds must be >= 0, got max_entries={max_entries}, "
                f"max_commands={max_commands}"
            )
        self.max_entries = max_entries
        self.max_commands = max_commands
        self.check = _check_from_environment() if check is None else check
        self._entries: OrderedDict[Any, tuple[CompiledSubroutine, int]] = OrderedDict()
        self._commands = 0
        self._lock = threading.Lock()
        #: Subroutines served from the cache, compiled and stored, and compiled
        #: without a key (see :func:`~netqsim.host.subroutine_key.subroutine_key`).
        self.hits = self.misses = self.unkeyed = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def commands(self) -> int:
        """Pending commands held by the keys of the subroutines kept."""
        return self._commands

    def compile(self, builder: Builder, proto: ProtoSubroutine, app_id: int) -> tuple[bytes, int]:
        """``proto``'s ``SubroutineMessage`` bytes for ``app_id``, and its instruction count.

        The same bytes as :func:`compile_message`, from the cache when an
        equal subroutine was compiled before by the same builder class and
        compiler.
        """
        # With line tracking on, the SDK logs each compiled Subroutine object.
        body_key = None if builder._track_lines else subroutine_key(proto)
        return self._compiled(builder, body_key, lambda: proto, app_id)

    def compile_commands(
        self, builder: Builder, commands: list[Any], app_id: int
    ) -> tuple[bytes, int]:
        """:meth:`compile` of the SDK's ``ProtoSubroutine`` of ``commands``, for ``app_id``.

        ``commands`` are what the builder would wrap in a ``ProtoSubroutine``
        (of netqasm's ``NETQASM_VERSION``); that object, whose constructor
        scans every operand, is built only to compile.
        """
        body_key = None if builder._track_lines else commands_key(commands, NETQASM_VERSION)
        return self._compiled(
            builder, body_key,
            lambda: ProtoSubroutine(
                commands=commands, netqasm_version=NETQASM_VERSION, app_id=app_id
            ),
            app_id,
        )

    def _compiled(
        self, builder: Builder, body_key: Any, proto: Callable[[], ProtoSubroutine], app_id: int
    ) -> tuple[bytes, int]:
        if body_key is None:
            self.unkeyed += 1
            return compile_message(builder, proto(), app_id)
        key = (type(builder), builder._compiler, body_key)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        if found is not None:
            self.hits += 1
            compiled = found[0]
            raw = compiled.message(app_id)
            if self.check:
                _compare(raw, compile_message(builder, proto(), app_id)[0], app_id)
            return raw, compiled.instructions
        self.misses += 1
        raw, instructions = compile_message(builder, proto(), app_id)
        compiled = CompiledSubroutine(
            netqasm_version=body_key[0],
            body=raw[_HEADER_BYTES:],
            instructions=instructions,
        )
        if compiled.message(app_id) != raw:  # the header is not what this module assumes
            raise CompileCacheMismatch(
                f"subroutine of app {app_id}: the SDK's header "
                f"{raw[:_HEADER_BYTES].hex()} is not "
                f"{compiled.message(app_id)[:_HEADER_BYTES].hex()}"
            )
        self._store(key, compiled, len(body_key[1]))
        return raw, instructions

    def _store(self, key: Any, compiled: CompiledSubroutine, commands: int) -> None:
        if commands > self.max_commands or self.max_entries == 0:
            return
        with self._lock:
            if key in self._entries:  # another thread stored it meanwhile
                return
            self._entries[key] = (compiled, commands)
            self._commands += commands
            while len(self._entries) > self.max_entries or self._commands > self.max_commands:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._commands -= dropped


def _compare(cached: bytes, fresh: bytes, app_id: int) -> None:
    if cached == fresh:
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(cached, fresh, strict=False)) if a != b),
        min(len(cached), len(fresh)),
    )
    raise CompileCacheMismatch(
        f"compile cache hit for a subroutine of app {app_id}: {len(cached)} cached bytes "
        f"differ from the {len(fresh)} bytes of a fresh compilation, first at byte {at} "
        f"(cached {cached[at:at + 8].hex()}, fresh {fresh[at:at + 8].hex()})"
    )


_per_endpoint: weakref.WeakKeyDictionary[Any, CompiledSubroutines] = weakref.WeakKeyDictionary()
_per_endpoint_lock = threading.Lock()


def compiled_subroutines_for(endpoint: Any) -> CompiledSubroutines:
    """The cache of the node whose host uses ``endpoint`` (created on first use).

    An endpoint that cannot be weakly referenced or hashed gets a new cache
    each call.
    """
    with _per_endpoint_lock:
        try:
            cache = _per_endpoint.get(endpoint)
            if cache is None:
                cache = _per_endpoint[endpoint] = CompiledSubroutines()
        except TypeError:
            return CompiledSubroutines()
        return cache
