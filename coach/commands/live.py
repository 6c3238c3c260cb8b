"""``coach live --exercise NAME``: coach a set from the webcam, on screen
and aloud.

``--source VIDEO --realtime`` plays a video file as if it were the camera
(paced at its frame rate, late frames dropped), so the whole loop runs on
machines without a camera; without ``--realtime`` every frame of the video
is processed. A window opens only when there is a display (``--no-window``
to never open one); ``--video-out`` writes what the window shows.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.commands._auto import check_auto_args, is_auto, print_sets, set_analyzer_factory, sets_json, watcher_for
from coach.commands._common import (
    add_exercise_arg,
    add_model_arg,
    add_model_variant_arg,
    camera_index,
    check_outputs,
    exercise_options,
    info,
    make_analyzer,
    use_setup,
)
from coach.commands._live_model import live_pose, model_stats
from coach.commands._store_args import (
    add_baseline_arg,
    add_store_args,
    preflight,
    read_person,
    session_sink,
)
from coach.errors import UsageError
from coach.feedback import policy_for
from coach.jsonl import JsonlSink, write_json
from coach.live.capture import FrameSource, PacedVideoSource
from coach.live.keys import HELP
from coach.live.loop import LiveConfig, LiveLoop, LiveResult
from coach.live.setup import SetupConfig
from coach.live.window import CvWindow, Display, NullDisplay, display_available
from coach.pipeline import Pipeline, Sink
from coach.summary_text import format_summary
from coach.voice import VoiceEngine, describe, select_voice

if TYPE_CHECKING:
    from coach.live.fallback import ModelFallback, SwitchableDetector
    from coach.overlay import VideoFileWriter


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "live", help="coach a set (or a routine, set after set) live from the webcam",
        description="Coach a set live: webcam -> pose -> form checks -> cues on screen and aloud. "
                    f"Keys: {HELP}.",
    )
    add_exercise_arg(p, required=False)
    p.add_argument("--sets", type=int, default=None, metavar="N",
                   help="several sets in one session, each ending at its target (default 1)")
    p.add_argument("--rest", type=float, default=None, metavar="S",
                   help="seconds of rest between sets, counted down aloud (default 60)")
    p.add_argument("--programme", default=None, metavar="NAME",
                   help="a named programme of several exercises and sets (back-basics)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--camera", type=camera_index, default=None, metavar="N", help="camera index (default 0)")
    src.add_argument("--source", type=Path, default=None, metavar="VIDEO",
                     help="use a video file instead of the camera (or a pose-track CSV from `coach record`, "
                          "replayed frame by frame without the model)")
    p.add_argument("--realtime", action="store_true",
                   help="with --source: play the video at its frame rate like a camera (late frames dropped)")
    p.add_argument("--voice", action=argparse.BooleanOptionalAction, default=True,
                   help="speak the cues with espeak-ng (default: on when espeak-ng and audio exist)")
    p.add_argument("--mirror", action="store_true", help="mirror the picture (selfie view)")
    p.add_argument("--no-window", action="store_true", help="never open a window (headless)")
    p.add_argument("--setup", action=argparse.BooleanOptionalAction, default=None,
                   help="the setup screen (step back, turn side-on, countdown) before the set; default: on for a "
                        "camera, off for --source VIDEO, which cannot be repositioned and is then judged on the "
                        "same frames as `coach analyze`")
    p.add_argument("--video-out", type=Path, metavar="MP4", help="write the annotated picture as an MP4")
    p.add_argument("--jsonl", type=Path, metavar="OUT", help="write one JSON object per frame of the set")
    p.add_argument("--summary-json", type=Path, metavar="OUT", help="write the set summary as JSON")
    p.add_argument("--duration", type=float, default=None, metavar="S", help="stop after S seconds")
    add_model_arg(p)
    add_model_variant_arg(p)
    add_store_args(p)
    add_baseline_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors and the summary")
    p.set_defaults(func=cmd_live)


def _open_source(args: argparse.Namespace) -> tuple[FrameSource, str]:
    from coach.sources import VideoSource, WebcamSource, is_pose_track

    if args.source is not None and is_pose_track(args.source):
        from coach.live.track import PoseTrackSource

        if args.realtime:
            raise UsageError("--realtime needs a video: a pose track (.csv) is replayed frame by frame")
        return PoseTrackSource(args.source), str(args.source)
    if args.source is not None:
        if args.realtime:
            return PacedVideoSource(args.source), str(args.source)
        return VideoSource(args.source), str(args.source)
    index = 0 if args.camera is None else args.camera
    return WebcamSource(index), f"camera:{index}"


@dataclass(frozen=True)
class _LiveIO:
    """What a live run reads from and writes to, opened (and closed) with its stack."""

    source: FrameSource
    name: str
    lossless: bool
    detector: SwitchableDetector
    fallback: ModelFallback | None
    display: Display
    voice: VoiceEngine
    recorder: VideoFileWriter | None


def _open_io(args: argparse.Namespace, stack: ExitStack) -> _LiveIO:
    """The source first (no camera: CameraError, one line suggesting the
    demo, before the model loads), then the pose model, the window, the
    voice and the video recorder, each closed by ``stack``."""
    source, name = _open_source(args)
    stack.callback(source.close)
    lossless = args.source is not None and not args.realtime
    detector, fallback = live_pose(args, stack, lossless=lossless, quiet=args.quiet, source=source)
    display = _display(args)
    stack.callback(display.close)
    voice = select_voice(args.voice)
    stack.callback(voice.close)
    info(f"voice: {describe(voice)}", args.quiet)
    recorder = None
    if args.video_out is not None:
        from coach.overlay import VideoFileWriter

        recorder = VideoFileWriter(args.video_out, fps=source.fps)
        stack.callback(recorder.close)
    return _LiveIO(source, name, lossless, detector, fallback, display, voice, recorder)


def _display(args: argparse.Namespace) -> Display:
    if args.no_window:
        return NullDisplay()
    if not display_available():
        info("no display found: running without a window (use --video-out to see the result)", args.quiet)
        return NullDisplay()
    return CvWindow(f"coach - {args.exercise or 'auto'}")


def cmd_live(args: argparse.Namespace) -> int:
    from coach.commands._live_programme import run_live_programme, wants_programme

    if wants_programme(args) or args.rest is not None:
        return run_live_programme(args)
    if is_auto(args.exercise):
        return _live_auto(args)
    # an unknown exercise or a bad option fails before any I/O
    make_analyzer(args.exercise, args.target, exercise_options(args))
    person = read_person(args)
    analyzer = make_analyzer(args.exercise, args.target, exercise_options(args), person.stature_m,
                             person.baselines)
    if args.duration is not None and not args.duration > 0:
        raise UsageError("--duration must be positive")
    check_outputs([args.source], [("--video-out", args.video_out), ("--jsonl", args.jsonl),
                                  ("--summary-json", args.summary_json)])
    exercise = getattr(analyzer, "name", args.exercise)
    planned = analyzer.summary()
    preflight(args)  # a database that cannot save is said now, not when the set starts

    with ExitStack() as stack:
        io = _open_io(args, stack)
        source, source_name, lossless, detector, fallback = io.source, io.name, io.lossless, io.detector, io.fallback
        display, voice, recorder = io.display, io.voice, io.recorder

        saved: list[Sink] = []

        def make_sinks() -> list[Sink]:
            sinks: list[Sink] = []
            if args.jsonl:
                sinks.append(JsonlSink(args.jsonl))
            store = session_sink(args, exercise=exercise, source=source_name, target=planned.target, mode="live",
                                 models=detector.models_text)
            if store is not None:
                sinks.append(store)
                saved.append(store)
            return sinks

        config = LiveConfig(
            exercise=exercise, target=planned.target, target_unit=planned.target_unit, mirror=args.mirror,
            setup=SetupConfig() if use_setup(args) else None,
            lossless=lossless, max_s=args.duration,
        )
        pipeline = Pipeline(analyzer, policy=policy_for(analyzer), watcher=watcher_for(exercise, args.quiet))
        loop = LiveLoop(source, detector, pipeline, config=config, voice=voice, display=display,
                        recorder=recorder, make_sinks=make_sinks, fallback=fallback)
        if not args.quiet:
            info(f"coach live: {exercise} from {source_name}; {HELP}")
        result = loop.run()
    session_id = getattr(saved[0], "session_id", None) if saved and result.summary is not None else None
    _report(args, result, session_id, model_stats(detector, fallback))
    from coach.commands.note import note_after_live

    note_after_live(args, session_id)
    return 0


def _live_auto(args: argparse.Namespace) -> int:
    """No exercise named: the exercise is recognised, set after set, each
    set recorded in one session; no setup screen (the recognizer waits for
    the person to get into position)."""
    from coach.commands._store_args import open_session
    from coach.recognition.routine import LiveRoutine, RoutineRunner

    check_auto_args(args)
    person = read_person(args)
    make = set_analyzer_factory(exercise_options(args), person.stature_m, person.baselines)
    if args.duration is not None and not args.duration > 0:
        raise UsageError("--duration must be positive")
    check_outputs([args.source], [("--video-out", args.video_out), ("--jsonl", args.jsonl),
                                  ("--summary-json", args.summary_json)])
    preflight(args)  # a database that cannot save is said now, not when the first set starts
    with ExitStack() as stack:
        io = _open_io(args, stack)
        source, source_name, lossless, detector, fallback = io.source, io.name, io.lossless, io.detector, io.fallback
        display, voice, recorder = io.display, io.voice, io.recorder
        session = open_session(args, source=source_name, mode="live", models=detector.models_text)
        stack.enter_context(session)
        runner = RoutineRunner(make, lag_s=0.0,
                               open_sinks=lambda exercise, index: [session.set_sink(exercise=exercise)])
        routine = LiveRoutine(runner, say=lambda text: info(text, args.quiet))

        def make_sinks() -> list[Sink]:
            return [JsonlSink(args.jsonl)] if args.jsonl else []

        config = LiveConfig(exercise="auto", mirror=args.mirror, setup=None, lossless=lossless, max_s=args.duration)
        loop = LiveLoop(source, detector, routine, config=config, voice=voice, display=display,
                        recorder=recorder, make_sinks=make_sinks, fallback=fallback)
        if not args.quiet:
            info(f"coach live: the exercise is recognised from {source_name}; {HELP}")
        result = loop.run()
    sets = routine.sets
    if args.summary_json:
        write_json(args.summary_json, sets_json(sets, {"live": _live_stats(result, model_stats(detector, fallback))}))
    print_sets(sets)
    if args.video_out is not None and not args.quiet:
        print(f"annotated video: {args.video_out}")
    if not args.quiet:
        print(result.stats.line(), file=sys.stderr)
    return 0


def _live_stats(result: LiveResult, models: dict[str, object]) -> dict[str, object]:
    return {
        "frames_processed": result.stats.processed,
        "frames_dropped": result.stats.dropped,
        "latency_ms_p50": result.stats.latency_ms[0],
        "latency_ms_p95": result.stats.latency_ms[1],
        **models,
        "notices": [{"t": round(t, 3), "text": text} for t, text in result.notices],
    }


def _report(args: argparse.Namespace, result: LiveResult, session_id: int | None,
            models: dict[str, object]) -> None:
    if args.summary_json and result.summary is not None:
        obj = result.summary.to_json()
        obj["live"] = _live_stats(result, models)
        write_json(args.summary_json, obj)
    if result.summary is None:
        print("the set never started: nobody got into position "
              "(whole body visible, side-on); nothing was saved")
    else:
        from coach.commands._advice import summary_advice

        print(format_summary(result.summary, advice=summary_advice(args, [result.summary], session_id)))
    if args.video_out is not None and not args.quiet:
        print(f"annotated video: {args.video_out}")
    if not args.quiet:
        print(result.stats.line(), file=sys.stderr)

