"""Convert the Google ML Kit fitness pose samples into corpus entries.

Source: googlesamples/mlkit (Apache-2.0),
android/vision-quickstart/app/src/main/assets/pose/fitness_pose_samples.csv.
Each line: ``image_name,class,x1,y1,z1,...,x33,y33,z33`` (PoseSample.java:
"Format is expected to be Name,Class,X1,Y1,Z1,X2,Y2,Z2..."), the 33
BlazePose landmarks in ML Kit / MediaPipe order, x, y in pixels of the source
image, z in the same (pixel-like) units, smaller = nearer the camera. No
visibility is given. The source images (screenshots and video frames) are
not included and their sizes are unknown (x reaches 3250 px on some,
~1000 px on others).

Normalisation (documented assumption, same for every row): each pose is
placed in a *virtual square image* centred on its landmarks' bounding box,
side ``S = 1.25 * max(bbox width, bbox height)`` pixels; x' = (x - cx)/S +
0.5, y' = (y - cy)/S + 0.5, z' = z/S. x and y share one scale so angles are
true and ``aspect`` = 1.0. v = 1.0 for every landmark (ML Kit gives none).

Usage (reads the cached source CSV, never commits it)::

    git --git-dir=<mirror> show HEAD:<path> > /work/cache/mlkit/fitness_pose_samples.csv
    python scripts/corpus/mlkit_convert.py sheets   # contact sheets -> /work/cache/mlkit/sheets
    python scripts/corpus/mlkit_convert.py build    # writes tests/data/real/mlkit_*.{csv,json}

Labels (assigned by looking at the sheets) live in
scripts/corpus/labels/mlkit.json: {source image name: {"class": source class,
"label": form class or "drop", "note": free text}}.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    CACHE,
    IDX,
    LANDMARKS,
    OUT_DIR,
    angle3,
    body_line,
    knee_angle,
    near_side,
    pct,
    render_sheet,
    trunk_incline,
    write_meta,
    write_track_csv,
)

SRC = CACHE / "mlkit" / "fitness_pose_samples.csv"
SHEETS = CACHE / "mlkit" / "sheets"
LABELS = Path(__file__).resolve().parent / "labels" / "mlkit.json"
REPOSITORY = "googlesamples/mlkit"
COMMIT = "f1047837fe1e02d58063bfc30b830fad23ffbc35"  # snapshot HEAD; file last changed in ae9032eb (2021-02-26)
PATH = "android/vision-quickstart/app/src/main/assets/pose/fitness_pose_samples.csv"
URL = f"https://github.com/{REPOSITORY}/blob/{COMMIT}/{PATH}"
LICENCE_URL = f"https://github.com/{REPOSITORY}/blob/{COMMIT}/LICENSE"
CLASSES = ["pushups_up", "pushups_down", "squats_up", "squats_down"]


def load() -> tuple[list[str], list[str], np.ndarray]:
    names, classes, poses = [], [], []
    with open(SRC, newline="") as f:
        for row in csv.reader(f):
            if len(row) != 2 + 33 * 3:
                raise ValueError(f"bad row length {len(row)}")
            names.append(row[0])
            classes.append(row[1])
            xyz = np.array([float(v) for v in row[2:]]).reshape(33, 3)
            lo, hi = xyz[:, :2].min(0), xyz[:, :2].max(0)
            c = (lo + hi) / 2
            s = 1.25 * float((hi - lo).max())
            p = np.empty((33, 4))
            p[:, 0] = (xyz[:, 0] - c[0]) / s + 0.5
            p[:, 1] = (xyz[:, 1] - c[1]) / s + 0.5
            p[:, 2] = xyz[:, 2] / s
            p[:, 3] = 1.0
            poses.append(p)
    return names, classes, np.array(poses)


def sheets() -> None:
    names, classes, poses = load()
    SHEETS.mkdir(parents=True, exist_ok=True)
    for cls in CLASSES:
        idx = [i for i, c in enumerate(classes) if c == cls]
        per = 20 if cls == "pushups_up" else 30
        cols, rows = (5, 4) if per == 20 else (6, 5)
        for k in range(0, len(idx), per):
            chunk = idx[k:k + per]
            caps = [f"{cls[:6]} #{idx.index(i)} {names[i][-22:]}" for i in chunk]
            render_sheet(SHEETS / f"{cls}_{k // per:02d}.png", poses[chunk], 1.0, caps, cols=cols, rows=rows,
                         dpi=80 if per == 20 else 60)
    print("sheets in", SHEETS)


DESCRIPTIONS = {
    "pushups_up": ("plank", "High-plank (push-up top) poses of many different people from ML Kit's "
                   "pose-classification training samples (screenshots and YouTube video frames), one independent pose "
                   "per row. Straight-arm plank, hands on the floor; mostly filmed from the side or obliquely."),
    "pushups_down": ("none", "Push-up bottom poses (hands on the floor, elbows bent, body low) of many people from "
                     "ML Kit's pose-classification samples, one independent pose per row. Not one of coach's "
                     "exercises: a near-plank negative (the upper arm is not vertical)."),
    "squats_up": ("none", "Standing poses (squat top) of many people from ML Kit's pose-classification samples, one "
                  "independent pose per row. A standing-posture reference / negative."),
    "squats_down": ("none", "Squat-bottom poses (body-weight squats) of many people from ML Kit's pose-classification "
                    "samples, one independent pose per row. A squat-posture reference / negative (no load)."),
}


def view_of(p: np.ndarray) -> str:
    """Rough view from the shoulder width relative to trunk length."""
    sw = np.linalg.norm(p[IDX["left_shoulder"], :2] - p[IDX["right_shoulder"], :2])
    mid_s = (p[IDX["left_shoulder"], :2] + p[IDX["right_shoulder"], :2]) / 2
    mid_h = (p[IDX["left_hip"], :2] + p[IDX["right_hip"], :2]) / 2
    tl = np.linalg.norm(mid_s - mid_h)
    r = sw / tl if tl else np.inf
    return "side" if r < 0.35 else ("front" if r > 0.65 else "oblique")


def build() -> None:
    names, classes, poses = load()
    labels = json.loads(LABELS.read_text())
    stats = {}
    for cls in CLASSES:
        idx = [i for i, c in enumerate(classes) if c == cls]
        keep = [i for i in idx if labels[names[i]]["label"] != "drop"]
        dropped = [names[i] for i in idx if labels[names[i]]["label"] == "drop"]
        per_row = [labels[names[i]]["label"] for i in keep]
        row_notes = [labels[names[i]]["note"] for i in keep]
        eid = f"mlkit_{cls}"
        P = poses[keep]
        write_track_csv(OUT_DIR / f"{eid}.csv", P, 1.0, LANDMARKS)
        if cls == "pushups_up":
            # the labeller's own view judgement (row notes), not the heuristic
            views = ["front" if "front" in n else "oblique" if "oblique" in n else "side" for n in row_notes]
        else:
            views = [view_of(p) for p in P]
        vc = {v: views.count(v) for v in sorted(set(views))}
        counts = {c: per_row.count(c) for c in sorted(set(per_row))}
        exercise, desc = DESCRIPTIONS[cls]
        st = {}
        sides = [near_side(p) for p in P]
        if cls == "pushups_up":
            for lab in ("correct", "hips_piking", "hips_sagging"):
                rows_l = [k for k, c in enumerate(per_row) if c == lab]
                bl = [body_line(P[k], sides[k]) for k in rows_l]
                st[lab] = {"shoulder_hip_ankle_deg": pct([b[0] for b in bl]),
                           "hip_offset_trunk_lengths": pct([b[1] for b in bl])}
            # Reproduces the known figure for the whole source class (all 201
            # rows, before dropping): angle at the hip midpoint between the
            # shoulder midpoint and the ankle midpoint.
            allp = poses[idx]

            def mid(p, a, b):
                return (p[IDX[a], :2] + p[IDX[b], :2]) / 2

            st["all_201_source_rows_midpoint_angle_deg"] = pct([angle3(
                mid(p, "left_shoulder", "right_shoulder"), mid(p, "left_hip", "right_hip"),
                mid(p, "left_ankle", "right_ankle")) for p in allp])
        if cls == "squats_down":
            side_rows = [k for k in range(len(P)) if views[k] == "side"]
            for nm, rows_s in (("all_rows", range(len(P))), ("side_view_rows", side_rows)):
                st[nm] = {"knee_angle_deg": pct([knee_angle(P[k], sides[k]) for k in rows_s]),
                          "trunk_from_vertical_deg": pct([trunk_incline(P[k], sides[k]) for k in rows_s])}
        stats[eid] = {"rows": len(P), "counts": counts, "views": vc, "dropped": len(dropped), **st}
        notes = NOTES.get(cls, "")
        if dropped:
            notes += f" Dropped {len(dropped)} source rows: {DROP_REASON.get(cls, '')} ({', '.join(dropped)})."
        notes += (f" Per-row view (row_view) as judged by the labeller: {vc}." if cls == "pushups_up" else
                  f" Rough per-row view (row_view; shoulder width / trunk length < 0.35 side, > 0.65 front): {vc}.")
        notes += (" Near side = side with the smaller mean z of shoulder, hip and ankle (no visibility in the source)."
                  " Left/right are the person's own sides as ML Kit reported them.")
        if st:
            notes += " Measured on the near side in true aspect: " + json.dumps(st) + "."
        meta = {
            "id": eid,
            "kind": "static",
            "exercise": exercise,
            "description": desc,
            "view": "mixed" if len(vc) > 1 else next(iter(vc)),
            "source": {"name": "Google ML Kit quickstart (pose classification samples)", "repository": REPOSITORY,
                       "commit": COMMIT, "path": PATH, "url": URL,
                       "source_class": cls, "source_rows": [names[i] for i in keep]},
            "licence": "Apache-2.0",
            "licence_url": LICENCE_URL,
            "derived_from": None,
            "landmarks": ("BlazePose 33 (ML Kit) from the source CSV. Pixel x, y of an image of unknown size, placed "
                          "in a virtual square image centred on the pose's bounding box with side S = 1.25 * max(bbox "
                          "width, bbox height): x = (x_px - cx)/S + 0.5, y = (y_px - cy)/S + 0.5, z = z_px/S; one "
                          "scale for x and y so aspect = 1. Visibility not in the source: v = 1.0."),
            "fps": None,
            "aspect": 1.0,
            "labels": {"per_row": per_row, "segments": [], "reps": [], "holds": [], "lifts": [], "counts": counts},
            "labelled_by": LABELLED_BY[cls],
            "notes": notes.strip(),
            "row_notes": row_notes,
            "row_view": views,
            "row_near_side": sides,
        }
        write_meta(OUT_DIR / f"{eid}.json", meta, len(P))
    (CACHE / "mlkit" / "stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats, indent=2))


LABELLED_BY = {
    "pushups_up": (
        "One person (an AI assistant working on coach) looked at a rendered skeleton of every row (contact sheets of "
        "5x4 poses, y down, true aspect, near side coloured, a dashed shoulder-ankle line and a dotted horizontal "
        "through the near shoulder; scripts/corpus/mlkit_convert.py sheets). Criteria, judged on the near side: "
        "'correct' = shoulder-hip-ankle roughly straight, or hips mildly high (physio view: mild elevation is fine), "
        "no visible dip; 'hips_sagging' = hip visibly below the shoulder-ankle line (a dip of roughly 10 degrees or "
        "more); "
        "'hips_piking' = hip clearly an apex (inverted V), hip at or above shoulder height with the legs sloping "
        "steeply; 'unlabelled' = body line cannot be judged: front views from the head end (25+ screenshots), "
        "strongly foreshortened oblique views, and one kneeling push-up. Piking vs mildly-high is a continuum in "
        "this data: after the first pass, every row judged mildly-high or piked with a measured near-side hip bend "
        "of 24-42 degrees was re-viewed on sheets ordered by that bend, and the cut was put at a measured bend of "
        "30 degrees (shoulder-hip-ankle <= 150 = hips_piking); 12 rows changed label there (row_notes "
        "'borderline-cut'). Two first-pass labels were corrected after a larger render (row_notes). No row was "
        "judged clearly 'head_dropped' or 'elbows_not_under_shoulders' (hands are under or slightly ahead of the "
        "shoulders in the side views; heads in line)."),
    "pushups_down": (
        "Looked at contact sheets (6x5) of every row only to drop unreadable detections; all kept rows are 'none' "
        "(push-up bottom is not one of coach's exercises)."),
    "squats_up": (
        "Looked at contact sheets (6x5) of every row and checked every row automatically (knee >= 150 deg, trunk "
        "within 25 deg of vertical, nose above the shoulders, ankles below the knees); none failed, all 'none'."),
    "squats_down": (
        "Looked at contact sheets (6x5) and at every row failing an automatic check (knee > 130 deg, nose below the "
        "shoulders or ankles above the knees); dropped unreadable detections; all kept rows are 'none'."),
}
NOTES: dict[str, str] = {
    "pushups_up": ("About a third of the rows are screenshots filmed head-on (front view from the hands' end); "
                   "their body line cannot be judged and they are 'unlabelled'. Video frames are side views, "
                   "mostly with the hips mildly high (hip bend 10-30 degrees)."),
    "pushups_down": "Many screenshot rows are head-on views in which the legs are hidden behind the body.",
    "squats_up": "Mostly front views (screenshots) plus side and oblique video frames; arms in various positions.",
    "squats_down": ("Front-view rows (screenshots, knees out) and side/oblique video frames of deep body-weight "
                    "squats, many with arms held forward. In front views the knee angle is foreshortened and reads "
                    "too straight; use the side-view statistics."),
}
DROP_REASON: dict[str, str] = {
    "pushups_up": ("legs mis-detected (knee angle < 130 deg with the legs folded up over the body, or a body "
                   "stacked vertically)"),
    "pushups_down": ("limbs scattered or crossing, not a readable body (mostly head-on screenshots where the legs "
                     "are hidden)"),
    "squats_down": "limbs scattered or crossing, not a readable body",
}

if __name__ == "__main__":
    {"sheets": sheets, "build": build}[sys.argv[1]]()
