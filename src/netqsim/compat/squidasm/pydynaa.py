"""``pydynaa``: ``EventExpression`` is netqsim's kernel event (composable with ``|`` and ``&``)."""

from netqsim.kernel import Event as EventExpression

__all__ = ["EventExpression"]
