"""What to work on next: two or three plain-language lines that open every
summary, ``coach show`` and the report.

1. the most frequent form fault and how to fix it (its label and cue, from
   the exercise's spec), or that the form was clean;
2. what changed since the last session of the same exercise (score and
   result), or that this is the first one on record;
3. the next target (:mod:`coach.progression`).
"""

from __future__ import annotations

from collections.abc import Sequence

from coach.progression import next_target
from coach.registry import fault_label, find_fault, find_spec
from coach.store.results import SetResult, group_by_session
from coach.units import format_value, plural


def _name(exercise: str) -> str:
    return exercise.replace("_", " ")


def top_fault(results: Sequence[SetResult]) -> tuple[str, int] | None:
    """The most frequent fault over ``results``: most episodes, then the
    most time, then safety faults first."""
    counts: dict[str, int] = {}
    secs: dict[str, float] = {}
    for r in results:
        for code, n in r.fault_counts.items():
            counts[code] = counts.get(code, 0) + n
            secs[code] = secs.get(code, 0.0) + r.fault_seconds.get(code, 0.0)
    if not counts:
        return None

    def key(code: str) -> tuple[int, float, int]:
        hit = find_fault(code)
        return (counts[code], secs[code], 1 if hit is not None and hit[1].safety else 0)

    code = max(sorted(counts), key=key)
    return code, counts[code]


def fault_line(results: Sequence[SetResult]) -> str:
    top = top_fault(results)
    if not results:
        return "Nothing was scored yet."
    if top is None:
        return "Form: no faults. Keep it up."
    code, n = top
    hit = find_fault(code)
    cue = hit[1].cue if hit is not None else ""
    line = f"Work on: {fault_label(code)} ({plural(n, 'time')})."
    return f"{line} {cue.rstrip('.')}." if cue else line


def _result_text(r: SetResult) -> str:
    if r.target_unit == "s":
        return format_value(r.hold_s, "s")
    noun = (r.target_unit or "reps").removesuffix("s")
    return plural(r.reps, noun)


def _best(results: Sequence[SetResult]) -> SetResult:
    return max(results, key=lambda r: (r.result, r.score or 0.0))


def _mean_score(results: Sequence[SetResult]) -> float | None:
    scores = [r.score for r in results if r.score is not None]
    return sum(scores) / len(scores) if scores else None


def change_line(current: Sequence[SetResult], previous: Sequence[SetResult]) -> str:
    """Per exercise of ``current``: its mean score and best result against
    the previous session of that exercise in ``previous``."""
    parts: list[str] = []
    firsts: list[str] = []
    for exercise in dict.fromkeys(r.exercise for r in current):
        now = [r for r in current if r.exercise == exercise]
        past_sessions = group_by_session([r for r in previous if r.exercise == exercise])
        if not past_sessions:
            firsts.append(_name(exercise))
            continue
        before = past_sessions[-1]
        a, b = _mean_score(before), _mean_score(now)
        if a is None or b is None:
            continue
        delta = b - a
        word = "better" if delta >= 1.0 else ("lower" if delta <= -1.0 else "about the same")
        sid = f" (session {before[0].session_id})" if before[0].session_id is not None else ""
        parts.append(f"{_name(exercise)} score {a:.0f} -> {b:.0f}, {word}; "
                     f"{_result_text(_best(before))} -> {_result_text(_best(now))}{sid}")
    lines = []
    if parts:
        lines.append("Since last time: " + "; ".join(parts) + ".")
    if firsts:
        lines.append(f"First {' and '.join(firsts)} on record: this is your starting point.")
    return " ".join(lines) if lines else "No earlier session to compare with."


def target_line(current: Sequence[SetResult], previous: Sequence[SetResult]) -> str:
    parts: list[str] = []
    for exercise in dict.fromkeys(r.exercise for r in current):
        spec = find_spec(exercise)
        if spec is None or spec.default_target is None:
            continue
        adv = next_target(exercise, [*previous, *current])
        if adv.target is None:
            continue
        value = f"{adv.target:g} s" if adv.unit == "s" else plural(adv.target, spec.item_kind)
        parts.append(f"{_name(exercise)} {value} ({adv.reason})")
    if not parts:
        return "Next: the same again, with the cues above."
    return "Next target: " + "; ".join(parts) + "."


def what_next(current: Sequence[SetResult], previous: Sequence[SetResult]) -> list[str]:
    """The two or three lines. ``current``: the sets of this session (or
    report's latest session); ``previous``: earlier sets, oldest first."""
    if not current:
        return ["Nothing was scored in this session."]
    return [fault_line(current), change_line(current, previous), target_line(current, previous)]
