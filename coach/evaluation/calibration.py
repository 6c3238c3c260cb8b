"""What a personal baseline changes (ACCURACY.md, "Calibration").

Generated people (:mod:`coach.synth.calibration_cases`), each recorded
several times with different seeds for movement and noise but the same
body and habits: one recording is the calibration (``coach calibrate``'s
own code path, :class:`~coach.calibrate.CalibrationRun` over the smoothed
pipeline), the others are judged by the exercise's own thresholds
("plain") and against the calibration ("personal"). Each row gives, for
one condition, the people whose set reported the fault, plain and
personal. A safety fault must never be found less often with a
calibration (:func:`problems`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from coach.baseline import Baseline
from coach.calibrate import CalibrationRun, outcome
from coach.exercise import NOT_VISIBLE
from coach.pipeline import Pipeline
from coach.pose import PoseFrame
from coach.registry import get_exercise, get_spec
from coach.synth.calibration_cases import calibration_cases
from coach.synth.noise import NoiseConfig

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
    tallies: dict[tuple[str, str, str, str], _Tally] = {}
    refused = 0
    for case in calibration_cases(people, noise):
        base = _calibrate(case.exercise, case.calibration())
        if base is None:
            refused += 1
            continue
        for trial in case.trials:
            frames = trial.frames()
            t = tallies.setdefault((case.exercise, trial.condition, trial.fault, trial.should), _Tally())
            t.people += 1
            t.plain += trial.fault in _faults(case.exercise, frames, None)
            t.personal += trial.fault in _faults(case.exercise, frames, base)
            if on_step is not None:
                on_step(1)
    rows = [Row(ex, cond, fault, t.people, t.plain, t.personal, should)
            for (ex, cond, fault, should), t in tallies.items()]
    order = list(dict.fromkeys(r.exercise for r in rows))
    return sorted(rows, key=lambda r: order.index(r.exercise)), refused


def steps(people: int) -> int:
    """Progress units of :func:`run_calibration_eval` (one per judged set)."""
    return sum(len(c.trials) for c in calibration_cases(people))


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
