"""Accuracy floors: minimums (and maximums for errors) that a run of
``coach eval`` must meet, kept in a small JSON file so they can be raised as
the analyzers improve.

Format (one section per origin; ``<origin>_quick`` for ``--quick`` runs)::

    {"synthetic": {
        "exercises": {"<exercise>": {"accuracy": {"min": 0.95},
                                     "classes.correct.f1": {"min": 0.9},
                                     "count.mean_abs_error": {"max": 0.2}}},
        "max_false_count": 0},
     "real": {...}}

A metric is a dotted path into the exercise's part of the ``--json`` output
(``accuracy``, ``macro_f1``, ``classes.<class>.f1``, ``count.exact_fraction``,
``count.mean_abs_error``, ``hold.mean_abs_error_s``, ...).
``max_false_count`` bounds every analyzer's count on the entries without an
exercise. Checking works on the JSON, so a saved report can be checked too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MIN_METRICS: tuple[str, ...] = ("accuracy", "macro_f1", "count.exact_fraction", "good_count.exact_fraction")
MAX_METRICS: tuple[str, ...] = ("count.mean_abs_error", "good_count.mean_abs_error", "hold.mean_abs_error_s")


def section_key(origin: str, quick: bool) -> str:
    return f"{origin}_quick" if quick else origin


def metric(exercise_json: Mapping[str, Any], path: str) -> float | None:
    node: Any = exercise_json
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)) or not math.isfinite(node):
        return None
    return float(node)


def check_floors(origin_json: Mapping[str, Any], floors: Mapping[str, Any], label: str = "") -> list[str]:
    """Every floor ``origin_json`` (one origin's part of the ``--json``
    report) misses, one line each; empty when all hold."""
    problems: list[str] = []
    prefix = f"{label}: " if label else ""
    exercises = origin_json.get("exercises", {})
    for name, limits in floors.get("exercises", {}).items():
        ex = exercises.get(name)
        if ex is None:
            problems.append(f"{prefix}{name}: no entries were evaluated, but floors are set")
            continue
        for path, bound in limits.items():
            value = metric(ex, path)
            if value is None:
                problems.append(f"{prefix}{name}: {path} is undefined")
                continue
            if "min" in bound and value < bound["min"] - 1e-9:
                problems.append(f"{prefix}{name}: {path} = {value:.4g} is below the floor {bound['min']:.4g}")
            if "max" in bound and value > bound["max"] + 1e-9:
                problems.append(f"{prefix}{name}: {path} = {value:.4g} is above the ceiling {bound['max']:.4g}")
    if "max_false_count" in floors:
        limit = floors["max_false_count"]
        for name, count in origin_json.get("idle", {}).get("false_counts", {}).items():
            if count > limit:
                problems.append(f"{prefix}{name} counted {count} on recordings without that exercise (max {limit})")
    return problems


def floors_from(origin_json: Mapping[str, Any], margin: float = 0.03, count_margin: float = 0.25,
                hold_margin_s: float = 1.0, min_support: int = 20) -> dict[str, Any]:
    """Floors at what ``origin_json`` measured, less a margin (``margin``
    for fractions, ``count_margin`` for mean count errors, ``hold_margin_s``
    for hold time). Per-class F1 floors only for classes with at least
    ``min_support`` scored frames."""
    out: dict[str, Any] = {}
    for name, ex in origin_json.get("exercises", {}).items():
        limits: dict[str, dict[str, float]] = {}
        paths = [*MIN_METRICS]
        for label, scores in ex.get("classes", {}).items():
            if scores.get("support", 0) >= min_support:
                paths.append(f"classes.{label}.f1")
        for path in paths:
            value = metric(ex, path)
            if value is not None:
                limits[path] = {"min": max(0.0, math.floor((value - margin) * 1000) / 1000)}
        for path in MAX_METRICS:
            value = metric(ex, path)
            if value is not None and _has_entries(ex, path):
                extra = hold_margin_s if path.startswith("hold") else count_margin
                limits[path] = {"max": math.ceil((value + extra) * 1000) / 1000}
        out[name] = limits
    idle = origin_json.get("idle", {})
    section: dict[str, Any] = {"exercises": out}
    if idle.get("entries"):
        section["max_false_count"] = max(idle.get("false_counts", {}).values(), default=0)
    return section


def _has_entries(ex: Mapping[str, Any], path: str) -> bool:
    head = path.split(".", 1)[0]
    part = ex.get(head)
    return isinstance(part, Mapping) and part.get("n", 0) > 0
