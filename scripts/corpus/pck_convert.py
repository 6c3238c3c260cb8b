"""Convert pose-classification-kit body datasets into corpus entries.

Source: PyPI ``pose-classification-kit`` 1.1.5 (MIT, Copyright (c) 2020 Arthur
FINDELAIR; repository ArthurFDLR/pose-classification-kit), files
``pose_classification_kit/datasets/Body/<Label>_body.json``: {"info": {...,
"BODY25_Mapping": [...]}, "data": [{"detection_accuracy", "x": [25], "y":
[25], "a": [25]}]}. Keypoints are OpenPose BODY25, normalised by the kit
(src/video_analysis/openpose_thread.py, getBodyData): centred on the bounding
box of the detected keypoints, **y flipped (up positive)**, both x and y
divided by one body-size scale (mean of limb lengths times fixed ratios);
every sample lies within [-1, 1]. ``a`` is OpenPose's confidence; a = 0 means
not detected (x = y = 0 then).

Mapping to the shared format (aspect 1, one scale for x and y):
x = 0.5 + 0.4 * x_kit, y = 0.5 - 0.4 * y_kit (y down), z = 0, v = a; a = 0 -> missing.
BODY25 -> MediaPipe names: nose, shoulders, elbows, wrists, hips, knees,
ankles, eyes, ears; big toe -> foot_index, heel -> heel. neck, mid_hip and
small toes are dropped; MediaPipe landmarks with no BODY25 counterpart are
absent (no columns).

Usage::

    pip download --no-deps pose-classification-kit==1.1.5 -d /work/cache/pck
    (cd /work/cache/pck && mkdir -p x && cd x && unzip -o ../pose_classification_kit-1.1.5-py3-none-any.whl)
    python scripts/corpus/pck_convert.py sheets   # contact sheets -> /work/cache/pck/sheets
    python scripts/corpus/pck_convert.py build    # tests/data/real/pck_*.{csv,json}

Labels live in scripts/corpus/labels/pck.json.
"""

from __future__ import annotations

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
    body_line,
    knee_angle,
    pct,
    render_sheet,
    trunk_incline,
    write_meta,
    write_track_csv,
)

PKG = CACHE / "pck" / "x"
DS = PKG / "pose_classification_kit" / "datasets" / "Body"
SHEETS = CACHE / "pck" / "sheets"
LABELS = Path(__file__).resolve().parent / "labels" / "pck.json"
VERSION = "1.1.5"
BODY25_TO_MP = {
    "nose": "nose", "right_shoulder": "right_shoulder", "right_elbow": "right_elbow",
    "right_wrist": "right_wrist", "left_shoulder": "left_shoulder", "left_elbow": "left_elbow",
    "left_wrist": "left_wrist", "right_hip": "right_hip", "right_knee": "right_knee",
    "right_ankle": "right_ankle", "left_hip": "left_hip", "left_knee": "left_knee",
    "left_ankle": "left_ankle", "right_eye": "right_eye", "left_eye": "left_eye",
    "right_ear": "right_ear", "left_ear": "left_ear", "left_bigtoe": "left_foot_index",
    "left_heel": "left_heel", "right_bigtoe": "right_foot_index", "right_heel": "right_heel",
}
PRESENT = [n for n in LANDMARKS if n in BODY25_TO_MP.values()]
CLASSES = {  # source label -> (entry id, exercise, description)
    "Plank": ("pck_plank", "plank",
              "Plank poses from pose-classification-kit's body dataset (OpenPose BODY25 on webcam recordings made "
              "with the kit's own recording tool), one sample per row; consecutive rows are frames of the same "
              "recording, so there are few distinct people and holds."),
    "PushUp_Low": ("pck_pushup_low", "none",
                   "Push-up bottom poses from pose-classification-kit's body dataset (OpenPose BODY25, webcam "
                   "recordings), one sample per row; consecutive rows are frames of the same recording."),
    "Squat": ("pck_squat", "none",
              "Squat poses from pose-classification-kit's body dataset (OpenPose BODY25, webcam recordings), one "
              "sample per row; consecutive rows are frames of the same recording."),
    "Stand": ("pck_stand", "none",
              "Standing poses from pose-classification-kit's body dataset (OpenPose BODY25, webcam recordings), "
              "one sample per row; consecutive rows are frames of the same recording."),
    "Seated": ("pck_seated", "none",
               "Seated poses from pose-classification-kit's body dataset (OpenPose BODY25, webcam recordings), "
               "one sample per row; consecutive rows are frames of the same recording."),
}


BODY25 = ["nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow",
          "left_wrist", "mid_hip", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee",
          "left_ankle", "right_eye", "left_eye", "right_ear", "left_ear", "left_bigtoe", "left_smalltoe",
          "left_heel", "right_bigtoe", "right_smalltoe", "right_heel"]
_OP_NAMES = {"Nose": "nose", "Neck": "neck", "MidHip": "mid_hip", "REye": "right_eye", "LEye": "left_eye",
             "REar": "right_ear", "LEar": "left_ear", "LBigToe": "left_bigtoe", "LSmallToe": "left_smalltoe",
             "LHeel": "left_heel", "RBigToe": "right_bigtoe", "RSmallToe": "right_smalltoe", "RHeel": "right_heel"}


def _norm_name(n: str) -> str:
    if n in _OP_NAMES:
        return _OP_NAMES[n]
    if n[:1] in "RL" and n[1:2].isupper():  # RShoulder -> right_shoulder
        return ("right_" if n[0] == "R" else "left_") + n[1:].lower()
    return n


def load(label: str) -> tuple[dict, np.ndarray]:
    """Some files store BODY25_Mapping as a list of snake_case names, others
    as a dict {"0": "Nose", ..., "25": "Background"} with OpenPose names; both
    are the standard BODY25 order, checked here."""
    d = json.loads((DS / f"{label}_body.json").read_text())
    m = d["info"]["BODY25_Mapping"]
    names = [m[str(i)] for i in range(25)] if isinstance(m, dict) else list(m)
    assert [_norm_name(n) for n in names] == BODY25, (label, names)
    mapping = BODY25
    out = np.full((len(d["data"]), 33, 4), np.nan)
    for r, e in enumerate(d["data"]):
        for j, name in enumerate(mapping):
            mp = BODY25_TO_MP.get(name)
            if mp is None or e["a"][j] <= 0:
                continue
            out[r, IDX[mp]] = [0.5 + 0.4 * e["x"][j], 0.5 - 0.4 * e["y"][j], 0.0, min(1.0, e["a"][j])]
    return d["info"], out


def near_side_vis(p: np.ndarray) -> str:
    """Side whose shoulder, hip and ankle have the larger summed confidence
    (a missing joint counts 0)."""
    def score(s):
        return float(np.nansum([p[IDX[f"{s}_{j}"], 3] for j in ("shoulder", "hip", "ankle")]))
    return "left" if score("left") >= score("right") else "right"


def sheets() -> None:
    SHEETS.mkdir(parents=True, exist_ok=True)
    for label in CLASSES:
        _, P = load(label)
        per = 42
        for k in range(0, len(P), per):
            rows = list(range(k, min(k + per, len(P))))
            render_sheet(SHEETS / f"{label}_{k // per:02d}.png", P[rows], 1.0, [f"#{r}" for r in rows],
                         cols=7, rows=6, dpi=50)
    print("sheets in", SHEETS)


def signed_bend(p: np.ndarray, side: str) -> float:
    """180 - shoulder-hip-ankle angle, + when the hip is above the
    shoulder-ankle line (pike direction), - below (sag)."""
    ang, off = body_line(p, side)
    return (180.0 - ang) * (1.0 if off < 0 else -1.0)


def readable(p: np.ndarray) -> bool:
    """Completeness rule for the 'none' entries: shoulder, hip, knee and
    ankle present on at least one side."""
    return any(all(np.isfinite(p[IDX[f"{s}_{j}"], 0]) for j in ("shoulder", "hip", "knee", "ankle"))
               for s in ("left", "right"))


def view_of(p: np.ndarray) -> str:
    """Rough view from shoulder width / trunk length (NaN-safe)."""
    ls, rs, lh, rh = (p[IDX[n], :2] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    if not (np.isfinite(ls).all() and np.isfinite(rs).all() and np.isfinite(lh).all() and np.isfinite(rh).all()):
        return "unknown"
    sw = np.linalg.norm(ls - rs)
    tl = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2)
    r = sw / tl if tl else np.inf
    return "side" if r < 0.35 else ("front" if r > 0.65 else "oblique")


LABELLED_BY_PLANK = (
    "One person (an AI assistant working on coach) looked at contact sheets of every row (7x6 skeletons, y down, "
    "true aspect, near side = higher OpenPose confidence coloured, dashed shoulder-ankle line; "
    "scripts/corpus/pck_convert.py sheets) and labelled runs of consecutive frames "
    "(scripts/corpus/labels/pck.json). Criteria as for mlkit_pushups_up: 'correct' = body roughly straight or hips "
    "mildly high; 'hips_piking' = clear inverted V; 'hips_sagging' = visible dip (none seen); 'unlabelled' = "
    "filmed from the head end or strongly foreshortened, or the near-side shoulder mis-placed. Then, as for the ML "
    "Kit rows, rows judged correct whose measured near-side hip bend was >= 30 degrees in the pike direction were "
    "re-viewed and set to 'hips_piking' (row_notes 'borderline-cut').")


def build() -> None:
    L = json.loads(LABELS.read_text())
    cut = float(L["pike_cut_deg"])
    stats = {}
    for label, (eid, exercise, desc) in CLASSES.items():
        info, P = load(label)
        n = len(P)
        if label == "Plank":
            lab, note = ["?"] * n, [""] * n
            for a, b, seg_lab, t in L["Plank"]:
                for k in range(a, b + 1):
                    lab[k], note[k] = seg_lab, t
            assert "?" not in lab
            for k in range(n):
                if lab[k] != "correct":
                    continue
                s = near_side_vis(P[k])
                b = signed_bend(P[k], s)
                if not np.isfinite(b):
                    lab[k], note[k] = "unlabelled", "near-side shoulder, hip or ankle missing"
                elif b >= cut:
                    lab[k], note[k] = "hips_piking", f"borderline-cut (near-side bend {b:.1f} deg >= {cut:g})"
        else:
            lab = ["none" if readable(p) else "drop" for p in P]
            note = ["" if lb == "none" else "shoulder, hip, knee or ankle missing on both sides" for lb in lab]
        keep = [k for k in range(n) if lab[k] != "drop"]
        dropped = [k for k in range(n) if lab[k] == "drop"]
        Q = P[keep]
        per_row = [lab[k] for k in keep]
        row_notes = [note[k] for k in keep]
        sides = [near_side_vis(p) for p in Q]
        views = [view_of(p) for p in Q]
        vc = {v: views.count(v) for v in sorted(set(views))}
        counts = {c: per_row.count(c) for c in sorted(set(per_row))}
        write_track_csv(OUT_DIR / f"{eid}.csv", Q, 1.0, PRESENT)
        st = {}
        if label == "Plank":
            for c in ("correct", "hips_piking"):
                rows_c = [i for i, x in enumerate(per_row) if x == c]
                bl = [body_line(Q[i], sides[i]) for i in rows_c]
                st[c] = {"shoulder_hip_ankle_deg": pct([b[0] for b in bl]),
                         "hip_offset_trunk_lengths": pct([b[1] for b in bl])}
        if label == "Squat":
            side_rows = [i for i in range(len(Q)) if views[i] == "side"]
            for nm, rows_s in (("all_rows", range(len(Q))), ("side_view_rows", side_rows)):
                st[nm] = {"knee_angle_deg": pct([knee_angle(Q[i], sides[i]) for i in rows_s]),
                          "trunk_from_vertical_deg": pct([trunk_incline(Q[i], sides[i]) for i in rows_s])}
        stats[eid] = {"rows": len(Q), "counts": counts, "views": vc, "dropped": len(dropped), **st}
        notes = ("Rows are frames of a few webcam recordings made with the kit's recording tool (probably by the "
                 "author, i.e. few distinct people): consecutive rows are nearly identical, so the effective number "
                 "of independent poses is much smaller than the row count. Camera often above the floor and near "
                 "the head end (hands appear lower than the feet). Visibility v is OpenPose's keypoint confidence "
                 "(median ~0.7-0.85), not MediaPipe visibility; z = 0 (2D only). The kit keeps only samples whose "
                 f"summed confidence exceeds its threshold ({info['threshold_value']}). Absent landmarks: eye "
                 "inner/outer, mouth, pinky, index, thumb (no BODY25 counterpart).")
        if dropped:
            notes += f" Dropped {len(dropped)} source rows (indices {dropped}): " + (
                "no legs detected." if label == "Plank" else "shoulder, hip, knee or ankle missing on both sides.")
        notes += f" Rough per-row view (shoulder width / trunk length): {vc}."
        if st:
            notes += " Measured on the near side (higher confidence) in true aspect: " + json.dumps(st) + "."
        meta = {
            "id": eid,
            "kind": "static",
            "exercise": exercise,
            "description": desc,
            "view": "mixed",
            "source": {"name": "pose-classification-kit (PyPI)", "repository": "ArthurFDLR/pose-classification-kit",
                       "commit": None, "package": f"pose-classification-kit=={VERSION}",
                       "path": f"pose_classification_kit/datasets/Body/{label}_body.json",
                       "url": f"https://pypi.org/project/pose-classification-kit/{VERSION}/",
                       "source_label": label, "source_rows": keep},
            "licence": "MIT",
            "licence_url": "https://github.com/ArthurFDLR/pose-classification-kit/blob/master/LICENSE",
            "licence_note": ("LICENSE file in the wheel (pose_classification_kit-1.1.5): MIT License, Copyright (c) "
                             "2020 Arthur FINDELAIR; package metadata License: MIT."),
            "derived_from": None,
            "landmarks": ("OpenPose BODY25 from the kit's normalised samples (centred on the keypoints' bounding box, "
                          "y up, one body-size scale for x and y, within [-1, 1]) mapped to x = 0.5 + 0.4 * x_kit, "
                          "y = 0.5 - 0.4 * y_kit; aspect 1. BODY25 nose, eyes, ears, shoulders, elbows, wrists, hips, "
                          "knees, ankles -> same MediaPipe names, big toe -> foot_index, heel -> heel; neck, mid hip, "
                          "small toes dropped. v = OpenPose confidence; confidence 0 -> empty cells."),
            "fps": None,
            "aspect": 1.0,
            "labels": {"per_row": per_row, "segments": [], "reps": [], "holds": [], "lifts": [], "counts": counts},
            "labelled_by": LABELLED_BY_PLANK if label == "Plank" else (
                "Skimmed the contact sheets of every row; every row kept is 'none' (not one of coach's exercises). "
                "Rows dropped by a completeness rule (shoulder, hip, knee and ankle present on at least one side), "
                "not one by one; some kept rows are visibly mis-detected (left/right swaps, limbs crossing)."),
            "notes": notes,
            "row_notes": row_notes,
            "row_view": views,
            "row_near_side": sides,
        }
        write_meta(OUT_DIR / f"{eid}.json", meta, len(Q))
    (CACHE / "pck" / "stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    {"sheets": sheets, "build": build}[sys.argv[1]]()
