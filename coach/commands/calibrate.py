"""``coach calibrate --exercise NAME``: record your own best form.

A few seconds of the exercise's working position (the plank held, the top
of a bridge, the knee held at the chest), from the camera (with the setup
screen and a countdown of the seconds still needed) or from a video or
pose-track file (``--source``). The medians of the exercise's baseline
measures are stored in the session database; later sets of that exercise
(``analyze``, ``live``) are judged against them as well as against the
exercise's own limits, and a safety limit is never loosened
(:mod:`coach.baseline`). ``--list`` shows the calibrations, ``--forget``
goes back to the exercise's own thresholds.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
from contextlib import ExitStack
from pathlib import Path

from coach.baseline import Baseline, personalise
from coach.calibrate import Calibration, CalibrationRun, outcome
from coach.commands._common import (
    add_model_arg,
    add_model_variant_arg,
    camera_index,
    check_outputs,
    info,
    make_analyzer,
    model_for,
    note_ignored_aspect,
    parse_aspect,
)
from coach.commands._store_args import add_db_arg, db_path, read_person, warn
from coach.errors import CoachError, InputError, StoreError, UsageError
from coach.pipeline import Pipeline
from coach.registry import canonical_name, find_spec, get_exercise, get_spec, specs
from coach.spec import ExerciseSpec
from coach.store.db import Store, open_store


def _calibratable() -> list[str]:
    return [s.name for s in specs() if s.baseline is not None]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    names = ", ".join(_calibratable())
    p = sub.add_parser(
        "calibrate", help="record your own best form; later sets are judged against it",
        description=f"Record a few seconds of your best form ({names}). Later sets are judged against it as well "
                    "as against the exercise's own limits; a safety limit (a sagging plank, an over-arched bridge) "
                    "is never loosened. From the camera by default, or from a video or pose-track file.",
    )
    p.add_argument("--exercise", "-e", default=None, metavar="NAME", help=f"the exercise to calibrate: {names}")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--camera", type=camera_index, default=None, metavar="N", help="camera index (default 0)")
    src.add_argument("--source", type=Path, default=None, metavar="FILE",
                     help="a video file or pose-track CSV of your best form instead of the camera")
    p.add_argument("--seconds", type=float, default=None, metavar="S",
                   help="seconds of good form to measure (default: the exercise's, 4-5 s)")
    p.add_argument("--aspect", type=parse_aspect, default=None, metavar="W:H",
                   help="image aspect of a pose-track CSV without an 'aspect' column")
    p.add_argument("--list", action="store_true", help="show your calibrations and which ones are in use")
    p.add_argument("--forget", action="store_true",
                   help="stop judging against this exercise's calibration (its own thresholds only)")
    p.add_argument("--voice", action=argparse.BooleanOptionalAction, default=True, help="speak the cues (camera)")
    p.add_argument("--mirror", action="store_true", help="mirror the picture (selfie view)")
    p.add_argument("--no-window", action="store_true", help="never open a window (headless)")
    add_model_arg(p)
    add_model_variant_arg(p)
    add_db_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors and the result")
    p.set_defaults(func=cmd_calibrate)


def _spec(args: argparse.Namespace) -> ExerciseSpec:
    names = ", ".join(_calibratable())
    if args.exercise is None:
        raise UsageError(f"--exercise is needed: one of {names}")
    spec = get_spec(canonical_name(args.exercise))  # an unknown name lists the valid ones
    if spec.baseline is None:
        raise UsageError(f"{spec.name} cannot be calibrated; coach calibrate takes {names}")
    return spec


def cmd_calibrate(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    spec = _spec(args)
    if args.forget:
        return _forget(args, spec)
    assert spec.baseline is not None
    seconds = spec.baseline.seconds if args.seconds is None else args.seconds
    if not (math.isfinite(seconds) and 0.5 <= seconds <= 60.0):
        raise UsageError(f"--seconds must be between 0.5 and 60, got {seconds:g}")
    if args.source is not None:
        if not args.source.exists():
            raise InputError(f"{args.source}: no such file")
        check_outputs([args.source], [])
        note_ignored_aspect(args.source, args.aspect, args.quiet)
    store = _open(args)  # a database that cannot save fails now, before the camera or the model
    try:
        analyzer = make_analyzer(spec.name, None, None, read_person(args).stature_m)  # the exercise's own limits
        run = CalibrationRun(Pipeline(analyzer), spec, seconds)
        source = str(args.source) if args.source is not None else f"camera:{args.camera or 0}"
        if args.source is not None:
            _from_file(args, run)
        else:
            if _from_camera(args, run, spec):
                print("calibration stopped before it was complete: nothing was saved")
                return 1
        result = outcome(run, source)
        if isinstance(result, str):
            raise CoachError(result)
        _save(store, spec, result, source)
    finally:
        store.close()
    return 0


def _open(args: argparse.Namespace) -> Store:
    path = db_path(args)
    try:
        store = open_store(path, notify=warn)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot use the database {path} ({exc})") from None
    if store.read_only:
        store.close()
        raise StoreError(f"the database {path} is read-only: a calibration cannot be saved (use another --db)")
    return store


def _say_what(args: argparse.Namespace, run: CalibrationRun) -> None:
    info(f"coach calibrate: {run.baseline_spec.how}; {run.seconds:g} s of it are measured", args.quiet)


def _from_file(args: argparse.Namespace, run: CalibrationRun) -> None:
    from coach.pipeline import pose_frames_from
    from coach.progress import Progress

    _say_what(args, run)
    with ExitStack() as stack:
        items, total = pose_frames_from(args.source, model_for(args), stack=stack, aspect=args.aspect, workers=1)
        with Progress(total, label=f"calibrate {args.source.name}", enabled=None if not args.quiet else False) as bar:
            for frame, _image in items:
                run.step(frame)
                bar.update()
                if run.done:
                    break


def _from_camera(args: argparse.Namespace, run: CalibrationRun, spec: ExerciseSpec) -> bool:
    """The live loop with the setup screen; True when the user quit early."""
    from coach.commands._live_model import live_pose
    from coach.live.loop import LiveConfig, LiveLoop
    from coach.live.setup import SetupConfig
    from coach.live.window import CvWindow, Display, NullDisplay, display_available
    from coach.sources import WebcamSource
    from coach.voice import select_voice

    with ExitStack() as stack:
        source = WebcamSource(0 if args.camera is None else args.camera)
        stack.callback(source.close)
        _say_what(args, run)
        detector, fallback = live_pose(args, stack, lossless=False, quiet=args.quiet)
        display: Display = NullDisplay()
        if not args.no_window and display_available():
            display = CvWindow(f"coach calibrate - {spec.name}")
        stack.callback(display.close)
        voice = select_voice(args.voice)
        stack.callback(voice.close)
        config = LiveConfig(exercise=spec.name, target=run.seconds, target_unit="s", mirror=args.mirror,
                            setup=SetupConfig(), end_at_target=True)
        result = LiveLoop(source, detector, run, config=config, voice=voice, display=display,
                          fallback=fallback).run()
    return result.quit and not run.done


def _words(spec: ExerciseSpec, b: Baseline) -> str:
    assert spec.baseline is not None
    parts = []
    for m in spec.baseline.measures:
        v = b.values.get(m.key)
        if v is not None:
            parts.append(f"{m.label} {v:+.{m.digits}f} {m.unit}")
    return ", ".join(parts)


def _save(store: Store, spec: ExerciseSpec, result: Calibration, source: str) -> None:
    from coach.store.baselines import save_baseline

    assert spec.baseline is not None
    try:
        saved = save_baseline(store, spec.name, result.values, result.seconds, result.frames, source)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot save the calibration in {store.path} ({exc})") from None
    print(f"{spec.name} calibrated from {result.seconds:.1f} s of {spec.baseline.what} ({result.frames} frames): "
          f"{_words(spec, saved)}")
    absolute = getattr(get_exercise(spec.name), "config")  # noqa: B009 - every floor analyzer has one
    personal = personalise(absolute, spec.baseline, saved)
    for rule in spec.baseline.rules:
        a, p = getattr(absolute, rule.field), getattr(personal, rule.field)
        change = "unchanged" if math.isclose(a, p, abs_tol=1e-9) else f"{a:g} -> {p:.3g}"
        print(f"  {rule.field}: {change} ({rule.reason})")
    print(f"later {spec.name} sets are judged against it (coach calibrate -e {spec.name} --forget to stop)")


def _list(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not path.exists():
        print("no calibrations yet (coach calibrate --exercise NAME)")
        return 0
    from coach.store.baselines import all_baselines, current_baselines

    store = open_store(path, notify=warn, mark_stale=False)
    try:
        rows, current = all_baselines(store), current_baselines(store)
    finally:
        store.close()
    if not rows:
        print("no calibrations yet (coach calibrate --exercise NAME)")
        return 0
    in_use = {b.id for b in current.values()}
    for b in rows:
        state = "in use" if b.id in in_use else "earlier"
        spec = find_spec(b.exercise)
        words = _words(spec, b) if spec is not None and spec.baseline is not None else dict(b.values)
        print(f"{b.recorded_at}  {b.exercise:<14} {state:<8} {words}  ({b.seconds:.1f} s from {b.source or '-'})")
    return 0


def _forget(args: argparse.Namespace, spec: ExerciseSpec) -> int:
    path = db_path(args)
    if not path.exists():
        print(f"{spec.name} was not calibrated")
        return 0
    from coach.store.baselines import forget_baselines

    store = _open(args)
    try:
        n = forget_baselines(store, spec.name)
    finally:
        store.close()
    print(f"{spec.name}: {'calibration forgotten' if n else 'was not calibrated'}; "
          "judged by the exercise's own thresholds")
    return 0
