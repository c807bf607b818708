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
* :mod:`netqsim.compat.simulaqron` and :mod:`netqsim.compat.simulaqron_runner`:
  SimulaQron's names, asyncio on simulated time, and the runner of
  ``netqsim simulaqron DIR`` (one script per node, all in one process).

Importing this package installs nothing.

Adding a family of foreign names (netqasm's ``netqasm.sdk.external``,
SimulaQron's ``simulaqron.*``): write one small provider module per foreign
module, whose ``__all__`` lists netqsim objects under the foreign names, and a
table of :class:`~netqsim.compat.hook.ModuleMap` entries; a runner passes the
table to :func:`~netqsim.compat.runner.run_script` (or to
:func:`~netqsim.compat.hook.compat_imports`). Mapped names under a real
package (``netqasm.sdk``) are served next to its real modules.
"""
