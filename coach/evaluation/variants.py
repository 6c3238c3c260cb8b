"""The accuracy cost of each pose model variant (lite, full, heavy) on the
real corpus, with heavy as the reference.

The tracks are ``<corpus>/variants/<id>.<variant>.csv``: the same source
frames as the corpus entry ``<id>``, run through each model
(``scripts/corpus/record_variants.py``; no model is needed here). For each
entry and each variant against heavy:

* **verdicts**: the pipeline of ``coach analyze TRACK.csv --exercise NAME``
  (:func:`coach.evaluation.runner.run_track`) runs on both tracks; a frame
  agrees when its predicted class (:func:`~coach.evaluation.classes.predicted_class`:
  the first fault, else ``not_visible``, else ``correct``) is the same, and
  separately when its phase is the same. The entry's exercise is used; an
  entry without an exercise (``none``) runs every analyzer and pools their
  frames;
* **counts**: the summary's count (reps, holds or lifts) of each analyzer,
  against heavy's;
* **joint angles**: on the raw (unsmoothed) landmarks, true image angles
  (x scaled by the aspect), for each side: hip (shoulder-hip-knee), knee
  (hip-knee-ankle), elbow (shoulder-elbow-wrist) and the body line
  (shoulder-hip-ankle); an angle is compared on a frame when both tracks see
  its three joints (visibility >= :data:`SEEN_VISIBILITY`);
* **against the human labels**, where the entry has them: the frame
  accuracy and count exactly as ``coach eval`` scores the corpus track
  (:mod:`coach.evaluation.runner`), and for an entry without an exercise
  the false counts of every analyzer (all should be 0).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from coach.errors import CoachError, InputError
from coach.evaluation.classes import NO_EXERCISE, class_order, predicted_class
from coach.evaluation.corpus import CorpusEntry, load_entry
from coach.evaluation.metrics import ConfusionMatrix, CountError, accuracy
from coach.evaluation.runner import DEFAULT_COLLAR_S, form_or_none, run_track, score_frames
from coach.landmarks import Landmark
from coach.pose import PoseFrame
from coach.posetrack import read_pose_track
from coach.registry import exercise_names

VARIANTS: tuple[str, ...] = ("lite", "full", "heavy")
REFERENCE = "heavy"
"""The most accurate model (BlazePose PCK@0.2, published by MediaPipe:
lite 90-93, full 95-96, heavy 96-97): the others are compared with it."""
VARIANTS_DIR = "variants"
SEEN_VISIBILITY = 0.5
"""A joint counts as seen at this visibility: the default of
:meth:`PoseFrame.visible`, which the analyzers' visibility gates start from."""

_L = Landmark
ANGLES: dict[str, tuple[tuple[Landmark, Landmark, Landmark], ...]] = {
    "hip": ((_L.LEFT_SHOULDER, _L.LEFT_HIP, _L.LEFT_KNEE), (_L.RIGHT_SHOULDER, _L.RIGHT_HIP, _L.RIGHT_KNEE)),
    "knee": ((_L.LEFT_HIP, _L.LEFT_KNEE, _L.LEFT_ANKLE), (_L.RIGHT_HIP, _L.RIGHT_KNEE, _L.RIGHT_ANKLE)),
    "elbow": ((_L.LEFT_SHOULDER, _L.LEFT_ELBOW, _L.LEFT_WRIST), (_L.RIGHT_SHOULDER, _L.RIGHT_ELBOW, _L.RIGHT_WRIST)),
    "shoulder-hip-ankle": ((_L.LEFT_SHOULDER, _L.LEFT_HIP, _L.LEFT_ANKLE),
                           (_L.RIGHT_SHOULDER, _L.RIGHT_HIP, _L.RIGHT_ANKLE)),
}
"""The key joint angles (vertex in the middle), both sides."""

_FILE = re.compile(r"^(?P<id>[a-z0-9_]+)\.(?P<variant>[a-z]+)\.csv$")


@dataclass(frozen=True, eq=False)
class VariantTracks:
    """One corpus entry and its track per variant (same frames, same
    times)."""

    entry: CorpusEntry
    tracks: Mapping[str, tuple[PoseFrame, ...]]


def variant_dir(corpus: Path) -> Path:
    return corpus / VARIANTS_DIR


def load_variant_tracks(corpus: Path) -> list[VariantTracks]:
    """Every entry that has a track for each variant, sorted by id (empty
    when the corpus has no ``variants`` folder). Raises
    :class:`InputError` for a file that does not belong (an unknown entry
    or variant), an entry missing a variant, or tracks that disagree in
    their frames."""
    folder = variant_dir(corpus)
    if not folder.is_dir():
        return []
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.glob("*.csv")):
        m = _FILE.match(path.name)
        if m is None or m["variant"] not in VARIANTS:
            raise InputError(f"{path}: not <entry>.<variant>.csv with a variant of {', '.join(VARIANTS)}")
        found.setdefault(m["id"], {})[m["variant"]] = path
    out = []
    for entry_id, paths in sorted(found.items()):
        missing = [v for v in VARIANTS if v not in paths]
        if missing:
            raise InputError(f"{folder}: {entry_id} has no {', '.join(missing)} track")
        meta = corpus / f"{entry_id}.json"
        if not meta.is_file():
            raise InputError(f"{folder}: {entry_id} is not an entry of the corpus ({meta.name} is missing)")
        entry = load_entry(meta)
        tracks = {v: _read(p) for v, p in paths.items()}
        times = [f.t for f in entry.frames]
        for v, frames in tracks.items():
            if [f.t for f in frames] != times:
                raise InputError(f"{paths[v]}: its frames are not those of {entry.csv_path.name} "
                                 f"({len(frames)} rows for {len(times)}, or other times)")
        out.append(VariantTracks(entry, tracks))
    return out


def _read(path: Path) -> tuple[PoseFrame, ...]:
    try:
        return tuple(read_pose_track(path))
    except CoachError as exc:
        raise InputError(f"{path}: {exc}") from None


# -- per frame ---------------------------------------------------------------------------
def joint_angles(frame: PoseFrame) -> dict[str, list[float]]:
    """Each key angle (left, right) in degrees; NaN where a joint is not
    seen (visibility below :data:`SEEN_VISIBILITY`)."""
    pts = frame.points
    seen = frame.visibility >= SEEN_VISIBILITY
    out: dict[str, list[float]] = {}
    for name, triples in ANGLES.items():
        values = []
        for a, b, c in triples:
            if not (seen[a] and seen[b] and seen[c]):
                values.append(float("nan"))
                continue
            u, w = pts[a] - pts[b], pts[c] - pts[b]
            nu, nw = float(np.hypot(*u)), float(np.hypot(*w))
            if not (nu > 1e-9 and nw > 1e-9):
                values.append(float("nan"))
                continue
            cos = float(np.dot(u, w)) / (nu * nw)
            values.append(float(np.degrees(np.arccos(max(-1.0, min(1.0, cos))))))
        out[name] = values
    return out


def angle_errors(frames: Sequence[PoseFrame], reference: Sequence[PoseFrame]) -> dict[str, list[float]]:
    """|angle - reference angle| per key angle, over the frames and sides
    where both see the three joints."""
    out: dict[str, list[float]] = {name: [] for name in ANGLES}
    for f, r in zip(frames, reference, strict=True):
        mine, ref = joint_angles(f), joint_angles(r)
        for name in ANGLES:
            for a, b in zip(mine[name], ref[name], strict=True):
                if np.isfinite(a) and np.isfinite(b):
                    out[name].append(abs(a - b))
    return out


# -- results -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AnalyzerRun:
    """One analyzer over one variant's track."""

    classes: tuple[str, ...]
    phases: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class VariantEntryResult:
    """One variant on one entry, against heavy (and the labels)."""

    entry: str
    exercise: str
    """The entry's exercise, or ``none`` (every analyzer ran)."""
    variant: str
    frames: int
    person_frames: int
    compared: int
    """Frames compared (analyzer-frames for an entry without an exercise)."""
    class_agree: int
    phase_agree: int
    counts: Mapping[str, int]
    reference_counts: Mapping[str, int]
    angle_errors: Mapping[str, tuple[float, ...]]
    labels: ConfusionMatrix | None = None
    """Scored against the entry's form labels (entries with an exercise)."""
    expected_count: int | None = None
    against_reference: ConfusionMatrix = field(default_factory=ConfusionMatrix)
    """Every compared frame: heavy's class in the rows, this variant's in the
    columns."""

    def disagreements(self) -> list[tuple[str, str, int]]:
        """(heavy's class, this variant's class, frames), most frames first."""
        pairs = [(t, p, n) for (t, p), n in self.against_reference.pairs().items() if t != p and n]
        return sorted(pairs, key=lambda x: (-x[2], x[0], x[1]))

    @property
    def count_diffs(self) -> dict[str, int]:
        return {k: self.counts[k] - self.reference_counts[k] for k in self.counts}

    @property
    def all_angle_errors(self) -> list[float]:
        return [e for errs in self.angle_errors.values() for e in errs]

    def to_json(self) -> dict[str, Any]:
        errs = self.all_angle_errors
        return {
            "entry": self.entry, "exercise": self.exercise, "variant": self.variant, "frames": self.frames,
            "person_frames": self.person_frames, "compared": self.compared,
            "verdict_agreement": _r(_frac(self.class_agree, self.compared)),
            "phase_agreement": _r(_frac(self.phase_agree, self.compared)),
            "counts": dict(self.counts), "reference_counts": dict(self.reference_counts),
            "angles_compared": len(errs), "angle_error_median": _r(_pct(errs, 50), 2),
            "angle_error_p95": _r(_pct(errs, 95), 2),
            "label_accuracy": _r(accuracy(self.labels)) if self.labels is not None else None,
            "label_scored": self.labels.total if self.labels is not None else None,
            "expected_count": self.expected_count,
            "disagreements": [{"reference": t, "variant": p, "frames": n} for t, p, n in self.disagreements()],
        }


@dataclass(frozen=True)
class VariantSummary:
    """One variant over every entry."""

    variant: str
    entries: tuple[VariantEntryResult, ...]

    @property
    def frames(self) -> int:
        return sum(e.frames for e in self.entries)

    @property
    def person_frames(self) -> int:
        return sum(e.person_frames for e in self.entries)

    @property
    def compared(self) -> int:
        return sum(e.compared for e in self.entries)

    @property
    def verdict_agreement(self) -> float | None:
        return _frac(sum(e.class_agree for e in self.entries), self.compared)

    @property
    def phase_agreement(self) -> float | None:
        return _frac(sum(e.phase_agree for e in self.entries), self.compared)

    @property
    def counts_compared(self) -> int:
        return sum(len(e.counts) for e in self.entries)

    @property
    def counts_different(self) -> int:
        return sum(1 for e in self.entries for d in e.count_diffs.values() if d != 0)

    @property
    def count_abs_diff(self) -> int:
        return sum(abs(d) for e in self.entries for d in e.count_diffs.values())

    def angle_errors(self, name: str | None = None) -> list[float]:
        if name is None:
            return [x for e in self.entries for x in e.all_angle_errors]
        return [x for e in self.entries for x in e.angle_errors.get(name, ())]

    @property
    def labelled(self) -> tuple[VariantEntryResult, ...]:
        return tuple(e for e in self.entries if e.labels is not None)

    @property
    def false_counts(self) -> int:
        """Reps, holds and lifts counted on the entries without an exercise."""
        return sum(sum(e.counts.values()) for e in self.entries if e.exercise == NO_EXERCISE)

    def to_json(self) -> dict[str, Any]:
        errs = self.angle_errors()
        return {
            "variant": self.variant, "entries": len(self.entries), "frames": self.frames,
            "person_frames": self.person_frames, "compared": self.compared,
            "verdict_agreement": _r(self.verdict_agreement), "phase_agreement": _r(self.phase_agreement),
            "counts_compared": self.counts_compared, "counts_different": self.counts_different,
            "count_abs_diff": self.count_abs_diff, "angles_compared": len(errs),
            "angle_error_median": _r(_pct(errs, 50), 2), "angle_error_p95": _r(_pct(errs, 95), 2),
            "angles": {n: {"compared": len(self.angle_errors(n)), "median": _r(_pct(self.angle_errors(n), 50), 2),
                           "p95": _r(_pct(self.angle_errors(n), 95), 2)} for n in ANGLES},
            "false_counts": self.false_counts,
            "per_entry": [e.to_json() for e in self.entries],
        }


@dataclass(frozen=True)
class VariantReport:
    """Every variant against heavy, in :data:`VARIANTS` order."""

    variants: tuple[VariantSummary, ...]
    collar_s: float = DEFAULT_COLLAR_S
    notes: tuple[str, ...] = field(default_factory=tuple)

    def of(self, variant: str) -> VariantSummary:
        for s in self.variants:
            if s.variant == variant:
                return s
        raise KeyError(variant)

    def to_json(self) -> dict[str, Any]:
        return {"reference": REFERENCE, "seen_visibility": SEEN_VISIBILITY, "collar_s": self.collar_s,
                "angles": list(ANGLES), "notes": list(self.notes),
                "variants": {s.variant: s.to_json() for s in self.variants}}


# -- running -----------------------------------------------------------------------------
OnFrames = Callable[[int], None]


def analyzers_for(entry: CorpusEntry) -> tuple[str, ...]:
    return tuple(exercise_names()) if entry.exercise == NO_EXERCISE else (entry.exercise,)


def work_units(items: Sequence[VariantTracks]) -> int:
    """Progress units: frames run through an analyzer."""
    return sum(len(it.entry.frames) * len(analyzers_for(it.entry)) * len(VARIANTS) for it in items)


def _run(exercise: str, frames: Sequence[PoseFrame], on_frames: OnFrames | None) -> AnalyzerRun:
    verdicts, summary = run_track(exercise, frames, on_frames)
    return AnalyzerRun(tuple(predicted_class(v) for v in verdicts), tuple(v.phase for v in verdicts), summary.reps)


def compare_entry(item: VariantTracks, collar_s: float = DEFAULT_COLLAR_S,
                  on_frames: OnFrames | None = None) -> list[VariantEntryResult]:
    """Each variant of one entry against heavy, in :data:`VARIANTS` order."""
    entry = item.entry
    analyzers = analyzers_for(entry)
    runs = {v: {a: _run(a, item.tracks[v], on_frames) for a in analyzers} for v in VARIANTS}
    ref_tracks = item.tracks[REFERENCE]
    times = [f.t for f in entry.frames]
    out = []
    for v in VARIANTS:
        class_agree = phase_agree = compared = 0
        versus = ConfusionMatrix()
        for a in analyzers:
            mine, ref = runs[v][a], runs[REFERENCE][a]
            versus = versus.merged(ConfusionMatrix.from_pairs(zip(ref.classes, mine.classes, strict=True)))
            class_agree += sum(x == y for x, y in zip(mine.classes, ref.classes, strict=True))
            phase_agree += sum(x == y for x, y in zip(mine.phases, ref.phases, strict=True))
            compared += len(ref.classes)
        labels = expected = None
        if entry.exercise != NO_EXERCISE:
            truth = [form_or_none(entry.labels.class_at(t), entry.exercise) for t in times]
            labels = score_frames(times, truth, runs[v][entry.exercise].classes, collar_s,
                                  class_order(entry.exercise))
            expected = entry.labels.expected_count()
        errs = angle_errors(item.tracks[v], ref_tracks)
        out.append(VariantEntryResult(
            entry=entry.id, exercise=entry.exercise, variant=v, frames=len(times),
            person_frames=sum(f.has_person for f in item.tracks[v]), compared=compared,
            class_agree=class_agree, phase_agree=phase_agree,
            counts={a: runs[v][a].count for a in analyzers},
            reference_counts={a: runs[REFERENCE][a].count for a in analyzers},
            angle_errors={n: tuple(e) for n, e in errs.items()}, labels=labels, expected_count=expected,
            against_reference=versus,
        ))
    return out


def run_variants(corpus: Path, collar_s: float = DEFAULT_COLLAR_S,
                 on_frames: OnFrames | None = None,
                 items: Sequence[VariantTracks] | None = None) -> VariantReport:
    """The variant comparison over every entry with variant tracks."""
    if items is None:
        items = load_variant_tracks(corpus)
    per: dict[str, list[VariantEntryResult]] = {v: [] for v in VARIANTS}
    for item in items:
        for result in compare_entry(item, collar_s, on_frames):
            per[result.variant].append(result)
    notes = () if items else (f"no variant tracks in {variant_dir(corpus)}",)
    return VariantReport(tuple(VariantSummary(v, tuple(per[v])) for v in VARIANTS), collar_s, notes)


# -- small helpers -----------------------------------------------------------------------
def _frac(n: int, d: int) -> float | None:
    return n / d if d else None


def _pct(xs: Sequence[float], q: float) -> float | None:
    return float(np.percentile(xs, q)) if len(xs) else None


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def count_error(result: VariantEntryResult) -> CountError | None:
    """The variant's count against the labels (entries with an exercise)."""
    if result.expected_count is None or result.exercise == NO_EXERCISE:
        return None
    return CountError(result.expected_count, result.counts[result.exercise])
