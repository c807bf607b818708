"""Runtime: build a network from a config and run programs on it."""

from netqsim.runtime.network import Network, Node
from netqsim.runtime.run import ControllerStopError, RunResults, run

__all__ = ["ControllerStopError", "Network", "Node", "RunResults", "run"]
