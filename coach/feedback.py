"""Feedback policy: which cue (if any) to say or show on this frame.

One place decides, tested alone (``tests/test_feedback.py``):

* one cue at a time, and at least ``min_gap_s`` between any two cues;
* faults first (the analyzer orders its faults by priority, safety first),
  then milestones (rep counts, hold time), then praise;
* a cue is not repeated while its fault persists, unless the fault lasts
  past ``reminder_s``; the same cue text never comes back within
  ``cooldown_s``;
* praise ("Good rep") after a rep completed with no fault during it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.exercise import NOT_VISIBLE, FrameVerdict


@dataclass(frozen=True)
class FeedbackConfig:
    """Timing of cues. Numbers come from how people take spoken coaching:
    a cue takes ~1.5 s to say, so 2.5 s between cues leaves room to act on
    the last one; repeating a correction sooner than ~8 s nags (commercial
    coaches rate-limit their voice, FACTS.md)."""

    min_gap_s: float = 2.5
    cooldown_s: float = 6.0
    reminder_s: float = 8.0
    hold_milestone_s: float = 10.0
    praise: bool = True
    announce_reps: bool = True


@dataclass(frozen=True)
class Cue:
    t: float
    text: str
    kind: str  # "fault" | "setup" | "milestone" | "praise"
    code: str | None = None


class FeedbackPolicy:
    def __init__(self, config: FeedbackConfig | None = None) -> None:
        self.config = config or FeedbackConfig()
        self.reset()

    def reset(self) -> None:
        self._last_cue_t = -math.inf
        self._last_said: dict[str, float] = {}
        self._fault_cued_at: dict[str, float] = {}
        self._reps = 0
        self._rep_had_fault = False
        self._hold_milestone = 0
        self.history: list[Cue] = []

    def _can_say(self, t: float, text: str) -> bool:
        return t - self._last_said.get(text, -math.inf) >= self.config.cooldown_s

    def _emit(self, cue: Cue) -> Cue:
        self._last_cue_t = cue.t
        self._last_said[cue.text] = cue.t
        self.history.append(cue)
        return cue

    def update(self, v: FrameVerdict) -> Cue | None:
        c = self.config
        t = v.t
        active = set(v.faults)
        for code in list(self._fault_cued_at):
            if code not in active:
                del self._fault_cued_at[code]
        if v.faults and v.faults != (NOT_VISIBLE,):
            self._rep_had_fault = True

        candidates: list[Cue] = []
        if v.faults and v.cue:
            top = v.faults[0]
            cued = self._fault_cued_at.get(top)
            if cued is None or t - cued >= c.reminder_s:
                kind = "setup" if top == NOT_VISIBLE else "fault"
                candidates.append(Cue(t, v.cue, kind, top))
        elif v.cue and v.phase == "setup" and not v.faults:
            candidates.append(Cue(t, v.cue, "setup", None))

        if v.reps > self._reps:
            if c.announce_reps:
                candidates.append(Cue(t, f"{v.reps}", "milestone", None))
            if c.praise and not self._rep_had_fault:
                candidates.append(Cue(t, "Good rep" if v.phase != "hold" else "Good hold", "praise", None))
            self._reps = v.reps
            self._rep_had_fault = False
        if c.hold_milestone_s > 0 and v.hold_s >= (self._hold_milestone + 1) * c.hold_milestone_s:
            self._hold_milestone = int(v.hold_s // c.hold_milestone_s)
            candidates.append(Cue(t, f"{int(self._hold_milestone * c.hold_milestone_s)} seconds", "milestone", None))

        if t - self._last_cue_t < c.min_gap_s:
            return None
        for cue in candidates:
            if cue.kind in ("fault", "setup") or self._can_say(t, cue.text):
                if cue.kind in ("fault", "setup") and not self._can_say(t, cue.text):
                    cued = self._fault_cued_at.get(cue.code or "")
                    if cued is not None and t - cued < c.reminder_s:
                        continue
                if cue.code is not None:
                    self._fault_cued_at[cue.code] = t
                return self._emit(cue)
        return None
