"""The real-data corpus (``tests/data/real/``): loading and validation.

Each entry ``<id>`` is a pose-track CSV ``<id>.csv`` (the format read by
:func:`coach.posetrack.read_pose_track`) and its metadata ``<id>.json``::

    {"id": "...", "kind": "static" | "track",
     "exercise": "<a registered exercise>" | "none",
     "view": "side" | "front" | "oblique" | "mixed",
     "source": {...} (or a string), "licence": "...",
     "derived_from": null | {"id": "...", "perturbation": "..."},
     "fps": 30, "aspect": 1.78,                      (optional)
     "labels": {"per_row": [...],                    (static: one class per row)
                "segments": [{"start", "end", "class"}],   (track: [start, end) seconds)
                "reps": [{"start", "bottom", "end"}], "holds": [{"start", "end", "side"}],
                "lifts": [{"start", "bottom", "end", "style"}],
                "counts": {"reps": 5}}}

``counts`` keys ``reps``, ``holds`` and ``lifts`` give the expected count;
other lower_snake_case keys are allowed (a static entry's per-class row
tallies, checked against ``per_row``). An item may say ``"complete": false``
(cut off by the end of the clip: not counted).

Validation (:func:`validate_corpus`) checks, per entry: the CSV reads; the
required keys (:data:`REQUIRED_KEYS`) are there with sensible values (a
licence and a source that are not empty, a known exercise, kind and view);
the labels agree with the CSV: one ``per_row`` class per CSV row for a
static entry, whose per-class ``counts`` (if given) match the rows; segment,
rep, hold and lift times within the track (a frame and a half of slack
either side), ``start < end``, segments not overlapping, and every class
allowed for the exercise (:mod:`coach.evaluation.classes`). A
``derived_from`` entry must name another entry of the corpus and say how it
was derived. A CSV without metadata and metadata without a CSV are errors;
other files (a README) are ignored.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import CoachError, InputError
from coach.evaluation.classes import CORRECT, LABEL_PATTERN, NO_EXERCISE, known_exercises, label_allowed
from coach.pose import PoseFrame
from coach.posetrack import read_pose_track

REQUIRED_KEYS: tuple[str, ...] = ("id", "kind", "exercise", "view", "source", "licence", "labels")
KINDS: tuple[str, ...] = ("static", "track")
VIEWS: tuple[str, ...] = ("side", "front", "oblique", "mixed")
ITEM_KINDS: tuple[str, ...] = ("reps", "holds", "lifts")
"""The label lists of counted items, and the keys of ``labels.counts`` that
give the expected count."""
TIME_SLACK_FRAMES = 1.5
"""Label times may lie this many frame intervals outside the track (the
last frame's segment ends a frame after it; timestamps jitter)."""


@dataclass(frozen=True)
class Segment:
    """Frames in ``[start, end)`` seconds have form class ``label``."""

    start: float
    end: float
    label: str

    def overlap(self, start: float, end: float) -> float:
        return max(0.0, min(self.end, end) - max(self.start, start))


@dataclass(frozen=True)
class Item:
    """One labelled rep, hold or lift (``kind``: reps / holds / lifts)."""

    kind: str
    start: float
    end: float
    bottom: float | None = None
    side: str | None = None
    style: str | None = None
    complete: bool = True
    """False: started but not finished in the recording (not counted)."""


@dataclass(frozen=True)
class Labels:
    per_row: tuple[str, ...] = ()
    segments: tuple[Segment, ...] = ()
    items: tuple[Item, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)

    def items_of(self, kind: str) -> tuple[Item, ...]:
        """The complete labelled items of one kind."""
        return tuple(it for it in self.items if it.kind == kind and it.complete)

    @property
    def complete_items(self) -> tuple[Item, ...]:
        return tuple(it for it in self.items if it.complete)

    def expected_count(self) -> int | None:
        """Reps + holds + lifts: ``counts[kind]`` where given, else the
        number of complete labelled items of that kind; None when nothing is
        labelled. (Other keys of ``counts``, such as per-class row tallies of
        a static entry, are checked but not used.)"""
        total = 0
        any_kind = False
        for kind in ITEM_KINDS:
            if kind in self.counts:
                total += self.counts[kind]
                any_kind = True
            else:
                n = len(self.items_of(kind))
                total += n
                any_kind = any_kind or n > 0
        return total if any_kind else None

    def counts_from_items(self) -> bool:
        """True when every count comes from labelled items (so each item's
        form can be told from the segments)."""
        return all(self.counts.get(k, len(self.items_of(k))) == len(self.items_of(k)) for k in ITEM_KINDS)

    @functools.cached_property
    def _starts(self) -> list[float]:
        return [s.start for s in self.segments]

    def class_at(self, t: float) -> str | None:
        """The segment class at ``t`` (segments are sorted and disjoint)."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self.segments[i].end:
            return self.segments[i].label
        return None

    def item_is_good(self, item: Item, faults: Collection[str]) -> bool:
        """No segment labelled with one of ``faults`` overlaps the item."""
        return not any(seg.label in faults and seg.overlap(item.start, item.end) > 0 for seg in self.segments)

    def good_time(self, start: float, end: float) -> float:
        """Seconds of ``[start, end)`` labelled ``correct``."""
        return sum(seg.overlap(start, end) for seg in self.segments if seg.label == CORRECT)


@dataclass(frozen=True, eq=False)
class CorpusEntry:
    """One loaded entry: its metadata, labels and frames."""

    id: str
    kind: str
    exercise: str
    view: str
    source: Any
    licence: str
    labels: Labels
    csv_path: Path
    json_path: Path
    frames: tuple[PoseFrame, ...]
    derived_from: Mapping[str, Any] | None = None
    fps: float | None = None
    aspect: float | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def derived(self) -> bool:
        return self.derived_from is not None

    @property
    def duration_s(self) -> float:
        return self.frames[-1].t - self.frames[0].t if self.frames else 0.0


class _Problem(Exception):
    """One thing wrong with an entry (collected, then reported)."""


def _num(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> float | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise _Problem(f"{where}: '{key}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Problem(f"{where}: '{key}' must be a number, got {value!r}")
    return float(value)


def _parse_labels(raw: Any, kind: str) -> Labels:
    if not isinstance(raw, dict):
        raise _Problem("'labels' must be an object")
    per_row = raw.get("per_row") or []
    if not isinstance(per_row, list) or not all(isinstance(c, str) for c in per_row):
        raise _Problem("labels.per_row must be a list of class names")
    if kind == "static" and not per_row:
        raise _Problem("a static entry needs labels.per_row (one class per CSV row)")
    segments: list[Segment] = []
    raw_segments = raw.get("segments") or []
    if not isinstance(raw_segments, list):
        raise _Problem("labels.segments must be a list")
    for i, seg in enumerate(raw_segments):
        where = f"labels.segments[{i}]"
        if not isinstance(seg, dict):
            raise _Problem(f"{where} must be an object")
        label = seg.get("class")
        if not isinstance(label, str):
            raise _Problem(f"{where}: 'class' must be a class name")
        start, end = _num(seg, "start", where), _num(seg, "end", where)
        assert start is not None and end is not None
        if not start < end:
            raise _Problem(f"{where}: start {start:g} is not before end {end:g}")
        segments.append(Segment(start, end, label))
    segments.sort(key=lambda s: s.start)
    for a, b in itertools.pairwise(segments):
        if b.start < a.end - 1e-9:
            raise _Problem(f"labels.segments overlap: [{a.start:g}, {a.end:g}) and [{b.start:g}, {b.end:g})")
    items: list[Item] = []
    for kind_key in ITEM_KINDS:
        raw_items = raw.get(kind_key) or []
        if not isinstance(raw_items, list):
            raise _Problem(f"labels.{kind_key} must be a list")
        for i, it in enumerate(raw_items):
            where = f"labels.{kind_key}[{i}]"
            if not isinstance(it, dict):
                raise _Problem(f"{where} must be an object")
            start, end = _num(it, "start", where), _num(it, "end", where)
            assert start is not None and end is not None
            bottom = _num(it, "bottom", where, required=False)
            if not start < end:
                raise _Problem(f"{where}: start {start:g} is not before end {end:g}")
            if bottom is not None and not start <= bottom <= end:
                raise _Problem(f"{where}: bottom {bottom:g} is not between start and end")
            side, style, complete = it.get("side"), it.get("style"), it.get("complete", True)
            if not isinstance(complete, bool):
                raise _Problem(f"{where}: 'complete' must be true or false")
            items.append(Item(kind_key, start, end, bottom, side if isinstance(side, str) else None,
                              style if isinstance(style, str) else None, complete))
    counts_raw = raw.get("counts") or {}
    if not isinstance(counts_raw, dict):
        raise _Problem("labels.counts must be an object")
    counts: dict[str, int] = {}
    for key, value in counts_raw.items():
        if not isinstance(key, str) or not LABEL_PATTERN.match(key):
            raise _Problem(f"labels.counts: {key!r} is not a lower_snake_case key")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _Problem(f"labels.counts.{key} must be a whole number >= 0, got {value!r}")
        counts[key] = value
    tally = {c: per_row.count(c) for c in set(per_row)}
    for key, value in counts.items():
        if key in tally and value != tally[key]:
            raise _Problem(f"labels.counts.{key} is {value} but labels.per_row has {tally[key]} rows of {key!r}")
    return Labels(tuple(per_row), tuple(segments), tuple(items), counts)


def _check_meta(meta: Any, stem: str) -> None:
    if not isinstance(meta, dict):
        raise _Problem("the metadata must be a JSON object")
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise _Problem(f"missing metadata keys: {', '.join(missing)}")
    if meta["id"] != stem:
        raise _Problem(f"id {meta['id']!r} does not match the file name {stem!r}")
    if meta["kind"] not in KINDS:
        raise _Problem(f"kind {meta['kind']!r} is not one of {', '.join(KINDS)}")
    if meta["exercise"] not in known_exercises():
        raise _Problem(f"exercise {meta['exercise']!r} is not one of {', '.join(known_exercises())}")
    if meta["view"] not in VIEWS:
        raise _Problem(f"view {meta['view']!r} is not one of {', '.join(VIEWS)}")
    licence = meta["licence"]
    if not isinstance(licence, str) or not licence.strip():
        raise _Problem("'licence' must name the licence")
    source = meta["source"]
    if not source or not isinstance(source, (dict, str)):
        raise _Problem("'source' must describe where the recording came from")
    derived = meta.get("derived_from")
    if derived is not None:
        if not isinstance(derived, dict) or not isinstance(derived.get("id"), str):
            raise _Problem("'derived_from' must be null or an object with the original 'id'")
        if not derived.get("perturbation"):
            raise _Problem("'derived_from' must say which 'perturbation' made the entry")
    for key, lo, hi in (("fps", 1.0, 1000.0), ("aspect", 0.1, 10.0)):
        value = _num(meta, key, "metadata", required=False)
        if value is not None and not lo <= value <= hi:
            raise _Problem(f"'{key}' {value:g} is out of range {lo:g}..{hi:g}")


def _check_against_frames(labels: Labels, kind: str, exercise: str, frames: Sequence[PoseFrame],
                          fps: float | None) -> None:
    n = len(frames)
    if kind == "static" and len(labels.per_row) != n:
        raise _Problem(f"labels.per_row has {len(labels.per_row)} classes for {n} CSV rows")
    classes = [*labels.per_row, *(s.label for s in labels.segments)]
    for label in classes:
        if not label_allowed(label, exercise):
            raise _Problem(f"class {label!r} is not allowed for exercise {exercise!r}")
    if kind != "track":
        return
    t0, t1 = frames[0].t, frames[-1].t
    step = 1.0 / fps if fps else ((t1 - t0) / (n - 1) if n > 1 else 1.0 / 30.0)
    lo, hi = t0 - TIME_SLACK_FRAMES * step - 1e-6, t1 + TIME_SLACK_FRAMES * step + 1e-6
    spans = [("labels.segments", s.start, s.end) for s in labels.segments]
    spans += [(f"labels.{it.kind}", it.start, it.end) for it in labels.items]
    for where, start, end in spans:
        if start < lo or end > hi:
            raise _Problem(f"{where}: [{start:g}, {end:g}] lies outside the track's {t0:g}..{t1:g} s")


def load_entry(json_path: Path) -> CorpusEntry:
    """Load and check one entry; raises :class:`InputError` naming the
    entry and the first problem found."""
    stem = json_path.stem
    try:
        try:
            meta = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise _Problem(f"cannot read the metadata: {exc}") from None
        except json.JSONDecodeError as exc:
            raise _Problem(f"the metadata is not valid JSON ({exc.msg}, line {exc.lineno})") from None
        _check_meta(meta, stem)
        labels = _parse_labels(meta["labels"], meta["kind"])
        csv_path = json_path.with_suffix(".csv")
        if not csv_path.exists():
            raise _Problem(f"no pose track {csv_path.name} next to the metadata")
        try:
            frames = tuple(read_pose_track(csv_path))
        except CoachError as exc:
            raise _Problem(f"the pose track does not read: {exc}") from None
        fps = _num(meta, "fps", "metadata", required=False)
        _check_against_frames(labels, meta["kind"], meta["exercise"], frames, fps)
    except _Problem as exc:
        raise InputError(f"corpus entry {stem}: {exc}") from None
    return CorpusEntry(
        id=meta["id"],
        kind=meta["kind"],
        exercise=meta["exercise"],
        view=meta["view"],
        source=meta["source"],
        licence=meta["licence"],
        labels=labels,
        csv_path=csv_path,
        json_path=json_path,
        frames=frames,
        derived_from=meta.get("derived_from"),
        fps=fps,
        aspect=_num(meta, "aspect", "metadata", required=False),
        meta=meta,
    )


def _looks_like_entry(path: Path) -> bool:
    """A JSON file is an entry when a CSV of the same name sits next to it,
    or when it has entry keys (a stray entry without its CSV)."""
    if path.with_suffix(".csv").exists():
        return True
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(obj, dict) and "labels" in obj and "kind" in obj


def entry_paths(corpus: Path) -> list[Path]:
    """The metadata files of the corpus's entries, sorted by id."""
    return sorted(p for p in corpus.glob("*.json") if _looks_like_entry(p))


def iter_corpus(corpus: Path) -> Iterator[CorpusEntry | InputError]:
    """Each entry, or the error that stops it from loading (so a caller can
    collect every problem); then corpus-level problems (orphan CSVs,
    ``derived_from`` naming a missing entry, duplicate ids)."""
    if not corpus.exists():
        return
    if not corpus.is_dir():
        yield InputError(f"{corpus}: not a folder")
        return
    paths = entry_paths(corpus)
    ids = {p.stem for p in paths}
    for csv_path in sorted(corpus.glob("*.csv")):
        if csv_path.stem not in ids:
            yield InputError(f"corpus entry {csv_path.stem}: {csv_path.name} has no metadata {csv_path.stem}.json")
    for path in paths:
        try:
            entry = load_entry(path)
        except InputError as exc:
            yield exc
            continue
        if entry.derived_from is not None and entry.derived_from["id"] not in ids:
            yield InputError(f"corpus entry {entry.id}: derived_from names {entry.derived_from['id']!r}, "
                             "which is not in the corpus")
            continue
        yield entry


def validate_corpus(corpus: Path) -> list[str]:
    """Every problem of the corpus, one line each (empty: all good, or no
    corpus at all)."""
    return [str(item) for item in iter_corpus(corpus) if isinstance(item, InputError)]


def load_corpus(corpus: Path, exercise: str | None = None) -> list[CorpusEntry]:
    """All entries (of one exercise, plus the ``none`` entries, when
    ``exercise`` is given). Raises :class:`InputError` on the first problem,
    saying how many more there are; a missing folder is an error too (the
    caller decides whether a missing default corpus matters)."""
    if not corpus.exists():
        raise InputError(f"{corpus}: no such corpus folder")
    entries: list[CorpusEntry] = []
    problems: list[InputError] = []
    for item in iter_corpus(corpus):
        if isinstance(item, InputError):
            problems.append(item)
        elif exercise is None or item.exercise in (exercise, NO_EXERCISE):
            entries.append(item)
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise InputError(f"{problems[0]}{more}")
    return entries
