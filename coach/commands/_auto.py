"""``--exercise auto`` (or no ``--exercise``) on ``analyze`` and ``live``:
the exercise is recognised and a recording of several exercises is split
into sets (:mod:`coach.recognition`); and, with a named exercise, the
"This looks like a plank, not a hip bridge" warning.

What ``--summary-json`` holds: one set, its summary as with a named
exercise; several, ``{"sets": [...]}`` (each set's summary plus ``set``,
``start``, ``end`` and ``recognised_at``); none, ``{"sets": []}``.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from coach.baseline import Baseline
from coach.commands._common import info, make_analyzer
from coach.errors import UsageError
from coach.exercise import ExerciseAnalyzer
from coach.recognition.mismatch import MismatchWatcher
from coach.recognition.routine import SetResult
from coach.registry import exercise_names, specs
from coach.summary_text import format_summary

AUTO = "auto"


def is_auto(name: str | None) -> bool:
    """No exercise named, or ``auto``."""
    return name is None or name.strip().lower() == AUTO


def check_auto_args(args: argparse.Namespace) -> None:
    """Options that need a named exercise are usage errors with ``auto``."""
    if getattr(args, "target", None) is not None:
        raise UsageError("--target needs --exercise NAME: with --exercise auto each set has its exercise's "
                         "own default target")


def options_for(exercise: str, options: Mapping[str, float]) -> dict[str, float]:
    """The given exercise options that ``exercise`` takes (``--load-kg``
    goes to lift sets only)."""
    spec = next(s for s in specs() if s.name == exercise)
    return {k: v for k, v in options.items() if spec.option(k) is not None}


def set_analyzer_factory(options: Mapping[str, float], stature_m: float | None = None,
                         baselines: Mapping[str, Baseline] | None = None) -> Any:
    def make(exercise: str) -> ExerciseAnalyzer:
        return make_analyzer(exercise, None, options_for(exercise, options), stature_m, baselines)

    return make


def watcher_for(exercise: str, quiet: bool = False) -> MismatchWatcher:
    """The mismatch watcher of a named exercise; it prints its one line on
    stderr when it speaks."""
    return _PrintingWatcher(exercise, quiet)


class _PrintingWatcher(MismatchWatcher):
    def __init__(self, exercise: str, quiet: bool) -> None:
        super().__init__(exercise)
        self.quiet = quiet

    def update(self, frame: Any) -> str | None:
        said = super().update(frame)
        if said is not None:
            info(f"coach: warning: {said} (at {frame.t:.1f} s; use --exercise auto to have it recognised)",
                 self.quiet)
        return said


def sets_json(sets: Sequence[SetResult], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The summary JSON of an ``auto`` run (see the module docstring)."""
    if len(sets) == 1:
        obj = sets[0].to_json()
    else:
        obj = {"sets": [s.to_json() for s in sets]}
    obj.update(extra)
    return obj


def print_sets(sets: Sequence[SetResult], no_person: bool = False) -> None:
    if no_person:
        print("no person detected; nothing was counted")
        return
    if not sets:
        print("no exercise recognised (" + ", ".join(exercise_names()) + "); nothing was counted")
        return
    for r in sets:
        end = r.span.end if r.span.end is not None else r.span.start
        print(f"set {r.index}: {r.span.exercise}, {r.span.start:.1f}-{end:.1f} s "
              f"(recognised at {r.span.decided_at:.1f} s)")
        print(format_summary(r.summary))
