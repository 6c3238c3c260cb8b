"""Assembles the HTML report from the store: which sessions, which plots,
what each plot means."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from coach import __version__
from coach.registry import find_spec
from coach.report import html as h
from coach.report import plots
from coach.store.dates import local_time
from coach.store.db import Store
from coach.store.queries import reading, score_trend, session_detail
from coach.store.rows import SessionDetail, SetDetail

MAX_DETAILED = 12


def _metric_hints(exercise: str) -> tuple[str, ...]:
    """The exercise's key metrics (its spec), most important first."""
    spec = find_spec(exercise)
    return tuple(m.key for m in spec.metrics) if spec is not None else ()


def key_metric(exercise: str, names: Sequence[str]) -> str | None:
    """The metric plotted over time: the first name matching the
    exercise's hints, else the first angle-like one, else the first."""
    if not names:
        return None
    for hint in (*_metric_hints(exercise), "angle", "flexion", "deg"):
        for name in names:
            if hint in name.lower():
                return name
    return names[0]


@dataclass(frozen=True)
class ReportData:
    sessions: tuple[SessionDetail, ...]
    trend_session_ids: tuple[int, ...] | None
    selection: str
    db_label: str


def load(store: Store, session_ids: Sequence[int], trend_session_ids: Sequence[int] | None,
         selection: str) -> ReportData:
    with reading(str(store.path)):
        details = tuple(session_detail(store.conn, sid) for sid in session_ids)
    return ReportData(details, None if trend_session_ids is None else tuple(trend_session_ids), selection,
                      str(store.path))


def render(store: Store, data: ReportData) -> str:
    parts: list[str] = []
    generated = local_time(time.time())
    parts.append(
        '<header class="page"><h1>Coach report</h1>'
        f'<div class="meta">{h.esc(data.selection)} &middot; generated {h.esc(generated)} '
        f'by coach {h.esc(__version__)} &middot; database {h.esc(data.db_label)}</div></header>'
    )
    if not data.sessions:
        parts.append("<p>No sessions match this selection. Record one with <code>coach live</code>, "
                     "<code>coach analyze</code> or <code>coach demo</code>.</p>")
        return h.page("Coach report", "".join(parts))
    parts.append(_overview(data.sessions))
    parts.append(_formulas(data.sessions))
    parts.append(_trend(store, data))
    parts.append(_faults(data.sessions))
    detailed = data.sessions[-MAX_DETAILED:]
    parts.append("<h2>Sessions in detail</h2>")
    if len(detailed) < len(data.sessions):
        parts.append(f'<p class="explain">The {len(detailed)} most recent of {len(data.sessions)} sessions '
                     "are shown in detail; `coach report SESSION` shows any other.</p>")
    for sd in reversed(detailed):
        parts.append(_session_section(sd))
    parts.append(
        "<footer>Scores are the analyzers' own numbers (the same as <code>coach analyze</code> prints). "
        "Coach judges only what a camera can see: it does not measure muscle bracing or pain. "
        "No video is stored.</footer>"
    )
    return h.page("Coach report", "".join(parts))


def _score_text(score: float | None) -> str:
    return "-" if score is None else f"{score:.0f}"


def _overview(sessions: Sequence[SessionDetail]) -> str:
    rows = []
    for sd in reversed(sessions):
        s = sd.session
        for det in sd.sets or ():
            st = det.set
            rows.append([str(s.id), local_time(s.started_unix), st.exercise.replace("_", " "), st.result_text(),
                         _score_text(st.score), st.top_fault or "-", h.badge(s.status), s.mode])
    table = h.table(["Session", "Date", "Exercise", "Result", "Score", "Top fault", "Status", "Mode"], rows,
                    numeric=(0, 4), raw=(6,))
    return ("<h2>Sessions</h2><p class=\"explain\">Newest first. The result is the good-form hold time or "
            "the completed reps or lifts, against the target. Interrupted sessions stopped without saving "
            "a summary, so they have no score.</p>" + table)


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
        points = score_trend(store.conn, session_ids=data.trend_session_ids)
    series: dict[str, list[plots.TrendPoint]] = {}
    for sid, started, exercise, score in points:
        series.setdefault(exercise, []).append(plots.TrendPoint(sid, started, score))
    scope = "all recorded sessions" if data.trend_session_ids is None else "the sessions in this report"
    return ("<h2>Score trend</h2>"
            f"<p class=\"explain\">The score of every completed set over {scope}, one line per exercise; "
            "the number at the end of each line is the latest score. Higher is better form.</p>"
            + h.figure(plots.score_trend(series), "score trend", "Score (0-100) per session, by exercise."))


def _faults(sessions: Sequence[SessionDetail]) -> str:
    counts: dict[str, dict[str, int]] = {}
    for sd in sessions:
        for det in sd.sets:
            per = counts.setdefault(det.set.exercise, {})
            for f in det.faults:
                if f.code != "not_visible":
                    per[f.code] = per.get(f.code, 0) + 1
    counts = {k: v for k, v in counts.items() if v}
    return ("<h2>Faults by exercise</h2>"
            "<p class=\"explain\">How many times each form fault started (one episode lasts until the form "
            "is corrected), summed over the sessions in this report. Times when the body was not visible "
            "enough to judge are left out.</p>"
            + h.figure(plots.fault_frequency(counts), "fault frequency",
                       "Fault episodes per exercise and fault code."))


def _session_section(sd: SessionDetail) -> str:
    s = sd.session
    exercises = ", ".join(det.set.exercise.replace("_", " ") for det in sd.sets) or "no set"
    out = [f'<section class="session"><h2>Session {s.id}: {h.esc(exercises)} '
           f'<span class="meta">{h.esc(local_time(s.started_unix))}</span> {h.badge(s.status)}</h2>',
           f'<p class="meta">{h.esc(s.mode)} &middot; source {h.esc(s.source)}</p>']
    if s.status != "complete":
        out.append('<p class="explain">This session did not finish normally (the program stopped before the '
                   "end of the set). Everything saved up to its last second is shown; there is no score.</p>")
    for det in sd.sets:
        out.append(_set_section(det, len(sd.sets) > 1))
    out.append("</section>")
    return "".join(out)


def _set_section(det: SetDetail, numbered: bool) -> str:
    st = det.set
    out: list[str] = []
    if numbered:
        out.append(f"<h3>Set {st.set_index}: {h.esc(st.exercise.replace('_', ' '))}</h3>")
    top = st.top_fault or "none"
    out.append(h.cards([("Score", _score_text(st.score)), ("Result", st.result_text()),
                        ("Duration", f"{st.duration_s:.0f} s"), ("Top fault", top)]))
    if st.score_formula:
        out.append(f'<div class="formula"><b>Score formula</b>{h.esc(st.score_formula)}</div>')
    t0 = float(det.seconds[0].second) if det.seconds else 0.0
    metric = key_metric(st.exercise, det.metric_names())
    if metric is not None:
        out.append("<h3>Key angle over time</h3><p class=\"explain\">"
                   f"<b>{h.esc(metric.replace('_', ' '))}</b> each second: the line is the mean, the light "
                   "band the lowest to highest value within that second. Coloured spans mark the fault "
                   "episodes, one colour per fault.</p>")
        png = plots.angle_timeline(metric, det.metric_series(metric), det.faults, t0)
        out.append(h.figure(png, f"{metric} over time", f"{metric} per second, with fault episodes shaded."))
    kind = st.kind
    final = st.hold_s if kind == "hold" else float(st.reps)
    what = "good-form hold time" if kind == "hold" else f"completed {kind}s"
    target_text = "the dashed line is the target" if st.target else "no target was set for this set"
    hold_text = " Hold time counts only while the form is good." if kind == "hold" else ""
    out.append(f"<h3>Against the target</h3><p class=\"explain\">The {what} as the set went on; "
               f"{target_text}.{hold_text}</p>")
    out.append(h.figure(plots.progress_vs_target(kind, det.seconds, st.target, final, t0),
                        f"{what} against target", f"{what.capitalize()} over the set."))
    spec = find_spec(st.exercise)
    if spec is not None and spec.item_measures and det.items:
        noun = spec.item_kind
        out.append(f"<h3>Each {noun}</h3><p class=\"explain\">{h.esc(spec.item_chart_text)}</p>")
        labels = ", ".join(m.label for m in spec.item_measures)
        out.append(h.figure(plots.item_measures(det.items, spec.item_measures, noun), f"{noun} measures",
                            f"{labels[0].upper()}{labels[1:]}, per {noun}."))
    if det.items:
        out.append(_items_table(det))
    return "".join(out)


def table_measures(exercise: str, names: Sequence[str], n: int = 4) -> list[str]:
    """The measures worth a column: lift's trunk, knee and H first, then
    the names matching the exercise's key-angle hints, then the rest."""
    chosen: list[str] = []
    spec = find_spec(exercise)
    if spec is not None:
        picks = (plots.pick_measure(names, m.keys) for m in spec.item_measures)
        chosen.extend(p for p in picks if p is not None)
    for hint in (*_metric_hints(exercise), "angle", "flexion"):
        chosen.extend(name for name in names if hint in name.lower() and name not in chosen)
    chosen.extend(name for name in names if name not in chosen)
    return chosen[:n]


def _items_table(det: SetDetail) -> str:
    names = table_measures(det.set.exercise, sorted({k for it in det.items for k in it.measures}))
    rows = []
    for it in det.items:
        rows.append([str(it.index), it.kind, it.side or "-", f"{it.start:.1f}", f"{it.duration:.1f}",
                     _score_text(it.score), ", ".join(it.faults) or "clean",
                     *[_fmt_measure(it.measures.get(n)) for n in names]])
    headers = ["#", "Kind", "Side", "Start (s)", "Duration (s)", "Score", "Faults",
               *[n.replace("_", " ") for n in names]]
    numeric = (0, 3, 4, 5, *range(7, 7 + len(names)))
    return h.table(headers, rows, numeric=numeric)


def _fmt_measure(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.0f}"
