"""Shared helpers for building the real-data pose corpus in tests/data/real/.

Nothing here touches the analyzers. The helpers:

* ``LANDMARKS``: MediaPipe's 33 pose landmark names (lower case, in order).
* ``write_track_csv``: writes the shared pose-track CSV format
  (``t,aspect,<name>_x,<name>_y,<name>_z,<name>_v,...``; t = row/30 with 4
  decimals, coordinates with 5; empty cells for missing joints).
* ``write_meta``: writes the per-entry JSON metadata.
* ``render_sheet``: a contact sheet of skeletons (y down, true aspect) used to
  label rows by looking.
* geometry used for the calibration statistics (shoulder-hip-ankle angle,
  signed hip offset from the shoulder-ankle line, knee angle, trunk
  inclination), all in true aspect (x multiplied by ``aspect``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "tests" / "data" / "real"
CACHE = Path("/work/cache")

LANDMARKS = [
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
    "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
    "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky",
    "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
]
IDX = {n: i for i, n in enumerate(LANDMARKS)}

# Bones drawn on the contact sheets (MediaPipe POSE_CONNECTIONS, body part).
BONES = [
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_ear", "left_eye"), ("right_ear", "right_eye"),
    ("left_eye", "nose"), ("right_eye", "nose"),
]
for s in ("left", "right"):
    BONES += [
        (f"{s}_shoulder", f"{s}_elbow"), (f"{s}_elbow", f"{s}_wrist"),
        (f"{s}_wrist", f"{s}_index"), (f"{s}_shoulder", f"{s}_hip"),
        (f"{s}_hip", f"{s}_knee"), (f"{s}_knee", f"{s}_ankle"),
        (f"{s}_ankle", f"{s}_heel"), (f"{s}_heel", f"{s}_foot_index"),
        (f"{s}_ankle", f"{s}_foot_index"),
    ]


def fmt(v: float, nd: int) -> str:
    if v is None or not np.isfinite(v):
        return ""
    s = f"{v:.{nd}f}"
    if s.startswith("-") and float(s) == 0.0:
        s = s[1:]
    return s


def write_track_csv(path: Path, poses: np.ndarray, aspect, present: list[str]) -> None:
    """poses: (N, 33, 4) array of x, y, z, v (NaN = missing).

    ``aspect`` is a number or a per-row sequence. ``present`` lists the
    landmark names that get columns (in MediaPipe order)."""
    n = len(poses)
    aspects = np.broadcast_to(np.asarray(aspect, dtype=float), (n,))
    names = [nm for nm in LANDMARKS if nm in present]
    header = ["t", "aspect"]
    for nm in names:
        header += [f"{nm}_x", f"{nm}_y", f"{nm}_z", f"{nm}_v"]
    lines = [",".join(header)]
    for i in range(n):
        cells = [f"{i / 30:.4f}", fmt(aspects[i], 5)]
        for nm in names:
            x, y, z, v = poses[i, IDX[nm]]
            if not (np.isfinite(x) and np.isfinite(y)):
                cells += ["", "", "", ""]
            else:
                cells += [fmt(x, 5), fmt(y, 5), fmt(z if np.isfinite(z) else 0.0, 5), fmt(v, 5)]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")


def write_meta(path: Path, meta: dict, frames: int) -> None:
    """Write the metadata json. Adds ``frames`` (row count) and ``crop``
    (None: nothing cropped) after ``aspect``, as the video entries of the
    same corpus have them."""
    out = {}
    for k, v in meta.items():
        out[k] = v
        if k == "aspect":
            out["frames"] = frames
            out["crop"] = meta.get("crop")
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- geometry

def _xy(p: np.ndarray, name: str, aspect: float) -> np.ndarray:
    q = p[IDX[name]]
    return np.array([q[0] * aspect, q[1]])


def angle3(a, b, c) -> float:
    u, v = a - b, c - b
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        return float("nan")
    return math.degrees(math.acos(max(-1.0, min(1.0, float(u @ v) / (nu * nv)))))


def near_side(p: np.ndarray) -> str:
    """The side nearer the camera.

    With real visibilities (not all equal) the side whose shoulder, hip and
    ankle have the larger summed visibility (a missing joint counts 0);
    otherwise (ML Kit gives no visibility) the side with the
    smaller mean z (MediaPipe/ML Kit z: smaller = nearer the camera); if z is
    all zero, 'left'."""
    L = [IDX["left_shoulder"], IDX["left_hip"], IDX["left_ankle"]]
    R = [IDX["right_shoulder"], IDX["right_hip"], IDX["right_ankle"]]
    vl = float(np.nansum(p[L, 3]))  # a missing joint counts 0
    vr = float(np.nansum(p[R, 3]))
    if abs(vl - vr) > 1e-6:
        return "left" if vl > vr else "right"
    if not (np.isfinite(p[L, 2]).any() and np.isfinite(p[R, 2]).any()):
        return "left"
    zl = np.nanmean(p[L, 2])
    zr = np.nanmean(p[R, 2])
    if np.isfinite(zl) and np.isfinite(zr) and zl != zr:
        return "left" if zl < zr else "right"
    return "left"


def body_line(p: np.ndarray, side: str, aspect: float = 1.0) -> tuple[float, float]:
    """(shoulder-hip-ankle angle in degrees, signed hip offset in trunk lengths).

    Offset: perpendicular distance of the hip from the shoulder-ankle line
    divided by the shoulder-hip distance; positive when the hip is below the
    line (larger image y, i.e. sag), negative above (pike)."""
    s, h, a = (_xy(p, f"{side}_{j}", aspect) for j in ("shoulder", "hip", "ankle"))
    ang = angle3(s, h, a)
    d = a - s
    L = np.linalg.norm(d)
    trunk = np.linalg.norm(h - s)
    if L == 0 or trunk == 0:
        return ang, float("nan")
    # Perpendicular offset of h from line s->a, sign by image-y: a point on the
    # line at h's parameter has y_line; hip below when h.y > y_line.
    tpar = float((h - s) @ d) / (L * L)
    foot = s + tpar * d
    perp = np.linalg.norm(h - foot)
    sign = 1.0 if h[1] > foot[1] else -1.0
    return ang, sign * perp / trunk


def knee_angle(p: np.ndarray, side: str, aspect: float = 1.0) -> float:
    return angle3(*(_xy(p, f"{side}_{j}", aspect) for j in ("hip", "knee", "ankle")))


def trunk_incline(p: np.ndarray, side: str, aspect: float = 1.0) -> float:
    """Angle of the hip->shoulder vector from vertical (up), degrees."""
    s, h = _xy(p, f"{side}_shoulder", aspect), _xy(p, f"{side}_hip", aspect)
    d = s - h
    n = np.linalg.norm(d)
    if n == 0:
        return float("nan")
    return math.degrees(math.acos(max(-1.0, min(1.0, -d[1] / n))))


def pct(xs, qs=(10, 50, 90)) -> dict:
    xs = np.asarray([x for x in xs if np.isfinite(x)], dtype=float)
    if len(xs) == 0:
        return {"n": 0}
    out = {"n": len(xs)}
    for q in qs:
        out[{10: "p10", 50: "median", 90: "p90"}.get(q, f"p{q}")] = round(float(np.percentile(xs, q)), 3)
    return out


# ---------------------------------------------------------------- rendering

def render_sheet(path: Path, poses: np.ndarray, aspects, captions: list[str],
                 cols: int = 5, rows: int = 4, guide: bool = True, dpi: int = 60) -> None:
    """Contact sheet: each pose in its own panel, y down, equal axes in true
    aspect (x * aspect). Near side drawn dark, far side light; a dashed
    shoulder-ankle line on the near side and a dotted horizontal through the
    near shoulder when ``guide``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    aspects = np.broadcast_to(np.asarray(aspects, dtype=float), (len(poses),))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 3.2, rows * 3.2))
    for k, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= len(poses):
            ax.axis("off")
            continue
        p = poses[k].copy()
        asp = aspects[k]
        p[:, 0] *= asp
        ns = near_side(poses[k])
        for a, b in BONES:
            pa, pb = p[IDX[a]], p[IDX[b]]
            if not (np.isfinite(pa[:2]).all() and np.isfinite(pb[:2]).all()):
                continue
            far_prefix = "left" if ns == "right" else "right"
            far = a.startswith(far_prefix) or b.startswith(far_prefix)
            if far:
                col = "#c0c0c0"
            elif any(j in a + b for j in ("knee", "ankle", "heel", "foot")):
                col = "#2ca02c"
            elif any(j in a + b for j in ("elbow", "wrist", "index")):
                col = "#ff7f0e"
            else:
                col = "#1f77b4"
            ax.plot([pa[0], pb[0]], [pa[1], pb[1]], "-", color=col, lw=2 if not far else 1.2)
        ok = np.isfinite(p[:, 0])
        if not ok.any():
            ax.set_title(captions[k] + " (empty)", fontsize=8)
            continue
        ax.plot(p[ok, 0], p[ok, 1], ".", color="k", ms=3)
        if guide:
            s, a = p[IDX[f"{ns}_shoulder"]], p[IDX[f"{ns}_ankle"]]
            if np.isfinite(s[:2]).all() and np.isfinite(a[:2]).all():
                ax.plot([s[0], a[0]], [s[1], a[1]], "--", color="m", lw=0.8)
                # faint horizontal through the near shoulder (hip above it = apex)
                ax.axhline(s[1], color="#999999", lw=0.5, ls=":")
        h = p[IDX[f"{ns}_hip"]]
        if np.isfinite(h[:2]).all():
            ax.plot([h[0]], [h[1]], "o", color="r", ms=5)
        xs, ys = p[ok, 0], p[ok, 1]
        cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
        r = max(xs.max() - xs.min(), ys.max() - ys.min()) / 2 * 1.1 + 1e-6
        ax.set_xlim(cx - r, cx + r)
        ax.set_ylim(cy + r, cy - r)  # y down
        ax.set_aspect("equal")
        ax.set_title(captions[k], fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
