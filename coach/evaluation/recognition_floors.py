"""Floors on the recognition numbers of ``coach eval`` (the
``recognition`` / ``recognition_quick`` section of the floors file)::

    {"recognition": {"synthetic.decision_accuracy": {"min": 1.0},
                     "false_warnings": {"max": 0}, ...}}

Paths are dotted into the ``recognition`` part of the ``--json`` report."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from coach.evaluation.recognition import json_metric

MIN_PATHS: tuple[str, ...] = ("synthetic.decision_accuracy", "synthetic.frame_accuracy", "real.decision_accuracy",
                              "real.frame_accuracy", "routines.summary.within_tolerance")
MAX_PATHS: tuple[str, ...] = ("false_warnings", "routines.summary.invented", "routines.summary.missed",
                              "routines.summary.max_abs_error_s")


def recognition_floors(obj: Mapping[str, Any], margin: float = 0.02, seconds_margin: float = 0.15) -> dict[str, Any]:
    """Floors at the measured numbers less a margin (counts of errors keep
    their measured value as the ceiling)."""
    out: dict[str, Any] = {}
    for path in MIN_PATHS:
        value = json_metric(obj, path)
        if value is not None:
            out[path] = {"min": max(0.0, math.floor((value - margin) * 1000) / 1000)}
    for path in MAX_PATHS:
        value = json_metric(obj, path)
        if value is not None:
            extra = seconds_margin if path.endswith("_s") else 0.0
            out[path] = {"max": math.ceil((value + extra) * 1000) / 1000}
    return out


def _measured(obj: Mapping[str, Any], path: str) -> bool:
    """Whether the part of the report ``path`` is in was run at all (a
    ``--only real`` run has no synthetic part and no routines)."""
    head = path.split(".", 1)[0]
    if head == "routines":
        return bool(obj.get("routines", {}).get("entries"))
    return head not in ("synthetic", "real") or head in obj


def check_recognition_floors(obj: Mapping[str, Any], floors: Mapping[str, Any]) -> list[str]:
    """Every bound ``obj`` misses, one line each; parts of the report that
    were not run are not checked."""
    problems = []
    for path, bound in floors.items():
        if not _measured(obj, path):
            continue
        value = json_metric(obj, path)
        if value is None:
            problems.append(f"recognition: {path} is undefined")
            continue
        if "min" in bound and value < bound["min"] - 1e-9:
            problems.append(f"recognition: {path} = {value:.4g} is below the floor {bound['min']:.4g}")
        if "max" in bound and value > bound["max"] + 1e-9:
            problems.append(f"recognition: {path} = {value:.4g} is above the ceiling {bound['max']:.4g}")
    return problems
