"""Feedback policy: which cue (if any) to say or show on this frame.

One place decides, tested alone (``tests/test_feedback.py``):

* **one cue at a time**: at most one cue per frame and at least
  ``min_gap_s`` between two cues; a safety fault may cut in after
  ``safety_gap_s`` when the last cue was not itself a safety cue;
* **focus**: only the most important active fault is corrected. Safety
  faults (``safety_codes``, from the exercise's spec: the ones that load
  the lower back) come first,
  then the analyzer's own order; a lesser fault waits until the main one is
  fixed (one correction at a time is how physiotherapists coach);
* a fault's cue is said when the fault appears and **not repeated while the
  fault persists**, unless it lasts past ``reminder_s`` (then once per
  ``reminder_s``); the same cue text never comes back within
  ``cooldown_s`` (so a flickering fault cannot nag);
* **milestones**: each completed rep is counted aloud, hold time every
  ``hold_milestone_s``, and reaching the set's target is announced;
* **praise** after a rep (or hold) completed with no fault during it;
* milestones, praise and analyzer instructions ("Brace your core") that
  cannot be said at once (a cue was just said) wait up to ``pending_s``;
  a newer one replaces an older one;
* **mute** (the ``m`` key): cues are still chosen and shown, but marked
  ``spoken=False`` so the voice stays quiet.

The policy only looks at :class:`~coach.exercise.FrameVerdict` fields, so
it works for every exercise; it costs a few microseconds per frame.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from coach.exercise import NOT_VISIBLE, ExerciseAnalyzer, FrameVerdict
from coach.spec import NOT_VISIBLE_CUE, ExerciseSpec

DEFAULT_FAULT_CUES: Mapping[str, str] = MappingProxyType({NOT_VISIBLE: NOT_VISIBLE_CUE})
"""Words for faults the analyzer did not put into ``verdict.cue`` (the
analyzer's cue always wins for its top fault). An exercise's own words come
from its spec (:func:`config_for`)."""

# Priority of a cue (lower is more urgent).
_P_SAFETY, _P_FAULT, _P_SETUP, _P_INSTRUCTION, _P_TARGET, _P_MILESTONE, _P_PRAISE = range(7)


@dataclass(frozen=True)
class FeedbackConfig:
    """Timing of cues. Numbers come from how people take spoken coaching:
    a cue takes ~1.5 s to say, so 2.5 s between cues leaves room to act on
    the last one; repeating a correction sooner than ~8 s nags (commercial
    coaches rate-limit their voice, docs/measured.md). A safety fault may cut in
    after 1 s: hearing "Lift your hips" late matters more than a count."""

    min_gap_s: float = 2.5
    safety_gap_s: float = 1.0
    cooldown_s: float = 6.0
    reminder_s: float = 8.0
    hold_milestone_s: float = 10.0
    pending_s: float = 3.0
    praise: bool = True
    announce_reps: bool = True
    safety_codes: frozenset[str] = frozenset()
    """Faults that put the lower back at risk: said before any other cue
    (the spec's ``safety`` faults, see :func:`config_for`)."""
    fault_cues: Mapping[str, str] = field(default_factory=lambda: DEFAULT_FAULT_CUES)
    praise_phrases: tuple[str, ...] = ("good rep", "nice form", "well done")
    hold_praise: str = "good hold"
    history_size: int = 100

    def __post_init__(self) -> None:
        for name in ("min_gap_s", "safety_gap_s", "cooldown_s", "reminder_s", "hold_milestone_s", "pending_s"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"FeedbackConfig.{name} must be a finite number >= 0, got {value!r}")
        if self.safety_gap_s > self.min_gap_s:
            raise ValueError("FeedbackConfig.safety_gap_s must not exceed min_gap_s")
        if not self.praise_phrases:
            raise ValueError("FeedbackConfig.praise_phrases must not be empty")
        if self.history_size < 0:
            raise ValueError("FeedbackConfig.history_size must be >= 0")


@dataclass(frozen=True)
class Target:
    """The set's target: ``value`` reps/lifts, or seconds when ``unit`` is "s"."""

    value: float
    unit: str = "reps"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and self.value > 0):
            raise ValueError(f"Target.value must be positive, got {self.value!r}")

    @property
    def is_time(self) -> bool:
        return self.unit == "s"


@dataclass(frozen=True)
class Cue:
    t: float
    text: str
    kind: str  # "fault" | "setup" | "instruction" | "milestone" | "praise"
    code: str | None = None
    spoken: bool = True
    """False while muted: show it, do not say it."""
    safety: bool = False


@dataclass(frozen=True)
class _Candidate:
    priority: int
    text: str
    kind: str
    code: str | None = None
    expires: float = math.inf
    phase: str | None = None
    """An analyzer instruction belongs to the phase it was given in: once
    the phase changes it is stale (a setup hint must not be said during
    the hold that follows it)."""


class FeedbackPolicy:
    """``FeedbackPolicy(config).update(verdict) -> Cue | None`` per frame."""

    def __init__(self, config: FeedbackConfig | None = None, *, target: Target | None = None) -> None:
        self.config = config or FeedbackConfig()
        self.target = target
        self.muted = False
        self.reset()

    def reset(self) -> None:
        """Forget everything about the set (mute stays as the user set it)."""
        self._last_cue_t = -math.inf
        self._last_cue_safety = False
        self._last_said: dict[str, float] = {}
        self._cued_at: dict[str, float] = {}  # fault code -> when its episode was last cued
        self._reps = 0
        self._rep_had_fault = False
        self._hold_step = 0
        self._hold_s = 0.0
        self._target_announced = False
        self._praise_index = 0
        self._pending: dict[str, _Candidate] = {}  # slot ("instruction" | "progress") -> candidate
        self._instruction: str | None = None
        self.history: deque[Cue] = deque(maxlen=self.config.history_size)

    def set_muted(self, muted: bool) -> None:
        self.muted = bool(muted)

    # -- per frame --------------------------------------------------------------
    def update(self, v: FrameVerdict) -> Cue | None:
        t = v.t
        self._forget_cleared(v.faults)
        if any(code != NOT_VISIBLE for code in v.faults):
            self._rep_had_fault = True
        fault = self._fault_candidate(v)
        self._queue("instruction", self._instruction_candidate(v))
        self._queue("progress", self._progress_candidate(v))
        for name in [n for n, cand in self._pending.items()
                     if t > cand.expires or (cand.phase is not None and cand.phase != v.phase)]:
            del self._pending[name]

        choice = fault
        slot: str | None = None
        for name, cand in self._pending.items():
            if choice is None or cand.priority < choice.priority:
                choice, slot = cand, name
        if choice is None or not self._gap_ok(t, choice):
            return None
        if slot is not None:
            del self._pending[slot]
            if not self._cooled(t, choice.text):
                return None  # said a moment ago: drop it
        if choice.code is not None:
            self._cued_at[choice.code] = t
        return self._emit(t, choice)

    # -- candidates -------------------------------------------------------------
    def _forget_cleared(self, faults: tuple[str, ...]) -> None:
        for code in [c for c in self._cued_at if c not in faults]:
            del self._cued_at[code]

    def _ordered_faults(self, faults: tuple[str, ...]) -> list[str]:
        safety = self.config.safety_codes
        return sorted(faults, key=lambda code: 0 if code in safety else 1)  # stable: analyzer order kept

    def _fault_candidate(self, v: FrameVerdict) -> _Candidate | None:
        """The cue for the most important active fault, if it is due."""
        c = self.config
        for code in self._ordered_faults(v.faults):
            text = v.cue if (code == v.faults[0] and v.cue) else c.fault_cues.get(code)
            if not text:
                continue  # nothing to say for it: let the next fault speak
            cued = self._cued_at.get(code)
            if cued is not None and v.t - cued < c.reminder_s:
                return None  # focus: the main correction was given, wait
            if not self._cooled(v.t, text):
                return None
            if code == NOT_VISIBLE:
                return _Candidate(_P_SETUP, text, "setup", code)
            prio = _P_SAFETY if code in c.safety_codes else _P_FAULT
            return _Candidate(prio, text, "fault", code)
        return None

    def _instruction_candidate(self, v: FrameVerdict) -> _Candidate | None:
        """An analyzer cue with no fault (setup hints, "Brace your core"):
        said when it appears, again only after ``reminder_s`` if it stays."""
        text = v.cue if (v.cue and not v.faults) else None
        fresh = text is not None and text != self._instruction
        self._instruction = text
        if text is None:
            return None
        if not fresh and v.t - self._last_said.get(text, -math.inf) < self.config.reminder_s:
            return None
        kind = "setup" if v.phase == "setup" else "instruction"
        return _Candidate(_P_INSTRUCTION, text, kind, None, v.t + self.config.pending_s, v.phase)

    def _progress_candidate(self, v: FrameVerdict) -> _Candidate | None:
        """Rep count / praise, hold milestones and the target."""
        c = self.config
        t = v.t
        expires = t + c.pending_s
        out: _Candidate | None = None
        target = self.target
        if v.hold_s + 1e-9 < self._hold_s:  # a new hold started
            self._hold_step = 0
        self._hold_s = v.hold_s
        if c.hold_milestone_s > 0 and v.hold_s >= (self._hold_step + 1) * c.hold_milestone_s:
            self._hold_step = int(v.hold_s // c.hold_milestone_s)
            out = _Candidate(_P_MILESTONE, f"{int(self._hold_step * c.hold_milestone_s)} seconds",
                             "milestone", None, expires)
        if target is not None and target.is_time and not self._target_announced and v.hold_s >= target.value:
            self._target_announced = True
            out = _Candidate(_P_TARGET, f"{target.value:g} seconds, target reached", "milestone", None, expires)

        if v.reps > self._reps:
            # praise only what the analyzer itself calls clean (its record of
            # the item); without that word, no fault seen during the item
            good = v.item_good if v.item_good is not None else not self._rep_had_fault
            self._reps = v.reps
            self._rep_had_fault = False
            hit = (target is not None and not target.is_time and not self._target_announced
                   and v.reps >= target.value)
            if hit:
                self._target_announced = True
                return _Candidate(_P_TARGET, f"{v.reps}, target reached", "milestone", None, expires)
            praise = self._praise_text() if (good and c.praise) else None
            if c.announce_reps and (target is None or not target.is_time):
                text = f"{v.reps}, {praise}" if praise else f"{v.reps}"
                return _Candidate(_P_PRAISE if praise else _P_MILESTONE, text,
                                  "praise" if praise else "milestone", None, expires)
            if praise:
                return _Candidate(_P_PRAISE, praise.capitalize(), "praise", None, expires)
        elif v.reps < self._reps:  # the analyzer was reset
            self._reps = v.reps
        return out

    def _praise_text(self) -> str:
        if self.target is not None and self.target.is_time:
            return self.config.hold_praise
        phrases = self.config.praise_phrases
        text = phrases[self._praise_index % len(phrases)]
        self._praise_index += 1
        return text

    def _queue(self, slot: str, cand: _Candidate | None) -> None:
        """Keep ``cand`` until it can be said; it replaces an older candidate
        of its slot unless that one is more urgent (a target beats a count)."""
        if cand is None:
            return
        old = self._pending.get(slot)
        if old is None or cand.priority <= old.priority:
            self._pending[slot] = cand

    # -- rules ------------------------------------------------------------------
    def _cooled(self, t: float, text: str) -> bool:
        return t - self._last_said.get(text, -math.inf) >= self.config.cooldown_s

    def _gap_ok(self, t: float, cand: _Candidate) -> bool:
        since = t - self._last_cue_t
        if since >= self.config.min_gap_s:
            return True
        return cand.priority == _P_SAFETY and not self._last_cue_safety and since >= self.config.safety_gap_s

    def _emit(self, t: float, cand: _Candidate) -> Cue:
        cue = Cue(t, cand.text, cand.kind, cand.code, spoken=not self.muted,
                  safety=cand.priority == _P_SAFETY)
        self._last_cue_t = t
        self._last_cue_safety = cue.safety
        self._last_said[cue.text] = t
        self.history.append(cue)
        return cue


def config_for(spec: ExerciseSpec, config: FeedbackConfig | None = None) -> FeedbackConfig:
    """``config`` (or the defaults) with the exercise's own words for its
    faults, its safety faults and its praise, all from its spec."""
    config = config or FeedbackConfig()
    config = replace(config, fault_cues=MappingProxyType({**config.fault_cues, **spec.cues}),
                     safety_codes=config.safety_codes | spec.safety_codes)
    if spec.praise is not None and config.praise_phrases == FeedbackConfig.praise_phrases:
        config = replace(config, praise_phrases=spec.praise)  # the exercise's words, unless set by the caller
    return config


def policy_for(analyzer: ExerciseAnalyzer, config: FeedbackConfig | None = None) -> FeedbackPolicy:
    """A policy set up for one analyzer's set: its target (from its
    summary) and its exercise's words, safety faults and praise (from the
    spec in the registry)."""
    from coach.registry import find_spec

    spec = find_spec(analyzer.name)
    if spec is not None:
        config = config_for(spec, config)
    config = config or FeedbackConfig()
    planned = analyzer.summary()
    target = None
    if planned.target:
        target = Target(planned.target, "s" if planned.target_unit == "s" else (planned.target_unit or "reps"))
    return FeedbackPolicy(config, target=target)
