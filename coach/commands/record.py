"""``coach record --out track.csv``: save a pose track (CSV, docs/formats.md) from
a camera or a video file, to analyse or re-score later."""

from __future__ import annotations

import argparse
from pathlib import Path

from coach.commands._common import add_model_arg, camera_index, check_outputs, info
from coach.errors import UsageError
from coach.posetrack import PoseTrackWriter
from coach.progress import Progress


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("record", help="save a pose track CSV from a camera or video",
                       description="Run the pose model on a camera or a video and save the landmarks as CSV.")
    p.add_argument("--out", "-o", type=Path, required=True, metavar="CSV", help="pose-track CSV to write")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--camera", type=camera_index, default=None, metavar="N", help="camera index (default 0)")
    src.add_argument("--source", type=Path, default=None, metavar="VIDEO", help="read a video file instead")
    p.add_argument("--duration", type=float, default=None, metavar="S", help="stop after S seconds")
    p.add_argument("--no-world", action="store_true", help="leave out the world (metric) columns")
    add_model_arg(p)
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_record)


def cmd_record(args: argparse.Namespace) -> int:
    from coach.models import ensure_model
    from coach.sources import VideoSource, WebcamSource

    if args.duration is not None and not args.duration > 0:
        raise UsageError("--duration must be positive")
    check_outputs([args.source], [("--out", args.out)])
    source: VideoSource | WebcamSource
    if args.source is not None:
        source = VideoSource(args.source)
        total = source.frame_count
    else:
        source = WebcamSource(args.camera or 0)
        total = None
    model = args.model or ensure_model()
    from coach.pose_backend import MediaPipePose, PoseBackendOptions

    persons = 0
    with (
        MediaPipePose(PoseBackendOptions(model_path=Path(model))) as pose,
        PoseTrackWriter(args.out, with_world=not args.no_world) as writer,
        Progress(total, label="record", enabled=False if args.quiet else None) as bar,
    ):
        try:
            for vf in source:
                if args.duration is not None and vf.t > args.duration:
                    break
                frame = pose.detect(vf.image, vf.t)
                persons += int(frame.has_person)
                writer.write(frame)
                bar.update()
        except KeyboardInterrupt:
            info("stopped; the track so far is saved", args.quiet)
        finally:
            source.close()
        count = writer.count
    if not args.quiet:
        print(f"wrote {count} frames to {args.out} (person detected in {persons})")
    return 0
