"""Assembles the HTML report from the store: a one-screen summary with
what to work on next, the sessions table, the trends, then each session in
detail (two plots side by side per set) and, last, how scores are computed."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from coach import __version__
from coach.advice import top_fault, what_next
from coach.baseline import Baseline
from coach.registry import fault_label
from coach.report import calibration, plots
from coach.report import html as h
from coach.report.sets import key_metric, score_text, set_section, table_measures
from coach.report.snapshot import snapshot
from coach.store.baselines import all_baselines
from coach.store.dates import local_time
from coach.store.db import Store
from coach.store.notes import Note, notes_for
from coach.store.queries import reading, score_trend, session_detail
from coach.store.results import SetResult, recent_results
from coach.store.rows import SessionDetail

__all__ = ["MAX_DETAILED", "ReportData", "key_metric", "load", "render", "table_measures"]

MAX_DETAILED = 8
"""Sessions shown in detail (the most recent); the others are in the tables."""

OnStep = Callable[[str], None]


@dataclass(frozen=True)
class ReportData:
    sessions: tuple[SessionDetail, ...]
    trend_session_ids: tuple[int, ...] | None
    selection: str
    db_label: str
    current: tuple[SetResult, ...] = ()
    """The sets of the newest session in the selection."""
    previous: tuple[SetResult, ...] = ()
    """Complete sets before it, oldest first (for advice and progression)."""
    notes: Mapping[int, Note] = field(default_factory=dict)
    """Session id -> how it felt (``coach note``)."""
    share: bool = False
    """A report to share (``--share``): no note texts, no file or database
    names, no host."""
    include_interrupted: bool = False
    """Scores of interrupted sessions (partial sets) in the trend too."""


def load(store: Store, session_ids: Sequence[int], trend_session_ids: Sequence[int] | None,
         selection: str, on_step: OnStep | None = None, share: bool = False,
         include_interrupted: bool = False) -> ReportData:
    details: list[SessionDetail] = []
    with reading(str(store.path)):
        for sid in session_ids:
            details.append(session_detail(store.conn, sid))
            if on_step is not None:
                on_step(f"session {sid}")
        current: list[SetResult] = []
        previous: list[SetResult] = []
        scored = [sd.session for sd in details
                  if sd.session.status == "complete" and any(d.set.score is not None for d in sd.sets)]
        if scored:
            newest = scored[-1]
            current = [r for r in recent_results(store.conn, sessions=1, before_session=newest.id + 1)
                       if r.session_id == newest.id]
            previous = recent_results(store.conn, before_session=newest.id, sessions=20)
        notes = notes_for(store.conn, list(session_ids))
    return ReportData(tuple(details), None if trend_session_ids is None else tuple(trend_session_ids), selection,
                      str(store.path), tuple(current), tuple(previous), notes, share, include_interrupted)


def render(store: Store, data: ReportData, on_step: OnStep | None = None) -> str:
    parts: list[str] = []
    generated = local_time(time.time())
    where = (" &middot; shared copy: notes and names left out" if data.share
             else f" &middot; database {h.esc(data.db_label)}")
    parts.append(
        '<header class="page"><h1>Coach report</h1>'
        f'<div class="meta">{h.esc(data.selection)} &middot; generated {h.esc(generated)} '
        f'by coach {h.esc(__version__)}{where}</div></header>'
    )
    if not data.sessions:
        parts.append("<p>No sessions match this selection. Record one with <code>coach live</code>, "
                     "<code>coach analyze</code> or <code>coach demo</code>.</p>")
        return h.page("Coach report", "".join(parts))
    parts.append(_summary(data))
    parts.append(_overview(data.sessions, data.notes))
    parts.append(_trend(store, data))
    parts.append(calibration.section(data.sessions, _baselines(store)))
    parts.append(_felt(data))
    parts.append(_faults(data.sessions))
    detailed = data.sessions[-MAX_DETAILED:]
    parts.append('<h2 class="break">Sessions in detail</h2>')
    if len(detailed) < len(data.sessions):
        parts.append(f'<p class="explain">The {len(detailed)} most recent of {len(data.sessions)} sessions '
                     "are shown in detail; <code>coach report SESSION</code> shows any other.</p>")
    for sd in reversed(detailed):
        parts.append(_session_section(store, sd, data))
        if on_step is not None:
            on_step(f"plots of session {sd.session.id}")
    parts.append(_formulas(data.sessions))
    parts.append(
        "<footer>Scores are the analyzers' own numbers (the same as <code>coach analyze</code> prints). "
        "Coach judges only what a camera can see: it does not measure muscle bracing or pain. "
        "No video or image of you is stored: skeletons are drawn from stored joint positions.</footer>"
    )
    return h.page("Coach report", "".join(parts))


def _summary(data: ReportData) -> str:
    """One screen: what to work on next, then a few numbers."""
    sessions = data.sessions
    newest = sessions[-1].session
    lines = what_next(data.current, data.previous)
    advised = data.current[0].session_id if data.current else None
    advice = "".join(f"<li>{h.esc(line)}</li>" for line in lines)
    first = local_time(sessions[0].session.started_unix)
    span = first if len(sessions) == 1 else f"{first} to {local_time(newest.started_unix)}"
    cards: list[tuple[str, str]] = [("Sessions", str(len(sessions))), ("Latest", f"#{newest.id}")]
    latest: dict[str, float] = {}
    for sd in sessions:
        for det in sd.sets:
            if det.set.score is not None:
                latest[det.set.exercise] = det.set.score
    for exercise, score in latest.items():
        cards.append((f"{exercise.replace('_', ' ')} score", f"{score:.0f}"))
    all_sets = [r for r in (*data.previous, *data.current) if r.session_id in {sd.session.id for sd in sessions}]
    top = top_fault(all_sets)
    cards.append(("Most frequent fault", fault_label(top[0]) if top else "none"))
    return ('<section class="summary"><h2>Summary</h2>'
            f'<p class="meta">{h.esc(span)}'
            + (f"; advice from session {advised}, the newest complete one" if advised is not None else "")
            + ".</p>"
            f'<div class="next"><b>What to work on next</b><ul>{advice}</ul></div>'
            + h.cards(cards[:7]) + "</section>")


def _overview(sessions: Sequence[SessionDetail], notes: Mapping[int, Note]) -> str:
    rows = []
    for sd in reversed(sessions):
        s = sd.session
        for det in sd.sets or ():
            st = det.set
            side = f" ({st.side})" if st.side else ""
            rows.append([str(s.id), local_time(s.started_unix), st.exercise.replace("_", " ") + side,
                         st.result_text(), score_text(st.score) + ("*" if st.score is not None and
                                                                   s.status != "complete" else ""),
                         fault_label(st.top_fault) if st.top_fault else "-", h.badge(s.status), s.mode,
                         notes[s.id].short() if s.id in notes else "-"])
    table = h.table(["Session", "Date", "Exercise", "Result", "Score", "Top fault", "Status", "Mode",
                     "Pain/effort"], rows, numeric=(0, 4, 8), raw=(6,))
    return ("<h2>Sessions</h2><p class=\"explain\">Newest first, one row per set. The result is the good-form "
            "hold time or the completed reps or lifts, against the target. An interrupted session stopped "
            "before its end (Ctrl-C, a signal, an error or a crash): a score marked * is of the partial set, "
            "and is left out of the trend unless <code>--include-interrupted</code>.</p>" + table)


def _formulas(sessions: Sequence[SessionDetail]) -> str:
    seen: dict[tuple[str, str], None] = {}
    for sd in sessions:
        for det in sd.sets:
            if det.set.score_formula:
                seen.setdefault((det.set.exercise, det.set.score_formula), None)
    if not seen:
        return ""
    boxes = "".join(
        f'<div class="formula"><b>{h.esc(ex.replace("_", " "))}</b>{h.esc(formula)}</div>'
        for ex, formula in seen
    )
    return ("<h2>How the score is computed</h2><p class=\"explain\">Each set gets a score from 0 to 100 from "
            "its exercise's analyzer, stated here as the analyzer states it.</p>" + boxes)


def _trend(store: Store, data: ReportData) -> str:
    with reading(str(store.path)):
        points = score_trend(store.conn, session_ids=data.trend_session_ids,
                             include_interrupted=data.include_interrupted)
    by_key: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for sid, started, exercise, score in points:
        by_key.setdefault((exercise, sid), []).append((started, score))
    series: dict[str, list[plots.TrendPoint]] = {}
    for (exercise, sid), vals in by_key.items():
        mean = sum(v for _u, v in vals) / len(vals)
        series.setdefault(exercise, []).append(plots.TrendPoint(sid, vals[0][0], mean))
    scope = "all recorded sessions" if data.trend_session_ids is None else "the sessions in this report"
    return ("<h2>Score trend</h2>"
            f"<p class=\"explain\">The score over {scope}"
            f"{'' if data.include_interrupted else ' (interrupted sessions left out)'}, one line per exercise "
            "(the mean of its sets "
            "when a session had several); the axis gives each session's id, as in "
            "<code>coach history</code>, and its date. Higher is better form.</p>"
            + h.figure(plots.score_trend(series), "score trend", "Score (0-100) per session, by exercise."))


def _baselines(store: Store) -> list[Baseline]:
    """Every calibration."""
    with reading(str(store.path)):
        return all_baselines(store)


def _faults(sessions: Sequence[SessionDetail]) -> str:
    counts: dict[str, dict[str, int]] = {}
    for sd in sessions:
        for det in sd.sets:
            per = counts.setdefault(det.set.exercise, {})
            for f in det.faults:
                if f.code != "not_visible":
                    per[f.code] = per.get(f.code, 0) + 1
    counts = {k: v for k, v in counts.items() if v}
    if not counts:
        return "<h2>Faults by exercise</h2><p class=\"explain\">No form faults in these sessions.</p>"
    return ("<h2>Faults by exercise</h2>"
            "<p class=\"explain\">How many times each form fault started (one episode lasts until the form "
            "is corrected), over the sessions in this report. Faults are always warm colours; green is "
            "kept for good form. Times when the body was not visible enough to judge are left out.</p>"
            + h.figure(plots.fault_frequency(counts), "fault frequency",
                       "Fault episodes per exercise and fault."))


def _felt(data: ReportData) -> str:
    """Pain and effort (``coach note``) against the score, per session."""
    points: list[plots.FeltPoint] = []
    for sd in data.sessions:
        note = data.notes.get(sd.session.id)
        if note is None or (note.pain is None and note.effort is None):
            continue
        scores = [d.set.score for d in sd.sets if d.set.score is not None]
        points.append(plots.FeltPoint(sd.session.id, sd.session.started_unix,
                                      sum(scores) / len(scores) if scores else None, note.pain, note.effort))
    if not points:
        return ("<h2>How it felt</h2><p class=\"explain\">No pain or effort noted for these sessions: "
                "<code>coach note SESSION --pain 0-10 --effort 0-10</code> adds them (coach live asks at the "
                "end).</p>")
    return ("<h2>How it felt</h2><p class=\"explain\">The pain and effort you noted (0-10, bars) against the "
            "session's score (the mean of its sets, line). Pain that rises with the work is worth telling "
            "your physiotherapist.</p>"
            + h.figure(plots.pain_vs_score(points), "pain against score",
                       "Pain and effort (0-10) and score (0-100) per session."))


def _session_section(store: Store, sd: SessionDetail, data: ReportData) -> str:
    s = sd.session
    exercises = ", ".join(dict.fromkeys(det.set.exercise.replace("_", " ") for det in sd.sets)) or "no set"
    out = [f'<section class="session"><h2>Session {s.id}: {h.esc(exercises)} '
           f'<span class="meta">{h.esc(local_time(s.started_unix))}</span> {h.badge(s.status)}</h2>',
           f'<p class="meta">{h.esc(s.mode)}'
           + ("" if data.share else f" &middot; source {h.esc(s.source)}") + "</p>"]
    note = data.notes.get(s.id)
    if note is not None and note.sentence(with_text=not data.share):
        out.append(f'<p class="felt"><b>How it felt:</b> {h.esc(note.sentence(with_text=not data.share))}</p>')
    if s.status != "complete":
        out.append('<p class="explain">This session did not finish normally (the program stopped before the '
                   "end of the set). Everything saved up to its last second is shown; there is no score.</p>")
    for det in sd.sets:
        with reading(str(store.path)):
            png, caption = snapshot(store, det)
        out.append(set_section(det, len(sd.sets) > 1, png, caption))
    out.append("</section>")
    return "".join(out)
