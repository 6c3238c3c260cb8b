"""Plain-text rendering of a set summary for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from coach.aspect import ASPECT_FROM_FILE
from coach.exercise import SetSummary
from coach.registry import fault_label, find_spec
from coach.units import plural


def format_advice(advice: Sequence[str], indent: str = "  ") -> list[str]:
    """The "what to work on next" lines (:func:`coach.advice.what_next`)."""
    if not advice:
        return []
    out = [f"{indent}what to work on next:"]
    for line in advice:
        out.append(textwrap.fill(line, width=100, initial_indent=f"{indent}- ", subsequent_indent=f"{indent}  "))
    return out


def format_summary(s: SetSummary, no_person: bool = False, advice: Sequence[str] = ()) -> str:
    """The set's headline, then the advice lines, then the detail."""
    lines: list[str] = []
    if no_person:
        lines.append(f"{s.exercise}: no person detected; nothing was counted")
        return "\n".join(lines)
    head = f"{s.exercise}: score {s.score:.0f}/100"
    if s.target_unit == "s" or (s.hold_s > 0 and s.reps == 0):
        head += f", good-form hold {s.hold_s:.1f} s (longest {s.best_hold_s:.1f} s)"
        if s.target:
            head += f" of {s.target:g} s target"
        head += f", {plural(s.reps, 'hold')} completed"
    else:
        unit = (s.target_unit or "reps").removesuffix("s")
        head += f", {plural(s.reps, unit)}"
        if s.target:
            head += f" of {s.target:g}"
    lines.append(head)
    lines.extend(format_advice(advice))
    if s.score_formula:
        formula = s.score_formula.removeprefix("score = ").removeprefix("score=")
        lines.append(textwrap.fill(formula, width=100, initial_indent="  how scored: ", subsequent_indent="    "))
    counts = s.fault_counts()
    if counts:
        lines.append("  faults: " + ", ".join(f"{fault_label(k)} ({plural(v, 'time')})"
                                               for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
    else:
        lines.append("  faults: none")
    aspect = s.extra.get("aspect")
    if isinstance(aspect, str) and aspect != ASPECT_FROM_FILE:
        lines.append(textwrap.fill(aspect, width=100, initial_indent="  image aspect: ", subsequent_indent="    "))
    stature = s.extra.get("stature_source")
    if isinstance(stature, str) and stature.startswith("assumed"):
        lines.append(f"  stature: {stature} (the default; set yours with coach profile --height)")
    lines.extend(_baseline_lines(s))
    if s.visible_fraction < 0.999:
        lines.append(f"  body visible in {100 * s.visible_fraction:.0f}% of frames")
    for it in s.items:
        side = f", {it.side} side" if it.side else ""
        faults = ", ".join(fault_label(c) for c in it.faults) if it.faults else "clean"
        lines.append(
            f"  {it.kind} #{it.index}{side}: {it.start:.1f}-{it.end:.1f} s, score {it.score:.0f} ({faults})"
        )
    return "\n".join(lines)


def _baseline_lines(s: SetSummary) -> list[str]:
    """"judged against your calibration of <date>", and the set's measures
    against it (``extra["baseline"]``, :mod:`coach.baseline`)."""
    b = s.extra.get("baseline")
    spec = find_spec(s.exercise)
    if not isinstance(b, dict) or spec is None or spec.baseline is None:
        return []
    when = str(b.get("recorded_at", ""))[:10]
    out = [f"  judged against your calibration of {when} as well as the exercise's own limits "
           "(coach calibrate; --no-baseline to judge without it)"]
    progress = b.get("progress") or {}
    for m in spec.baseline.measures:
        p = progress.get(m.key)
        if isinstance(p, dict):
            out.append(f"    {m.label}: {p['set']:+.{m.digits}f} {m.unit} in this set, "
                       f"{p['baseline']:+.{m.digits}f} at calibration")
    return out
