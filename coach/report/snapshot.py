"""The worst moment of a set as a skeleton drawn from the stored joint
positions, the faulty segments in red. Never video: coach stores no image
of the person, so the snapshot exists only when the set kept its pose track
(``--keep-track``); the per-second data holds angles, not joints, and a
skeleton is not guessed from them.

The worst moment is the middle of the set's worst fault episode: a
lower-back safety fault before any other, then the longest."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from coach.exercise import NOT_VISIBLE
from coach.landmarks import SIDES, SKELETON_EDGES, Landmark
from coach.pose import PoseFrame
from coach.registry import fault_label, find_spec
from coach.store.db import Store
from coach.store.rescore import track_frames
from coach.store.rows import SetDetail

GOOD_SEGMENT = "#16a34a"
FAULT_SEGMENT = "#dc2626"
MIN_VISIBILITY = 0.3


@dataclass(frozen=True)
class WorstMoment:
    t: float
    codes: tuple[str, ...]


def worst_moment(det: SetDetail) -> WorstMoment | None:
    """The middle of the worst fault episode and the faults active then
    (None for a set without form faults)."""
    faults = [f for f in det.faults if f.code != NOT_VISIBLE]
    if not faults:
        return None
    spec = find_spec(det.set.exercise)
    safety = spec.safety_codes if spec is not None else frozenset()
    worst = max(faults, key=lambda f: (f.code in safety, f.duration, -f.start))
    t = 0.5 * (worst.start + worst.end)
    active = [worst.code, *(f.code for f in faults if f.start <= t <= f.end and f.code != worst.code)]
    return WorstMoment(t, tuple(dict.fromkeys(active)))


def fault_landmarks(exercise: str, codes: Iterable[str], side: str | None) -> set[Landmark]:
    """The joints the spec ties to ``codes`` (sided names on ``side``, both
    sides when it is not known)."""
    spec = find_spec(exercise)
    out: set[Landmark] = set()
    for code in codes:
        f = spec.fault(code) if spec is not None else None
        for name in (f.joints if f is not None else ()):
            key = name.upper()
            if key in Landmark.__members__:
                out.add(Landmark[key])
                continue
            for s in ((side,) if side in SIDES else SIDES):
                member = f"{s}_{name}".upper()
                if member in Landmark.__members__:
                    out.add(Landmark[member])
    return out


def frame_at(store: Store, set_id: int, t: float) -> PoseFrame | None:
    """The stored frame nearest ``t`` (None without a stored track)."""
    best: PoseFrame | None = None
    for f in track_frames(store, set_id):
        if best is None or abs(f.t - t) < abs(best.t - t):
            best = f
        elif f.t > t:
            break
    return best


def draw(frame: PoseFrame, hot: set[Landmark], title: str) -> bytes:
    """The skeleton in true image proportions; a segment touching a faulty
    joint is red and thick, the rest green."""
    xy = np.asarray(frame.xy, dtype=float).copy()
    xy[:, 0] *= frame.aspect if frame.aspect and frame.aspect > 0 else 1.0
    seen = np.asarray(frame.visibility) >= MIN_VISIBILITY
    fig = Figure(figsize=(4.6, 3.2), dpi=110, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.axis("off")
    pts = [i for i in range(len(xy)) if seen[i] and np.isfinite(xy[i]).all()]
    for a, b in SKELETON_EDGES:
        if not (seen[a] and seen[b]):
            continue
        bad = a in hot or b in hot
        ax.plot([xy[a, 0], xy[b, 0]], [xy[a, 1], xy[b, 1]], color=FAULT_SEGMENT if bad else GOOD_SEGMENT,
                linewidth=5.0 if bad else 3.0, solid_capstyle="round", zorder=3 if bad else 2)
    if pts:
        ax.scatter(xy[pts, 0], xy[pts, 1], s=14, color="#1f2937", zorder=4)
        hx = [i for i in pts if Landmark(i) in hot]
        if hx:
            ax.scatter(xy[hx, 0], xy[hx, 1], s=60, facecolors="none", edgecolors=FAULT_SEGMENT, linewidths=2,
                       zorder=5)
        x0, x1 = xy[pts, 0].min(), xy[pts, 0].max()
        y0, y1 = xy[pts, 1].min(), xy[pts, 1].max()
        pad = 0.08 * max(x1 - x0, y1 - y0, 1e-3)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y1 + pad, y0 - pad)  # image y points down
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold", color="#1f2937")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, facecolor="white")
    return buf.getvalue()


def snapshot(store: Store, det: SetDetail) -> tuple[bytes | None, str]:
    """The worst moment's skeleton and its caption; (None, why) when there
    is none."""
    moment = worst_moment(det)
    if moment is None:
        return None, ""
    labels = ", ".join(fault_label(c) for c in moment.codes)
    if not det.track_frames:
        return None, (f"Worst moment at {moment.t:.1f} s ({labels}). No skeleton: this session did not keep "
                      "its pose track (record with --keep-track to see it).")
    frame = frame_at(store, det.set.id, moment.t)
    if frame is None:
        return None, ""
    hot = fault_landmarks(det.set.exercise, moment.codes, det.set.side)
    png = draw(frame, hot, f"Worst moment, {frame.t:.1f} s: {labels}")
    return png, (f"The skeleton at {frame.t:.1f} s, drawn from the stored joint positions (no image of you "
                 "is kept). Red: the segments of the faulty joints.")
