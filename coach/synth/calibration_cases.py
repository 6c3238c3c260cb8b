"""Generated people for measuring calibration (``coach eval``, ACCURACY.md
"Calibration", :mod:`coach.evaluation.calibration`).

Each :class:`CalibrationCase` is one person and one exercise: a recording
of their best form to calibrate from, and :class:`Trial` recordings of the
same body and habits (other seeds for movement and noise), each with the
fault it shows or does not show *for that person*:

* plank: the person's own habitual hip height (0-20 degrees high, as real
  people plank), clean, and with the hips sunk 2, 4 and 8 degrees below
  the straight line (a sag: a safety fault);
* hip bridge: a best top 0, 8 or 16 degrees short of straight; bridges at
  that top, 12 degrees below it, and arching 12 degrees past straight;
* knee-to-chest: a range of 100, 115 or 130 degrees; holds at it and 15
  degrees short of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from coach.pose import PoseFrame
from coach.synth.body import BodyDims
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios.bridge import bridge_reps
from coach.synth.scenarios.knee_to_chest import knee_to_chest
from coach.synth.scenarios.plank import PLANK_HABIT_PIKE, plank_hold

Frames = Callable[[], Sequence[PoseFrame]]


@dataclass(frozen=True)
class Trial:
    condition: str
    fault: str
    should: Literal["yes", "no"]
    """Whether ``fault`` is there, for this person."""
    frames: Frames


@dataclass(frozen=True)
class CalibrationCase:
    exercise: str
    calibration: Frames
    trials: tuple[Trial, ...]


def calibration_cases(people: int, noise: NoiseConfig | None = None) -> list[CalibrationCase]:
    """``people`` people, each calibrated for each floor exercise (the
    recordings are generated when called)."""
    noise = noise or NoiseConfig()
    out: list[CalibrationCase] = []
    for k in range(people):
        rng = np.random.default_rng([0xCA1, k])
        dims = BodyDims.sample(rng)
        s = [int(x) for x in rng.integers(0, 2**31, size=8)]
        mean, sd, lo, hi = PLANK_HABIT_PIKE
        habit = float(np.clip(rng.normal(mean, sd), lo, hi))

        def plank(seconds: float, seed: int, sag: float = 0.0, habit: float = habit, dims: BodyDims = dims) -> Frames:
            return lambda: plank_hold(seconds, sag_deg=sag, sag_start_s=5.0 if sag else None, seed=seed,
                                      dims=dims, habit_deg=habit, noise=noise).frames

        out.append(CalibrationCase("plank", plank(12.0, s[0]), (
            Trial("clean, own hip height", "hips_sagging", "no", plank(30.0, s[1])),
            *(Trial(f"hips {sag:g} degrees below the straight line", "hips_sagging", "yes", plank(30.0, s[2], sag))
              for sag in (2.0, 4.0, 8.0)),
        )))
        top = (0.0, 8.0, 16.0)[k % 3]

        def bridge(n: int, seed: int, deficit: float = 0.0, arch: float = 0.0, dims: BodyDims = dims) -> Frames:
            return lambda: bridge_reps(n, hip_extension_deficit_deg=deficit, overarch_deg=arch, seed=seed,
                                       dims=dims, noise=noise).frames

        out.append(CalibrationCase("hip_bridge", bridge(3, s[3], top), (
            Trial(f"at own top ({top:g} degrees short of straight)", "hips_too_low", "no", bridge(5, s[4], top)),
            Trial("12 degrees below own top", "hips_too_low", "yes", bridge(5, s[4], top + 12.0)),
            Trial("arching 12 degrees past straight", "back_overarched", "yes", bridge(5, s[5], arch=12.0)),
        )))
        reach = (100.0, 115.0, 130.0)[k % 3]

        def ktc(seconds: float, seed: int, flex: float, dims: BodyDims = dims) -> Frames:
            return lambda: knee_to_chest(("left",), hold_s=seconds, hip_flexion_deg=flex, seed=seed, dims=dims,
                                         noise=noise).frames

        out.append(CalibrationCase("knee_to_chest", ktc(8.0, s[6], reach), (
            Trial(f"at own range ({reach:g} degrees)", "knee_not_close", "no", ktc(15.0, s[7], reach)),
            Trial("15 degrees short of own range", "knee_not_close", "yes", ktc(15.0, s[7], reach - 15.0)),
        )))
    return out
