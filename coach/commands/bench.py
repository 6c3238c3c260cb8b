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
    p.add_argument("--json", type=Path, default=None, metavar="OUT", help="also write the figures as JSON")
    add_model_arg(p)
    p.set_defaults(func=cmd_bench)


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
    report = run_bench(config, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    print("\n".join(report.lines()))
    if args.json:
        write_json(args.json, report.to_json())
    return 0
