"""Body dimensions: segment lengths as fractions of stature (Drillis &
Contini 1966, in Winter 2009, Fig. 4.1), the sampled statures, the heights
of joint centres resting on the floor, and :class:`BodyDims`."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

# --------------------------------------------------------------------------------------
# Anthropometry: Drillis & Contini (1966) / Winter (2009), Fig. 4.1 (fractions of H).
# Landmark heights in that figure: vertex 1.000H, eye 0.936H, chin 0.870H,
# shoulder (acromion) 0.818H, elbow 0.630H, wrist 0.485H, hip (greater
# trochanter) 0.530H, knee 0.285H, ankle 0.039H.
# --------------------------------------------------------------------------------------
UPPER_ARM_FRAC = 0.186
"""Shoulder to elbow (0.818H - 0.630H, rounded as usually quoted)."""
FOREARM_FRAC = 0.146
"""Elbow to wrist (0.630H - 0.485H)."""
HAND_FRAC = 0.108
"""Wrist to fingertip."""
THIGH_FRAC = 0.245
"""Hip (greater trochanter, 0.530H) to knee (0.285H)."""
SHANK_FRAC = 0.246
"""Knee (0.285H) to ankle (0.039H)."""
FOOT_LENGTH_FRAC = 0.152
"""Heel to toe tip."""
ANKLE_HEIGHT_FRAC = 0.039
"""Ankle joint centre above the floor when standing."""
SHOULDER_WIDTH_FRAC = 0.259
"""Biacromial breadth (used as the distance between the shoulder landmarks)."""
HIP_WIDTH_FRAC = 0.191
"""Hip breadth (used as the distance between the hip landmarks)."""
TRUNK_FRAC = 0.288
"""Shoulder (0.818H) to hip (0.530H): the trunk between the landmarks."""
HEAD_NECK_FRAC = 0.118
"""Shoulder line (0.818H) to the head centre, taken at eye height (0.936H):
the head centre lies halfway between chin (0.870H) and vertex (1.000H)."""
HEAD_RADIUS_FRAC = 0.060
"""Head sphere radius: about half of the chin-to-vertex height (0.130H) and of
the head breadth (~0.09H), rounded down to put the face points on the skin."""
HAND_BREADTH_FRAC = 0.050
"""Hand breadth at the knuckles (~8.5 cm for a 1.71 m adult; not in Winter's
figure, taken from adult anthropometric surveys such as ANSUR II)."""

# Stature of the sampled bodies: pooled adult men (~1.76 m) and women (~1.63 m)
# of European/North American populations (NCD-RisC 2016) give ~1.71 m with a
# standard deviation of ~0.09 m; the clip keeps the proportions meaningful.
STATURE_MEAN_M = 1.71
"""Mean stature of the sampled adults (m)."""
STATURE_SD_M = 0.09
"""Its standard deviation (m)."""
STATURE_RANGE_M = (1.50, 1.95)
"""Sampled statures are clipped to this range (m)."""
PROPORTION_SD = 0.02
"""Individual segment proportions vary by a few percent around the means."""
PROPORTION_MAX_DEV = 0.04
"""...clipped at +-4 % so every sampled body stays plausible."""

# --------------------------------------------------------------------------------------
# Floor contacts: heights (m) of the landmark/joint centres above the floor
# when that body part rests on it (soft tissue and bone between joint and floor).
# --------------------------------------------------------------------------------------
ELBOW_FLOOR_H = 0.045
"""Elbow joint centre of a forearm resting on the floor (olecranon + tissue)."""
WRIST_FLOOR_H = 0.030
"""Wrist joint centre of a forearm lying on the floor (the forearm tapers)."""
TOE_FLOOR_H = 0.015
"""Foot-index landmark of a foot standing on its toes (plank)."""
KNEE_FLOOR_H = 0.050
"""Knee joint centre when kneeling on the kneecap."""
SHOULDER_LYING_H = 0.080
"""Shoulder joint centre when lying on the back (scapula and posterior
deltoid underneath)."""
HIP_LYING_H = 0.090
"""Hip joint centre when lying on the back (gluteal tissue underneath)."""
ARM_LYING_H = 0.040
"""Elbow and wrist centres of an arm resting on the floor."""


# --------------------------------------------------------------------------------------
# Body dimensions
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BodyDims:
    """Segment lengths (metres) of one body. Build with :meth:`from_stature`
    or :meth:`sample`; fractions of stature follow Drillis & Contini (1966)
    as given in Winter (2009), Fig. 4.1."""

    stature: float
    upper_arm: float
    forearm: float
    hand: float
    thigh: float
    shank: float
    foot_length: float
    ankle_height: float
    shoulder_width: float
    hip_width: float
    trunk: float
    head_neck: float
    head_radius: float
    hand_breadth: float

    def __post_init__(self) -> None:
        for f in fields(self):
            value = float(getattr(self, f.name))
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"BodyDims.{f.name} must be a positive length, got {value!r}")
            object.__setattr__(self, f.name, value)
        if not 0.5 <= self.stature <= 2.5:
            raise ValueError(f"BodyDims.stature must be 0.5-2.5 m, got {self.stature}")

    @classmethod
    def from_stature(cls, stature: float = STATURE_MEAN_M) -> BodyDims:
        """Average proportions for a body of the given stature (m)."""
        h = float(stature)
        return cls(
            stature=h,
            upper_arm=UPPER_ARM_FRAC * h,
            forearm=FOREARM_FRAC * h,
            hand=HAND_FRAC * h,
            thigh=THIGH_FRAC * h,
            shank=SHANK_FRAC * h,
            foot_length=FOOT_LENGTH_FRAC * h,
            ankle_height=ANKLE_HEIGHT_FRAC * h,
            shoulder_width=SHOULDER_WIDTH_FRAC * h,
            hip_width=HIP_WIDTH_FRAC * h,
            trunk=TRUNK_FRAC * h,
            head_neck=HEAD_NECK_FRAC * h,
            head_radius=HEAD_RADIUS_FRAC * h,
            hand_breadth=HAND_BREADTH_FRAC * h,
        )

    @classmethod
    def sample(cls, rng: np.random.Generator) -> BodyDims:
        """A random adult: stature ~ N(1.71, 0.09) m clipped to 1.50-1.95 m,
        each proportion jittered (sd 2 %, at most +-4 %)."""
        h = float(np.clip(rng.normal(STATURE_MEAN_M, STATURE_SD_M), *STATURE_RANGE_M))
        base = cls.from_stature(h)
        values: dict[str, float] = {"stature": h}
        for f in fields(cls):
            if f.name == "stature":
                continue
            jitter = float(np.clip(rng.normal(0.0, PROPORTION_SD), -PROPORTION_MAX_DEV, PROPORTION_MAX_DEV))
            values[f.name] = getattr(base, f.name) * (1.0 + jitter)
        return cls(**values)

    @property
    def arm_length(self) -> float:
        """Shoulder to wrist with the elbow straight."""
        return self.upper_arm + self.forearm

    @property
    def leg_length(self) -> float:
        """Hip to ankle with the knee straight."""
        return self.thigh + self.shank
