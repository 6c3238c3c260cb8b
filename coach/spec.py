"""What the rest of coach knows about an exercise, declared once.

Each exercise module in ``exercises/`` builds one :class:`ExerciseSpec` next
to its analyzer and registers both with :func:`coach.registry.register`.
Feedback (cue words, safety priority, praise), the store (what a counted
item is called), the report (colour, fault labels, key metrics), the demo,
the bench and the command line read the spec from the registry; no module
outside ``exercises/`` names an exercise or a fault code.

The data types are frozen and validated when built (misuse fails at import
time, not on the first frame of a session).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from coach.baseline import BaselineSpec
from coach.exercise import NOT_VISIBLE

ItemKind = Literal["hold", "rep", "lift"]
Unit = Literal["s", "reps", "lifts"]

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

NOT_VISIBLE_LABEL = "not visible"
NOT_VISIBLE_CUE = "Step back so your whole body is visible"
"""The words for ``not_visible`` when an exercise has none of its own."""


def _check_code(kind: str, code: str) -> None:
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValueError(f"{kind} {code!r} must be lower_snake_case")


@dataclass(frozen=True)
class FaultSpec:
    """One fault an exercise reports.

    ``code`` is the exact string in the JSONL and the database
    (``docs/formats.md``); ``label`` is its plain-language name for people;
    ``cue`` the correction the coach says; ``safety`` marks faults that put
    the lower back at risk (their cue comes before any other);
    ``joints`` are the landmarks the overlay colours, either sided joint
    names (``"hip"``: the judged side's hip) or landmark names
    (``"left_hip"``)."""

    code: str
    label: str
    cue: str
    safety: bool = False
    joints: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_code("fault code", self.code)
        if self.code == NOT_VISIBLE:
            raise ValueError(f"{NOT_VISIBLE!r} is common to all exercises; do not declare it")
        if not self.label.strip() or not self.cue.strip():
            raise ValueError(f"fault {self.code!r} needs a label and a cue")


@dataclass(frozen=True)
class MetricSpec:
    """A measure of the exercise with its plain-language label and unit.

    In ``ExerciseSpec.metrics``: a key measure per frame, plotted over time
    in the report. In ``ExerciseSpec.measures``: the label of any other
    measure name the analyzer writes (per frame or per item), so ``show``
    and the report never print a raw key. ``unit`` is a unit symbol
    (``deg``, ``s``, ``cm``, ``kg``) or a plain-language one (``trunk
    lengths``); precision follows the unit (:mod:`coach.units`) unless
    ``digits`` says otherwise. ``choices`` name a coded value (0, 1, 2...)."""

    key: str
    label: str
    unit: str = "deg"
    digits: int | None = None
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_code("metric", self.key)
        if not self.label.strip():
            raise ValueError(f"metric {self.key!r} needs a label")
        if self.digits is not None and not 0 <= self.digits <= 4:
            raise ValueError(f"metric {self.key!r}: digits must be 0-4")


@dataclass(frozen=True)
class ItemMeasure:
    """A measure recorded per counted item (rep, hold or lift) and charted
    per item in the report. ``keys`` are name prefixes tried in order (the
    first measure name starting with one is used); ``fault`` marks the
    items where that fault was raised."""

    keys: tuple[str, ...]
    label: str
    unit: str = "deg"
    fault: str | None = None

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("ItemMeasure needs at least one key")


@dataclass(frozen=True)
class OptionSpec:
    """An extra keyword the analyzer's factory accepts, offered on the
    command line as ``flag`` (``--load-kg`` -> ``load_kg``)."""

    dest: str
    flag: str
    help: str
    metavar: str = "X"
    minimum: float = 0.0
    """Values must be above this (exclusive)."""
    maximum: float = math.inf
    """...and at most this."""

    def __post_init__(self) -> None:
        _check_code("option", self.dest)
        if not self.flag.startswith("--"):
            raise ValueError(f"option flag {self.flag!r} must start with --")


@dataclass(frozen=True)
class Bound:
    """One condition of a recognition rule: the posture feature ``feature``
    (a name from :data:`coach.recognition.features.FEATURES`) lies in
    ``[lo, hi]``. A feature that cannot be measured fails the bound."""

    feature: str
    lo: float = -math.inf
    hi: float = math.inf

    def __post_init__(self) -> None:
        _check_code("feature", self.feature)
        if not self.lo < self.hi:
            raise ValueError(f"bound on {self.feature!r}: lo must be below hi")


@dataclass(frozen=True)
class RecognitionSpec:
    """How :mod:`coach.recognition` tells this exercise from the others and
    from "none of these": posture rules on camera-independent features
    (orientation against gravity, floor contacts, joint angles), and how
    long they must hold.

    ``position`` is the exercise's own position (every bound holds): the
    plank held, the bridge's top, the knee drawn in, the bottom of a lift.
    ``settle_s``: time in position before the exercise is recognised.
    ``rest``: the posture between reps (lying for a bridge, standing for a
    lift); with ``rest_within_s`` the position counts only when the rest
    posture was seen that recently before it, or comes that soon after it
    (a lift goes down from standing and comes back up). ``max_gap_s``: a
    set goes on while the position comes back within this time. ``lead_s``
    / ``trail_s``: the movement into / out of the position that still
    belongs to the set (a bridge's rise, a lift's descent), at most.
    ``called``: the exercise in words for the mismatch cue ("This looks
    like a plank, not a hip bridge")."""

    called: str
    position: tuple[Bound, ...]
    settle_s: float = 1.0
    rest: tuple[Bound, ...] = ()
    rest_within_s: float | None = None
    max_gap_s: float = 6.0
    lead_s: float = 0.0
    trail_s: float = 0.0

    def __post_init__(self) -> None:
        if not self.called.strip():
            raise ValueError("RecognitionSpec.called must name the exercise")
        if not self.position:
            raise ValueError("RecognitionSpec.position needs at least one bound")
        for name in ("settle_s", "max_gap_s", "lead_s", "trail_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"RecognitionSpec.{name} must be a finite number >= 0")
        if self.rest_within_s is not None and not (self.rest and self.rest_within_s > 0):
            raise ValueError("RecognitionSpec.rest_within_s needs a rest posture and a positive time")


@dataclass(frozen=True)
class ExerciseSpec:
    """Everything other modules need to know about one exercise.

    ``faults`` are in the analyzer's priority order (the most important
    first). ``item_kind`` is what one counted unit is (a ``hold``, a
    ``rep`` or a ``lift``) and ``unit`` the unit of its target.
    ``praise`` are the words said after a clean item (None: the feedback
    policy's defaults). ``not_visible_cue`` is said when the key joints are
    not seen (None: :data:`NOT_VISIBLE_CUE`)."""

    name: str
    description: str
    item_kind: ItemKind
    unit: Unit
    default_target: float | None
    faults: tuple[FaultSpec, ...]
    metrics: tuple[MetricSpec, ...] = ()
    color: str = "#2563eb"
    options: tuple[OptionSpec, ...] = ()
    praise: tuple[str, ...] | None = None
    not_visible_cue: str | None = None
    item_measures: tuple[ItemMeasure, ...] = ()
    """Measures charted per item in the report (e.g. a lift's worst trunk
    angle), with ``item_chart_text`` explaining the chart."""
    item_chart_text: str = ""
    measures: tuple[MetricSpec, ...] = ()
    sides: tuple[str, ...] = ()
    """In a programme, each set is done once per side, in this order
    (``("left", "right")``), with ``side_prompt`` said first."""
    side_prompt: str = ""
    """What to do on a side, ``{side}`` replaced (``"Pull your {side} knee in"``)."""
    max_target: float | None = None
    """The cap of the gentle target progression (:mod:`coach.progression`);
    None: twice ``default_target``."""
    """Labels and units of the other measure names the analyzer writes (per
    frame in ``metrics`` or per item in ``RepRecord.measures``)."""
    recognition: RecognitionSpec | None = None
    """How the exercise is recognised (None: never recognised, only run
    when named)."""
    stature_option: str | None = None
    """The factory keyword that takes the person's height in metres (from
    ``coach profile``) when the analyzer scales anything by stature."""
    baseline: BaselineSpec | None = None
    """How ``coach calibrate`` records the person's own best form and how
    later sets are judged against it (None: not calibrated); the factory
    then takes ``baseline=``."""
    _by_code: Mapping[str, FaultSpec] = field(init=False, repr=False, compare=False)
    _by_metric: Mapping[str, MetricSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_code("exercise name", self.name)
        if self.item_kind not in ("hold", "rep", "lift"):
            raise ValueError(f"exercise {self.name!r}: item_kind must be hold, rep or lift")
        if self.unit not in ("s", "reps", "lifts"):
            raise ValueError(f"exercise {self.name!r}: unit must be s, reps or lifts")
        if self.default_target is not None and not (math.isfinite(self.default_target) and self.default_target > 0):
            raise ValueError(f"exercise {self.name!r}: default_target must be positive")
        if self.max_target is not None and not (self.default_target and self.max_target >= self.default_target):
            raise ValueError(f"exercise {self.name!r}: max_target needs a default_target below it")
        if not _COLOR.match(self.color):
            raise ValueError(f"exercise {self.name!r}: color must be #rrggbb")
        codes = [f.code for f in self.faults]
        if len(set(codes)) != len(codes):
            raise ValueError(f"exercise {self.name!r}: a fault code is declared twice")
        if self.praise is not None and not self.praise:
            raise ValueError(f"exercise {self.name!r}: praise must be None or non-empty")
        object.__setattr__(self, "_by_code", MappingProxyType({f.code: f for f in self.faults}))
        keys = [m.key for m in (*self.metrics, *self.measures)]
        if len(set(keys)) != len(keys):
            raise ValueError(f"exercise {self.name!r}: a metric or measure is declared twice")
        object.__setattr__(self, "_by_metric", MappingProxyType({m.key: m for m in (*self.metrics, *self.measures)}))

    # -- lookups -------------------------------------------------------------------
    @property
    def fault_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.faults)

    @property
    def priority(self) -> tuple[str, ...]:
        """``not_visible`` first, then the faults in priority order."""
        return (NOT_VISIBLE, *self.fault_codes)

    @property
    def safety_codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.faults if f.safety)

    def fault(self, code: str) -> FaultSpec | None:
        return self._by_code.get(code)

    def cue(self, code: str) -> str | None:
        """The words for ``code`` (``not_visible`` included)."""
        if code == NOT_VISIBLE:
            return self.not_visible_cue or NOT_VISIBLE_CUE
        f = self._by_code.get(code)
        return f.cue if f is not None else None

    @property
    def cues(self) -> Mapping[str, str]:
        """Fault code -> cue, ``not_visible`` included."""
        out = {f.code: f.cue for f in self.faults}
        out[NOT_VISIBLE] = self.not_visible_cue or NOT_VISIBLE_CUE
        return MappingProxyType(out)

    def label(self, code: str) -> str:
        """Plain-language label of a fault code (the code itself, spaced,
        when unknown)."""
        if code == NOT_VISIBLE:
            return NOT_VISIBLE_LABEL
        f = self._by_code.get(code)
        return f.label if f is not None else code.replace("_", " ")

    def metric(self, key: str) -> MetricSpec | None:
        """The label and unit of a metric or measure name (None: undeclared)."""
        return self._by_metric.get(key)

    def option(self, dest: str) -> OptionSpec | None:
        for o in self.options:
            if o.dest == dest:
                return o
        return None
