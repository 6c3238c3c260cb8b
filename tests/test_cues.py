"""Cues agree with the state (issue 15): every analyzer, with its feedback
policy, over the real tracks and the synthetic suite. No cue may contradict
the phase or the faults of its frame:

* a fault cue names a fault active on that frame;
* a setup hint is said only in the setup phase;
* "step back / turn side-on" only once the joints needed for judging have
  stayed missing for at least half a second;
* praise only for an item the analyzer itself called clean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from coach.exercise import NOT_VISIBLE, FrameVerdict
from coach.feedback import Cue
from coach.pipeline import Pipeline
from coach.pose import PoseFrame
from coach.posetrack import read_pose_track
from coach.registry import exercise_names, get_exercise
from coach.synth.suite import suite

REAL = Path(__file__).parent / "data" / "real"
UNSEEN_BEFORE_STEP_BACK_S = 0.5
"""The joints must have been missing this long before a "step back" cue."""
EPS = 1e-6


@dataclass(frozen=True)
class Said:
    cue: Cue
    verdict: FrameVerdict
    unseen_since: float | None
    last_item_good: bool | None


def said(exercise: str, frames: Iterable[PoseFrame]) -> list[Said]:
    """Run the pipeline (analysis + feedback, no smoothing: the raw track)
    and collect every cue with the state of its frame."""
    pipe = Pipeline(get_exercise(exercise))
    out: list[Said] = []
    unseen: float | None = None
    item_good: bool | None = None
    for f in frames:
        sample = pipe.step(f)
        v = sample.verdict
        unseen = (unseen if unseen is not None else v.t) if not v.visible else None
        if v.item_good is not None:
            item_good = v.item_good
        if sample.cue is not None:
            out.append(Said(sample.cue, v, unseen, item_good))
    return out


def contradictions(items: Sequence[Said]) -> list[str]:
    bad: list[str] = []
    for s in items:
        c, v = s.cue, s.verdict
        where = f"t={v.t:.2f} phase={v.phase} faults={list(v.faults)} cue={c.text!r} ({c.kind})"
        if c.kind == "fault" and c.code not in v.faults:
            bad.append(f"fault cue for an inactive fault: {where}")
        if c.code == NOT_VISIBLE:
            if NOT_VISIBLE not in v.faults:
                bad.append(f"step-back cue while seen: {where}")
            elif s.unseen_since is None or v.t - s.unseen_since < UNSEEN_BEFORE_STEP_BACK_S - EPS:
                bad.append(f"step-back cue after less than {UNSEEN_BEFORE_STEP_BACK_S} s unseen: {where}")
        if c.kind == "setup" and c.code is None and v.phase != "setup":
            bad.append(f"setup hint outside the setup phase: {where}")
        if c.kind == "praise" and s.last_item_good is not True:
            bad.append(f"praise for an item not called clean: {where}")
    return bad


def _real_tracks() -> list[Path]:
    import json

    return sorted(p.with_suffix(".csv") for p in REAL.glob("*.json")
                  if json.loads(p.read_text()).get("kind") == "track")


@pytest.mark.parametrize("exercise", exercise_names())
@pytest.mark.parametrize("track", _real_tracks(), ids=lambda p: p.stem)
def test_no_cue_contradicts_its_frame_on_real_tracks(exercise: str, track: Path) -> None:
    bad = contradictions(said(exercise, read_pose_track(track)))
    assert not bad, "\n".join(bad[:10])


CASES = [c for c in suite() if c.noise in ("jitter", "harsh")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_no_cue_contradicts_its_frame_on_the_synthetic_suite(case: object) -> None:
    sc = case.build()  # type: ignore[attr-defined]
    names = [case.exercise] if case.exercise else exercise_names()  # type: ignore[attr-defined]
    for name in names:
        bad = contradictions(said(name, sc.frames))
        assert not bad, f"{name}: " + "\n".join(bad[:10])


def test_the_checks_catch_contradictions() -> None:
    """The checker itself: each rule fires on a made-up contradiction."""
    v_hold = FrameVerdict(t=1.0, phase="hold")
    v_nv = FrameVerdict(t=1.0, phase="hold", faults=(NOT_VISIBLE,), visible=False)
    cases = [
        Said(Cue(1.0, "Lift your hips", "fault", "hips_sagging"), v_hold, None, None),
        Said(Cue(1.0, "Step back", "setup", NOT_VISIBLE), v_nv, 0.9, None),
        Said(Cue(1.0, "Get into a plank", "setup"), v_hold, None, None),
        Said(Cue(1.0, "3, good rep", "praise"), v_hold, None, False),
    ]
    assert len(contradictions(cases)) == 4
    ok = [Said(Cue(1.0, "Step back", "setup", NOT_VISIBLE), v_nv, 0.4, None)]
    assert contradictions(ok) == []
