"""The core data type: one frame of 33 pose landmarks.

Coordinates follow MediaPipe: ``xy`` is image-normalised (0..1, y down),
``z`` is MediaPipe's relative depth (smaller is nearer the camera, same scale
as x), ``visibility`` is 0..1, and optional ``world`` holds metric
coordinates in metres (origin between the hips, y down).

Validation happens once, here, at construction: arrays get the right shape
and dtype, are copied and made read-only, and any landmark with a
non-finite or absurd coordinate (beyond :data:`COORD_LIMIT`) is marked
invisible (visibility 0) so no NaN ever reaches the geometry as a
"visible" point, and arithmetic on coordinates never overflows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coach.landmarks import NUM_LANDMARKS, Landmark

FloatArray = NDArray[np.float64]

COORD_LIMIT = 1e6
"""Coordinates beyond +-1e6 are corrupt, like NaN: a landmark a million
image widths (or a thousand kilometres, in world coordinates) away was never
measured. MediaPipe's own lie within about -1..2 (image) and +-2 m (world).
With every coordinate bounded, the smoother's arithmetic cannot overflow
(:class:`coach.smoothing.OneEuroFilter`)."""


def _usable(arr: FloatArray) -> NDArray[np.bool_]:
    """Finite and within :data:`COORD_LIMIT` (NaN compares False)."""
    return np.abs(arr) <= COORD_LIMIT


def _as_array(name: str, value: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"PoseFrame.{name} must be numeric: {exc}") from None
    if arr.shape != shape:
        raise ValueError(f"PoseFrame.{name} must have shape {shape}, got {arr.shape}")
    return arr


@dataclass(frozen=True, eq=False)
class PoseFrame:
    """One frame of landmarks. Immutable; arrays are read-only copies."""

    t: float
    xy: FloatArray
    z: FloatArray
    visibility: FloatArray
    world: FloatArray | None = None
    aspect: float = 1.0
    """Image width / height. Geometry uses ``points`` (x scaled by aspect) so
    angles are true angles in the image, not in squashed normalised units."""
    extra: dict[str, float] = field(default_factory=dict)
    has_person: bool = field(init=False, repr=False)
    """Some landmark is visible. Set once at construction, where the
    visibility array is at hand: it is asked several times per frame on the
    per-frame path, first right after the pose network, when any numpy call
    is slow (BENCHMARKS.md, "Analysis share for every exercise")."""

    def __post_init__(self) -> None:
        t = float(self.t)
        if not math.isfinite(t):
            raise ValueError(f"PoseFrame.t must be finite, got {self.t!r}")
        aspect = float(self.aspect)
        if not math.isfinite(aspect) or aspect <= 0:
            raise ValueError(f"PoseFrame.aspect must be positive, got {self.aspect!r}")
        xy = _as_array("xy", self.xy, (NUM_LANDMARKS, 2))
        z = _as_array("z", self.z, (NUM_LANDMARKS,))
        vis = _as_array("visibility", self.visibility, (NUM_LANDMARKS,))
        world = None if self.world is None else _as_array("world", self.world, (NUM_LANDMARKS, 3))

        bad: NDArray[np.bool_] = np.asarray(~_usable(xy).all(axis=1) | ~np.isfinite(vis))
        vis = np.where(bad, 0.0, np.clip(vis, 0.0, 1.0))
        xy = np.where(bad.reshape(-1, 1), np.nan, xy)
        z = np.where(_usable(z), z, 0.0)
        if world is not None:
            wbad = ~_usable(world).all(axis=1)
            world = np.where(np.asarray(wbad).reshape(-1, 1), np.nan, world)
        for arr in (xy, z, vis, world):
            if arr is not None:
                arr.flags.writeable = False
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "aspect", aspect)
        object.__setattr__(self, "xy", xy)
        object.__setattr__(self, "z", z)
        object.__setattr__(self, "visibility", vis)
        object.__setattr__(self, "world", world)
        object.__setattr__(self, "has_person", bool(vis.any()))  # vis is in [0, 1]: any() is "some vis > 0"

    # -- construction helpers -------------------------------------------------
    @classmethod
    def empty(cls, t: float, aspect: float = 1.0) -> PoseFrame:
        """A frame in which nothing is visible (no person detected)."""
        return cls(
            t=t,
            xy=np.full((NUM_LANDMARKS, 2), np.nan),
            z=np.zeros(NUM_LANDMARKS),
            visibility=np.zeros(NUM_LANDMARKS),
            aspect=aspect,
        )

    @classmethod
    def _trusted(cls, t: float, xy: FloatArray, z: FloatArray, visibility: FloatArray,
                 world: FloatArray | None, aspect: float, extra: dict[str, float], has_person: bool) -> PoseFrame:
        """Build a frame from read-only arrays derived from an already
        validated frame (same invisible landmarks, finite elsewhere, the
        same ``has_person``), skipping validation. For the per-frame hot
        path (the smoother) only: the fields are set in one dictionary
        update instead of one ``object.__setattr__`` each."""
        self = object.__new__(cls)
        self.__dict__.update(t=t, xy=xy, z=z, visibility=visibility, world=world, aspect=aspect, extra=extra,
                             has_person=has_person)
        return self

    def at(self, t: float) -> PoseFrame:
        """The same landmarks at time ``t`` (finite), without validating
        them again: they were validated when this frame was built."""
        t = float(t)
        if not math.isfinite(t):
            raise ValueError(f"PoseFrame.t must be finite, got {t!r}")
        return PoseFrame._trusted(t, self.xy, self.z, self.visibility, self.world, self.aspect, self.extra,
                                  self.has_person)

    def replace(self, **changes: object) -> PoseFrame:
        """A copy with some fields changed (re-validated)."""
        values: dict[str, object] = {
            "t": self.t,
            "xy": self.xy,
            "z": self.z,
            "visibility": self.visibility,
            "world": self.world,
            "aspect": self.aspect,
            "extra": self.extra,
        }
        values.update(changes)
        return PoseFrame(**values)  # type: ignore[arg-type]

    # -- queries ----------------------------------------------------------------
    @property
    def has_world(self) -> bool:
        return self.world is not None

    @property
    def points(self) -> FloatArray:
        """Landmarks in units of image height: x scaled by the aspect ratio,
        y down. Use these for angles and distances."""
        pts = self.xy.copy()
        pts[:, 0] *= self.aspect
        return pts

    def point(self, lm: Landmark) -> FloatArray:
        """Aspect-corrected 2D point of one landmark (NaN if unknown)."""
        return np.array([self.xy[lm, 0] * self.aspect, self.xy[lm, 1]])

    def world_point(self, lm: Landmark) -> FloatArray | None:
        if self.world is None:
            return None
        return np.array(self.world[lm])

    def vis(self, lm: Landmark) -> float:
        return float(self.visibility[lm])

    def visible(self, lm: Landmark, threshold: float = 0.5) -> bool:
        return bool(self.visibility[lm] >= threshold)

    def all_visible(self, lms: tuple[Landmark, ...] | list[Landmark], threshold: float = 0.5) -> bool:
        idx = [int(lm) for lm in lms]
        return bool(np.all(self.visibility[idx] >= threshold))
