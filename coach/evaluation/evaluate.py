"""One ``coach eval`` run: the real corpus and the synthetic suite, with one
progress bar, into an :class:`~coach.evaluation.results.EvalReport`."""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach import __version__
from coach.evaluation.classes import NO_EXERCISE
from coach.evaluation.corpus import CorpusEntry, load_corpus
from coach.evaluation.recognition import run_recognition
from coach.evaluation.recognition import work_units as recognition_units
from coach.evaluation.results import REAL, SYNTHETIC, EntryResult, EvalReport, OriginReport, build_origin
from coach.evaluation.runner import DEFAULT_COLLAR_S, STATIC_HOLD_S, evaluate_entry, work_units
from coach.evaluation.synthetic import case_frames, evaluate_case
from coach.progress import Progress
from coach.registry import exercise_names
from coach.synth.suite import SuiteCase, suite

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO_ROOT / "tests" / "data" / "real"
"""The corpus of the source tree coach runs from."""


@dataclass(frozen=True)
class EvalOptions:
    corpus: Path = DEFAULT_CORPUS
    corpus_given: bool = False
    """False: the default corpus, which may be missing (a note, not an error)."""
    only: str | None = None
    """``real``, ``synthetic`` or None for both."""
    exercise: str | None = None
    quick: bool = False
    collar_s: float = DEFAULT_COLLAR_S
    command: str = "coach eval"
    recognition: bool = False
    """Also measure recognition (``coach eval`` does; skipped for one
    ``exercise``)."""


def run_eval(options: EvalOptions, progress: bool | None = None,
             on_entry: Callable[[EntryResult], None] | None = None) -> EvalReport:
    """Evaluate; ``progress`` None draws a bar when stderr is a terminal.
    Raises :class:`~coach.errors.InputError` for a bad corpus."""
    t0 = time.perf_counter()
    analyzers = [options.exercise] if options.exercise else exercise_names()
    entries: list[CorpusEntry] = []
    real_notes: list[str] = []
    if options.only in (None, REAL):
        if options.corpus.exists() or options.corpus_given:
            entries = load_corpus(options.corpus, options.exercise)
        else:
            real_notes.append(f"no real corpus at {_show(options.corpus)}")
        if options.corpus.exists() and not entries:
            real_notes.append(f"the corpus at {_show(options.corpus)} has no entries"
                              + (f" for {options.exercise}" if options.exercise else ""))
    cases: Sequence[SuiteCase] = ()
    if options.only in (None, SYNTHETIC):
        cases = suite(quick=options.quick, exercise=options.exercise)
    recognise = options.exercise is None and options.recognition
    total = sum(work_units(e, len(analyzers)) for e in entries) + sum(case_frames(c, len(analyzers)) for c in cases)
    if recognise:
        total += recognition_units(cases, entries, options.quick, options.only in (None, SYNTHETIC))
    real: list[EntryResult] = []
    synthetic: list[EntryResult] = []
    with Progress(total, label="coach eval", enabled=progress) as bar:
        for entry in entries:
            result = evaluate_entry(entry, options.collar_s, bar.update, analyzers)
            if result is None:
                real_notes.append(f"{entry.id}: a static entry without an exercise is not evaluated")
                continue
            real.append(result)
            if on_entry is not None:
                on_entry(result)
        for case in cases:
            result = evaluate_case(case, options.collar_s, bar.update, analyzers)
            synthetic.append(result)
            if on_entry is not None:
                on_entry(result)
        recognition = (run_recognition(cases, entries, options.quick, options.only in (None, SYNTHETIC), bar.update)
                       if recognise else None)
    origins: list[OriginReport] = []
    if options.only in (None, REAL):
        origins.append(build_origin(REAL, real, analyzers, real_notes))
    if options.only in (None, SYNTHETIC):
        notes = ["quick subset (--quick)"] if options.quick else []
        origins.append(build_origin(SYNTHETIC, synthetic, analyzers, notes))
    settings = {
        "version": __version__,
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d"),
        "corpus": _show(options.corpus),
        "only": options.only,
        "exercise": options.exercise,
        "quick": options.quick,
        "collar_s": options.collar_s,
        "static_hold_s": STATIC_HOLD_S,
        "synthetic_cases": len(cases),
        "real_entries": len(entries),
        "no_exercise_label": NO_EXERCISE,
    }
    return EvalReport(tuple(origins), settings, options.command, time.perf_counter() - t0, recognition)


def _show(path: Path) -> str:
    """A path relative to the source tree when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
