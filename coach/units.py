"""Numbers for people: one precision rule per unit, plain-language names
for metric and measure keys (from the exercise specs), plurals.

The precision rule, used by ``show``, the summaries and the report alike:

* degrees, centimetres, scores and counts: whole numbers (``43°``);
* seconds and kilograms: one decimal (``9.5 s``);
* anything else (fractions, ratios, multipliers, lengths in body
  proportions): two decimals (``0.89``).

A :class:`~coach.spec.MetricSpec` may override it with ``digits``.
"""

from __future__ import annotations

import math

from coach.registry import find_spec
from coach.spec import MetricSpec

WHOLE_UNITS = frozenset({"deg", "cm", "score", "reps", "lifts", "holds", "%"})
ONE_DECIMAL_UNITS = frozenset({"s", "kg"})
SYMBOLS = {"deg": "°", "%": "%"}
"""Units written without a space before them."""


def digits_for(unit: str) -> int:
    if unit in WHOLE_UNITS:
        return 0
    if unit in ONE_DECIMAL_UNITS:
        return 1
    return 2


def format_value(value: float | None, unit: str = "", digits: int | None = None, with_unit: bool = True) -> str:
    """``43°``, ``9.5 s``, ``0.89 trunk lengths``; ``-`` when not measured."""
    if value is None or not math.isfinite(value):
        return "-"
    d = digits_for(unit) if digits is None else digits
    text = f"{value:.{d}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    if not with_unit or not unit:
        return text
    symbol = SYMBOLS.get(unit)
    return text + symbol if symbol else f"{text} {unit}"


def unit_text(unit: str) -> str:
    """How a unit reads in a column header or an axis label."""
    return {"deg": "degrees"}.get(unit, unit)


def fallback_metric(key: str) -> MetricSpec:
    """A label for a name no spec declares (a session stored by another
    version): the words of the key, the unit guessed from its suffix."""
    words = key.replace("_", " ")
    if key.endswith("_s"):
        return MetricSpec(key, words.removesuffix(" s"), "s")
    if key.endswith("_cm"):
        return MetricSpec(key, words.removesuffix(" cm"), "cm")
    if key.endswith("_kg"):
        return MetricSpec(key, words.removesuffix(" kg"), "kg")
    if any(k in key for k in ("angle", "flexion", "twist", "tilt", "bend", "incline", "yaw")):
        return MetricSpec(key, words, "deg")
    return MetricSpec(key, words, "")


def metric_spec(exercise: str | None, key: str) -> MetricSpec:
    """The label and unit of a metric or measure key of ``exercise``."""
    spec = find_spec(exercise)
    found = spec.metric(key) if spec is not None else None
    return found if found is not None else fallback_metric(key)


def metric_label(exercise: str | None, key: str) -> str:
    return metric_spec(exercise, key).label


def metric_header(exercise: str | None, key: str) -> str:
    """``trunk flexion (degrees)``: a label with its unit for a column or axis."""
    m = metric_spec(exercise, key)
    return f"{m.label} ({unit_text(m.unit)})" if m.unit and not m.choices else m.label


def format_metric(exercise: str | None, key: str, value: float | None, with_unit: bool = True) -> str:
    """A measure's value in its unit and precision (a coded value by name)."""
    m = metric_spec(exercise, key)
    if m.choices:
        if value is None or not math.isfinite(value):
            return "unknown"
        i = round(value)
        return m.choices[i] if 0 <= i < len(m.choices) else "unknown"
    return format_value(value, m.unit, m.digits, with_unit)


def plural(n: float, noun: str) -> str:
    """``1 lift``, ``2 lifts``, ``0 reps``."""
    return f"{n:g} {noun}" + ("" if n == 1 else "s")


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
