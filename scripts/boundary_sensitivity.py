"""How much a chunk boundary of ``coach analyze --workers N`` can change
counts and hold times, on the real pose tracks of ``tests/data/real/``.

    python scripts/boundary_sensitivity.py [--white]

From the middle frame on, every landmark gets an offset of the size
measured between two landmarkers after a boundary (0.25 % of the image
per coordinate): by default temporally smooth (a 15-frame moving average
of white noise, rescaled), with ``--white`` independent per frame. Five
seeds per track; prints (count change, hold-time change in s) per seed.
Used for docs/models.md ("Parallel inference").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from coach.pipeline import Pipeline, run
from coach.pose import PoseFrame
from coach.posetrack import read_pose_track
from coach.registry import exercise_names, get_exercise

REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "real"
SIZE = 0.0025
SMOOTH = 15


def _moving_average(v: np.ndarray) -> np.ndarray:
    return np.convolve(v, np.ones(SMOOTH) / SMOOTH, "valid")


def _summary(frames: list[PoseFrame], exercise: str) -> tuple[int, float]:
    s = run(((f, None) for f in frames), Pipeline(get_exercise(exercise))).summary
    return s.reps, s.hold_s


def main(white: bool) -> None:
    for meta_path in sorted(REAL.glob("*.json")):
        exercise = json.loads(meta_path.read_text()).get("exercise")
        if exercise not in exercise_names():
            continue
        frames = list(read_pose_track(meta_path.with_suffix(".csv")))
        if len(frames) < 60:
            continue
        reps, hold = _summary(frames, exercise)
        b = len(frames) // 2
        n = len(frames) - b
        changes = []
        for seed in range(5):
            rng = np.random.default_rng(seed)
            noise = rng.normal(0, 1, (n + SMOOTH, *frames[0].xy.shape))
            if not white:
                noise = np.apply_along_axis(_moving_average, 0, noise)
            noise = noise[:n] / noise[:n].std() * SIZE
            out = frames[:b] + [f.replace(xy=f.xy + noise[i]) for i, f in enumerate(frames[b:])]
            r, h = _summary(out, exercise)
            changes.append((r - reps, round(h - hold, 3)))
        print(f"{meta_path.stem} ({exercise}, {len(frames)} frames): {reps} counted, {hold:.2f} s held; "
              f"changes per seed: {changes}")


if __name__ == "__main__":
    main("--white" in sys.argv[1:])
