"""MediaPipe-like imperfections for a projected pose track (seeded).

Every figure is a field of :class:`NoiseConfig` with the reason for its
default. :func:`apply_noise` is a pure function of the track, the config
and a ``numpy.random.Generator``: the same seed gives the same noise.

What is modelled (docs/measured.md lists the MediaPipe weaknesses behind it):

* per-landmark Gaussian jitter (the Tasks API has no landmark smoothing),
  larger for bodies lying on the floor, plus a slowly wandering bias;
* visibility near 0.85-1.0 for seen landmarks and 0.05-0.35 for the far side
  of a side view, whose coordinates are also a worse guess; rare episodes in
  which a hidden joint reads 0.99;
* occlusion windows (a limb hidden for a while: visibility low, coordinates
  drifting), dropped frames (missing from the sequence: timestamps jump),
  whole-frame misses (:meth:`PoseFrame.empty`) and one-frame "teleports";
* timestamps with small jitter, always strictly increasing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from coach.landmarks import Landmark
from coach.synth.camera import VIS_OFF_IMAGE, ProjectedTrack

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class NoiseConfig:
    """Noise figures. Image distances are fractions of the image height."""

    jitter_sd_standing: float = 0.004
    """Frame-to-frame landmark jitter of a standing body: ~3 px at 720 p.
    BlazePose full reaches PCK@0.2 of 95-96 (docs/measured.md); un-smoothed Tasks
    output visibly jitters by a few pixels on a still subject."""
    jitter_sd_floor: float = 0.008
    """Bodies lying on the floor track worse (docs/measured.md): twice the jitter."""
    z_jitter_factor: float = 3.0
    """MediaPipe's depth (z, and world z) is much noisier than x and y."""
    bias_sd: float = 0.003
    """Sd of a slowly varying per-landmark offset (the model's systematic
    error on this person and pose; it wanders as the pose changes)."""
    bias_tau_s: float = 2.0
    """Correlation time of that offset (an Ornstein-Uhlenbeck process)."""
    far_extra_sd: float = 0.010
    """Extra jitter of far-side landmarks in a side view: they are guessed."""
    far_bias_sd: float = 0.020
    """Extra slow error of far-side landmarks (~15 px at 720 p)."""
    near_vis: tuple[float, float] = (0.85, 1.0)
    """Visibility range of landmarks the camera sees."""
    far_vis: tuple[float, float] = (0.05, 0.35)
    """Visibility range of far-side hip/knee in side views (docs/measured.md)."""
    vis_tau_s: float = 0.7
    """Visibility wanders smoothly (it comes from the same smooth features)."""
    false_visible_per_min: float = 1.0
    """Episodes per minute in which one hidden joint reads ~0.99 visibility
    (a documented MediaPipe weakness)."""
    false_visible_s: tuple[float, float] = (0.3, 1.2)
    false_visible_level: tuple[float, float] = (0.95, 0.995)
    occlusion_per_min: float = 1.0
    """Episodes per minute in which a limb or the head is hidden (an arm in
    front of the body, a towel, a pet)."""
    occlusion_s: tuple[float, float] = (0.5, 2.0)
    occlusion_vis: tuple[float, float] = (0.05, 0.30)
    occlusion_drift_sd: float = 0.03
    """Random-walk drift of occluded landmarks, image heights per sqrt(s)."""
    drop_prob: float = 0.01
    """Frames lost on the way (USB bandwidth, a slow frame): 1 %."""
    miss_per_min: float = 1.0
    """Episodes per minute in which the detector finds no person."""
    miss_frames: tuple[int, int] = (1, 6)
    """Length of a miss in frames (inclusive)."""
    teleport_prob: float = 0.002
    """Chance per frame that one landmark jumps for one frame."""
    teleport_size: tuple[float, float] = (0.05, 0.25)
    """Size of such a jump (image heights)."""
    t_jitter_sd_s: float = 0.002
    """Timestamp jitter (capture clock), 2 ms; clipped to 30 % of a frame so
    timestamps stay strictly increasing."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if not (math.isfinite(float(item)) and float(item) >= 0):
                    raise ValueError(f"NoiseConfig.{f.name} must be non-negative, got {value!r}")
            if isinstance(value, tuple) and (len(value) != 2 or value[0] > value[1]):
                raise ValueError(f"NoiseConfig.{f.name} must be a (low, high) pair, got {value!r}")
        if self.near_vis[1] > 1.0 or self.far_vis[1] > 1.0 or self.false_visible_level[1] > 1.0:
            raise ValueError("NoiseConfig visibility ranges must lie within 0..1")
        if self.drop_prob >= 0.5 or self.teleport_prob >= 0.5:
            raise ValueError("NoiseConfig.drop_prob and teleport_prob must be below 0.5")

    @classmethod
    def jitter_only(cls) -> NoiseConfig:
        """Jitter, bias and visibility spread; no events (drops, misses,
        occlusions, teleports, false visibility)."""
        return cls(
            false_visible_per_min=0.0,
            occlusion_per_min=0.0,
            drop_prob=0.0,
            miss_per_min=0.0,
            teleport_prob=0.0,
        )

    @classmethod
    def harsh(cls) -> NoiseConfig:
        """A poor setup: dim light, busy background, old webcam."""
        return cls(
            jitter_sd_standing=0.008,
            jitter_sd_floor=0.014,
            bias_sd=0.006,
            false_visible_per_min=3.0,
            occlusion_per_min=3.0,
            drop_prob=0.03,
            miss_per_min=4.0,
            teleport_prob=0.01,
        )


@dataclass(frozen=True, eq=False)
class NoisyTrack:
    """The result of :func:`apply_noise`: the noisy ``track`` and its
    ``times`` (dropped frames removed), ``empty`` frames (no person) and
    ``kept``, the index of each remaining frame in the clean track."""

    track: ProjectedTrack
    times: FloatArray
    empty: BoolArray
    kept: IntArray


_LIMBS = (("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB"), ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX"))
_OCCLUSION_GROUPS: tuple[tuple[int, ...], ...] = (
    *(tuple(int(Landmark[f"{side}_{j}"]) for j in joints) for side in ("LEFT", "RIGHT") for joints in _LIMBS),
    tuple(int(lm) for lm in Landmark if lm <= Landmark.MOUTH_RIGHT),
)
"""Body parts that get hidden together: each forearm+hand, each lower leg+foot, the head."""


def _ou(rng: np.random.Generator, shape: tuple[int, ...], dt: float, tau: float) -> FloatArray:
    """Unit-variance Ornstein-Uhlenbeck process along axis 0."""
    out = np.empty(shape)
    rho = math.exp(-dt / tau) if tau > 0 else 0.0
    kick = math.sqrt(max(1.0 - rho * rho, 0.0))
    eps = rng.normal(size=shape)
    out[0] = eps[0]
    for i in range(1, shape[0]):
        out[i] = rho * out[i - 1] + kick * eps[i]
    return out


def _windows(
    rng: np.random.Generator, n_frames: int, fps: float, per_min: float, length_s: tuple[float, float]
) -> list[tuple[int, int]]:
    """Random (start, stop) frame windows, Poisson in number."""
    count = int(rng.poisson(per_min * n_frames / fps / 60.0))
    out: list[tuple[int, int]] = []
    for _ in range(count):
        start = int(rng.integers(0, n_frames))
        length = max(1, round(rng.uniform(*length_s) * fps))
        out.append((start, min(n_frames, start + length)))
    return out


def _envelope(n: int, fps: float, edge_s: float = 0.15) -> FloatArray:
    """Smooth 0 -> 1 -> 0 window of n frames (edges of ``edge_s``)."""
    k = max(1, round(edge_s * fps))
    up = np.clip(np.arange(n) / k, 0.0, 1.0)
    down = np.clip((n - 1 - np.arange(n)) / k, 0.0, 1.0)
    return np.asarray(np.minimum(up, down) if n > 2 else np.ones(n))


def apply_noise(
    track: ProjectedTrack,
    times: FloatArray,
    cfg: NoiseConfig,
    rng: np.random.Generator,
    *,
    on_floor: bool,
    fps: float,
) -> NoisyTrack:
    """Add MediaPipe-like imperfections to a clean projected track."""
    t_clean = np.asarray(times, dtype=np.float64)
    n = len(track)
    if t_clean.shape != (n,):
        raise ValueError(f"need one time per frame: {t_clean.shape} vs {n} frames")
    if n == 0:
        return NoisyTrack(track, t_clean, np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64))
    dt = 1.0 / fps
    n_lm = track.xy.shape[1]
    far = track.far

    # -- coordinates (in image-height units; x, y, z) -----------------------------
    sd = cfg.jitter_sd_floor if on_floor else cfg.jitter_sd_standing
    noise = rng.normal(size=(n, n_lm, 3)) * (sd + cfg.far_extra_sd * far)[..., None]
    bias = _ou(rng, (n, n_lm, 3), dt, cfg.bias_tau_s) * (cfg.bias_sd + cfg.far_bias_sd * far)[..., None]
    noise += bias

    vis_u = _ou(rng, (n, n_lm), dt, cfg.vis_tau_s)
    level = 0.5 + 0.5 * np.tanh(vis_u)
    near_v = cfg.near_vis[0] + (cfg.near_vis[1] - cfg.near_vis[0]) * level
    far_v = cfg.far_vis[0] + (cfg.far_vis[1] - cfg.far_vis[0]) * level
    vis = (near_v * (1.0 - far) + far_v * far) * track.inside

    for start, stop in _windows(rng, n, fps, cfg.false_visible_per_min, cfg.false_visible_s):
        hidden = np.flatnonzero((far[start] > 0.5) & (track.inside[start] > 0.5))
        if hidden.size == 0:
            continue
        lm = int(rng.choice(hidden))
        vis[start:stop, lm] = rng.uniform(*cfg.false_visible_level)

    for start, stop in _windows(rng, n, fps, cfg.occlusion_per_min, cfg.occlusion_s):
        group = list(_OCCLUSION_GROUPS[int(rng.integers(0, len(_OCCLUSION_GROUPS)))])
        length = stop - start
        env = _envelope(length, fps)
        steps = rng.normal(size=(length, len(group), 3)) * cfg.occlusion_drift_sd * math.sqrt(dt)
        drift = np.cumsum(steps, axis=0) * env[:, None, None]
        noise[start:stop, group] += drift
        low = rng.uniform(*cfg.occlusion_vis)
        cur = vis[start:stop][:, group]
        vis[start:stop, group] = cur + (np.minimum(cur, low) - cur) * env[:, None]

    jumps = np.flatnonzero(rng.random(n) < cfg.teleport_prob)
    for i in jumps:
        lm = int(rng.integers(0, n_lm))
        angle = rng.uniform(0.0, 2.0 * math.pi)
        size = rng.uniform(*cfg.teleport_size)
        noise[i, lm, 0] += size * math.cos(angle)
        noise[i, lm, 1] += size * math.sin(angle)

    aspect = track.aspect
    xy = track.xy + np.stack([noise[..., 0] / aspect, noise[..., 1]], axis=-1)
    z = track.z + cfg.z_jitter_factor * noise[..., 2] / aspect
    world_noise = noise * track.metres_per_unit[:, None, None]
    world_noise[..., 2] *= cfg.z_jitter_factor
    world = track.world + world_noise
    vis = np.clip(np.maximum(vis, VIS_OFF_IMAGE), 0.0, 1.0)
    noisy = track.replace(xy=xy, z=z, visibility=vis, world=world)

    # -- frame events -------------------------------------------------------------
    empty = np.zeros(n, dtype=bool)
    lo, hi = cfg.miss_frames
    count = int(rng.poisson(cfg.miss_per_min * n / fps / 60.0))
    for _ in range(count):
        start = int(rng.integers(0, n))
        empty[start : start + int(rng.integers(max(lo, 1), max(hi, 1) + 1))] = True

    jitter_cap = 0.3 * dt
    t_noisy = t_clean + np.clip(rng.normal(0.0, cfg.t_jitter_sd_s, n), -jitter_cap, jitter_cap)
    t_noisy[0] = t_clean[0]  # the track starts exactly at its start time (never before 0)
    keep = rng.random(n) >= cfg.drop_prob
    keep[0] = True
    kept = np.flatnonzero(keep).astype(np.int64)
    return NoisyTrack(track=noisy.take(kept), times=np.asarray(t_noisy[kept]), empty=empty[kept], kept=kept)
