"""The synthetic evaluation suite: named scenarios with ground truth, for
``coach eval`` (:mod:`coach.evaluation`).

Each :class:`SuiteCase` is one generated recording: an exercise in good form
or with one fault, filmed from a view the analyzer is meant to judge
(plank: side and oblique; hip bridge: side, and front for good form and
uneven hips; knee-to-chest: side; lift: side with and without world
landmarks, front and oblique), under a noise preset from
:class:`~coach.synth.noise.NoiseConfig` (``jitter``, ``default`` and the
harshest, ``harsh``). Idle cases (standing still, walking, an empty room)
have no exercise: every analyzer runs on them and must count nothing.

The faulty variants use clearly faulty parameters (beyond the truth's
"clear" thresholds in :mod:`coach.synth.scenarios`), so the truth names them
as faults that must be reported.

:func:`frame_truth` says which frames are judged for form and what is true
there: only frames in the exercise position (truth phases
:data:`JUDGED_PHASES`: the plank and knee-to-chest hold, the bridge top,
the lift bottom), with the clear and ambiguous faults active at that time
(for a lift, those of the lift in progress). Other frames (setting up,
moving, resting) are not judged.

Seeds are fixed per case, so the suite is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from coach.exercise import NOT_VISIBLE
from coach.synth import (
    NoiseConfig,
    Scenario,
    View,
    bridge_reps,
    knee_to_chest,
    lift_sequence,
    no_person,
    plank_hold,
    standing_still,
    walking,
)

SUITE_MD = """
**Synthetic suite** (`coach/synth/suite.py`; `--quick` runs a tenth of it): each exercise in
good form and with each of its faults (a lift: squats, stoops with straight knees and a
rounded back, reaching for a far load, twisting), from the views its analyzer is meant to
judge (plank: side, oblique; hip bridge: side, and front for good form and uneven hips;
knee-to-chest: side; lift: side with and without world landmarks, front, oblique), under
three noise presets (`jitter`, `default`, and `harsh`, the harshest `NoiseConfig`). Truth
comes from the generator:

- only frames in the exercise position are scored (the plank and knee-to-chest hold, the
  bridge top, the lift bottom);
- several faults may be true at once, and borderline ones are *ambiguous* (they may or
  may not be reported). A prediction of any fault true at that time counts as right;
  otherwise the truth class is the clear fault of highest priority, or `correct` when
  only ambiguous faults (or none) are true. The same collar applies;
- counts against the truth's count and good count; good-form hold time against the
  truth's `good_hold_s` (plank, knee-to-chest);
- standing still, walking and an empty room: every analyzer runs, and any count is a
  false count.
"""
"""The suite and its rules in words (for ACCURACY.md)."""

GOOD = "good"
"""The variant name of a case in good form."""
IDLE = "idle"
"""The variant name of a case without an exercise."""

NOISE_PRESETS: Mapping[str, Callable[[], NoiseConfig]] = {
    "jitter": NoiseConfig.jitter_only,
    "default": NoiseConfig,
    "harsh": NoiseConfig.harsh,
}
"""Noise levels, mildest first: jitter only; typical MediaPipe noise with
dropouts, occlusions and teleports; a poor setup (``NoiseConfig.harsh``)."""

JUDGED_PHASES: Mapping[str, frozenset[str]] = {
    "plank": frozenset({"hold"}),
    "hip_bridge": frozenset({"top"}),
    "knee_to_chest": frozenset({"hold"}),
    "lift": frozenset({"bottom"}),
}
"""Truth phases in which form is judged frame by frame. A lift's faults are
seen at the bottom (where the trunk, knees and hands are furthest from
standing); a bridge's at the top."""

Generator = Callable[..., Scenario]


@dataclass(frozen=True)
class SuiteCase:
    """One scenario of the suite. ``variant`` is ``good``, the fault shown,
    or ``idle``; ``world`` false drops the world landmarks (a 2D-only pose
    track, as from other pose tools); ``quick`` marks the cases of
    ``coach eval --quick``."""

    name: str
    exercise: str | None
    variant: str
    view: str
    noise: str
    seed: int
    generator: Generator = field(repr=False, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict)
    world: bool = True
    quick: bool = False
    side: str = "left"
    approx_frames: int = 600
    """About how many frames the scenario has (for progress bars)."""

    def build(self) -> Scenario:
        """Generate the scenario (a few tens of milliseconds)."""
        view = View(self.view, side=self.side)  # type: ignore[arg-type]
        sc = self.generator(**self.params, seed=self.seed, noise=NOISE_PRESETS[self.noise](), view=view)
        if not self.world:
            sc = replace(sc, frames=tuple(f.replace(world=None) for f in sc.frames))
        return sc

    @property
    def detail(self) -> str:
        """View, noise and landmark set in a few words."""
        return f"{self.view}{'' if self.world else ' 2D'}, {self.noise}"


def _plank(noise: str, seed: int) -> list[SuiteCase]:
    variants: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
        (GOOD, {}, ("side", "oblique")),
        ("hips_sagging", {"sag_deg": 18.0}, ("side", "oblique")),
        ("hips_piking", {"pike_deg": 40.0}, ("side",)),
        ("head_dropped", {"head_drop_deg": 60.0}, ("side",)),
        ("elbows_not_under_shoulders", {"elbow_offset_cm": 20.0}, ("side",)),
    ]
    out = []
    for i, (variant, params, views) in enumerate(variants):
        for view in views:
            out.append(
                SuiteCase(
                    name=f"plank/{variant}/{view}/{noise}",
                    exercise="plank",
                    variant=variant,
                    view=view,
                    noise=noise,
                    seed=seed + i,
                    generator=plank_hold,
                    params={"duration_s": 20.0, **params},
                    approx_frames=750,
                    side="left" if (seed + i) % 2 == 0 else "right",
                    quick=noise == "default" and view == "side" and variant in (GOOD, "hips_sagging"),
                )
            )
    return out


def _bridge(noise: str, seed: int) -> list[SuiteCase]:
    variants: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
        (GOOD, {}, ("side", "front")),
        ("hips_too_low", {"hip_extension_deficit_deg": 20.0}, ("side",)),
        ("back_overarched", {"overarch_deg": 15.0}, ("side",)),
        ("feet_too_far", {"knee_angle_deg": 130.0}, ("side",)),
        ("feet_too_close", {"knee_angle_deg": 55.0}, ("side",)),
        ("hips_uneven", {"uneven_deg": 15.0}, ("front",)),
    ]
    out = []
    for i, (variant, params, views) in enumerate(variants):
        for view in views:
            out.append(
                SuiteCase(
                    name=f"hip_bridge/{variant}/{view}/{noise}",
                    exercise="hip_bridge",
                    variant=variant,
                    view=view,
                    noise=noise,
                    seed=seed + 10 + i,
                    generator=bridge_reps,
                    params={"n_reps": 5, **params},
                    approx_frames=900,
                    side="left" if (seed + i) % 2 == 0 else "right",
                    quick=noise == "default" and view == "side" and variant in (GOOD, "hips_too_low"),
                )
            )
    return out


def _knee_to_chest(noise: str, seed: int) -> list[SuiteCase]:
    variants: list[tuple[str, dict[str, Any]]] = [
        (GOOD, {}),
        ("knee_not_close", {"hip_flexion_deg": 85.0}),
        ("head_lifted", {"head_lift_deg": 30.0}),
        ("other_leg_lifted", {"other_leg_lift_deg": 30.0}),
    ]
    return [
        SuiteCase(
            name=f"knee_to_chest/{variant}/side/{noise}",
            exercise="knee_to_chest",
            variant=variant,
            view="side",
            noise=noise,
            seed=seed + 20 + i,
            generator=knee_to_chest,
            params={"sides": ("left", "right"), "hold_s": 10.0, **params},
            approx_frames=1000,
            side="left" if (seed + i) % 2 == 0 else "right",
            quick=noise == "default" and variant in (GOOD, "knee_not_close"),
        )
        for i, (variant, params) in enumerate(variants)
    ]


def _lift(noise: str, seed: int) -> list[SuiteCase]:
    # (variant, kinds, [(view, world)]): good squats; stoops (knees straight, back
    # rounded); reaching for a far load; twisting. A side view cannot show a twist.
    variants: list[tuple[str, tuple[str, ...], tuple[tuple[str, bool], ...]]] = [
        (GOOD, ("squat", "squat"), (("side", False), ("side", True), ("front", True), ("oblique", True))),
        ("stoop", ("stoop", "stoop"), (("side", False), ("side", True), ("front", True), ("oblique", True))),
        ("reach", ("reach", "reach"), (("side", False), ("front", True))),
        ("twist", ("twist", "twist"), (("front", False), ("front", True), ("oblique", True))),
    ]
    out = []
    for i, (variant, kinds, views) in enumerate(variants):
        for view, world in views:
            out.append(
                SuiteCase(
                    name=f"lift/{variant}/{view}{'' if world else '-2d'}/{noise}",
                    exercise="lift",
                    variant=variant,
                    view=view,
                    noise=noise,
                    seed=seed + 30 + i,
                    generator=lift_sequence,
                    params={"kinds": kinds},
                    approx_frames=420,
                    world=world,
                    side="left" if (seed + i) % 2 == 0 else "right",
                    quick=noise == "default" and view == "side" and not world and variant in (GOOD, "stoop"),
                )
            )
    return out


def _idle(noise: str, seed: int) -> list[SuiteCase]:
    cases = [
        SuiteCase(f"idle/standing/front/{noise}", None, IDLE, "front", noise, seed + 40, standing_still,
                  {"duration_s": 15.0}, quick=noise == "default", approx_frames=450),
        SuiteCase(f"idle/walking/side/{noise}", None, IDLE, "side", noise, seed + 41, walking,
                  {"duration_s": 15.0}, quick=noise == "default", approx_frames=450),
    ]
    if noise == "default":
        cases.append(SuiteCase("idle/empty/front/none", None, IDLE, "front", noise, seed + 42, _empty_room,
                               {"duration_s": 5.0}, approx_frames=150))
    return cases


def _empty_room(*, duration_s: float, seed: int, noise: NoiseConfig | None, view: View) -> Scenario:
    del noise  # an empty room has no landmarks to disturb
    return no_person(duration_s, seed=seed, view=view)


def suite(quick: bool = False, exercise: str | None = None, seed: int = 0) -> tuple[SuiteCase, ...]:
    """The cases of the suite (``quick``: the small subset), for one
    ``exercise`` or all (idle cases are kept either way: every analyzer is
    checked on them)."""
    cases: list[SuiteCase] = []
    for noise in NOISE_PRESETS:
        for build in (_plank, _bridge, _knee_to_chest, _lift, _idle):
            cases.extend(build(noise, seed))
    return tuple(
        c
        for c in cases
        if (not quick or c.quick) and (exercise is None or c.exercise is None or c.exercise == exercise)
    )


def frame_truth(sc: Scenario, t: float) -> tuple[frozenset[str], frozenset[str]] | None:
    """``(clear, ambiguous)`` form faults true at time ``t``, or None when
    the frame is not judged for form (outside :data:`JUDGED_PHASES`, or a
    scenario without an exercise). ``not_visible`` is never a form fault."""
    truth = sc.truth
    if sc.exercise is None or not truth.judgeable:
        return None
    span = truth.phase_at(t)
    if span is None or span.label not in JUDGED_PHASES.get(sc.exercise, frozenset()):
        return None
    if truth.lifts:
        for lt in truth.lifts:
            if lt.start <= t <= lt.end:
                return _form(lt.faults), _form(lt.ambiguous_faults - lt.faults)
        return frozenset(), frozenset()
    active = truth.faults_at(t)
    return _form(active & truth.faults), _form(active & truth.ambiguous_faults)


def _form(codes: frozenset[str]) -> frozenset[str]:
    return frozenset(c for c in codes if c != NOT_VISIBLE)


ITEM_KEYS: Mapping[str, str] = {"hold": "holds", "rep": "reps", "lift": "lifts"}
"""Truth rep span labels -> the corpus's label lists."""
UNJUDGED_LABEL = "transition"
"""The corpus label of frames outside the exercise position."""


def corpus_labels(sc: Scenario) -> dict[str, Any]:
    """The scenario's truth as real-corpus ``labels`` (see
    :mod:`coach.evaluation.corpus`): per-frame segments (the clear fault
    true at the frame, the first by name when several are; ``correct``; or
    ``transition`` outside the exercise position) and the reps, holds or
    lifts. Used to test ``coach eval`` on a corpus built from the body
    model."""
    times = [f.t for f in sc.frames]
    classes = []
    for t in times:
        ft = frame_truth(sc, t)
        classes.append(UNJUDGED_LABEL if ft is None else (min(ft[0]) if ft[0] else "correct"))
    segments: list[dict[str, Any]] = []
    step = 1.0 / sc.fps
    for i, (t, label) in enumerate(zip(times, classes, strict=True)):
        end = times[i + 1] if i + 1 < len(times) else t + step / 2.0
        if segments and segments[-1]["class"] == label:
            segments[-1]["end"] = round(end, 4)
        else:
            segments.append({"start": round(t, 4), "end": round(end, 4), "class": label})
    labels: dict[str, Any] = {"segments": segments, "reps": [], "holds": [], "lifts": []}
    truth = sc.truth
    for span in truth.reps:
        key = ITEM_KEYS.get(span.label)
        if key is None:
            continue
        item: dict[str, Any] = {"start": round(span.start, 4), "end": round(span.end, 4)}
        if span.side is not None:
            item["side"] = span.side
        if span.kind is not None:
            item["style"] = span.kind
        labels[key].append(item)
    for lt, item in zip(truth.lifts, labels["lifts"], strict=False):
        item["bottom"] = round(lt.bottom, 4)
    return labels
