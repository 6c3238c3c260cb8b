"""One Euro filter: jitter reduction, step lag, resets."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from coach.landmarks import Landmark
from coach.pose import COORD_LIMIT, PoseFrame
from coach.smoothing import MIN_BOUNDED_DT, OneEuroFilter, PoseSmoother, SmootherConfig

FPS = 30.0


def step_lag_frames(step: float, cfg: SmootherConfig | None = None, frac: float = 0.9) -> int:
    """Frames after a clean step until the output reaches ``frac`` of it."""
    c = cfg or SmootherConfig()
    f = OneEuroFilter(c.min_cutoff, c.beta, c.d_cutoff)
    for i in range(30):
        f(i / FPS, np.array([0.5]))
    for k in range(1, 200):
        y = f((29 + k) / FPS, np.array([0.5 + step]))
        if y[0] >= 0.5 + frac * step:
            return k
    return 10**6


def test_step_lag() -> None:
    """The figures in the smoothing module docstring."""
    assert step_lag_frames(0.1) == 3
    assert step_lag_frames(0.02) == 5


def test_removes_jitter_on_still_point() -> None:
    rng = np.random.default_rng(0)
    f = OneEuroFilter(1.7, 10.0, 1.0)
    raw = 0.5 + rng.normal(0, 0.004, 300)
    out = np.array([f(i / FPS, np.array([x]))[0] for i, x in enumerate(raw)])
    assert np.std(out[30:]) < 0.5 * np.std(raw[30:])


def test_tracks_a_rep_without_large_error() -> None:
    f = OneEuroFilter(1.7, 10.0, 1.0)
    t = np.arange(0, 4, 1 / FPS)
    x = 0.5 + 0.15 * np.sin(2 * np.pi * 0.5 * t)  # a 2 s rep, 0.3 of the image
    out = np.array([f(ti, np.array([xi]))[0] for ti, xi in zip(t, x, strict=True)])
    assert np.max(np.abs(out[15:] - x[15:])) < 0.03


def _frame(t: float, x: float, vis: float = 1.0) -> PoseFrame:
    xy = np.full((33, 2), 0.5)
    xy[Landmark.LEFT_WRIST, 0] = x
    v = np.ones(33)
    v[Landmark.LEFT_WRIST] = vis
    return PoseFrame(t=t, xy=xy, z=np.zeros(33), visibility=v)


def test_hidden_landmark_resets_instead_of_dragging() -> None:
    s = PoseSmoother()
    for i in range(20):
        s(_frame(i / FPS, 0.2))
    s(_frame(20 / FPS, 0.2, vis=0.05))  # hidden
    out = s(_frame(21 / FPS, 0.8))  # reappears elsewhere
    assert out.xy[Landmark.LEFT_WRIST, 0] == pytest.approx(0.8)
    # a visible landmark that moves the same way is smoothed (lags behind)
    s2 = PoseSmoother()
    for i in range(20):
        s2(_frame(i / FPS, 0.2))
    out2 = s2(_frame(20 / FPS, 0.8))
    assert out2.xy[Landmark.LEFT_WRIST, 0] < 0.8


def test_gap_and_empty_frames_reset() -> None:
    s = PoseSmoother(SmootherConfig(max_gap_s=0.5))
    for i in range(10):
        s(_frame(i / FPS, 0.2))
    assert s(_frame(5.0, 0.9)).xy[Landmark.LEFT_WRIST, 0] == pytest.approx(0.9)
    empty = PoseFrame.empty(5.1)
    assert s(empty) is empty
    assert s(_frame(5.2, 0.3)).xy[Landmark.LEFT_WRIST, 0] == pytest.approx(0.3)


def test_nan_input_never_poisons_state() -> None:
    s = PoseSmoother()
    for i in range(5):
        s(_frame(i / FPS, 0.4))
    s(_frame(5 / FPS, float("nan")))
    out = s(_frame(6 / FPS, 0.4))
    assert np.isfinite(out.xy[Landmark.LEFT_WRIST]).all()


def test_invalid_parameters() -> None:
    with pytest.raises(ValueError):
        OneEuroFilter(0.0, 0.1, 1.0)


def _wild_track(rng: np.random.Generator, n: int) -> tuple[list[float], list[np.ndarray]]:
    """Times (some a nanosecond apart, some closer) and samples within
    COORD_LIMIT with teleports to the limit, NaNs, and still stretches."""
    t, times, xs = 0.0, [], []
    for i in range(n):
        t += float(rng.choice([1 / FPS, MIN_BOUNDED_DT, MIN_BOUNDED_DT / 10, 0.2]))
        x = rng.normal(0.5, 0.01, (33, 6))
        if i % 7 == 3:
            x[rng.integers(0, 33, 5), rng.integers(0, 6, 5)] = rng.choice([COORD_LIMIT, -COORD_LIMIT, np.nan], 5)
        times.append(t)
        xs.append(x)
    return times, xs


def test_bounded_fast_path_gives_the_guarded_result_without_warnings() -> None:
    """With inputs within COORD_LIMIT the step skips the overflow guard and
    the finiteness checks: bit for bit the same output, and no floating-point
    warning even for teleports across the whole range a nanosecond apart."""
    rng = np.random.default_rng(3)
    times, xs = _wild_track(rng, 400)
    beta = np.array([10.0] * 3 + [5.0] * 3)
    fast, guarded = OneEuroFilter(1.7, beta, 1.0), OneEuroFilter(1.7, beta, 1.0)
    keep = rng.random((400, 33, 1)) > 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for t, x, k in zip(times, xs, keep, strict=True):
            a = fast.step(t, x, k, bounded=True).copy()
            b = guarded.step(t, x, k, bounded=False).copy()
            assert np.array_equal(a, b, equal_nan=True)


def test_pose_smoother_never_warns_on_absurd_input() -> None:
    """Absurd coordinates are corrupt (PoseFrame), so even 1e300 teleports
    reach the smoother as invisible landmarks: no warning, no NaN leak."""
    s = PoseSmoother()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for i in range(10):
            out = s(_frame(i / FPS, 0.4 if i % 2 else 1e300))
            assert np.isfinite(out.xy[out.visibility > 0]).all()
