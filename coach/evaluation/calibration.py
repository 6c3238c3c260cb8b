"""What a personal baseline changes (ACCURACY.md, "Calibration").

Generated people (:mod:`coach.synth`), each recorded twice or more with
different seeds for movement and noise but the same body and habits: one
recording is the calibration (``coach calibrate``'s own code path,
:class:`~coach.calibrate.CalibrationRun` over the smoothed pipeline), the
others are judged by the exercise's own thresholds ("plain") and against
the calibration ("personal"). Each row gives, for one condition, the share
of people whose set reported the fault, plain and personal:

* plank: people with their own habitual hip height (0-20 degrees high, as
  real people plank), clean, and with the hips sunk 2-8 degrees below the
  straight line; the sag is a safety fault, so personal must never find
  it less often;
* hip bridge: people whose best top is 0, 8 or 16 degrees short of
  straight, at their own top and 12 degrees below it, and arching 12
  degrees past straight;
* knee-to-chest: people whose range is 100, 115 or 130 degrees, at their
  own range and 15 degrees short of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coach.baseline import Baseline
from coach.calibrate import CalibrationRun, outcome
from coach.exercise import NOT_VISIBLE
from coach.pipeline import Pipeline
from coach.pose import PoseFrame
from coach.registry import get_exercise, get_spec
from coach.synth.body import BodyDims
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios.bridge import bridge_reps
from coach.synth.scenarios.knee_to_chest import knee_to_chest
from coach.synth.scenarios.plank import PLANK_HABIT_PIKE, plank_hold

DEFAULT_PEOPLE = 12
"""People per exercise."""
QUICK_PEOPLE = 3
"""...with ``coach eval --quick``."""


@dataclass(frozen=True)
class Row:
    exercise: str
    condition: str
    fault: str
    people: int
    plain: int
    """People whose set reported ``fault``, judged by the exercise's own thresholds."""
    personal: int
    """...judged against their own calibration."""
    should: str
    """``yes``: the fault is there; ``no``: it is not (for this person)."""

    def to_json(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "condition": self.condition, "fault": self.fault, "people": self.people,
                "plain": self.plain, "personal": self.personal, "should": self.should}


def _faults(exercise: str, frames: Sequence[PoseFrame], baseline: Baseline | None) -> set[str]:
    options: dict[str, Any] = {} if baseline is None else {"baseline": baseline}
    pipeline = Pipeline(get_exercise(exercise, **options))
    for f in frames:
        pipeline.step(f)
    return {e.code for e in pipeline.summary().fault_events} - {NOT_VISIBLE}


def _calibrate(exercise: str, frames: Sequence[PoseFrame]) -> Baseline | None:
    spec = get_spec(exercise)
    assert spec.baseline is not None
    run = CalibrationRun(Pipeline(get_exercise(exercise)), spec, spec.baseline.seconds)
    for f in frames:
        run.step(f)
        if run.done:
            break
    got = outcome(run, "generated")
    if isinstance(got, str):
        return None
    return Baseline(exercise, got.values, "generated", got.seconds, got.frames)


@dataclass
class _Tally:
    people: int = 0
    plain: int = 0
    personal: int = 0


def run_calibration_eval(people: int = DEFAULT_PEOPLE, noise: NoiseConfig | None = None,
                         on_step: Callable[[int], None] | None = None) -> tuple[list[Row], int]:
    """The rows, and how many generated calibrations were refused (none
    expected: every calibration recording is good form)."""
    noise = noise or NoiseConfig()
    tallies: dict[tuple[str, str, str, str], _Tally] = {}
    refused = 0

    def judge(exercise: str, condition: str, fault: str, should: str, frames: Sequence[PoseFrame],
              baseline: Baseline) -> None:
        t = tallies.setdefault((exercise, condition, fault, should), _Tally())
        t.people += 1
        t.plain += fault in _faults(exercise, frames, None)
        t.personal += fault in _faults(exercise, frames, baseline)
        if on_step is not None:
            on_step(1)

    for k in range(people):
        rng = np.random.default_rng([0xCA1, k])
        dims = BodyDims.sample(rng)
        seeds = [int(s) for s in rng.integers(0, 2**31, size=8)]
        # plank: the person's own hip height
        mean, sd, lo, hi = PLANK_HABIT_PIKE
        habit = float(np.clip(rng.normal(mean, sd), lo, hi))
        base = _calibrate("plank", plank_hold(12.0, seed=seeds[0], dims=dims, habit_deg=habit, noise=noise).frames)
        if base is None:
            refused += 1
        else:
            judge("plank", "clean, own hip height", "hips_sagging", "no",
                  plank_hold(30.0, seed=seeds[1], dims=dims, habit_deg=habit, noise=noise).frames, base)
            for sag in (2.0, 4.0, 8.0):
                judge("plank", f"hips {sag:g} degrees below the straight line", "hips_sagging", "yes",
                      plank_hold(30.0, sag_deg=sag, sag_start_s=5.0, seed=seeds[2], dims=dims, habit_deg=habit,
                                 noise=noise).frames, base)
        # hip bridge: the person's own top
        top = (0.0, 8.0, 16.0)[k % 3]
        base = _calibrate("hip_bridge", bridge_reps(3, hip_extension_deficit_deg=top, seed=seeds[3], dims=dims,
                                                    noise=noise).frames)
        if base is None:
            refused += 1
        else:
            judge("hip_bridge", f"at own top ({top:g} degrees short of straight)", "hips_too_low", "no",
                  bridge_reps(5, hip_extension_deficit_deg=top, seed=seeds[4], dims=dims, noise=noise).frames, base)
            judge("hip_bridge", "12 degrees below own top", "hips_too_low", "yes",
                  bridge_reps(5, hip_extension_deficit_deg=top + 12.0, seed=seeds[4], dims=dims,
                              noise=noise).frames, base)
            judge("hip_bridge", "arching 12 degrees past straight", "back_overarched", "yes",
                  bridge_reps(5, overarch_deg=12.0, seed=seeds[5], dims=dims, noise=noise).frames, base)
        # knee-to-chest: the person's own range
        reach = (100.0, 115.0, 130.0)[k % 3]
        base = _calibrate("knee_to_chest", knee_to_chest(("left",), hold_s=8.0, hip_flexion_deg=reach,
                                                         seed=seeds[6], dims=dims, noise=noise).frames)
        if base is None:
            refused += 1
        else:
            judge("knee_to_chest", f"at own range ({reach:g} degrees)", "knee_not_close", "no",
                  knee_to_chest(("left",), hold_s=15.0, hip_flexion_deg=reach, seed=seeds[7], dims=dims,
                                noise=noise).frames, base)
            judge("knee_to_chest", "15 degrees short of own range", "knee_not_close", "yes",
                  knee_to_chest(("left",), hold_s=15.0, hip_flexion_deg=reach - 15.0, seed=seeds[7], dims=dims,
                                noise=noise).frames, base)
    rows = [Row(ex, cond, fault, t.people, t.plain, t.personal, should)
            for (ex, cond, fault, should), t in tallies.items()]
    order = list(dict.fromkeys(r.exercise for r in rows))
    return sorted(rows, key=lambda r: order.index(r.exercise)), refused


def problems(rows: Sequence[Row], refused: int) -> list[str]:
    """What must hold (``coach eval --check-floors``): a calibration never
    finds a safety fault less often, and no good calibration is refused."""
    def safety(r: Row) -> bool:
        f = get_spec(r.exercise).fault(r.fault)
        return f is not None and f.safety

    out = [f"calibration: {r.exercise} {r.condition}: {r.fault} found {r.personal}/{r.people} with a calibration, "
           f"{r.plain}/{r.people} without" for r in rows if safety(r) and r.personal < r.plain]
    if refused:
        out.append(f"calibration: {refused} generated best-form calibration(s) refused")
    return out


def calibration_text(rows: Sequence[Row], refused: int) -> list[str]:
    """For the terminal."""
    out = ["calibration (generated people; people whose set reported the fault, plain -> personal):"]
    out += [f"  {r.exercise:<14} {r.condition:<45} {r.fault:<16} should {r.should:<3} "
            f"{r.plain}/{r.people} -> {r.personal}/{r.people}" for r in rows]
    out.append(f"  calibrations refused: {refused}")
    return out


def steps(people: int) -> int:
    """Progress units of :func:`run_calibration_eval` (one per judged set)."""
    return people * (4 + 3 + 2)


def calibration_md(rows: Sequence[Row], refused: int, people: int, command: str) -> list[str]:
    """The ACCURACY.md section."""
    out = ["## Calibration", "",
           f"`{command}` (`coach/evaluation/calibration.py`). {people} generated people per exercise, each "
           "calibrated from one recording of their best form through `coach calibrate`'s own code, then judged "
           "on other recordings (other seeds for movement and noise, the same body and habits) by the "
           "exercise's own thresholds (plain) and against their calibration (personal). Each cell: people whose "
           "set reported the fault. `should` says whether the fault is there for that person: a safety fault "
           "must never be found less often with a calibration.", "",
           "| exercise | condition | fault | should | plain | personal |", "|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r.exercise} | {r.condition} | `{r.fault}` | {r.should} | {r.plain}/{r.people} "
                   f"| {r.personal}/{r.people} |")
    out += ["", f"Calibrations refused (a generated best form that did not pass): {refused}.", ""]
    return out
