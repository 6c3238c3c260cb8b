"""Helpers shared by the subcommands that run an analysis."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from coach.baseline import Baseline
from coach.errors import InputError, UsageError
from coach.exercise import ExerciseAnalyzer
from coach.outfile import check_output
from coach.registry import exercise_names, get_exercise, get_spec, specs


def add_exercise_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--exercise", "-e", required=required, metavar="NAME", default=None,
        help="exercise to judge: " + ", ".join(exercise_names())
             + ("" if required else "; 'auto' or none: recognise it, and split a routine into sets"),
    )
    p.add_argument("--target", type=float, default=None,
                   help="target for the set: reps, lifts, or hold seconds (exercise default otherwise)")
    seen: set[str] = set()
    for spec in specs():  # each exercise's own options, from its spec
        for opt in spec.options:
            if opt.dest not in seen:
                seen.add(opt.dest)
                p.add_argument(opt.flag, dest=opt.dest, type=float, default=None, metavar=opt.metavar,
                               help=f"{spec.name} only: {opt.help}")


def exercise_options(args: argparse.Namespace) -> dict[str, float]:
    """The exercise options given on the command line (``--load-kg`` ...)."""
    out: dict[str, float] = {}
    for spec in specs():
        for opt in spec.options:
            value = getattr(args, opt.dest, None)
            if value is not None:
                out[opt.dest] = value
    return out


def add_model_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", type=Path, default=None, metavar="PATH",
                   help="pose model .task file (default: the managed model, fetched on first use)")


MODEL_VARIANTS = ("lite", "full", "heavy")


def add_model_variant_arg(p: argparse.ArgumentParser, offline: bool = False) -> None:
    """``--model-variant``; ``offline`` (analyze, batch) adds the advice for
    offline analysis, with the cost measured in ACCURACY.md ("Model variants")."""
    extra = (" For offline analysis heavy is the best-accuracy choice: about 2.5x the CPU time of full; its "
             "joint angles are the reference that full misses by a median 2.2 deg (lite 3.1), but the "
             "thresholds were calibrated on full and on the one labelled real lift heavy's verdicts matched the "
             "labels less well.") if offline else ""
    p.add_argument("--model-variant", choices=MODEL_VARIANTS, default=None, metavar="V",
                   help="pose model size: lite (fastest), full (default) or heavy (most accurate); "
                        "fetched on first use; see ACCURACY.md." + extra)


def model_for(args: argparse.Namespace) -> Path | None:
    """``--model PATH`` if given, else the ``--model-variant`` model
    (installed on first use), else None (the default model)."""
    model: Path | None = getattr(args, "model", None)
    variant: str | None = getattr(args, "model_variant", None)
    if model is not None:
        if variant is not None:
            raise UsageError("give --model or --model-variant, not both")
        return model
    if variant is None:
        return None
    from coach.models import ensure_model

    return ensure_model(f"pose_landmarker_{variant}")


def model_name_for(args: argparse.Namespace, source: Path) -> str | None:
    """The file name of the pose model a run over ``source`` uses (what
    ``sessions.models`` records); None for a pose-track CSV (no model runs)."""
    from coach.sources import is_pose_track

    if is_pose_track(source):
        return None
    model: Path | None = getattr(args, "model", None)
    if model is not None:
        return Path(model).name
    from coach.models import DEFAULT_MODEL, model_path

    variant: str | None = getattr(args, "model_variant", None)
    return model_path(f"pose_landmarker_{variant}" if variant else DEFAULT_MODEL).name


def add_workers_arg(p: argparse.ArgumentParser, per_file: bool = False) -> None:
    """``--workers N`` (default: one per core). For ``batch`` (``per_file``)
    each worker takes whole files. For one video the frames are split into
    chunks, one landmarker each (docs/models.md, "Parallel inference");
    ``--workers 1`` is the single landmarker, bit for bit."""
    from coach.parallel import MIN_CHUNK

    if per_file:
        p.add_argument("--workers", type=positive_int("number of workers"), default=None, metavar="N",
                       help="files analysed at once (default: one per core)")
    else:
        p.add_argument("--workers", type=positive_int("number of workers"), default=None, metavar="N",
                       help="pose-model processes for a video file (default: one per core; a video under "
                            f"{2 * MIN_CHUNK} frames stays on one). --workers 1 gives the single landmarker's "
                            "result bit for bit; with more, a borderline verdict after a chunk boundary can "
                            "move by a frame or so: see docs/models.md")


def make_analyzer(name: str, target: float | None, options: Mapping[str, float] | None = None,
                  stature_m: float | None = None,
                  baselines: Mapping[str, Baseline] | None = None) -> ExerciseAnalyzer:
    """A fresh analyzer; unknown names and bad options are usage errors.
    ``options`` are the exercise's own (its spec's ``options``);
    ``stature_m`` the person's height (``coach profile``), given to
    exercises that scale by stature (their spec's ``stature_option``);
    ``baselines`` the person's calibrations by exercise (``coach
    calibrate``), given to the exercise whose calibration is among them."""
    if target is not None and not (math.isfinite(target) and target > 0):
        raise UsageError(f"--target must be a positive number, got {target:g}")
    kwargs: dict[str, Any] = {} if target is None else {"target": target}
    if stature_m is not None:
        option = get_spec(name).stature_option
        if option is not None:
            kwargs[option] = stature_m
    spec = get_spec(name)
    baseline = (baselines or {}).get(spec.name)
    if baseline is not None and spec.baseline is not None:
        kwargs["baseline"] = baseline
    if options:
        spec = get_spec(name)
        for dest, value in options.items():
            opt = spec.option(dest)
            if opt is None:
                owners = [s for s in specs() if s.option(dest) is not None]
                flag = next((o.flag for s in owners for o in s.options if o.dest == dest), dest)
                only = " or ".join(s.name for s in owners) or "no exercise"
                raise UsageError(f"{flag} applies to {only} only, not {spec.name}")
            if not (math.isfinite(value) and opt.minimum < value <= opt.maximum):
                raise UsageError(f"{opt.flag} must be between {opt.minimum:g} and {opt.maximum:g}, got {value:g}")
            kwargs[dest] = value
    return get_exercise(name, **kwargs)


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


def note_ignored_aspect(path: Path, aspect: float | None, quiet: bool = False) -> None:
    """``--aspect`` is for a pose-track CSV without an ``aspect`` column: a
    file that records its own aspect wins, and one warning line says so."""
    from coach.posetrack import has_aspect_column
    from coach.sources import is_pose_track

    if aspect is not None and is_pose_track(path) and has_aspect_column(path):
        print(f"coach: warning: --aspect {aspect:.4g} is ignored: {path.name} records its image aspect in its "
              "'aspect' column, and the recording's own value wins", file=sys.stderr)


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


def positive_int(what: str) -> Callable[[str], int]:
    """argparse type: a whole number >= 1."""
    parse0 = non_negative_int(what)

    def parse(text: str) -> int:
        value = parse0(text)
        if value < 1:
            raise argparse.ArgumentTypeError(f"the {what} must be 1 or more, got {value}")
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
    each other, that point at a folder, or that cannot be written (a
    missing folder is never created: :func:`coach.outfile.check_output`)."""
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
        check_output(out, option, InputError)
        seen.append((option, out))

def use_setup(args: argparse.Namespace) -> bool:
    """The setup screen runs for a camera unless ``--no-setup``; for a video
    file only with ``--setup``."""
    return bool(args.setup) if args.setup is not None else args.source is None
