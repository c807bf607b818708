"""A connection's shared memory: netqasm's, plus the readers SquidASM programs call.

The node controller's replies (``ReturnRegMessage``, ``ReturnArrayMessage``)
land in this memory. netqasm's ``SharedMemory`` is read through futures
(``int(m)``, ``array.get_future_index(i)``) and ``get_register`` /
``get_array_part``; SquidASM programs that commit their own subroutines read
it directly, with the names of SquidASM's application memory:
``get_array(address)``, ``get_array_value(address, index)``,
``get_array_values(address, start, stop)`` and ``get_reg_value(register)``.
"""

from __future__ import annotations

from netqasm.lang import operand
from netqasm.sdk.shared_memory import SharedMemory


class HostSharedMemory(SharedMemory):
    """netqasm's ``SharedMemory`` with SquidASM's ``get_array`` and friends."""

    def get_array(self, address: int) -> list[int | None]:
        """The array at ``address`` as the node last returned it (``None``: never written).

        Raises ``IndexError`` naming the addresses there are, if the node
        returned no array at ``address``.
        """
        if not self._arrays.has_array(address):
            known = ", ".join(f"@{a}" for a in sorted(self._arrays._arrays)) or "none"
            raise IndexError(
                f"no array at address {address} in this connection's shared memory (arrays "
                f"the node returned: {known}); an array comes back with the reply to the "
                "subroutine that creates or writes it"
            )
        return self._arrays._get_array(address)

    def get_array_value(self, address: int, index: int) -> int | None:
        """Entry ``index`` of the array at ``address``."""
        return self.get_array(address)[index]

    def get_array_values(self, address: int, start: int, stop: int) -> list[int | None]:
        """Entries ``start`` to ``stop`` (exclusive) of the array at ``address``."""
        return self.get_array(address)[start:stop]

    def get_reg_value(self, register: str | operand.Register) -> int | None:
        """The value the node returned for ``register`` (``"M0"`` or a ``Register``)."""
        return self.get_register(register)


__all__ = ["HostSharedMemory"]
