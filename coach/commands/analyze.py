"""``coach analyze INPUT --exercise NAME``: judge a video file or a
pose-track CSV frame by frame, exactly as the live coach would."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path

from coach.commands._auto import check_auto_args, is_auto, print_sets, set_analyzer_factory, sets_json, watcher_for
from coach.commands._common import (
    add_exercise_arg,
    add_model_arg,
    add_model_variant_arg,
    add_workers_arg,
    check_outputs,
    exercise_options,
    make_analyzer,
    model_for,
    model_name_for,
    note_ignored_aspect,
    parse_aspect,
)
from coach.commands._store_args import add_baseline_arg, add_store_args, read_person, session_sink
from coach.errors import InputError
from coach.jsonl import JsonlSink, write_json
from coach.pipeline import Pipeline, Sink, pose_frames_from, run
from coach.progress import Progress
from coach.summary_text import format_summary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("analyze", help="judge a video file or pose-track CSV",
                       description="Judge a video file or a pose-track CSV frame by frame.")
    p.add_argument("input", type=Path, help="video file (.mp4, .avi, ...) or pose-track .csv")
    add_exercise_arg(p, required=False)
    p.add_argument("--jsonl", type=Path, metavar="OUT", help="write one JSON object per frame")
    p.add_argument("--summary-json", type=Path, metavar="OUT", help="write the set summary as JSON")
    p.add_argument("--video-out", type=Path, metavar="MP4", help="write an annotated video (video input only)")
    p.add_argument("--aspect", type=parse_aspect, default=None, metavar="W:H",
                   help="image aspect of a pose-track CSV that has no 'aspect' column, e.g. 16:9 "
                        "(default 1:1); angles are measured in true image proportions. A CSV's own "
                        "'aspect' column wins (a warning says --aspect was ignored)")
    add_model_arg(p)
    add_model_variant_arg(p, offline=True)
    add_workers_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    add_store_args(p)
    add_baseline_arg(p)
    p.set_defaults(func=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    if is_auto(args.exercise):
        return _analyze_auto(args)
    # an unknown exercise or a bad option fails before any I/O
    make_analyzer(args.exercise, args.target, exercise_options(args))
    _check_input(args)
    with ExitStack() as stack:
        # the pose workers start first: the analyzer is built (reading the profile) while their models load
        items, total = pose_frames_from(args.input, model_for(args), keep_images=args.video_out is not None,
                                        stack=stack, aspect=args.aspect, workers=args.workers)
        person = read_person(args)
        analyzer = make_analyzer(args.exercise, args.target, exercise_options(args), person.stature_m,
                                 person.baselines)
        pipeline = Pipeline(analyzer, watcher=watcher_for(analyzer.name, args.quiet))
        sinks: list[Sink] = []
        if args.jsonl:
            sinks.append(JsonlSink(args.jsonl))
        if args.video_out:
            from coach.sources import is_pose_track

            if is_pose_track(args.input):
                raise InputError("--video-out needs a video input; a pose-track CSV has no pixels")
            from coach.overlay import AnnotatedVideoSink

            planned = analyzer.summary()
            sinks.append(AnnotatedVideoSink(args.video_out, exercise=analyzer.name, target=planned.target,
                                            target_unit=planned.target_unit))
        used = model_name_for(args, args.input)
        store_sink = session_sink(args, exercise=args.exercise, source=str(args.input), target=args.target,
                                  mode="analyze", models=lambda: used)
        if store_sink is not None:
            sinks.append(store_sink)
        with Progress(total, label=f"analyze {args.input.name}", enabled=None if not args.quiet else False) as bar:
            result = run(items, pipeline, sinks, on_frame=bar.update)
    summary = result.summary
    if args.summary_json:
        obj = summary.to_json()
        obj["frames"] = result.frames
        obj["person_frames"] = result.person_frames
        obj["no_person_detected"] = result.no_person
        obj["input"] = str(args.input)
        write_json(args.summary_json, obj)
    if not args.quiet:
        from coach.commands._advice import summary_advice

        advice = [] if result.no_person else summary_advice(args, [summary], getattr(store_sink, "session_id", None))
        print(format_summary(summary, no_person=result.no_person, advice=advice))
    return 0


def _check_input(args: argparse.Namespace) -> None:
    if not args.input.exists():
        raise InputError(f"{args.input}: no such file")
    check_outputs([args.input], [("--jsonl", args.jsonl), ("--summary-json", args.summary_json),
                                 ("--video-out", args.video_out)])
    note_ignored_aspect(args.input, args.aspect)


def _analyze_auto(args: argparse.Namespace) -> int:
    """Recognise the exercise and split the recording into sets, each
    judged by its own analyzer and recorded as a set of one session."""
    from coach.commands._store_args import open_session
    from coach.recognition.routine import RoutineRunner, run_routine

    check_auto_args(args)
    person = read_person(args)
    make = set_analyzer_factory(exercise_options(args), person.stature_m, person.baselines)
    _check_input(args)
    with ExitStack() as stack:
        items, total = pose_frames_from(args.input, model_for(args), keep_images=args.video_out is not None,
                                        stack=stack, aspect=args.aspect, workers=args.workers)
        sinks: list[Sink] = []
        if args.jsonl:
            sinks.append(JsonlSink(args.jsonl))
        if args.video_out:
            from coach.sources import is_pose_track

            if is_pose_track(args.input):
                raise InputError("--video-out needs a video input; a pose-track CSV has no pixels")
            from coach.overlay import AnnotatedVideoSink

            sinks.append(AnnotatedVideoSink(args.video_out, exercise="auto"))
        used = model_name_for(args, args.input)
        session = open_session(args, source=str(args.input), mode="analyze", models=lambda: used)
        stack.enter_context(session)
        # a video being drawn is judged as the live coach would (no look-ahead: frames are not held back)
        runner = RoutineRunner(make, lag_s=0.0 if args.video_out else None,
                               open_sinks=lambda exercise, index: [session.set_sink(exercise=exercise)])
        with Progress(total, label=f"analyze {args.input.name}", enabled=None if not args.quiet else False) as bar:
            sets = run_routine(items, runner, sinks, on_frame=bar.update)
    if args.summary_json:
        write_json(args.summary_json, sets_json(sets, {
            "frames": runner.frames, "person_frames": runner.person_frames,
            "no_person_detected": runner.person_frames == 0, "input": str(args.input)}))
    if not args.quiet:
        print_sets(sets, no_person=runner.person_frames == 0)
    return 0
