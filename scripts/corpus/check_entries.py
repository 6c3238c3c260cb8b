"""Check every tests/data/real/<id>.json against its CSV: required keys, frame
count, aspect, fps (from t), label times inside the track, segments
contiguous and covering the track, reps/lifts ordered. Reads the CSV with
coach's own reader. Exit status 1 on any problem.

  python scripts/corpus/check_entries.py
"""
from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from coach.posetrack import read_pose_track  # noqa: E402

KEYS = ["id", "kind", "exercise", "description", "view", "source", "licence", "licence_url", "derived_from",
        "landmarks", "crop", "fps", "aspect", "frames", "labels", "labelled_by", "notes"]
EXERCISES = {"plank", "hip_bridge", "knee_to_chest", "lift", "none"}
VIEWS = {"side", "front", "oblique", "mixed"}


def check(meta_path: Path) -> list[str]:
    errs = []
    m = json.loads(meta_path.read_text())
    ident = meta_path.stem
    for k in KEYS:
        if k not in m:
            errs.append(f"missing key {k}")
    if m.get("id") != ident:
        errs.append(f"id {m.get('id')!r} != file name")
    if m.get("exercise") not in EXERCISES:
        errs.append(f"exercise {m.get('exercise')!r}")
    if m.get("view") not in VIEWS:
        errs.append(f"view {m.get('view')!r}")
    csv_path = meta_path.with_suffix(".csv")
    frames = list(read_pose_track(csv_path))
    n = len(frames)
    if n != m.get("frames"):
        errs.append(f"frames {m.get('frames')} but CSV has {n}")
    if abs(frames[0].aspect - m.get("aspect", 0)) > 1e-3:
        errs.append(f"aspect {m.get('aspect')} but CSV has {frames[0].aspect:.5f}")
    dt = (frames[-1].t - frames[0].t) / max(n - 1, 1)
    fps = m.get("fps")
    if fps is not None and abs(1 / dt - fps) > 0.05 * fps:  # static entries have no frame rate
        errs.append(f"fps {m.get('fps')} but CSV steps give {1 / dt:.2f}")
    t_end = frames[-1].t + dt
    lab = m.get("labels", {})
    segs = lab.get("segments", [])
    if segs:
        if abs(segs[0]["start"] - frames[0].t) > 1e-6:
            errs.append("segments do not start at the first t")
        for a, b in pairwise(segs):
            if abs(a["end"] - b["start"]) > 1e-6:
                errs.append(f"gap/overlap between segments at {a['end']}")
        if abs(segs[-1]["end"] - t_end) > dt / 2 + 1e-3:
            errs.append(f"last segment ends {segs[-1]['end']} but track ends {t_end:.4f}")
        for s in segs:
            if s["end"] <= s["start"]:
                errs.append(f"empty segment {s}")
    for kind in ("reps", "lifts"):
        for r in lab.get(kind, []):
            if not (frames[0].t - 1e-6 <= r["start"] <= r["bottom"] <= r["end"] <= t_end + 1e-6):
                errs.append(f"{kind} out of order or range: {r}")
    for h in lab.get("holds", []):
        if not (frames[0].t - 1e-6 <= h["start"] < h["end"] <= t_end + 1e-6):
            errs.append(f"hold out of range: {h}")
    size = csv_path.stat().st_size
    if size > 3_200_000:
        errs.append(f"CSV is {size / 1e6:.1f} MB")
    return errs


def main() -> int:
    bad = 0
    for p in sorted((REPO / "tests" / "data" / "real").glob("*.json")):
        errs = check(p)
        print(f"{p.stem}: {'ok' if not errs else '; '.join(errs)}")
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
