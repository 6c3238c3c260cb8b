"""Partial bodies (a real case: a webcam on a desk cuts the body off at the
knees): every analyzer says ``not_visible`` with a cue to step back, and
never reports a false fault, rep, hold or lift."""

from __future__ import annotations

import pytest

from coach.exercise import NOT_VISIBLE
from coach.pipeline import Pipeline, run
from coach.registry import get_exercise
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios import partial_body

EXERCISES = ("plank", "hip_bridge", "knee_to_chest", "lift")
STEP_BACK_WORDS = ("back", "step", "move", "whole body", "feet", "in view")


@pytest.mark.parametrize("cut", ["knees", "hips"])
@pytest.mark.parametrize("exercise", EXERCISES)
@pytest.mark.parametrize("noisy", [False, True], ids=["clean", "noisy"])
def test_cut_off_body_is_not_judged(exercise: str, cut: str, noisy: bool) -> None:
    sc = partial_body(exercise, cut, seed=5, noise=NoiseConfig() if noisy else None)  # type: ignore[arg-type]
    verdicts = []

    class Collect:
        def on_sample(self, sample: object) -> None:
            verdicts.append(sample.verdict)  # type: ignore[attr-defined]

        def close(self, summary: object) -> None:
            return None

    result = run(((f, None) for f in sc.frames), Pipeline(get_exercise(exercise)), [Collect()])
    s = result.summary
    assert s.reps == 0, f"{exercise}: counted {s.reps} from a cut-off body"
    assert s.hold_s == 0.0
    judged = [v for v in verdicts if v.visible]
    assert len(judged) <= 0.05 * len(verdicts), f"{exercise}: judged {len(judged)} of {len(verdicts)} frames"
    false_faults = {f for v in verdicts for f in v.faults if f != NOT_VISIBLE}
    assert not false_faults, f"{exercise}: false faults {false_faults}"
    assert sum(NOT_VISIBLE in v.faults for v in verdicts) >= 0.8 * len(verdicts)
    cues = [v.cue.lower() for v in verdicts if v.cue and NOT_VISIBLE in v.faults]
    assert cues, "no cue tells the user what to change"
    assert any(w in cues[-1] for w in STEP_BACK_WORDS), cues[-1]
