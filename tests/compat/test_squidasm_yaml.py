"""SquidASM YAML files with keys SquidASM ignores run under ``netqsim squidasm`` with warnings.

``scripts/lenient_yaml/config.yaml`` (written for this test) carries one key of
each kind that SquidASM's pydantic models ignore: ``measurement_time`` on a
generic device, a generic-device key on an ``nv`` device, the old NV runtime's
``host_latency``/``instr_proc_time`` and link-model keys on a perfect link.
"""

from __future__ import annotations

import re

from tests.compat.test_squidasm_scripts import run_cli, script

#: (line in config.yaml, path, message) of every warning, in file order.
EXPECTED = [
    (10, "stacks[0] (Alice).qdevice_cfg",
     "unknown key 'measurement_time'; did you mean 'measure_time'?"),
    (20, "stacks[1] (Bob).qdevice_cfg",
     "unknown key 'init_time' (a key of qdevice_typ 'generic', not of 'nv')."),
    (21, "stacks[1] (Bob).qdevice_cfg",
     "unknown key 'host_latency' (a setting of SquidASM's old NV runtime, which its stack "
     "runtime ignores); did you mean the stack's 'host_qnos_latency'?"),
    (22, "stacks[1] (Bob).qdevice_cfg",
     "unknown key 'instr_proc_time' (a setting of SquidASM's old NV runtime, which its "
     "stack runtime ignores); did you mean the stack's 'instr_latency'?"),
    (28, "links[0] (Alice-Bob).cfg", "unknown key 'length_A'; did you mean 'length'?"),
    (29, "links[0] (Alice-Bob).cfg",
     "unknown key 'alpha' (valid: state_delay, length, speed_of_light)."),
]


def test_ignored_keys_warn_once_each_and_the_run_proceeds_as_without_them() -> None:
    done = run_cli(script("lenient_yaml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "alice measure_time: 10000.0\n"  # SquidASM's default: measurement_time is not read
        "bob electron_T1: 1000000000.0\n"
        "bob host_qnos_latency: 0.0\n"  # host_latency is not mapped: SquidASM ignores it
        "bob instr_latency: 0.0\n"
        "link state delay: 1000.0\n"
        "equal outcomes: 10/10\n"
        "same timing as without the ignored keys: True True\n"
    )
    warned = re.findall(r"run_simulation\.py:\d+: IgnoredConfigKeyWarning: (.*)", done.stderr)
    assert len(warned) == len(EXPECTED), done.stderr
    for text, (line, path, message) in zip(warned, EXPECTED, strict=True):
        assert text.startswith(f"config.yaml:{line}: {path}: {message}"), text
        assert text.endswith(" Dropped, as SquidASM ignores it."), text
    assert "Traceback" not in done.stderr
