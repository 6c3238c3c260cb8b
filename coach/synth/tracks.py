"""One representative generated track per exercise, by exercise name.

Used where coach needs "a session of this exercise" without a camera: the
bench times each analyzer on its own exercise's frames (and the soak test
replays one). Each track mixes good form with the exercise's main fault, so
every branch of the analyzer runs. An exercise added to ``exercises/`` adds
its generator here with :func:`register_track` (or from its own synth
module).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from coach.errors import UnknownExerciseError
from coach.pose import PoseFrame
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios import LiftKind, bridge_reps, knee_to_chest, lift_sequence, plank_hold

TrackMaker = Callable[[float, int], tuple[PoseFrame, ...]]
"""``(seconds, seed) -> frames``: about ``seconds`` of the exercise at 30 fps."""

_TRACKS: dict[str, TrackMaker] = {}


def register_track(name: str) -> Callable[[TrackMaker], TrackMaker]:
    def deco(fn: TrackMaker) -> TrackMaker:
        _TRACKS[name] = fn
        return fn

    return deco


@register_track("plank")
def _plank(seconds: float, seed: int) -> tuple[PoseFrame, ...]:
    return plank_hold(max(10.0, seconds), sag_deg=15.0, sag_start_s=max(10.0, seconds) / 2, seed=seed,
                      noise=NoiseConfig.jitter_only()).frames


@register_track("hip_bridge")
def _bridge(seconds: float, seed: int) -> tuple[PoseFrame, ...]:
    reps = max(1, math.ceil(seconds / 5.5))  # ~5.5 s per rep with its 2 s top hold and rest
    return bridge_reps(reps, hip_extension_deficit_deg=15.0, seed=seed,
                       noise=NoiseConfig.jitter_only()).frames


@register_track("knee_to_chest")
def _ktc(seconds: float, seed: int) -> tuple[PoseFrame, ...]:
    hold = max(5.0, seconds / 2 - 6.0)
    return knee_to_chest(("left", "right"), hold_s=hold, head_lift_deg=18.0, seed=seed,
                         noise=NoiseConfig.jitter_only()).frames


@register_track("lift")
def _lift(seconds: float, seed: int) -> tuple[PoseFrame, ...]:
    n = max(2, math.ceil(seconds / 6.0))
    kinds: tuple[LiftKind, ...] = tuple("squat" if i % 2 == 0 else "stoop" for i in range(n))
    return lift_sequence(kinds, seed=seed, noise=NoiseConfig.jitter_only()).frames


def exercise_track(exercise: str, seconds: float = 60.0, seed: int = 0) -> tuple[PoseFrame, ...]:
    """About ``seconds`` of generated frames of ``exercise`` (good form and its
    main fault). Unknown names raise :class:`UnknownExerciseError`."""
    maker = _TRACKS.get(exercise)
    if maker is None:
        raise UnknownExerciseError(f"no generated track for {exercise!r}; there are: {', '.join(sorted(_TRACKS))}")
    return maker(seconds, seed)
