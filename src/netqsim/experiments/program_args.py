"""Program arguments as sweep parameters: where ``programs[NODE].args.NAME`` puts a value."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netqsim.config.base import unknown_message

from .paths import ParamPath, PathError, Step, parse_path, set_values
from .programs import ProgramRef


@dataclass(frozen=True)
class ProgramSpec:
    """A program of one node: class reference and constructor arguments."""

    ref: ProgramRef
    args: dict[str, Any]



def program_slot(programs: Mapping[str, list[Any]], path: ParamPath) -> tuple[str, int, str]:
    """(node, program index, first argument key) that a ``programs[...]`` path addresses."""
    steps = path.steps
    head = steps[0]
    if not head.selectors or not isinstance(head.selectors[0], str):
        raise PathError(f"{path}: program paths look like programs[NODE].args.NAME")
    node = head.selectors[0]
    if node not in programs:
        raise PathError(
            f"{path}: " + unknown_message("node", node, list(programs)).replace(
                "unknown node", "no program for node")
        )
    specs = programs[node]
    index = 0
    if len(head.selectors) > 1:
        sel = head.selectors[1]
        if not isinstance(sel, int) or not -len(specs) <= sel < len(specs):
            raise PathError(f"{path}: node {node} has {len(specs)} program(s); "
                            f"[{sel}] is not one of them")
        index = sel % len(specs)
    elif len(specs) > 1:
        raise PathError(f"{path}: node {node} runs {len(specs)} programs; say which, e.g. "
                        f"programs[{node}][0].args.NAME")
    if len(head.selectors) > 2 or len(steps) < 3 or steps[1].key != "args" or steps[1].selectors:
        raise PathError(f"{path}: program paths look like programs[{node}].args.NAME")
    return node, index, steps[2].key


def apply_program_args(
    programs: Mapping[str, list[ProgramSpec]], assignments: Sequence[tuple[ParamPath, Any]]
) -> dict[str, list[ProgramSpec]]:
    """The programs with each ``(path, value)`` assignment applied to a copy of their args."""
    out = {node: list(specs) for node, specs in programs.items()}
    for path, value in assignments:
        node, index, key = program_slot(out, path)
        spec = out[node][index]
        args = copy.deepcopy(spec.args)
        if len(path.steps) == 3 and not path.steps[2].selectors:
            args[key] = value
        else:
            rest = parse_path(".".join(step_text(s) for s in path.steps[2:]))
            args = set_values(args, [(rest, value)])
        out[node][index] = ProgramSpec(spec.ref, args)
    return out


def step_text(step: Step) -> str:
    """A path step as written (``key[sel]...``)."""
    return step.key + "".join(f"[{s}]" for s in step.selectors)
