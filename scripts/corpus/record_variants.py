"""Re-run the pose model with each variant (lite, full, heavy) on the source
videos of the real corpus, and write compact pose tracks to
tests/data/real/variants/<id>.<variant>.csv.

  python scripts/corpus/record_variants.py [--entries ID,...] [--variants lite,full,heavy] [--check]

Only entries whose source video is in /work/cache can be re-run (the table
SOURCES below; how each file was obtained is in scripts/corpus/README.md).
Each entry is processed exactly as record_entry.py made its corpus CSV: the
same crop and frame range (read from the entry's JSON ``crop``), cropped
with record_entry.crop_video (mp4v, deterministic), then ``python -m coach
record --source ... --model <variant>.task`` of this checkout. The record
is then made compact (about 44 % of coach record's size): the 12 face and
hand detail landmarks no analyzer reads (DROPPED: eye inner/outer corners,
mouth corners, pinky, index, thumb) are left out (a missing landmark is
"not visible" to the reader); x and y are rounded to 4 decimals (1e-4 of
the image is 0.13 px at 1280 px), z, visibility and the world columns to 3
(1 mm); t and aspect are kept as written. The test
tests/test_eval_variants.py checks that the compact full track gives the
same verdicts as the corpus CSV for every analyzer.

Entries that cannot be re-run: keraal_* (the dataset's own BlazePose
landmarks; its videos are not in the repository), mlkit_* (ML Kit landmark
CSV; the images are not published) and pck_* (OpenPose keypoints).

--check compares each entry's full-variant track with its corpus CSV (the
same model, so they must agree to the rounding) and exits 1 if not.
The raw videos and crops are never committed.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record_entry import CACHE, OUT, PYTHON, REPO, crop_video

VARIANTS = ("lite", "full", "heavy")
XY_DECIMALS = 4
OTHER_DECIMALS = 3
DROPPED = (*(f"{side}_{part}" for part in ("eye_inner", "eye_outer", "pinky", "index", "thumb")
             for side in ("left", "right")), "mouth_left", "mouth_right")
DEST = OUT / "variants"

SOURCES = {
    "tfjs_pose_squats": CACHE / "tfjs" / "pose_squats.mp4",
    "tfjs_pose_1_dance": CACHE / "tfjs" / "pose_1.mp4",
    "sports2d_demo_walker": CACHE / "sports2d" / "Sports2D" / "Demo" / "demo.mp4",
    "sports2d_demo_jumper": CACHE / "sports2d" / "Sports2D" / "Demo" / "demo.mp4",
    "mediapipe_doc_pushups": CACHE / "mp_pushsquat.gif",
    "mediapipe_doc_squats": CACHE / "mp_pushsquat.gif",
    "mediapipe_doc_yoga_flow": CACHE / "mp_pose_tracking_example.gif",
    "ypt_commons_deadlift_rear": CACHE / "positives" / "ypt_deadlift.webm",
}


def model_path(variant: str) -> Path:
    sys.path.insert(0, str(REPO))
    from coach.models import ensure_model

    return Path(ensure_model(f"pose_landmarker_{variant}"))


def source_for(entry: str, workdir: Path) -> Path:
    """The video the corpus builder ran coach record on (cropped/trimmed as
    the entry's JSON says)."""
    meta = json.loads((OUT / f"{entry}.json").read_text())
    crop = meta.get("crop")
    src = SOURCES[entry]
    if not src.exists():
        raise SystemExit(f"{entry}: source {src} is missing (see scripts/corpus/README.md)")
    if not crop:
        return src
    box = (crop["x0"], crop["y0"], crop["x1"], crop["y1"])
    frames = (crop["frame0"], crop["frame1"]) if "frame0" in crop else None
    dst = workdir / f"{entry}_crop.mp4"
    crop_video(src, box, dst, frames)
    return dst


def _landmark(column: str) -> str:
    return column.rsplit("_", 1)[0]


def _compact_cell(name: str, cell: str) -> str:
    if cell == "" or name in ("t", "aspect"):
        return cell
    nd = XY_DECIMALS if name.endswith(("_x", "_y")) else OTHER_DECIMALS
    v = round(float(cell), nd)
    s = f"{v:.{nd}f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def compact(src: Path, dst: Path) -> None:
    rows = list(csv.reader(src.open(newline="")))
    head = rows[0]
    keep = [i for i, n in enumerate(head) if _landmark(n) not in DROPPED]
    with dst.open("w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow([head[i] for i in keep])
        for r in rows[1:]:
            wr.writerow([_compact_cell(head[i], r[i]) for i in keep])


def record(video: Path, variant: str, out: Path) -> None:
    cmd = [PYTHON, "-m", "coach", "record", "--source", str(video), "--out", str(out),
           "--model", str(model_path(variant)), "--quiet"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run(cmd, check=True, env=env, cwd=REPO)


def _numbers(path: Path, columns: list[str] | None = None) -> tuple[list[str], np.ndarray]:
    rows = list(csv.reader(path.open(newline="")))
    idx = [rows[0].index(c) for c in columns] if columns else list(range(len(rows[0])))
    arr = np.array([[float(r[i]) if r[i] else np.nan for i in idx] for r in rows[1:]])
    return [rows[0][i] for i in idx], arr


def check_full(entry: str) -> bool:
    """The full-variant track agrees with the corpus CSV (its kept columns)
    to the rounding: the same model on the same frames."""
    head, b = _numbers(DEST / f"{entry}.full.csv")
    _, a = _numbers(OUT / f"{entry}.csv", head)
    if a.shape != b.shape:
        print(f"{entry}: full differs in shape from the corpus CSV ({a.shape} vs {b.shape})")
        return False
    same_nan = bool((np.isnan(a) == np.isnan(b)).all())
    ok = same_nan
    worst = []
    for suffixes, nd in ((("_x", "_y"), XY_DECIMALS), (("_z", "_v", "_wx", "_wy", "_wz"), OTHER_DECIMALS)):
        cols = [i for i, n in enumerate(head) if n.endswith(suffixes)]
        d = np.abs(a[:, cols] - b[:, cols])
        diff = float(np.nanmax(d)) if np.isfinite(d).any() else 0.0
        ok = ok and diff <= 0.5 * 10 ** -nd + 1e-9
        worst.append(f"{diff:.6f}")
    print(f"{entry}: full vs corpus CSV: same missing cells {same_nan}, max |difference| x/y {worst[0]},"
          f" others {worst[1]} -> {'ok' if ok else 'DIFFERENT'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", help="comma-separated ids (default: all in SOURCES)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--check", action="store_true", help="only compare the full tracks with the corpus CSVs")
    a = ap.parse_args()
    entries = a.entries.split(",") if a.entries else list(SOURCES)
    unknown = [e for e in entries if e not in SOURCES]
    if unknown:
        raise SystemExit(f"no source video known for: {', '.join(unknown)}")
    if a.check:
        return 0 if all([check_full(e) for e in entries]) else 1
    variants = a.variants.split(",")
    DEST.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for entry in entries:
            video = source_for(entry, work)
            for variant in variants:
                raw = work / f"{entry}.{variant}.raw.csv"
                record(video, variant, raw)
                dst = DEST / f"{entry}.{variant}.csv"
                compact(raw, dst)
                print(f"{dst.relative_to(REPO)}: {dst.stat().st_size / 1e3:.0f} kB")
    ok = all([check_full(e) for e in entries]) if "full" in variants else True
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
