"""Landmark smoothing with the One Euro filter (Casiez, Roussel & Vogel,
CHI 2012), one filter per landmark coordinate, vectorised with numpy.

The One Euro filter is a low-pass filter whose cut-off rises with speed:
slow jitter is removed strongly, fast movements pass with little lag. The
MediaPipe Tasks API dropped its built-in smoothing (FACTS.md), so coach
filters here.

Measured lag (``tests/test_smoothing.py::test_step_lag`` recomputes it):
with the default :class:`SmootherConfig` at 30 fps, a clean step of 0.1
(image-normalised) reaches 90 % of its height 3 frames after the step
(100 ms); a 0.02 step needs 5 frames (167 ms). Still-pose jitter (sd 0.004)
comes out at 0.44 of its input sd. The lag is largest for small changes,
which is exactly where jitter is removed.

Hidden landmarks (visibility below ``reset_visibility``) reset that
landmark's filter state: when it reappears it starts from its new position
instead of being dragged from where it was last seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from coach.landmarks import NUM_LANDMARKS
from coach.pose import PoseFrame

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SmootherConfig:
    """One Euro parameters. Units: positions are image-normalised, so
    ``beta`` is per (normalised unit / s).

    * ``min_cutoff`` 1.7 Hz: human limb movement in these exercises is below
      ~2 Hz, MediaPipe jitter is frame-to-frame (~15 Hz at 30 fps), so a
      ~1.7 Hz cut-off at rest removes most jitter.
    * ``beta`` 10: raises the cut-off with speed (units: Hz per normalised
      unit/s), so a movement is followed within ~3 frames while still
      jitter on a held pose keeps the low cut-off. Chosen by sweeping
      (1.0-2.5 Hz x beta 0.3-10): it halves the lag of beta 0.3 for a
      still-jitter reduction of 0.44 instead of 0.40 (sd out / sd in).
    * ``d_cutoff`` 1.0 Hz: the derivative's own low-pass (paper's default).
    * ``reset_visibility`` 0.3: below this MediaPipe is guessing the joint
      (FACTS.md: far-side joints read 0.05-0.35), so the filter restarts.
    * ``max_gap_s`` 0.5: after a longer gap between frames (dropped frames,
      pause) the state is stale and everything restarts.
    """

    min_cutoff: float = 1.7
    beta: float = 10.0
    d_cutoff: float = 1.0
    reset_visibility: float = 0.3
    max_gap_s: float = 0.5
    world_scale: float = 0.5
    """World coordinates are metres, about 2x image-normalised units for a
    full body in view; ``beta`` is scaled by this for them."""


def _alpha(cutoff: FloatArray | float, dt: float) -> FloatArray:
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff, dtype=np.float64))
    return np.asarray(1.0 / (1.0 + tau / dt), dtype=np.float64)


class OneEuroFilter:
    """Vectorised One Euro filter over an array of any fixed shape whose
    first axis is the landmark (rows can be reset individually)."""

    def __init__(self, min_cutoff: float, beta: float, d_cutoff: float) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError("One Euro cut-offs must be > 0 and beta >= 0")
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self._x: FloatArray | None = None
        self._dx: FloatArray | None = None
        self._t: float | None = None
        self._valid: NDArray[np.bool_] | None = None

    def reset(self) -> None:
        self._x = None
        self._dx = None
        self._t = None
        self._valid = None

    def __call__(self, t: float, x: FloatArray, keep: NDArray[np.bool_] | None = None) -> FloatArray:
        """Filter sample ``x`` at time ``t``. Rows where ``keep`` is False
        (or whose previous value is unknown, or whose input is NaN) restart
        from the raw input."""
        x = np.asarray(x, dtype=np.float64)
        keep_full = np.ones(x.shape, dtype=bool)
        if keep is not None:
            k = keep.reshape(keep.shape + (1,) * (x.ndim - keep.ndim))
            keep_full = np.broadcast_to(k, x.shape)
        if self._x is None or self._t is None or self._dx is None or self._valid is None or t <= self._t:
            self._x = x.copy()
            self._dx = np.zeros_like(x)
            self._t = t
            self._valid = keep_full & np.isfinite(x)
            return x.copy()
        dt = t - self._t
        dx = (x - self._x) / dt
        a_d = _alpha(self.d_cutoff, dt)
        dx_hat = self._dx + a_d * (dx - self._dx)
        speed = np.abs(dx_hat)
        if speed.ndim > 1:  # one cut-off per landmark from its overall speed
            speed = np.linalg.norm(dx_hat, axis=tuple(range(1, speed.ndim)), keepdims=True)
            speed = np.broadcast_to(speed, x.shape)
        cutoff = self.min_cutoff + self.beta * speed
        a = _alpha(cutoff, dt)
        x_hat = self._x + a * (x - self._x)
        # rows hidden now, or hidden/unknown last frame, restart from the input
        restart = ~np.isfinite(x_hat) | ~self._valid | ~keep_full
        x_hat = np.where(restart, x, x_hat)
        dx_hat = np.where(restart | ~np.isfinite(dx_hat), 0.0, dx_hat)
        self._x = x_hat
        self._dx = dx_hat
        self._t = t
        self._valid = keep_full & np.isfinite(x)
        return x_hat.copy()


class PoseSmoother:
    """Smooths whole :class:`PoseFrame` objects (xy, z and world)."""

    def __init__(self, config: SmootherConfig | None = None) -> None:
        self.config = config or SmootherConfig()
        c = self.config
        self._xy = OneEuroFilter(c.min_cutoff, c.beta, c.d_cutoff)
        self._z = OneEuroFilter(c.min_cutoff, c.beta, c.d_cutoff)
        self._world = OneEuroFilter(c.min_cutoff, c.beta * c.world_scale, c.d_cutoff)
        self._last_t: float | None = None

    def reset(self) -> None:
        self._xy.reset()
        self._z.reset()
        self._world.reset()
        self._last_t = None

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        c = self.config
        if not frame.has_person:
            self.reset()
            return frame
        if self._last_t is not None and (frame.t - self._last_t > c.max_gap_s or frame.t <= self._last_t):
            self.reset()
        self._last_t = frame.t
        keep = frame.visibility >= c.reset_visibility
        xy = self._xy(frame.t, frame.xy, keep)
        z = self._z(frame.t, frame.z, keep)
        world = None
        if frame.world is not None:
            world = self._world(frame.t, frame.world, keep)
        return PoseFrame(
            t=frame.t, xy=xy, z=z, visibility=frame.visibility, world=world,
            aspect=frame.aspect, extra=frame.extra,
        )


__all__ = ["NUM_LANDMARKS", "OneEuroFilter", "PoseSmoother", "SmootherConfig"]
