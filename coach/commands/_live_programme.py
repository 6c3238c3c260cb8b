"""``coach live --sets N --rest S`` and ``coach live --programme NAME``:
several sets in one session, each ending at its target, with a spoken rest
countdown between them (:mod:`coach.programme`)."""

from __future__ import annotations

import argparse
from contextlib import ExitStack

from coach.commands._advice import earlier_results, summary_advice
from coach.commands._common import exercise_options, info, make_analyzer, use_setup
from coach.commands._store_args import open_session, read_person
from coach.errors import UsageError
from coach.exercise import SetSummary
from coach.feedback import policy_for
from coach.jsonl import write_json
from coach.live.loop import LiveConfig, LiveLoop, PoseDetector
from coach.live.setup import SetupConfig
from coach.pipeline import Pipeline, Sink
from coach.pose import PoseFrame
from coach.programme import (
    MAX_REST_S,
    MAX_SETS,
    PlannedSet,
    ProgrammeStep,
    SetOutcome,
    get_programme,
    plan,
    run_programme,
)
from coach.progression import next_target
from coach.registry import canonical_name
from coach.summary_text import format_summary
from coach.voice import describe, select_voice


class ContinuousClock:
    """Keeps the pose model's timestamps increasing across sets (each set's
    capture starts its clock at 0 again)."""

    def __init__(self, detector: PoseDetector) -> None:
        self.detector = detector
        self.base = 0.0
        self.last = 0.0

    def next_set(self) -> None:
        self.base = self.last + 1.0

    def detect(self, image_bgr: object, t: float) -> PoseFrame:
        self.last = self.base + t
        frame = self.detector.detect(image_bgr, self.last)  # type: ignore[arg-type]
        return frame.replace(t=t)


def wants_programme(args: argparse.Namespace) -> bool:
    return args.programme is not None or args.sets is not None


def steps_from_args(args: argparse.Namespace) -> tuple[list[ProgrammeStep], float]:
    """The programme's steps (``--programme``) or one step (``--exercise``
    with ``--sets``/``--rest``), and the rest between exercises."""
    if args.rest is not None and not 0 <= args.rest <= MAX_REST_S:
        raise UsageError(f"--rest must be from 0 to {MAX_REST_S:g} seconds")
    if args.sets is not None and not 1 <= args.sets <= MAX_SETS:
        raise UsageError(f"--sets must be from 1 to {MAX_SETS}")
    if args.programme is not None:
        if args.exercise is not None:
            raise UsageError("give --exercise or --programme, not both")
        prog = get_programme(args.programme)
        steps = [ProgrammeStep(s.exercise, args.sets or s.sets, s.rest_s if args.rest is None else args.rest,
                               s.target if args.target is None else args.target) for s in prog.steps]
        return steps, prog.rest_between_exercises_s if args.rest is None else args.rest
    if args.exercise is None:
        raise UsageError("give --exercise NAME (or --programme NAME)")
    name = canonical_name(args.exercise)
    make_analyzer(name, args.target, exercise_options(args))  # bad options fail before any I/O
    return [ProgrammeStep(name, args.sets or 1, 60.0 if args.rest is None else args.rest, args.target)], 0.0


def run_live_programme(args: argparse.Namespace) -> int:
    from coach.commands.live import _display, _open_source

    steps, between = steps_from_args(args)
    history = earlier_results(args, None)

    def target(step: ProgrammeStep) -> float | None:
        adv = next_target(step.exercise, history, requested=args.target, start=step.target)
        return adv.target

    planned = plan(steps, target, between)
    person = read_person(args)
    summaries: list[SetSummary] = []
    session_id: int | None = None
    with ExitStack() as stack:
        from coach.commands._live_model import live_pose

        lossless = args.source is not None and not args.realtime
        if args.source is not None:
            from coach.sources import is_pose_track

            if is_pose_track(args.source):
                raise UsageError("a programme needs a camera or a video; a pose track cannot be replayed per set")
        pose, fallback = live_pose(args, stack, lossless=lossless, quiet=args.quiet)
        detector = ContinuousClock(pose)
        display = _display(args)
        stack.callback(display.close)
        voice = select_voice(args.voice)
        stack.callback(voice.close)
        info(f"voice: {describe(voice)}", args.quiet)
        session = open_session(args, source=_source_name(args), mode="live", models=pose.models_text)
        stack.enter_context(session)
        session_id = getattr(session, "session_id", None)

        def run_set(ps: PlannedSet) -> SetOutcome:
            source, _name = _open_source(args)
            analyzer = make_analyzer(ps.exercise, ps.target, exercise_options(args) if args.exercise else None,
                                     person.stature_m, person.baselines)
            planned_summary = analyzer.summary()

            def make_sinks() -> list[Sink]:
                return [session.set_sink(exercise=ps.exercise, target=ps.target)]

            config = LiveConfig(
                exercise=ps.exercise, target=planned_summary.target, target_unit=planned_summary.target_unit,
                mirror=args.mirror, setup=SetupConfig() if use_setup(args) else None,
                lossless=lossless, max_s=args.duration, end_at_target=True,
            )
            detector.next_set()
            loop = LiveLoop(source, detector, Pipeline(analyzer, policy=policy_for(analyzer)), config=config,
                            voice=voice, display=display, make_sinks=make_sinks, fallback=fallback)
            result = loop.run()
            if result.summary is not None:
                summaries.append(result.summary)
                if not args.quiet:
                    print(format_summary(result.summary))
            return SetOutcome(result.summary is not None, result.quit)

        run_programme(planned, run_set, voice, out=lambda s: info(s, args.quiet))
    if args.summary_json:
        write_json(args.summary_json, {"sets": [s.to_json() for s in summaries]})
    if not summaries:
        print("no set started: nobody got into position (whole body visible, side-on); nothing was saved")
        return 0
    print(f"programme: {len(summaries)} set(s) in session {session_id if session_id is not None else '(not saved)'}")
    for line in summary_advice(args, summaries, session_id):
        print(f"  - {line}")
    from coach.commands.note import note_after_live

    note_after_live(args, session_id)
    return 0


def _source_name(args: argparse.Namespace) -> str:
    if args.source is not None:
        return str(args.source)
    return f"camera:{0 if args.camera is None else args.camera}"


__all__ = ["run_live_programme", "steps_from_args", "wants_programme"]
