"""Landmark smoothing with the One Euro filter (Casiez, Roussel & Vogel,
CHI 2012), one filter per landmark coordinate, vectorised with numpy.

The One Euro filter is a low-pass filter whose cut-off rises with speed:
slow jitter is removed strongly, fast movements pass with little lag. The
MediaPipe Tasks API dropped its built-in smoothing (docs/measured.md), so coach
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
      (docs/measured.md: far-side joints read 0.05-0.35), so the filter restarts.
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


MIN_BOUNDED_DT = 1e-9
"""Seconds. For :meth:`OneEuroFilter.step` with bounded inputs: samples a
nanosecond or more apart give speeds of at most 2e15 units/s from values
within 1e6, cut-offs of at most about 2e16 Hz, far from float64's 1.8e308
(and from underflow), so nothing can overflow. Closer samples take the
guarded path."""


def _alpha(cutoff: FloatArray | float, dt: float) -> FloatArray:
    # alpha = 1 / (1 + tau/dt) with tau = 1 / (2 pi fc)
    return np.asarray(1.0 / (1.0 + 1.0 / (2.0 * math.pi * np.asarray(cutoff) * dt)), dtype=np.float64)


def _alpha_scalar(cutoff: float, dt: float) -> float:
    """:func:`_alpha` of one cut-off, in plain floats: the same IEEE
    operations in the same order, so the same value, without numpy's
    per-call cost."""
    return 1.0 / (1.0 + 1.0 / (2.0 * math.pi * cutoff * dt))


def _alpha_inplace(cutoff: FloatArray, dt: float) -> FloatArray:
    """:func:`_alpha` of a fresh array, computed in place (the same
    operations in the same order, no temporaries)."""
    np.multiply(cutoff, 2.0 * math.pi, out=cutoff)
    np.multiply(cutoff, dt, out=cutoff)
    np.divide(1.0, cutoff, out=cutoff)
    np.add(cutoff, 1.0, out=cutoff)
    return np.divide(1.0, cutoff, out=cutoff)


class OneEuroFilter:
    """Vectorised One Euro filter: every element of the input array is its
    own scalar signal with its own state (one filter per coordinate).
    ``beta`` may be an array broadcastable to the input (per-column
    sensitivity). Elements can be restarted individually."""

    def __init__(self, min_cutoff: float, beta: float | FloatArray, d_cutoff: float) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0 or np.any(np.asarray(beta) < 0):
            raise ValueError("One Euro cut-offs must be > 0 and beta >= 0")
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self.reset()

    def reset(self) -> None:
        self._x: FloatArray | None = None
        self._dx: FloatArray | None = None
        self._t: float | None = None
        self._valid: NDArray[np.bool_] | None = None

    def __call__(self, t: float, x: FloatArray, keep: NDArray[np.bool_] | None = None) -> FloatArray:
        """Filter sample ``x`` at time ``t``. Elements where ``keep`` is
        False (``keep`` broadcasts to ``x``), whose input is NaN, or whose
        previous sample was not kept, restart from the raw input: a hidden
        landmark is never dragged from where it was last seen."""
        return self.step(t, np.asarray(x, dtype=np.float64), keep).copy()

    def step(self, t: float, x: FloatArray, keep: NDArray[np.bool_] | None = None,
             bounded: bool = False) -> FloatArray:
        """:meth:`__call__` for a float64 ``x`` the filter may keep: the
        result is the filter's own state (read it, do not write to it).
        The per-frame path of :class:`PoseSmoother`.

        ``bounded``: every finite value this filter has been given, and is
        given now, lies within :data:`coach.pose.COORD_LIMIT` (validated
        :class:`PoseFrame` coordinates do). With samples at least
        :data:`MIN_BOUNDED_DT` apart no operation can then overflow, so an
        element's output is finite exactly where it and its previous sample
        are valid: the overflow guard and the two finiteness checks are
        skipped, with the same result.

        Cost: this runs right after the pose network, with the CPU caches
        cold, where every numpy call costs several microseconds
        (BENCHMARKS.md, "Analysis share for every exercise"); so the scalar
        cut-off is computed in floats, ``x - prev`` once, and the array
        cut-off in place. Every value is computed by the same operations in
        the same order as the textbook form, so the output is bit for bit
        the same."""
        finite = np.isfinite(x)
        valid_now = finite if keep is None else (finite & keep)
        prev_x, prev_dx, prev_t, prev_valid = self._x, self._dx, self._t, self._valid
        self._t = t
        self._valid = valid_now
        if prev_x is None or prev_dx is None or prev_t is None or prev_valid is None or t <= prev_t \
                or prev_x.shape != x.shape:
            self._x = x.copy()
            self._dx = np.zeros_like(x)
            return self._x
        dt = t - prev_t
        ok = valid_now & prev_valid
        if bounded and dt >= MIN_BOUNDED_DT:
            x_hat, dx_hat = self._filtered(x, prev_x, prev_dx, dt)
        else:
            # absurd inputs (teleports of 1e300) may overflow; such elements
            # are not finite afterwards and restart from the input below
            with np.errstate(over="ignore", invalid="ignore"):
                x_hat, dx_hat = self._filtered(x, prev_x, prev_dx, dt)
            ok &= np.isfinite(x_hat)
            ok &= np.isfinite(dx_hat)
        self._x = np.where(ok, x_hat, x)
        self._dx = np.where(ok, dx_hat, 0.0)
        return self._x

    def _filtered(self, x: FloatArray, prev_x: FloatArray, prev_dx: FloatArray,
                  dt: float) -> tuple[FloatArray, FloatArray]:
        """The One Euro update of every element (new position, new speed),
        valid or not; :meth:`step` keeps the valid ones."""
        diff = x - prev_x
        dx_hat = diff / dt
        dx_hat -= prev_dx
        dx_hat *= _alpha_scalar(self.d_cutoff, dt)
        dx_hat += prev_dx
        cutoff = np.abs(dx_hat)
        cutoff *= self.beta
        cutoff += self.min_cutoff
        a = _alpha_inplace(cutoff, dt)
        diff *= a
        return np.add(prev_x, diff, out=diff), dx_hat


class PoseSmoother:
    """Smooths whole :class:`PoseFrame` objects: x, y, z and (when present)
    world x, y, z of every landmark, each coordinate its own One Euro
    filter, computed in one vectorised call."""

    def __init__(self, config: SmootherConfig | None = None) -> None:
        self.config = config or SmootherConfig()
        c = self.config
        self._beta_img = np.full(3, c.beta)
        self._beta_all = np.array([c.beta] * 3 + [c.beta * c.world_scale] * 3)
        self._filter = OneEuroFilter(c.min_cutoff, self._beta_all, c.d_cutoff)
        self._last_t: float | None = None

    def reset(self) -> None:
        self._filter.reset()
        self._last_t = None

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        c = self.config
        if not frame.has_person:
            self.reset()
            return frame
        if self._last_t is not None and (frame.t - self._last_t > c.max_gap_s or frame.t <= self._last_t):
            self.reset()
        self._last_t = frame.t
        if frame.world is not None:
            stacked = np.concatenate((frame.xy, frame.z[:, None], frame.world), axis=1)
            self._filter.beta = self._beta_all
        else:
            stacked = np.concatenate((frame.xy, frame.z[:, None]), axis=1)
            self._filter.beta = self._beta_img
        keep = (frame.visibility >= c.reset_visibility)[:, None]
        out = self._filter.step(frame.t, stacked, keep, bounded=True)  # PoseFrame bounds its coordinates
        # The filter only mixes finite values of kept landmarks and passes
        # everything else through unchanged, so the output keeps the input
        # frame's validity: no need to validate again on the hot path. The
        # frame's arrays are read-only views of the filter's state, which
        # the filter replaces on every step and never writes to (no copies).
        out.setflags(write=False)
        return PoseFrame._trusted(
            frame.t, out[:, :2], out[:, 2], frame.visibility,
            out[:, 3:] if frame.world is not None else None,
            frame.aspect, frame.extra, True,
        )


__all__ = ["NUM_LANDMARKS", "OneEuroFilter", "PoseSmoother", "SmootherConfig"]
