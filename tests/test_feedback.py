"""The feedback policy alone: table-driven timelines of verdicts in, the
exact cues out (time, text, kind)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from coach.exercise import NOT_VISIBLE, FrameVerdict
from coach.feedback import Cue, FeedbackConfig, FeedbackPolicy, Target
from coach.registry import exercise_names, get_spec

FPS = 10  # verdicts at 10 Hz keep the times exact and the tables short


@dataclass(frozen=True)
class Seg:
    """Verdict fields from ``start`` (inclusive) to ``end`` (exclusive), in s."""

    start: float
    end: float
    faults: tuple[str, ...] = ()
    cue: str | None = None
    reps: int = 0
    hold_s: float | None = None  # None: 0; "ramp" via hold_from
    hold_from: float | None = None  # hold_s grows 1 s/s from this time
    phase: str = "hold"


@dataclass(frozen=True)
class Case:
    name: str
    segs: Sequence[Seg]
    expected: Sequence[tuple[float, str, str]]
    config: dict[str, Any] = field(default_factory=dict)
    target: Target | None = None
    until: float | None = None


def verdicts(segs: Sequence[Seg], until: float | None = None) -> list[FrameVerdict]:
    end = until if until is not None else max(s.end for s in segs)
    out = []
    for i in range(round(end * FPS)):
        t = round(i / FPS, 3)
        seg = next((s for s in segs if s.start <= t < s.end), None)
        if seg is None:
            out.append(FrameVerdict(t=t, phase="hold"))
            continue
        hold = seg.hold_s or 0.0
        if seg.hold_from is not None:
            hold = max(0.0, round(t - seg.hold_from, 3))
        out.append(FrameVerdict(t=t, phase=seg.phase, faults=seg.faults, cue=seg.cue, reps=seg.reps,
                                hold_s=hold, visible=NOT_VISIBLE not in seg.faults))
    return out


WORDS = {
    NOT_VISIBLE: "Step back so your whole body is visible",
    "hips_sagging": "Lift your hips",
    "hips_piking": "Lower your hips",
    "elbows_not_under_shoulders": "Elbows under your shoulders",
    "head_dropped": "Keep your head in line",
    "back_overarched": "Don't arch your back",
    "knees_straight": "Bend your knees",
    "back_rounded": "Keep your back straight",
}
"""The policy's words for these tables (an exercise's come from its spec)."""
SAFETY = frozenset({"hips_sagging", "back_overarched", "knees_straight", "back_rounded"})


def run(case: Case) -> list[Cue]:
    config = {"fault_cues": WORDS, "safety_codes": SAFETY, **case.config}
    policy = FeedbackPolicy(FeedbackConfig(**config), target=case.target)
    cues = [policy.update(v) for v in verdicts(case.segs, case.until)]
    return [c for c in cues if c is not None]


SAG = ("hips_sagging",)
HEAD = ("head_dropped",)

CASES = [
    Case("a fault is cued at once, with the analyzer's words",
         [Seg(1.0, 3.0, SAG, "Lift your hips a little")],
         [(1.0, "Lift your hips a little", "fault")]),
    Case("reminder: a persisting fault is repeated only every reminder_s",
         [Seg(0.0, 20.0, SAG, "Lift your hips")],
         [(0.0, "Lift your hips", "fault"), (8.0, "Lift your hips", "fault"),
          (16.0, "Lift your hips", "fault")]),
    Case("cooldown: a flickering fault is not repeated within cooldown_s",
         [Seg(0.0, 1.0, SAG, "Lift your hips"), Seg(2.0, 3.0, SAG, "Lift your hips"),
          Seg(4.0, 7.0, SAG, "Lift your hips")],
         [(0.0, "Lift your hips", "fault"), (6.0, "Lift your hips", "fault")]),
    Case("cooldown is per cue: another fault may speak after min_gap_s",
         [Seg(0.0, 1.0, SAG, "Lift your hips"), Seg(1.0, 4.0, HEAD, "Keep your head in line")],
         [(0.0, "Lift your hips", "fault"), (2.5, "Keep your head in line", "fault")]),
    Case("priority: a safety fault comes first whatever the analyzer's order",
         [Seg(0.0, 2.0, ("head_dropped", "hips_sagging"), "Keep your head in line")],
         [(0.0, "Lift your hips", "fault")]),
    Case("focus: a lesser fault waits while the main one persists",
         [Seg(0.0, 6.0, SAG, "Lift your hips"), Seg(6.0, 12.0, ("hips_sagging", "head_dropped"), "Lift your hips"),
          Seg(12.0, 15.0, HEAD, "Keep your head in line")],
         [(0.0, "Lift your hips", "fault"), (8.0, "Lift your hips", "fault"),
          (12.0, "Keep your head in line", "fault")]),
    Case("a safety fault cuts in after safety_gap_s; another fault waits min_gap_s",
         [Seg(0.0, 0.1, (), None, reps=0), Seg(0.1, 0.5, (), None, reps=1),
          Seg(0.5, 3.0, SAG, "Lift your hips")],
         [(0.1, "1, good rep", "praise"), (1.1, "Lift your hips", "fault")]),
    Case("a non-safety fault waits the full min_gap_s",
         [Seg(0.0, 0.1, (), None, reps=0), Seg(0.1, 0.5, (), None, reps=1),
          Seg(0.5, 3.0, HEAD, "Keep your head in line")],
         [(0.1, "1, good rep", "praise"), (2.6, "Keep your head in line", "fault")]),
    Case("praise after good reps, only the count after a rep with a fault",
         [Seg(0.0, 3.0, reps=0), Seg(3.0, 6.0, reps=1), Seg(6.0, 7.0, SAG, "Lift your hips", reps=1),
          Seg(7.0, 10.0, reps=1), Seg(10.0, 14.0, reps=2), Seg(14.0, 18.0, reps=3)],
         [(3.0, "1, good rep", "praise"), (6.0, "Lift your hips", "fault"), (10.0, "2", "milestone"),
          (14.0, "3, nice form", "praise")]),
    Case("rep target reached is announced instead of the count",
         [Seg(0.0, 3.0, reps=1), Seg(3.0, 6.0, reps=2), Seg(6.0, 9.0, reps=3)],
         [(0.0, "1, good rep", "praise"), (3.0, "2, target reached", "milestone"),
          (6.0, "3, nice form", "praise")],
         target=Target(2, "reps")),
    Case("hold milestones every hold_milestone_s, then the hold target",
         [Seg(0.0, 31.0, hold_from=0.0)],
         [(10.0, "10 seconds", "milestone"), (20.0, "20 seconds", "milestone"),
          (30.0, "30 seconds, target reached", "milestone")],
         target=Target(30, "s")),
    Case("hold time only counts good form: paused hold, no premature milestone",
         [Seg(0.0, 8.0, hold_from=0.0), Seg(8.0, 12.0, SAG, "Lift your hips", hold_s=8.0),
          Seg(12.0, 16.0, hold_from=4.0)],
         [(8.0, "Lift your hips", "fault"), (14.0, "10 seconds", "milestone")]),
    Case("a completed good hold is praised as a hold",
         [Seg(0.0, 2.0, reps=0, hold_s=3.0), Seg(2.0, 4.0, reps=1, hold_s=0.0)],
         [(2.0, "Good hold", "praise")],
         target=Target(5, "s"), config={"hold_milestone_s": 0.0}),
    Case("one cue at a time: a count waits for the gap, then is said",
         [Seg(0.0, 1.0, SAG, "Lift your hips", reps=0), Seg(1.0, 5.0, reps=1)],
         [(0.0, "Lift your hips", "fault"), (2.5, "1", "milestone")]),
    Case("a waiting cue expires after pending_s",
         [Seg(0.0, 1.0, SAG, "Lift your hips", reps=0), Seg(1.0, 5.0, reps=1)],
         [(0.0, "Lift your hips", "fault")],
         config={"pending_s": 1.0}),
    Case("not_visible is a setup cue and does not spoil the rep",
         [Seg(0.0, 2.0, (NOT_VISIBLE,), "Step back"), Seg(2.0, 4.0, reps=0), Seg(4.0, 5.0, reps=1)],
         [(0.0, "Step back", "setup"), (4.0, "1, good rep", "praise")]),
    Case("an analyzer instruction is said once, again only after reminder_s",
         [Seg(0.0, 10.0, cue="Brace your core", phase="standing")],
         [(0.0, "Brace your core", "instruction"), (8.0, "Brace your core", "instruction")]),
    Case("a fault with no words in the verdict falls back to the policy's words",
         [Seg(0.0, 1.0, ("knees_straight",), None)],
         [(0.0, "Bend your knees", "fault")]),
    Case("a fault with no words anywhere is not cued",
         [Seg(0.0, 1.0, ("unknown_fault",), None)],
         []),
    Case("praise and counts can be switched off",
         [Seg(0.0, 2.0, reps=1), Seg(2.0, 4.0, reps=2)],
         [],
         config={"praise": False, "announce_reps": False}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_policy_timeline(case: Case) -> None:
    got = [(c.t, c.text, c.kind) for c in run(case)]
    assert got == list(case.expected)


def test_one_cue_per_frame_and_min_gap_holds_for_a_busy_timeline() -> None:
    segs = [Seg(float(i), float(i) + 1.0, (SAG, HEAD, ("twisting",), ())[i % 4], None, reps=i // 2,
                hold_from=0.0) for i in range(60)]
    cues = run(Case("busy", segs, []))
    assert cues
    cfg = FeedbackConfig()
    for a, b in itertools.pairwise(cues):
        limit = cfg.safety_gap_s if (b.safety and not a.safety) else cfg.min_gap_s
        assert b.t - a.t >= limit - 1e-9, (a, b)


@pytest.mark.parametrize("muted", [False, True])
def test_mute_marks_cues_unspoken_but_still_shows_them(muted: bool) -> None:
    policy = FeedbackPolicy()
    policy.set_muted(muted)
    cue = policy.update(FrameVerdict(t=0.0, phase="hold", faults=SAG, cue="Lift your hips"))
    assert cue is not None and cue.text == "Lift your hips"
    assert cue.spoken is (not muted)


def test_mute_toggle_mid_set_and_reset_keeps_mute() -> None:
    policy = FeedbackPolicy()
    policy.set_muted(True)
    a = policy.update(FrameVerdict(t=0.0, phase="hold", faults=SAG, cue="Lift your hips"))
    policy.set_muted(False)
    b = policy.update(FrameVerdict(t=3.0, phase="hold", faults=HEAD, cue="Head up"))
    assert a is not None and not a.spoken
    assert b is not None and b.spoken
    policy.set_muted(True)
    policy.reset()
    assert policy.muted
    c = policy.update(FrameVerdict(t=0.0, phase="hold", faults=SAG, cue="Lift your hips"))
    assert c is not None and not c.spoken  # reset forgot the cooldown, not the mute


def test_reset_forgets_the_set() -> None:
    policy = FeedbackPolicy()
    assert policy.update(FrameVerdict(t=0.0, phase="hold", faults=SAG, cue="Lift your hips")) is not None
    policy.reset()
    assert policy.update(FrameVerdict(t=0.5, phase="hold", faults=SAG, cue="Lift your hips")) is not None
    assert len(policy.history) == 1


def test_history_is_bounded() -> None:
    policy = FeedbackPolicy(FeedbackConfig(history_size=5, min_gap_s=0, safety_gap_s=0, cooldown_s=0))
    for i in range(50):
        policy.update(FrameVerdict(t=float(i), phase="down", reps=i + 1))
    assert len(policy.history) == 5


@pytest.mark.parametrize("bad", [{"min_gap_s": -1}, {"cooldown_s": float("nan")}, {"safety_gap_s": 5.0},
                                 {"praise_phrases": ()}, {"history_size": -1}])
def test_config_is_validated(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FeedbackConfig(**bad)


def test_target_is_validated() -> None:
    with pytest.raises(ValueError):
        Target(0)


def test_policy_for_an_analyzer_takes_its_target_and_words() -> None:
    from coach.feedback import policy_for
    from coach.registry import get_exercise

    policy = policy_for(get_exercise("plank", target=45))
    assert policy.target == Target(45, "s")
    spec = get_spec("plank")
    assert dict(policy.config.fault_cues) == {**FeedbackConfig().fault_cues, **spec.cues}
    assert policy.config.safety_codes == spec.safety_codes == {"hips_sagging"}


@pytest.mark.parametrize("name", exercise_names())
def test_every_exercise_speaks_its_own_words_and_safety(name: str) -> None:
    """The policy of each exercise knows a cue for every fault it can raise
    (the lift's own words included) and ranks exactly the spec's safety
    faults first: nothing is left to a table outside the exercise."""
    from coach.feedback import policy_for
    from coach.registry import get_exercise

    spec = get_spec(name)
    policy = policy_for(get_exercise(name))
    for f in spec.faults:
        assert policy.config.fault_cues[f.code] == f.cue
    assert policy.config.fault_cues[NOT_VISIBLE] == spec.cue(NOT_VISIBLE)
    assert policy.config.safety_codes == spec.safety_codes
    if spec.praise is not None:
        assert policy.config.praise_phrases == spec.praise
