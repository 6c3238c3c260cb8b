"""Accuracy cost of the lite and full pose models against heavy, on videos.

    python scripts/variant_accuracy.py [VIDEO ...]   # default: coach bench's generated video

For each video, every variant runs over every frame (one landmarker, VIDEO
mode, as ``coach analyze --workers 1``). Against heavy as reference it
reports, over the landmarks heavy sees (visibility > 0.7):

- the median and p95 landmark distance, in % of the image width;
- the median and p95 error of the elbow and shoulder angles (true image
  angles, aspect applied) where heavy sees all three joints;
- for each exercise, whether the per-frame verdicts (phase, faults, count,
  hold) and the summary equal heavy's.

Used for docs/models.md ("Model variants").
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from coach.geometry import angle_deg
from coach.models import ensure_model
from coach.pipeline import Pipeline, pose_frames_from, run
from coach.pose import PoseFrame
from coach.registry import exercise_names, get_exercise

VARIANTS = ("lite", "full", "heavy")
# (a, vertex, b): left/right elbow, left/right shoulder
ANGLES = {"elbow": ((11, 13, 15), (12, 14, 16)), "shoulder": ((13, 11, 23), (14, 12, 24))}


def _frames(video: Path, variant: str) -> list[PoseFrame]:
    items, _ = pose_frames_from(video, ensure_model(f"pose_landmarker_{variant}"), workers=1)
    return [f for f, _ in items]


def _verdicts(frames: list[PoseFrame], exercise: str) -> tuple[list[tuple[object, ...]], dict[str, object]]:
    rows: list[tuple[object, ...]] = []

    class Keep:
        def on_sample(self, s: object) -> None:
            v = s.verdict  # type: ignore[attr-defined]
            rows.append((v.phase, tuple(v.faults), v.reps, round(v.hold_s, 3)))

        def close(self, summary: object) -> None:
            del summary

    result = run(((f, None) for f in frames), Pipeline(get_exercise(exercise)), [Keep()])
    return rows, result.summary.to_json()


def main(videos: list[Path]) -> None:
    for video in videos:
        per = {v: _frames(video, v) for v in VARIANTS}
        ref = per["heavy"]
        print(f"{video.name}: {len(ref)} frames")
        for v in ("lite", "full"):
            dist: list[float] = []
            ang: list[float] = []
            for a, h in zip(per[v], ref, strict=True):
                if not (a.has_person and h.has_person):
                    continue
                seen = h.visibility > 0.7
                d = np.hypot((a.xy[seen, 0] - h.xy[seen, 0]), (a.xy[seen, 1] - h.xy[seen, 1]) / h.aspect)
                dist.extend((100 * d).tolist())
                pa, ph = a.points, h.points
                for triples in ANGLES.values():
                    for i, j, k in triples:
                        if seen[[i, j, k]].all():
                            mine = angle_deg(tuple(pa[i]), tuple(pa[j]), tuple(pa[k]))
                            ang.append(abs(mine - angle_deg(tuple(ph[i]), tuple(ph[j]), tuple(ph[k]))))
            same = []
            for ex in exercise_names():
                rows_v, sum_v = _verdicts(per[v], ex)
                rows_h, sum_h = _verdicts(ref, ex)
                same.append(f"{ex} {'same' if rows_v == rows_h and sum_v == sum_h else 'DIFFERENT'}")
            q = np.percentile
            print(f"  {v} vs heavy: landmark distance median {np.median(dist):.2f} % / p95 {q(dist, 95):.2f} % of "
                  f"width ({len(dist)} landmarks); elbow+shoulder angle error median "
                  f"{np.median(ang) if ang else float('nan'):.1f} deg / p95 {q(ang, 95) if ang else float('nan'):.1f}"
                  f" deg ({len(ang)} angles); verdicts: {', '.join(same)}")


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths:
        from coach.bench import make_person_video

        tmp = Path(tempfile.mkdtemp(prefix="coach-variants-"))
        paths = [make_person_video(tmp / "person.mp4", 300)]
    main(paths)
