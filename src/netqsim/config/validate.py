"""``validate_file``: every problem of a network YAML file, for ``netqsim validate``."""

from __future__ import annotations

from os import PathLike

from .base import ConfigError
from .network import StackNetworkConfig


def validate_file(path: str | PathLike[str]) -> list[str]:
    """All problems of the network config file at ``path`` (empty list: valid).

    Each entry reads ``location: problem (line N)``; an unreadable file gives
    one entry saying why.
    """
    try:
        StackNetworkConfig.from_file(path)
    except ConfigError as exc:
        return exc.problems
    except OSError as exc:
        return [f"{path}: cannot read file ({exc.strerror or exc})"]
    return []
