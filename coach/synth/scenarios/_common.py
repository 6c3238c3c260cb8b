"""What the scenario generators share: the timing and sway constants, the
keyframe timeline with minimum-jerk easing, tempo variation, sway and
breathing, the random streams, truth classification against the
``*_FAULT`` thresholds, argument checks and rendering to frames."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from coach.synth.body import NUMERIC_FIELDS, BodyDims, Posture, PostureSeq, bilateral, solve
from coach.synth.camera import View, frame_camera, project_track, to_frames
from coach.synth.noise import NoiseConfig, apply_noise
from coach.synth.scenarios.types import FloatArray, Scenario, Span, Truth

EXERCISES: tuple[str, ...] = ("plank", "hip_bridge", "knee_to_chest", "lift")

DEFAULT_FPS = 30.0
"""Webcams deliver 30 frames per second (33 ms per frame, docs/measured.md)."""
TEMPO_VARIATION = 0.15
"""Movement durations vary by +-15 % (people do not move like metronomes)."""
FAULT_RAMP_S = 1.5
"""A fault that appears mid-hold (a plank that starts to sag) grows over 1.5 s."""
SWAY_DEG = 1.0
"""Natural postural sway of a held position, ~1 degree."""
BREATH_DEG = 0.8
"""Breathing moves the trunk by under a degree."""
BREATH_HZ = (0.2, 0.3)
"""12-18 breaths a minute."""
SWAY_HZ = (0.08, 0.4)
"""Postural sway is slow: most power below 0.5 Hz."""
STAND_ARMS = {**bilateral(shoulder_flexion=4.0, shoulder_abduction=6.0, elbow_flexion=12.0)}
"""Relaxed standing arms: hanging, slightly away from the body, elbows soft."""


# --------------------------------------------------------------------------------------
# Animation helpers
# --------------------------------------------------------------------------------------
def min_jerk(u: FloatArray) -> FloatArray:
    """Minimum-jerk easing 10u^3 - 15u^4 + 6u^5 on [0, 1]."""
    u = np.clip(u, 0.0, 1.0)
    return np.asarray(u**3 * (10.0 + u * (-15.0 + 6.0 * u)))


class _Timeline:
    """Keyframes of named scalars; phases are recorded as they are added."""

    def __init__(self, start: Mapping[str, float], t0: float) -> None:
        self._names = tuple(start)
        self._keys: list[tuple[float, dict[str, float]]] = [(t0, dict(start))]
        self.spans: list[Span] = []

    @property
    def t(self) -> float:
        return self._keys[-1][0]

    @property
    def current(self) -> dict[str, float]:
        return dict(self._keys[-1][1])

    def _add(self, dur: float, values: dict[str, float], label: str | None, side: str | None) -> tuple[float, float]:
        start = self.t
        end = start + max(0.0, dur)
        self._keys.append((end, values))
        if label is not None:
            if (
                self.spans
                and self.spans[-1].label == label
                and self.spans[-1].side == side
                and self.spans[-1].end == start
            ):
                last = self.spans.pop()
                self.spans.append(Span(label, last.start, end, side))
            else:
                self.spans.append(Span(label, start, end, side))
        return start, end

    def hold(self, dur: float, label: str | None = None, side: str | None = None) -> tuple[float, float]:
        return self._add(dur, self.current, label, side)

    def move(
        self, dur: float, changes: Mapping[str, float], label: str | None = None, side: str | None = None
    ) -> tuple[float, float]:
        unknown = set(changes) - set(self._names)
        if unknown:
            raise ValueError(f"unknown keyframe values: {', '.join(sorted(unknown))}")
        values = self.current
        values.update({k: float(v) for k, v in changes.items()})
        return self._add(dur, values, label, side)

    def times(self, fps: float) -> FloatArray:
        t0 = self._keys[0][0]
        n = math.floor((self.t - t0) * fps + 1e-9) + 1
        return np.asarray(t0 + np.arange(n) / fps)

    def sample(self, times: FloatArray) -> dict[str, FloatArray]:
        kt = np.array([k[0] for k in self._keys])
        if kt.size == 1:
            return {name: np.full(times.size, self._keys[0][1][name]) for name in self._names}
        idx = np.clip(np.searchsorted(kt, times, side="right") - 1, 0, kt.size - 2)
        span = kt[idx + 1] - kt[idx]
        u = np.where(span > 1e-12, (times - kt[idx]) / np.where(span > 1e-12, span, 1.0), 1.0)
        e = min_jerk(u)
        out: dict[str, FloatArray] = {}
        for name in self._names:
            kv = np.array([k[1][name] for k in self._keys])
            out[name] = kv[idx] + (kv[idx + 1] - kv[idx]) * e
        return out


def _tempo(rng: np.random.Generator) -> float:
    return float(rng.uniform(1.0 - TEMPO_VARIATION, 1.0 + TEMPO_VARIATION))


def _sway(rng: np.random.Generator, times: FloatArray, amp: float, hz: tuple[float, float] = SWAY_HZ) -> FloatArray:
    """Smooth quasi-random sway of peak size about ``amp`` (three sinusoids)."""
    out = np.zeros(times.size)
    for _ in range(3):
        f = rng.uniform(*hz)
        out += np.sin(2.0 * math.pi * f * times + rng.uniform(0.0, 2.0 * math.pi))
    return np.asarray(out * amp / 2.0)


def _breath(rng: np.random.Generator, times: FloatArray, amp: float = BREATH_DEG) -> FloatArray:
    f = rng.uniform(*BREATH_HZ)
    return np.asarray(amp * np.sin(2.0 * math.pi * f * times + rng.uniform(0.0, 2.0 * math.pi)))


def _posture_values(p: Posture) -> dict[str, float]:
    return {name: float(getattr(p, name)) for name in NUMERIC_FIELDS}


def _classify(value: float, thresholds: tuple[float, float]) -> str | None:
    """'clear', 'ambiguous' or None. Thresholds are (ambiguous from, clear
    from); a decreasing pair (ambiguous > clear) means "at or below"."""
    amb, clear = thresholds
    if amb <= clear:
        if value >= clear:
            return "clear"
        return "ambiguous" if value >= amb else None
    if value <= clear:
        return "clear"
    return "ambiguous" if value <= amb else None


def _rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
    """Independent streams for the body, the movement and the noise."""
    body, motion, noise = np.random.SeedSequence(seed).spawn(3)
    return np.random.default_rng(body), np.random.default_rng(motion), np.random.default_rng(noise)


def _with_camera_caveats(truth: Truth, noise: NoiseConfig | None) -> Truth:
    """Noise with dropouts (misses, occlusions, dropped frames) may
    legitimately make an analyzer report ``not_visible`` for a moment."""
    if noise is None or "not_visible" in truth.faults:
        return truth
    if noise.miss_per_min > 0 or noise.occlusion_per_min > 0 or noise.drop_prob > 0:
        return replace(truth, ambiguous_faults=truth.ambiguous_faults | {"not_visible"})
    return truth


def _render(
    *,
    name: str,
    exercise: str | None,
    seq: PostureSeq,
    times: FloatArray,
    dims: BodyDims,
    view: View,
    noise: NoiseConfig | None,
    rng: np.random.Generator,
    fps: float,
    truth: Truth,
) -> Scenario:
    on_floor = seq.base != "standing"
    kin = solve(seq, dims)
    cam = frame_camera(view, kin.points, on_floor)
    track = project_track(kin.points, cam)
    if noise is None:
        frames = to_frames(track, times)
        kept = np.arange(times.size, dtype=np.int64)
    else:
        noisy = apply_noise(track, times, noise, rng, on_floor=on_floor, fps=fps)
        frames = to_frames(noisy.track, noisy.times, noisy.empty)
        kept = noisy.kept
    times_ro = np.array(times)
    times_ro.flags.writeable = False
    return Scenario(
        name=name,
        exercise=exercise,
        frames=frames,
        truth=_with_camera_caveats(truth, noise),
        camera=cam,
        dims=dims,
        fps=fps,
        clean_times=times_ro,
        clean_world=kin.points,
        kept=kept,
    )


def _check_common(fps: float, t0: float) -> None:
    if not (math.isfinite(fps) and 1.0 <= fps <= 240.0):
        raise ValueError(f"fps must be 1-240, got {fps}")
    if not math.isfinite(t0):
        raise ValueError(f"t0 must be finite, got {t0}")


def _check_range(name: str, value: float, lo: float, hi: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ValueError(f"{name} must be within {lo:g}..{hi:g}, got {value!r}")
    return v


def _collect(items: Sequence[tuple[str, str | None]]) -> tuple[frozenset[str], frozenset[str]]:
    """(clear, ambiguous) fault codes from (code, level) pairs."""
    clear = {code for code, level in items if level == "clear"}
    amb: set[str] = set()
    for code, level in items:
        if level == "ambiguous" and code not in clear:
            amb.add(code)
    return frozenset(clear), frozenset(amb)
