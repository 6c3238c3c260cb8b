"""Helpers shared by the subcommands that run an analysis."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from coach.errors import InputError, UsageError
from coach.exercise import ExerciseAnalyzer
from coach.registry import canonical_name, exercise_names, get_exercise

MAX_LOAD_KG = 500.0
"""A sanity bound for --load-kg (far above anything lifted by hand)."""


def add_exercise_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--exercise", "-e", required=required, metavar="NAME",
        help="exercise to judge: " + ", ".join(exercise_names()),
    )
    p.add_argument("--target", type=float, default=None,
                   help="target for the set: reps, lifts, or hold seconds (exercise default otherwise)")
    p.add_argument("--load-kg", type=float, default=None, metavar="KG",
                   help="lift only: the load's weight, to give the NIOSH lifting index (LI = load / RWL)")


def add_model_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", type=Path, default=None, metavar="PATH",
                   help="pose model .task file (default: the managed model, fetched on first use)")


def make_analyzer(name: str, target: float | None, load_kg: float | None = None) -> ExerciseAnalyzer:
    """A fresh analyzer; unknown names and bad options are usage errors."""
    if target is not None and not (math.isfinite(target) and target > 0):
        raise UsageError(f"--target must be a positive number, got {target:g}")
    options: dict[str, float] = {} if target is None else {"target": target}
    if load_kg is not None:
        if not (math.isfinite(load_kg) and 0 < load_kg <= MAX_LOAD_KG):
            raise UsageError(f"--load-kg must be between 0 and {MAX_LOAD_KG:g}, got {load_kg:g}")
        exercise = canonical_name(name)
        if exercise != "lift":
            raise UsageError(f"--load-kg applies to the lift exercise only, not {exercise}")
        options["load_kg"] = load_kg
    return get_exercise(name, **options)


def info(msg: str, quiet: bool = False) -> None:
    if not quiet:
        print(msg, file=sys.stderr)


def parse_aspect(text: str) -> float:
    """``16:9`` or ``1.78`` -> 1.777...; argparse type for ``--aspect``."""
    try:
        if ":" in text:
            w, h = (float(x) for x in text.split(":", 1))
            value = w / h
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not an aspect ratio: {text!r} (use W:H, e.g. 16:9)") from None
    if not 0.1 <= value <= 10.0:
        raise argparse.ArgumentTypeError(f"aspect ratio out of range: {text!r}")
    return value


def non_negative_int(what: str) -> Callable[[str], int]:
    """argparse type: a whole number >= 0, with ``what`` named in the error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {what}: {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"the {what} must be 0 or more, got {value}")
        return value

    return parse


camera_index = non_negative_int("camera index")
"""``--camera``: OpenCV crashes on some negative indexes instead of failing."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_outputs(inputs: Iterable[Path | None], outputs: Iterable[tuple[str, Path | None]]) -> None:
    """Refuse, before any work, outputs that would overwrite an input or
    each other, or that point at a folder."""
    ins = [p for p in inputs if p is not None]
    seen: list[tuple[str, Path]] = []
    for option, out in outputs:
        if out is None:
            continue
        for inp in ins:
            if _same_file(inp, out):
                raise UsageError(f"{option} {out} is the input file; choose another output path")
        for other_option, other in seen:
            if _same_file(other, out):
                raise UsageError(f"{option} and {other_option} are the same file {out}")
        if out.is_dir():
            raise InputError(f"{out}: is a folder; {option} needs a file path")
        seen.append((option, out))
