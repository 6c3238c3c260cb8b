"""Personal baselines (``coach calibrate``): the person's own best form,
and thresholds fitted to it that never loosen a safety limit.

An exercise that can be calibrated declares a :class:`BaselineSpec` in its
:class:`~coach.spec.ExerciseSpec`:

* **what is measured**: ``sample`` picks the frames that show the exercise's
  working position (the plank held, the top of a bridge, the knee held at
  the chest) and returns their measures (``measures``: the plank's hip
  offset and bend, the bridge's top hip line, the knee-to-chest hip
  flexion). :class:`BaselineCollector` keeps the median of each over the
  frames it is given: ``coach calibrate`` feeds it a few seconds of the
  person's best form (frames with a safety fault are never part of a
  baseline), and every later set feeds it its own frames, so the summary can
  say how the set compares with the baseline (:func:`progress`).
* **what it changes**: ``rules`` (:class:`PersonalRule`), each setting one
  threshold of the exercise's config from one baseline measure plus a
  margin. :func:`personalise` applies them, and it alone decides how far a
  threshold may move: a **safety** threshold (a sagging plank, an
  over-arched bridge) is only ever made stricter, whatever the baseline;
  a range-of-motion threshold (how high the bridge, how close the knee)
  may also follow a stiff person down, by at most ``max_loosen``. The
  hysteresis partner of each threshold moves by the same amount, so the
  on/off gap stays what the exercise's config says.

Nothing here names an exercise: the rules live next to each analyzer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from coach.exercise import FrameVerdict

C = TypeVar("C")

Sampler = Callable[[FrameVerdict], Mapping[str, float] | None]
"""A frame in the working position -> its baseline measures; None for
any other frame."""


@dataclass(frozen=True)
class BaselineMeasure:
    """One measure of a baseline: its key, words and unit, and which way is
    better (``higher``, ``lower``, or ``closer`` to the baseline)."""

    key: str
    label: str
    unit: str
    better: Literal["higher", "lower", "closer"] = "closer"
    digits: int = 1


@dataclass(frozen=True)
class PersonalRule:
    """Config field ``field`` (raised as a fault when the measure is
    ``fault_when`` it: ``above`` = at or beyond it, ``below`` = under it)
    becomes ``sign * baseline[measure] + margin``, kept within ``[lo, hi]``.

    ``safety``: the threshold guards the lower back; the personal value is
    used only where it is stricter than the config's. Otherwise the
    personal value is used either way, but never more than ``max_loosen``
    more lenient than the config's. ``off_field`` is the hysteresis
    partner, moved by the same amount. ``reason`` says why, for the docs."""

    field: str
    off_field: str
    measure: str
    margin: float
    fault_when: Literal["above", "below"]
    safety: bool
    reason: str
    sign: float = 1.0
    lo: float = -math.inf
    hi: float = math.inf
    max_loosen: float = 0.0

    def __post_init__(self) -> None:
        if self.sign not in (1.0, -1.0):
            raise ValueError(f"PersonalRule {self.field}: sign must be +1 or -1")
        if not (math.isfinite(self.margin) and self.lo < self.hi):
            raise ValueError(f"PersonalRule {self.field}: margin must be finite and lo below hi")
        if self.max_loosen < 0 or (self.safety and self.max_loosen != 0):
            raise ValueError(f"PersonalRule {self.field}: a safety threshold can never be loosened")

    def personal(self, baseline_value: float) -> float:
        """The threshold the baseline alone would give (nan without a value)."""
        if not math.isfinite(baseline_value):
            return math.nan
        return min(self.hi, max(self.lo, self.sign * baseline_value + self.margin))

    def apply(self, absolute: float, baseline_value: float) -> float:
        """The threshold to judge by: the personal one, limited as the class
        docstring says; the absolute one when the baseline has no value."""
        personal = self.personal(baseline_value)
        if not math.isfinite(personal):
            return absolute
        stricter = min if self.fault_when == "above" else max
        if self.safety:
            return stricter(absolute, personal)
        # loosening moves an "above" threshold up and a "below" one down
        if self.fault_when == "above":
            return min(personal, absolute + self.max_loosen)
        return max(personal, absolute - self.max_loosen)


@dataclass(frozen=True)
class BaselineSpec:
    """How an exercise is calibrated; see the module docstring.

    ``what``: the baseline in words ("your plank body line"); ``how``:
    what to do while it is recorded; ``seconds``: how much of the working
    position (frames ``sample`` accepts, no safety fault) it needs;
    ``headline``: the measure the report charts over time."""

    what: str
    how: str
    measures: tuple[BaselineMeasure, ...]
    sample: Sampler
    rules: tuple[PersonalRule, ...]
    seconds: float = 5.0
    headline: str = ""

    def __post_init__(self) -> None:
        keys = [m.key for m in self.measures]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError("BaselineSpec needs measures with distinct keys")
        for r in self.rules:
            if r.measure not in keys:
                raise ValueError(f"PersonalRule {r.field} follows {r.measure!r}, which is not measured")
        if not (math.isfinite(self.seconds) and self.seconds > 0):
            raise ValueError("BaselineSpec.seconds must be positive")
        if not self.headline:
            object.__setattr__(self, "headline", keys[0])
        elif self.headline not in keys:
            raise ValueError(f"BaselineSpec.headline {self.headline!r} is not measured")

    def measure(self, key: str) -> BaselineMeasure | None:
        return next((m for m in self.measures if m.key == key), None)


@dataclass(frozen=True)
class Baseline:
    """One calibration: the medians of the measures over ``seconds`` of the
    person's best form (``frames`` frames), recorded at ``recorded_at``
    from ``source``."""

    exercise: str
    values: Mapping[str, float]
    recorded_at: str
    seconds: float
    frames: int
    source: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "recorded_at": self.recorded_at, "seconds": round(self.seconds, 3),
                "frames": self.frames, "source": self.source,
                "values": {k: round(v, 4) for k, v in self.values.items()}}


def stored_baseline(exercise: str, extra: Mapping[str, Any]) -> Baseline | None:
    """The calibration a stored set was judged against (its summary's
    ``extra["baseline"]``), to judge it again the same way; None if it had
    none or the record is not readable."""
    b = extra.get("baseline")
    if not isinstance(b, Mapping) or not isinstance(b.get("values"), Mapping):
        return None
    values = {str(k): float(v) for k, v in b["values"].items()
              if isinstance(v, (int, float)) and math.isfinite(v)}
    try:
        return Baseline(exercise, values, str(b.get("recorded_at", "")), float(b.get("seconds", 0.0)),
                        int(b.get("frames", 0)), str(b.get("source", "")),
                        None if b.get("id") is None else int(b["id"]))
    except (TypeError, ValueError):
        return None


def personalise(config: C, spec: BaselineSpec, baseline: Baseline) -> C:
    """``config`` (a frozen dataclass) with each rule's threshold fitted to
    ``baseline``; the hysteresis partners move by the same amount."""
    names = {f.name for f in fields(config)}  # type: ignore[arg-type]
    changes: dict[str, float] = {}
    for rule in spec.rules:
        if rule.field not in names or rule.off_field not in names:
            raise ValueError(f"{type(config).__name__} has no field {rule.field!r} or {rule.off_field!r}")
        absolute = float(getattr(config, rule.field))
        new = rule.apply(absolute, baseline.values.get(rule.measure, math.nan))
        changes[rule.field] = new
        changes[rule.off_field] = float(getattr(config, rule.off_field)) + (new - absolute)
    return replace(config, **changes)  # type: ignore[type-var]


def thresholds(before: Any, after: Any, spec: BaselineSpec) -> dict[str, dict[str, float]]:
    """For the summary: each personalised threshold, absolute and personal."""
    return {r.field: {"absolute": round(float(getattr(before, r.field)), 4),
                      "personal": round(float(getattr(after, r.field)), 4)} for r in spec.rules}


@dataclass
class BaselineCollector:
    """Medians of a baseline's measures over the frames given.

    Values are counted in bins of a hundredth of each measure's shown
    precision (``BaselineMeasure.digits``: 0.01 degree, 0.00001 trunk
    length), so a set of any length keeps bounded memory (a two-hour plank
    is 216,000 frames) and the median is exact to half a bin, far below
    what is shown or stored (4 decimals).

    With ``exclude_safety`` (calibrating), frames showing a safety fault
    are left out: a baseline is the person's *best* form. ``seconds`` is
    the time covered by accepted frames (each counts the time since the
    frame before it, at most ``max_dt``)."""

    spec: BaselineSpec
    safety_codes: frozenset[str] = frozenset()
    exclude_safety: bool = False
    max_dt: float = 0.25
    frames: int = 0
    seconds: float = 0.0
    rejected: dict[str, float] = field(default_factory=dict)
    """Fault code -> seconds in the working position left out for it."""
    _bins: dict[str, dict[int, int]] = field(default_factory=dict)
    _last_t: float | None = None

    def __post_init__(self) -> None:
        self._step = {m.key: 10.0 ** -(m.digits + 2) for m in self.spec.measures}

    def push(self, verdict: FrameVerdict) -> bool:
        """One frame; True when it was part of the measure."""
        dt = 0.0 if self._last_t is None else min(self.max_dt, max(0.0, verdict.t - self._last_t))
        self._last_t = verdict.t
        if not verdict.visible:
            return False
        got = self.spec.sample(verdict)
        if got is None:
            return False
        if self.exclude_safety:
            bad = [f for f in verdict.faults if f in self.safety_codes]
            if bad:
                self.rejected[bad[0]] = self.rejected.get(bad[0], 0.0) + dt
                return False
        used = False
        for m in self.spec.measures:
            v = got.get(m.key, math.nan)
            if math.isfinite(v):
                bins = self._bins.setdefault(m.key, {})
                b = round(v / self._step[m.key])
                bins[b] = bins.get(b, 0) + 1
                used = True
        if used:
            self.frames += 1
            self.seconds += dt
        return used

    def medians(self) -> dict[str, float]:
        return {key: _binned_median(bins) * self._step[key] for key, bins in self._bins.items()}


def _binned_median(bins: Mapping[int, int]) -> float:
    """The median bin of counted bins (the mean of the two middle ones for
    an even count)."""
    n = sum(bins.values())
    lo_rank, hi_rank = (n - 1) // 2, n // 2
    lo = hi = math.nan
    seen = 0
    for b in sorted(bins):
        seen += bins[b]
        if math.isnan(lo) and seen > lo_rank:
            lo = float(b)
        if seen > hi_rank:
            hi = float(b)
            break
    return 0.5 * (lo + hi)


def progress(spec: BaselineSpec, baseline: Baseline, session: Mapping[str, float]) -> dict[str, Any]:
    """The set against the baseline: each measure's baseline value, the
    set's median over its own working frames, and the difference (set -
    baseline; nan-free: a measure the set never showed is left out)."""
    out: dict[str, Any] = {}
    for m in spec.measures:
        b, s = baseline.values.get(m.key, math.nan), session.get(m.key, math.nan)
        if math.isfinite(b) and math.isfinite(s):
            out[m.key] = {"baseline": round(b, 4), "set": round(s, 4), "change": round(s - b, 4)}
    return out
