"""Run other simulators' user code unchanged on netqsim.

* :mod:`netqsim.compat.hook`: the import hook that serves foreign module names
  (``squidasm.*``, ``netsquid``, ...) from netqsim's own API, only while a
  runner runs a script.
* :mod:`netqsim.compat.session`: the seed and formalism a script sets through
  NetSquid's global calls.
* :mod:`netqsim.compat.runner`: run a script as ``__main__`` in its folder,
  with its argv, inside the hook.
* :mod:`netqsim.compat.squidasm`: the SquidASM, NetSquid, netsquid-netbuilder
  and pydynaa names (``netqsim squidasm SCRIPT``).

Importing this package installs nothing.
"""
