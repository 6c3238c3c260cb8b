"""The ``coach demo`` track (:func:`demo_track`): one body doing every
exercise in turn."""

from __future__ import annotations

from coach.synth.body import BodyDims
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import _rngs
from coach.synth.scenarios.bridge import bridge_reps
from coach.synth.scenarios.knee_to_chest import knee_to_chest
from coach.synth.scenarios.lift import lift_sequence
from coach.synth.scenarios.plank import plank_hold
from coach.synth.scenarios.types import Scenario

DEMO_GAP_S = 0.5
"""Pause between demo segments (the timestamps continue across segments)."""


def demo_track(seed: int = 0, noise: NoiseConfig | None = None) -> list[tuple[str, Scenario]]:
    """A ~45 s showcase, one body throughout: a plank that starts to sag,
    two bridge reps, a knee-to-chest hold and two lifts (a squat, then a
    stoop). Returns ``(exercise, scenario)`` segments with continuing
    timestamps. ``noise`` defaults to :meth:`NoiseConfig.jitter_only`
    (realistic jitter, no dropouts) so the demo's cues are about form."""
    rng_body, _m, _n = _rngs(seed)
    body = BodyDims.sample(rng_body)
    cfg = NoiseConfig.jitter_only() if noise is None else noise
    out: list[tuple[str, Scenario]] = []
    t = 0.0
    plank = plank_hold(6.0, sag_deg=18.0, sag_start_s=3.0, seed=seed, noise=cfg, dims=body, t0=t)
    out.append(("plank", plank))
    t = plank.end + DEMO_GAP_S
    bridge = bridge_reps(2, top_hold_s=1.2, rest_s=0.6, seed=seed + 1, noise=cfg, dims=body, t0=t)
    out.append(("hip_bridge", bridge))
    t = bridge.end + DEMO_GAP_S
    ktc = knee_to_chest(("left",), hold_s=4.0, rest_s=1.0, seed=seed + 2, noise=cfg, dims=body, t0=t)
    out.append(("knee_to_chest", ktc))
    t = ktc.end + DEMO_GAP_S
    lifts = lift_sequence(("squat", "stoop"), seed=seed + 3, noise=cfg, dims=body, t0=t)
    out.append(("lift", lifts))
    return out
