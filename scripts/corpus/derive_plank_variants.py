"""Derive bad-form high-plank variants from the real correct push-up-top rows.

Reads tests/data/real/mlkit_pushups_up.{csv,json} (the rows labelled
``correct``) and writes tests/data/real/mlkit_pushups_up_sag.{csv,json} and
tests/data/real/mlkit_pushups_up_pike.{csv,json}.

Method (2D, in the image plane; aspect = 1 so x and y share units):

1. Hands, wrists, elbows, shoulders and the whole head stay where they are
   (hands on the floor).
2. On each side the trunk is rotated about that side's shoulder by the same
   angle phi: hip' = S + R(phi) (H - S). Both sides use the same phi and
   the same direction (down for a sag, up for a pike).
3. Each leg is re-placed as a rigid hip-knee-ankle chain (the row's own knee
   angle and segment lengths are kept): its ankle keeps its image y (stays
   on the floor) and slides along x, A'.x = H'.x + s * sqrt(D^2 - (A.y - H'.y)^2)
   with D = |A - H| and s the side of the hip the ankle was on; the knee is
   rotated with the chain (rotation taking A - H to A' - H') and moved with
   the hip. Heel and foot index move with the ankle by pure translation (the
   foot keeps its orientation on the floor). z and v are unchanged.
4. phi is solved (bisection) so that the near side's *signed hip bend*
   reaches the target. Signed hip bend = 180 - shoulder-hip-ankle angle,
   positive when the hip is below the shoulder-ankle line (sag), negative
   above (pike). Target, for a deflection theta in the fault's direction:
   sag:  bend' = max(bend0, 0) + theta          (theta = 10, 15, 20 deg)
   pike: bend' = min(bend0, 0) - theta          (theta = 15, 25, 35 deg)
   i.e. theta is added beyond the row's original deflection in that
   direction (a mildly high correct row is first taken to straight for a
   sag, so every sag variant really sags by theta).
5. Pike variants whose final pike bend is below 30 deg are not written: the
   real rows were labelled with the pike cut at 30 deg, and a 15-29 deg pike
   is 'correct' there (mildly high hips). They are counted in the notes.

Each output row records its parameters in the json ``params_per_row``.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CACHE, IDX, LANDMARKS, OUT_DIR, body_line, render_sheet, write_meta, write_track_csv

SRC_ID = "mlkit_pushups_up"
SAG_THETAS = (10.0, 15.0, 20.0)
PIKE_THETAS = (15.0, 25.0, 35.0)
PIKE_MIN_FINAL = 30.0
FIXED = ["nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
         "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right"] + [
    f"{s}_{j}" for s in ("left", "right")
    for j in ("shoulder", "elbow", "wrist", "pinky", "index", "thumb")]


def read_track(path: Path) -> np.ndarray:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    out = np.full((len(rows), 33, 4), np.nan)
    for i, r in enumerate(rows):
        for n in LANDMARKS:
            if r.get(f"{n}_x", "") != "":
                out[i, IDX[n]] = [float(r[f"{n}_{c}"]) for c in "xyzv"]
    return out


def signed_bend(p: np.ndarray, side: str) -> float:
    ang, off = body_line(p, side)
    return (180.0 - ang) * (1.0 if off >= 0 else -1.0)


def rot(v: np.ndarray, phi_deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(phi_deg)), math.sin(math.radians(phi_deg))
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def perturb(p: np.ndarray, phi: float) -> np.ndarray | None:
    """Rotate both trunks about their shoulders by phi (degrees, image
    coordinates, y down) and re-place the legs; None if a leg cannot reach
    the floor."""
    q = p.copy()
    for side in ("left", "right"):
        S = p[IDX[f"{side}_shoulder"], :2]
        H = p[IDX[f"{side}_hip"], :2]
        K = p[IDX[f"{side}_knee"], :2]
        A = p[IDX[f"{side}_ankle"], :2]
        H2 = S + rot(H - S, phi)
        D = float(np.linalg.norm(A - H))
        dy = A[1] - H2[1]
        if D <= abs(dy):
            return None
        sgn = 1.0 if A[0] >= H[0] else -1.0
        A2 = np.array([H2[0] + sgn * math.sqrt(D * D - dy * dy), A[1]])
        a0 = math.degrees(math.atan2(*(A - H)[::-1]))
        a1 = math.degrees(math.atan2(*(A2 - H2)[::-1]))
        K2 = H2 + rot(K - H, a1 - a0)
        q[IDX[f"{side}_hip"], :2] = H2
        q[IDX[f"{side}_knee"], :2] = K2
        q[IDX[f"{side}_ankle"], :2] = A2
        for j in ("heel", "foot_index"):
            q[IDX[f"{side}_{j}"], :2] = p[IDX[f"{side}_{j}"], :2] + (A2 - A)
    return q


def solve(p: np.ndarray, side: str, target: float) -> tuple[float, np.ndarray] | None:
    """phi such that the near side's signed bend equals target."""
    b0 = signed_bend(p, side)
    # direction of phi that increases the signed bend (moves the hip down)
    d = 1.0 if (perturb(p, 1.0) is not None and signed_bend(perturb(p, 1.0), side) > b0) else -1.0
    if target < b0:
        d = -d
    lo, hi = 0.0, 0.0
    step = 2.0
    while True:
        hi += step
        q = perturb(p, d * hi)
        if q is None or hi > 80:
            return None
        if (signed_bend(q, side) - target) * (1 if target > b0 else -1) >= 0:
            break
        lo = hi
    for _ in range(60):
        mid = (lo + hi) / 2
        q = perturb(p, d * mid)
        if q is None:
            hi = mid
            continue
        if (signed_bend(q, side) - target) * (1 if target > b0 else -1) >= 0:
            hi = mid
        else:
            lo = mid
    q = perturb(p, d * hi)
    return d * hi, q


def build() -> None:
    src_meta = json.loads((OUT_DIR / f"{SRC_ID}.json").read_text())
    poses = read_track(OUT_DIR / f"{SRC_ID}.csv")
    per_row = src_meta["labels"]["per_row"]
    sides = src_meta["row_near_side"]
    images = src_meta["source"]["source_rows"]
    good = [k for k, c in enumerate(per_row) if c == "correct"]
    results = {}
    for kind, thetas in (("sag", SAG_THETAS), ("pike", PIKE_THETAS)):
        out, params, skipped, failed = [], [], 0, 0
        for k in good:
            p, side = poses[k], sides[k]
            b0 = signed_bend(p, side)
            for th in thetas:
                target = max(b0, 0.0) + th if kind == "sag" else min(b0, 0.0) - th
                if kind == "pike" and -target < PIKE_MIN_FINAL:
                    skipped += 1
                    continue
                r = solve(p, side, target)
                if r is None:
                    failed += 1
                    continue
                phi, q = r
                out.append(q)
                _ang, off = body_line(q, side)
                params.append({
                    "source_row": k, "source_image": images[k], "near_side": side,
                    "theta_deg": th, "trunk_rotation_deg": round(phi, 3),
                    "orig_signed_hip_bend_deg": round(b0, 3), "target_signed_hip_bend_deg": round(target, 3),
                    "final_signed_hip_bend_deg": round(signed_bend(q, side), 3),
                    "final_hip_offset_trunk_lengths": round(off, 4),
                })
        out = np.array(out)
        eid = f"{SRC_ID}_{kind}"
        label = "hips_sagging" if kind == "sag" else "hips_piking"
        write_track_csv(OUT_DIR / f"{eid}.csv", out, 1.0, LANDMARKS)
        xy = out[:, :, :2]
        results[eid] = {"rows": len(out), "skipped": skipped, "failed": failed,
                        "xy_range": [float(np.nanmin(xy)), float(np.nanmax(xy))]}
        thetas_txt = ", ".join(f"{t:g}" for t in thetas)
        perturbation = (
            f"From each of the {len(good)} rows of {SRC_ID} labelled 'correct': hands, wrists, elbows, shoulders and "
            "head fixed; each side's trunk rotated about its own shoulder by one angle phi (same on both sides); each "
            "leg re-placed as a rigid hip-knee-ankle chain (segment lengths and the row's knee angle kept) with the "
            "ankle keeping its image y (on the floor) and sliding along x; heel and foot index translated with the "
            "ankle; z and v unchanged. phi solved by bisection so that the near side's signed hip bend "
            "(180 - shoulder-hip-ankle angle, + = hip below the shoulder-ankle line) reaches "
            + (f"max(original, 0) + theta, theta in {{{thetas_txt}}} deg (a mildly high row is first brought to "
               "straight, then sagged by theta)." if kind == "sag" else
               f"min(original, 0) - theta, theta in {{{thetas_txt}}} deg (theta added to the row's own upward "
               f"deflection); variants ending below a {PIKE_MIN_FINAL:g} deg pike were not written ({skipped}), "
               "matching the 30 deg pike cut used when labelling the real rows.")
            + " Script: scripts/corpus/derive_plank_variants.py."
        )
        meta = {
            "id": eid,
            "kind": "static",
            "exercise": "plank",
            "description": (f"Synthetic {'sagging' if kind == 'sag' else 'piked'} high planks derived from real "
                            f"correct push-up-top poses ({SRC_ID}) by rotating the trunk about the shoulder with the "
                            "hands, head and shoulders fixed and the feet on the floor; one pose per row, "
                            f"{len(thetas)} deflections per source row."),
            "view": src_meta["view"],
            "source": src_meta["source"] | {"source_rows": None, "note": "see params_per_row for the source rows"},
            "licence": src_meta["licence"],
            "licence_url": src_meta["licence_url"],
            "derived_from": {"id": SRC_ID, "perturbation": perturbation},
            "landmarks": src_meta["landmarks"] + " Perturbed as described in derived_from.",
            "fps": None,
            "aspect": 1.0,
            "labels": {"per_row": [label] * len(out), "segments": [], "reps": [], "holds": [], "lifts": [],
                       "counts": {label: len(out)}},
            "labelled_by": (f"By construction: every row is '{label}' (the perturbation's target deflection). A "
                            "sample of rows was rendered next to their source rows and looked at to check that the "
                            "poses are physically plausible (hands and feet on the floor, limbs of the same length)."),
            "notes": (f"Derived, not real bad form. {failed} (row, theta) pairs had no solution (leg cannot reach "
                      "the floor) and were skipped. The trunk rotation is rigid (a real sag also bends the lumbar "
                      "spine and may drop the shoulders slightly); z is not perturbed, so z is inconsistent with "
                      "x, y for the hips and legs."),
            "params_per_row": params,
        }
        write_meta(OUT_DIR / f"{eid}.json", meta, len(out))
    print(json.dumps(results, indent=2))


def check_sheet() -> None:
    """Render source rows next to their variants for a visual check."""
    src = read_track(OUT_DIR / f"{SRC_ID}.csv")
    for kind in ("sag", "pike"):
        meta = json.loads((OUT_DIR / f"{SRC_ID}_{kind}.json").read_text())
        var = read_track(OUT_DIR / f"{SRC_ID}_{kind}.csv")
        pr = meta["params_per_row"]
        srcs = sorted({p["source_row"] for p in pr})[::9][:5]
        poses, caps = [], []
        for s in srcs:
            ks = [i for i, p in enumerate(pr) if p["source_row"] == s]
            poses.append(src[s])
            caps.append(f"src #{s} bend {pr[ks[0]]['orig_signed_hip_bend_deg']:.0f}")
            for i in ks[:3]:
                poses.append(var[i])
                caps.append(f"{kind} th={pr[i]['theta_deg']:g} -> {pr[i]['final_signed_hip_bend_deg']:.0f}")
            while len(poses) % 4:
                poses.append(src[s])
                caps.append("(src again)")
        render_sheet(CACHE / "mlkit" / "sheets" / f"derived_{kind}.png", np.array(poses), 1.0, caps, cols=4,
                     rows=len(poses) // 4, dpi=60)


if __name__ == "__main__":
    {"build": build, "check": check_sheet}[sys.argv[1] if len(sys.argv) > 1 else "build"]()
