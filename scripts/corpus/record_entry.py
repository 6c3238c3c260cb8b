"""Run `coach record` on a raw video from /work/cache (optionally cropping it
first, the crop also written to /work/cache) and write tests/data/real/<id>.csv.

  python scripts/corpus/record_entry.py ID VIDEO [--crop x0,y0,x1,y1] [--frames f0,f1] [--no-world] [--round 5]

The raw videos are never committed. How each was obtained is in
scripts/corpus/README.md; the crop, if any, is recorded in <id>.json.
--round N rewrites the CSV with N decimals (to keep files small).
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "data" / "real"
CACHE = Path("/work/cache")
PYTHON = "/work/main/.venv/bin/python"  # the project venv (mediapipe, opencv)


def crop_video(src: Path, box: tuple[int, int, int, int] | None, dst: Path,
               frames: tuple[int, int] | None = None) -> None:
    """Write frames [f0, f1) of src, cropped to box (source pixels), to dst
    (mp4v at the source frame rate)."""
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    W, H = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    x0, y0, x1, y1 = box if box else (0, 0, W, H)
    if (x1 - x0) % 2 or (y1 - y0) % 2:
        # the mp4 encoder needs even sizes and would silently rescale otherwise
        raise SystemExit(f"crop {x1 - x0}x{y1 - y0} must have even width and height")
    f0, f1 = frames if frames else (0, 1 << 30)
    w = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (x1 - x0, y1 - y0))
    n = 0
    i = 0
    while True:
        ok, f = cap.read()
        if not ok or i >= f1:
            break
        if i >= f0:
            w.write(f[y0:y1, x0:x1])
            n += 1
        i += 1
    w.release()
    print(f"cropped {n} frames -> {dst}")


def round_csv(path: Path, nd: int) -> None:
    rows = list(csv.reader(path.open(newline="")))
    with path.open("w", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(rows[0])
        for r in rows[1:]:
            out = []
            for k, c in enumerate(r):
                if k == 0 or c == "":
                    out.append(c)
                else:
                    v = round(float(c), nd)
                    out.append(f"{v:.{nd}f}".rstrip("0").rstrip(".") if v != 0 else "0")
            wr.writerow(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("id")
    ap.add_argument("video")
    ap.add_argument("--crop", help="x0,y0,x1,y1 in source pixels")
    ap.add_argument("--frames", help="f0,f1: keep source frames [f0, f1) (t restarts at 0 at f0)")
    ap.add_argument("--no-world", action="store_true")
    ap.add_argument("--round", type=int)
    a = ap.parse_args()
    src = Path(a.video)
    if a.crop or a.frames:
        box = tuple(int(v) for v in a.crop.split(",")) if a.crop else None
        frames = tuple(int(v) for v in a.frames.split(",")) if a.frames else None
        dst = CACHE / "crops" / f"{a.id}_crop.mp4"
        dst.parent.mkdir(parents=True, exist_ok=True)
        crop_video(src, box, dst, frames)
        src = dst
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"{a.id}.csv"
    # run this checkout's coach (python -m coach with PYTHONPATH=REPO), not
    # whatever the venv's editable install points at
    cmd = [PYTHON, "-m", "coach", "record", "--source", str(src), "--out", str(out)]
    if a.no_world:
        cmd.append("--no-world")
    print(" ".join(cmd))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run(cmd, check=True, env=env, cwd=REPO)
    if a.round:
        round_csv(out, a.round)
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
