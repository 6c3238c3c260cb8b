"""Programmes: several sets with rest between them, as a physiotherapist
prescribes (``coach live --sets N --rest S``, ``coach live --programme
NAME``). The named programmes are declared in ``exercises/programmes.py``
(they name exercises, so they live with them) and registered here.

A programme runs as one session with one set per exercise, set and side.
Each set ends when its target is met (or on ``q``, which ends the
programme); a spoken countdown times the rest; an exercise with ``sides``
in its spec (knee to chest) asks for the left side, then the right.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coach.errors import UsageError
from coach.registry import canonical_name, get_spec
from coach.voice import VoiceEngine

MAX_SETS = 10
MAX_REST_S = 600.0
SIDE_SWITCH_S = 5.0
"""The pause between the two sides of one set (rest comes after both)."""


@dataclass(frozen=True)
class ProgrammeStep:
    """``sets`` sets of ``exercise`` against ``target`` (None: the
    exercise's default, or the progression's), ``rest_s`` seconds apart."""

    exercise: str
    sets: int
    rest_s: float
    target: float | None = None
    why: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.sets <= MAX_SETS:
            raise ValueError(f"{self.exercise}: sets must be 1-{MAX_SETS}")
        if not 0 <= self.rest_s <= MAX_REST_S:
            raise ValueError(f"{self.exercise}: rest must be 0-{MAX_REST_S:g} s")


@dataclass(frozen=True)
class Programme:
    name: str
    description: str
    steps: tuple[ProgrammeStep, ...]
    rest_between_exercises_s: float = 60.0


_PROGRAMMES: dict[str, Programme] = {}


def register_programme(p: Programme) -> Programme:
    for step in p.steps:
        canonical_name(step.exercise)  # an unknown exercise fails at import
    _PROGRAMMES[p.name] = p
    return p


def programme_names() -> list[str]:
    import exercises  # noqa: F401 - registers the programmes

    return sorted(_PROGRAMMES)


def get_programme(name: str) -> Programme:
    names = programme_names()
    key = name.strip().lower().replace("_", "-")
    if key not in _PROGRAMMES:
        raise UsageError(f"unknown programme {name!r}; choose one of: {', '.join(names) or '(none)'}")
    return _PROGRAMMES[key]


@dataclass(frozen=True)
class PlannedSet:
    exercise: str
    set_no: int
    sets: int
    side: str | None
    target: float | None
    rest_after_s: float

    def announcement(self) -> str:
        spec = get_spec(self.exercise)
        name = self.exercise.replace("_", " ")
        text = f"Set {self.set_no} of {self.sets}: {name}."
        if self.side is not None and spec.side_prompt:
            text += " " + spec.side_prompt.format(side=self.side) + "."
        if self.target:
            unit = "seconds" if spec.unit == "s" else spec.unit
            text += f" Target {self.target:g} {unit}."
        return text


def plan(steps: Sequence[ProgrammeStep], targets: Callable[[ProgrammeStep], float | None],
         between_exercises_s: float = 60.0) -> list[PlannedSet]:
    """Every set in order: per step its sets, per set its sides."""
    out: list[PlannedSet] = []
    for i, step in enumerate(steps):
        spec = get_spec(step.exercise)
        target = targets(step)
        sides: tuple[str | None, ...] = spec.sides or (None,)
        for n in range(1, step.sets + 1):
            for j, side in enumerate(sides):
                last_side = j == len(sides) - 1
                if not last_side:
                    rest = min(SIDE_SWITCH_S, step.rest_s)
                elif n < step.sets:
                    rest = step.rest_s
                else:
                    rest = between_exercises_s if i < len(steps) - 1 else 0.0
                out.append(PlannedSet(spec.name, n, step.sets, side, target, rest))
    return out


COUNT_AT = (30, 10, 5, 4, 3, 2, 1)
"""Seconds left at which the rest countdown speaks."""


def rest_countdown(seconds: float, voice: VoiceEngine, *, next_up: str = "",
                   sleep: Callable[[float], None] = time.sleep, out: Callable[[str], None] | None = None,
                   stop: Callable[[], bool] = lambda: False) -> bool:
    """Rest ``seconds``, saying how long, then the last seconds, then what
    comes next. Returns False when ``stop()`` said to end early."""
    say_out = out or (lambda s: print(s, file=sys.stderr))
    total = math.ceil(seconds)
    if total <= 0:
        return True
    voice.say(f"Rest {total} seconds")
    say_out(f"rest {total} s" + (f"; next: {next_up}" if next_up else ""))
    for left in range(total, 0, -1):
        if left in COUNT_AT and left != total:
            voice.say(str(left))
            if left in (30, 10):
                say_out(f"rest: {left} s left")
        sleep(1.0)
        if stop():
            return False
    if next_up:
        voice.say(next_up)
    return True


@dataclass(frozen=True)
class SetOutcome:
    done: bool
    """The set ran (False: nobody got into position)."""
    quit: bool
    """The user ended the programme."""


def run_programme(planned: Sequence[PlannedSet], run_set: Callable[[PlannedSet], SetOutcome],
                  voice: VoiceEngine, *, sleep: Callable[[float], None] = time.sleep,
                  out: Callable[[str], None] | None = None) -> list[SetOutcome]:
    """Each planned set in turn, announced, with the rest countdown between."""
    say_out = out or (lambda s: print(s, file=sys.stderr))
    results: list[SetOutcome] = []
    for i, ps in enumerate(planned):
        text = ps.announcement()
        say_out(text)
        voice.say(text)
        outcome = run_set(ps)
        results.append(outcome)
        if outcome.quit:
            break
        nxt = planned[i + 1] if i + 1 < len(planned) else None
        if nxt is not None and ps.rest_after_s > 0:
            rest_countdown(ps.rest_after_s, voice, next_up="Get ready", sleep=sleep, out=say_out)
    voice.say("Programme done. Well done")
    return results
