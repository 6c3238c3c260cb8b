"""How well coach recognises the exercise (:mod:`coach.recognition`):
confusion over the synthetic suite and the real corpus, set boundaries on
routines, and false "This looks like ..." warnings.

Matching rules:

* **Synthetic suite** (every case: all views, all noise presets including
  the harshest): per case, the *decision* is the exercise the recognizer
  held for the most frames (``none`` if it never recognised one); per
  frame, the exercise recognised at that frame (what the live coach knows
  then) against the truth, over the frames of the case's set (truth
  phases :data:`coach.synth.scenarios.routine.SET_PHASES`) from 2 s after
  the set began (the time allowed to decide), and every frame of an idle
  case (truth ``none``). *Latency*: from the start of the first rep, hold
  or lift to the decision.
* **Real corpus**: static entries, each row replayed as a still pose for
  :data:`STATIC_HOLD_S` s (rows labelled with one of the exercise's form
  classes are its exercise, every row of an entry without an exercise is
  ``none``; unlabelled rows are not scored); tracks, per frame as above
  (frames in a form-class segment are the entry's exercise, every frame of
  an entry without an exercise is ``none``).
* **Routines** (:mod:`coach.synth.scenarios.routine`: the demo track and
  whole routines with walking or nothing between exercises, under each
  noise preset): each true set is matched to the found set of the same
  exercise overlapping it most; start and end errors of the matches;
  found sets matching none are *invented*, true sets without a match
  *missed*.
* **False warnings**: with the true exercise named, the mismatch warning
  must never come; per hour of that exercise (the cases' set time, and
  the real tracks of an exercise).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from coach.evaluation.classes import NO_EXERCISE, is_form_class
from coach.evaluation.corpus import CorpusEntry
from coach.evaluation.metrics import ConfusionMatrix, accuracy
from coach.pose import PoseFrame
from coach.recognition.features import FeatureExtractor
from coach.recognition.mismatch import MismatchWatcher
from coach.recognition.recognizer import Recognizer, SetSpan
from coach.registry import exercise_names
from coach.smoothing import PoseSmoother
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios.routine import FULL_ROUTINE, Routine, demo_routine, routine_track, set_span
from coach.synth.suite import NOISE_PRESETS, SuiteCase

DECIDE_ALLOWANCE_S = 2.0
"""Frames of a set are scored from this long after it began."""
STATIC_HOLD_S = 2.0
"""A still pose is held this long: longer than every exercise's settle
time (1 s at most)."""
STATIC_FPS = 30.0
STATIC_FEATURE_FRAMES = 5
"""A still pose's features are measured on its first frames (the body size
and the floor slope settle at once on identical frames) and then held."""
BOUNDARY_TOLERANCE_S = 1.0

OnFrames = Callable[[int], None]


def labels() -> tuple[str, ...]:
    """Confusion labels: every exercise, then ``none``."""
    return (*exercise_names(), NO_EXERCISE)


@dataclass(frozen=True)
class CaseRecognition:
    """One recording: its truth, the decision, per-frame confusion, the
    latency of the decision and the warnings given with the truth named."""

    id: str
    origin: str
    kind: str
    detail: str
    truth: str
    decision: str
    frames: ConfusionMatrix
    latency_s: float | None = None
    sets: int = 0
    exercise_s: float = 0.0
    warnings: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "origin": self.origin, "kind": self.kind, "detail": self.detail,
                "truth": self.truth, "decision": self.decision, "frames": self.frames.to_json(),
                "latency_s": None if self.latency_s is None else round(self.latency_s, 3), "sets": self.sets,
                "exercise_s": round(self.exercise_s, 2), "warnings": self.warnings}


@dataclass(frozen=True)
class RoutineResult:
    id: str
    true_sets: int
    found: int
    matched: int
    invented: int
    missed: int
    start_errors: tuple[float, ...]
    end_errors: tuple[float, ...]

    @property
    def worst_s(self) -> float:
        return max((abs(e) for e in (*self.start_errors, *self.end_errors)), default=0.0)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "true_sets": self.true_sets, "found": self.found, "matched": self.matched,
                "invented": self.invented, "missed": self.missed,
                "start_errors_s": [round(e, 3) for e in self.start_errors],
                "end_errors_s": [round(e, 3) for e in self.end_errors]}


@dataclass(frozen=True)
class RecognitionReport:
    synthetic: tuple[CaseRecognition, ...] = ()
    real: tuple[CaseRecognition, ...] = ()
    routines: tuple[RoutineResult, ...] = ()

    def decisions(self, origin: str) -> ConfusionMatrix:
        cases = self.synthetic if origin == "synthetic" else tuple(c for c in self.real if c.kind == "track")
        return ConfusionMatrix.from_pairs(((c.truth, c.decision) for c in cases), labels())

    def frames(self, origin: str, kind: str | None = None) -> ConfusionMatrix:
        cases = self.synthetic if origin == "synthetic" else self.real
        cm = ConfusionMatrix.from_pairs((), labels())
        for c in cases:
            if kind is None or c.kind == kind:
                cm = cm.merged(c.frames, labels())
        return cm

    def latency(self) -> dict[str, tuple[float, float, int]]:
        """Per exercise: (median, max, cases) of the decision latency."""
        out: dict[str, tuple[float, float, int]] = {}
        by: dict[str, list[float]] = {}
        for c in self.synthetic:
            if c.latency_s is not None:
                by.setdefault(c.truth, []).append(c.latency_s)
        for name, values in by.items():
            v = sorted(values)
            out[name] = (v[len(v) // 2], v[-1], len(v))
        return out

    def warnings_per_hour(self) -> tuple[int, float]:
        """(false warnings, hours of correct exercise)."""
        cases = [*self.synthetic, *self.real]
        return sum(c.warnings for c in cases), sum(c.exercise_s for c in cases) / 3600.0

    def boundary(self) -> dict[str, Any]:
        errs = [abs(e) for r in self.routines for e in (*r.start_errors, *r.end_errors)]
        return {
            "routines": len(self.routines),
            "true_sets": sum(r.true_sets for r in self.routines),
            "found": sum(r.found for r in self.routines),
            "matched": sum(r.matched for r in self.routines),
            "invented": sum(r.invented for r in self.routines),
            "missed": sum(r.missed for r in self.routines),
            "mean_abs_error_s": round(sum(errs) / len(errs), 3) if errs else None,
            "max_abs_error_s": round(max(errs), 3) if errs else None,
            "within_tolerance": round(sum(e <= BOUNDARY_TOLERANCE_S for e in errs) / len(errs), 4) if errs else None,
            "tolerance_s": BOUNDARY_TOLERANCE_S,
        }

    def to_json(self) -> dict[str, Any]:
        warnings, hours = self.warnings_per_hour()
        out: dict[str, Any] = {
            "labels": list(labels()),
            "false_warnings": warnings,
            "correct_exercise_hours": round(hours, 4),
            "false_warnings_per_hour": round(warnings / hours, 3) if hours > 0 else None,
            "routines": {"summary": self.boundary(), "entries": [r.to_json() for r in self.routines]},
            "latency_s": {k: {"median": round(v[0], 3), "max": round(v[1], 3), "cases": v[2]}
                          for k, v in self.latency().items()},
        }
        for origin, cases in (("synthetic", self.synthetic), ("real", self.real)):
            if cases:
                dec, frm = self.decisions(origin), self.frames(origin)
                out[origin] = {"decisions": dec.to_json(), "decision_accuracy": accuracy(dec),
                               "frames": frm.to_json(), "frame_accuracy": accuracy(frm),
                               "entries": [c.to_json() for c in cases]}
        return out


# -- running ---------------------------------------------------------------------------------------
def _track(frames: Sequence[PoseFrame], truth_at: Callable[[float], str | None], on_frames: OnFrames | None,
           named: str | None) -> tuple[ConfusionMatrix, str, list[SetSpan], int]:
    """Recognise one recording: per-frame confusion (truth_at None: not
    scored), the decision, the sets opened and the warnings with ``named``."""
    smoother, rec = PoseSmoother(), Recognizer()
    watcher = MismatchWatcher(named, recognizer=rec) if named is not None else None
    if watcher is not None and not watcher.enabled:
        watcher = None
    pairs: list[tuple[str, str]] = []
    held: Counter[str] = Counter()
    opened: list[SetSpan] = []
    warnings = 0
    for f in frames:
        s = smoother(f)
        if watcher is not None and watcher.warned is None:  # the watcher drives the recognizer until it speaks
            if watcher.update(s) is not None:
                warnings += 1
            assert watcher.last is not None
            r = watcher.last
        else:
            r = rec.update(s)
        if r.opened is not None:
            opened.append(r.opened)
        got = r.current or NO_EXERCISE
        if r.current is not None:
            held[r.current] += 1
        truth = truth_at(f.t)
        if truth is not None:
            pairs.append((truth, got))
    if on_frames is not None:
        on_frames(len(frames))
    decision = held.most_common(1)[0][0] if held else NO_EXERCISE
    return ConfusionMatrix.from_pairs(pairs, labels()), decision, opened, warnings


def recognise_case(case: SuiteCase, on_frames: OnFrames | None = None) -> CaseRecognition:
    sc = case.build()
    exercise = case.exercise
    span = set_span(exercise, sc) if exercise is not None else None

    def truth_at(t: float) -> str | None:
        if exercise is None:
            return NO_EXERCISE
        if span is None or not (span[0] + DECIDE_ALLOWANCE_S <= t <= span[1]):
            return None
        return exercise

    cm, decision, opened, warnings = _track(sc.frames, truth_at, on_frames, exercise)
    latency = None
    if exercise is not None and sc.truth.reps:
        mine = [o for o in opened if o.exercise == exercise]
        latency = mine[0].decided_at - sc.truth.reps[0].start if mine else math.inf
    return CaseRecognition(case.name, "synthetic", "synthetic", case.detail, exercise or NO_EXERCISE, decision,
                           cm, latency, len(opened), (span[1] - span[0]) if span else 0.0, warnings)


def recognise_static(entry: CorpusEntry, on_frames: OnFrames | None = None, step: int = 1) -> CaseRecognition:
    """Each row (every ``step``-th) held still; the first set it opens."""
    exercise = entry.exercise
    pairs = []
    n = max(1, round(STATIC_HOLD_S * STATIC_FPS))
    for i, (frame, label) in enumerate(zip(entry.frames, entry.labels.per_row, strict=True)):
        if i % step:
            continue
        if exercise == NO_EXERCISE:
            truth = NO_EXERCISE
        elif is_form_class(label, exercise):
            truth = exercise
        else:
            continue
        pairs.append((truth, _still(frame, n)))
        if on_frames is not None:
            on_frames(n)
    cm = ConfusionMatrix.from_pairs(pairs, labels())
    decision = Counter(p for _, p in pairs).most_common(1)[0][0] if pairs else NO_EXERCISE
    return CaseRecognition(entry.id, "real", "static", f"{len(pairs)} rows", exercise, decision, cm)


def _still(frame: PoseFrame, n: int) -> str:
    fx, rec = FeatureExtractor(), Recognizer()
    posture = fx.update(frame.replace(t=0.0))
    for i in range(n):
        t = i / STATIC_FPS
        posture = fx.update(frame.replace(t=t)) if i < STATIC_FEATURE_FRAMES else replace(posture, t=t)
        r = rec.update_posture(posture)
        if r.opened is not None:
            return r.opened.exercise
    return NO_EXERCISE


def recognise_track(entry: CorpusEntry, on_frames: OnFrames | None = None) -> CaseRecognition:
    exercise = entry.exercise
    labels_ = entry.labels

    def truth_at(t: float) -> str | None:
        if exercise == NO_EXERCISE:
            return NO_EXERCISE
        label = labels_.class_at(t)
        return exercise if label is not None and is_form_class(label, exercise) else None

    named = None if exercise == NO_EXERCISE else exercise
    cm, decision, opened, warnings = _track(entry.frames, truth_at, on_frames, named)
    duration = entry.frames[-1].t - entry.frames[0].t if entry.frames else 0.0
    return CaseRecognition(entry.id, "real", "track", entry.view, exercise, decision, cm, None, len(opened),
                           duration if named else 0.0, warnings)


def routines(quick: bool = False) -> list[Routine]:
    """The routines measured: the demo track (seeds 0-4), and the full
    routine with walking or nothing between exercises, under every noise
    preset (seeds 0-2); ``quick``: the demo track of seed 0 and one more."""
    if quick:
        return [demo_routine(0), routine_track(FULL_ROUTINE, seed=0, noise=NoiseConfig(), between="walk")]
    out = [demo_routine(seed) for seed in range(5)]
    for noise, make in NOISE_PRESETS.items():
        for seed in range(3):
            for between in ("walk", "rest"):
                rt = routine_track(FULL_ROUTINE, seed=seed, noise=make(), between=between)
                out.append(replace(rt, name=f"{rt.name}/{noise}"))
    return out


def recognise_routine(rt: Routine, on_frames: OnFrames | None = None) -> RoutineResult:
    smoother, rec = PoseSmoother(), Recognizer()
    found: list[SetSpan] = []
    for f in rt.frames:
        r = rec.update(smoother(f))
        if r.closed is not None:
            found.append(r.closed)
    last = rec.finish()
    if last is not None:
        found.append(last)
    if on_frames is not None:
        on_frames(len(rt.frames))
    return match_sets(rt.name, [(s.exercise, s.start, s.end if s.end is not None else s.start) for s in found],
                      [(t.exercise, t.start, t.end) for t in rt.sets])


def match_sets(name: str, found: Sequence[tuple[str, float, float]],
               true: Sequence[tuple[str, float, float]]) -> RoutineResult:
    """Each true set matched to the unmatched found set of its exercise that
    overlaps it most (pure)."""
    used: set[int] = set()
    starts: list[float] = []
    ends: list[float] = []
    missed = 0
    for ex, t0, t1 in true:
        best, best_overlap = None, 0.0
        for i, (fx, f0, f1) in enumerate(found):
            overlap = min(t1, f1) - max(t0, f0)
            if i not in used and fx == ex and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is None:
            missed += 1
            continue
        used.add(best)
        starts.append(found[best][1] - t0)
        ends.append(found[best][2] - t1)
    return RoutineResult(name, len(true), len(found), len(used), len(found) - len(used), missed,
                         tuple(starts), tuple(ends))


def run_recognition(cases: Iterable[SuiteCase], entries: Iterable[CorpusEntry], quick: bool,
                    synthetic: bool, on_frames: OnFrames | None = None) -> RecognitionReport:
    syn = tuple(recognise_case(c, on_frames) for c in cases)
    real = tuple(
        recognise_static(e, on_frames, step=10 if quick else 1) if e.kind == "static" else recognise_track(e, on_frames)
        for e in entries
    )
    rts = tuple(recognise_routine(rt, on_frames) for rt in routines(quick)) if synthetic else ()
    return RecognitionReport(syn, real, rts)


def work_units(cases: Sequence[SuiteCase], entries: Sequence[CorpusEntry], quick: bool, synthetic: bool) -> int:
    """Progress units (frames) of :func:`run_recognition`, roughly."""
    n = sum(c.approx_frames for c in cases)
    for e in entries:
        if e.kind == "static":
            n += len(e.frames) // (10 if quick else 1) * round(STATIC_HOLD_S * STATIC_FPS)
        else:
            n += len(e.frames)
    if synthetic:
        n += (2 if quick else 23) * 2200
    return n


def json_metric(obj: Mapping[str, Any], path: str) -> float | None:
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None
