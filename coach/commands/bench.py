"""``coach bench``: per-frame cost of coach against a bare MediaPipe loop,
real-time latency and a memory soak (see :mod:`coach.bench`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coach.commands._common import add_model_arg
from coach.errors import UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "bench", help="measure coach's speed against a bare MediaPipe loop",
        description="Time a bare MediaPipe PoseLandmarker loop and coach's pipeline (inference, analysis, "
                    "rendering) on the same frames, the live loop's latency in real time, and optionally "
                    "memory over a long replayed session.",
    )
    p.add_argument("--video", type=Path, default=None, metavar="V",
                   help="video to time (default: a generated video of a real person)")
    p.add_argument("--frames", type=int, default=300, metavar="N", help="frames to time (default 300)")
    p.add_argument("--warmup", type=int, default=15, metavar="N", help="first frames not counted (default 15)")
    p.add_argument("--exercise", "-e", default="plank", metavar="NAME", help="analyzer to run (default plank)")
    p.add_argument("--realtime-seconds", type=float, default=10.0, metavar="S",
                   help="seconds of the real-time latency run (0 skips it; default 10)")
    p.add_argument("--soak-minutes", type=float, default=0.0, metavar="M",
                   help="also replay M minutes of session without the model and track memory (default: skip)")
    p.add_argument("--no-frames", action="store_true", help="skip the per-frame timing")
    p.add_argument("--scaling", type=_workers_list, default=None, metavar="N,N,...",
                   help="also time whole processes, interleaved: a bare MediaPipe loop against "
                        "`coach analyze --workers N` for each N, e.g. 1,2,4")
    p.add_argument("--scaling-frames", type=int, default=900, metavar="N",
                   help="frames of the generated video for --scaling (default 900, 30 s)")
    p.add_argument("--scaling-variants", default="", metavar="V,V",
                   help="with --scaling, also time the bare loop and coach with these model variants "
                        "(lite, heavy), e.g. lite,heavy")
    p.add_argument("--scaling-legacy-python", default=None, metavar="PY",
                   help="with --scaling, also time the legacy mp.solutions.pose loop under this Python, which "
                        "must have mediapipe 0.10.x (coach's mediapipe 1.2.x no longer has mp.solutions)")
    p.add_argument("--scaling-wait-idle", type=float, default=0.0, metavar="S",
                   help="with --scaling, start each run only once the machine was 85%% idle for 3 s, waiting "
                        "at most S seconds (for a machine shared with other users; default 0: do not wait)")
    p.add_argument("--rounds", type=int, default=3, metavar="N", help="rounds of --scaling (default 3)")
    p.add_argument("--json", type=Path, default=None, metavar="OUT", help="also write the figures as JSON")
    add_model_arg(p)
    p.set_defaults(func=cmd_bench)


def _workers_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of worker counts: {text!r} (e.g. 1,2,4)") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"worker counts must be 1 or more: {text!r}")
    return values


def _scaling(args: argparse.Namespace) -> dict[str, object]:
    import tempfile

    from coach.bench import make_person_video
    from coach.bench_scaling import bench_scaling
    from coach.models import ensure_model

    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    variants = [v.strip() for v in args.scaling_variants.split(",") if v.strip()]
    bad = [v for v in variants if v not in ("lite", "full", "heavy")]
    if bad:
        raise UsageError(f"--scaling-variants: unknown variant {bad[0]!r} (lite, full, heavy)")
    models = {"full": args.model or ensure_model()}
    models.update({v: ensure_model(f"pose_landmarker_{v}") for v in variants if v != "full"})
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        video = args.video
        frames = args.scaling_frames
        if video is None:
            say(f"making a {frames}-frame video of a real person for --scaling")
            video = make_person_video(Path(tmp) / "person.mp4", frames)
        else:
            from coach.sources import VideoSource

            frames = VideoSource(video).frame_count or 0
        report = bench_scaling(video, frames, models, args.exercise, args.scaling, args.rounds, variants,
                               progress=say, legacy_python=args.scaling_legacy_python,
                               wait_idle_s=max(0.0, args.scaling_wait_idle))
    print("\n".join(report.lines()))
    return report.to_json()


def cmd_bench(args: argparse.Namespace) -> int:
    from coach.bench import BenchConfig, run_bench
    from coach.jsonl import write_json
    from coach.registry import get_exercise

    get_exercise(args.exercise)  # unknown names fail now, listing the valid ones
    try:
        config = BenchConfig(video=args.video, frames=args.frames, warmup=min(args.warmup, args.frames - 1),
                             exercise=args.exercise, model=args.model, realtime_s=args.realtime_seconds,
                             soak_minutes=args.soak_minutes, skip_frames=args.no_frames)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.video is not None and not args.video.exists():
        from coach.errors import InputError

        raise InputError(f"{args.video}: no such file")
    from coach.commands._common import check_outputs

    check_outputs([args.video], [("--json", args.json)])
    if args.scaling and args.rounds < 1:
        raise UsageError("--rounds must be 1 or more")
    report = run_bench(config, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    print("\n".join(report.lines()))
    obj = report.to_json()
    if args.scaling:
        obj["scaling"] = _scaling(args)
    if args.json:
        write_json(args.json, obj)
    return 0
