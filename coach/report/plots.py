"""The report's plots, drawn with matplotlib's object API on the Agg
canvas (no pyplot, no global state, no display needed). Each function
returns PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from coach.registry import fault_label, find_fault, find_spec
from coach.spec import ItemMeasure
from coach.store.rows import FaultRow, ItemRow, MetricSecond, SecondRow
from coach.units import capitalise, metric_header, metric_spec, unit_text

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
ACCENT = "#2563eb"
GOOD = "#16a34a"
"""Green means good form, and only that: the hold time, the completed reps."""
NOT_VISIBLE_COLOR = "#9ca3af"
"""Grey: the body was not visible enough to judge (the camera, not the form)."""
SERIES_COLORS = ("#2563eb", "#0d9488", "#6366f1", "#0891b2")
"""Measures (not judgements): blues and teals, never red or green."""
FAULT_PALETTE = ("#dc2626", "#ea580c", "#9333ea", "#db2777", "#b45309", "#7c3aed", "#be123c", "#c2410c")
"""Faults are warm colours (reds, oranges, purples, pinks), never green nor
grey. A fault's colour is its place in its exercise's fault list (the
spec), so the faults of one exercise never share a colour."""
DPI = 110
WIDE = 9.0
"""Inches: a full-width plot (990 px at :data:`DPI`)."""
HALF = 5.0
"""Inches: a plot in the two-column grid of a set (550 px)."""


def fault_color(code: str) -> str:
    if code == "not_visible":
        return NOT_VISIBLE_COLOR
    hit = find_fault(code)
    if hit is not None:
        return FAULT_PALETTE[hit[0].fault_codes.index(code) % len(FAULT_PALETTE)]
    return FAULT_PALETTE[sum(map(ord, code)) % len(FAULT_PALETTE)]


def exercise_color(name: str) -> str:
    spec = find_spec(name)
    return spec.color if spec is not None else ACCENT


def _figure(w: float, h: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(w, h), dpi=DPI, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _style(ax)
    return fig, ax


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#9ca3af")
    ax.tick_params(colors=INK, labelsize=9)
    ax.grid(True, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.title.set_color(INK)
    ax.xaxis.label.set_color(MUTED)
    ax.yaxis.label.set_color(MUTED)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _legend(ax: Axes) -> None:
    leg = ax.legend(loc="best", fontsize=8, frameon=True, framealpha=0.92, edgecolor=GRID)
    leg.get_frame().set_linewidth(0.8)


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, fontsize=11, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


@dataclass(frozen=True)
class TrendPoint:
    session_id: int
    started_unix: float
    score: float


MAX_TREND_TICKS = 12
"""At most this many labelled sessions on the trend's x axis."""


def session_axis(sessions: Sequence[tuple[int, float]]) -> tuple[dict[int, int], list[int], list[str]]:
    """Sessions (id, start) evenly spaced in order: position per id, the
    tick positions and their labels (``#12`` over the date). A date is
    written only when it differs from the previous label's, so two sessions
    on one day never show the same text twice."""
    ordered = sorted(set(sessions), key=lambda p: (p[1], p[0]))
    pos = {sid: i for i, (sid, _u) in enumerate(ordered)}
    step = max(1, -(-len(ordered) // MAX_TREND_TICKS))
    ticks = list(range(0, len(ordered), step))
    labels: list[str] = []
    last_day = ""
    for i in ticks:
        sid, unix = ordered[i]
        day = datetime.fromtimestamp(unix).strftime("%b %d")
        labels.append(f"#{sid}\n{day}" if day != last_day else f"#{sid}")
        last_day = day
    return pos, ticks, labels


def score_trend(series: Mapping[str, Sequence[TrendPoint]]) -> bytes:
    """Score (0-100) per session, one line per exercise. Sessions are evenly
    spaced in order and labelled with their id (as in ``coach history``)
    and date: sessions minutes apart and weeks apart both stay readable."""
    fig, ax = _figure(WIDE, 3.0)
    sessions = [(p.session_id, p.started_unix) for points in series.values() for p in points]
    if not sessions:
        _empty(ax, "no scored sessions yet")
        return _png(fig)
    order, ticks, tick_labels = session_axis(sessions)
    for exercise, points in sorted(series.items()):
        if not points:
            continue
        pts = sorted(points, key=lambda p: (p.started_unix, p.session_id))
        xs = [order[p.session_id] for p in pts]
        ys = [p.score for p in pts]
        color = exercise_color(exercise)
        ax.plot(xs, ys, "-o", color=color, linewidth=2, markersize=6, label=exercise.replace("_", " "))
        ax.annotate(f"{ys[-1]:.0f}", (xs[-1], ys[-1]), textcoords="offset points", xytext=(6, 4),
                    color=color, fontsize=9, fontweight="bold")
    ax.set_xticks(ticks)
    ax.set_xticklabels(tick_labels, fontsize=8)
    ax.set_xlim(-0.5, len(order) - 0.5)
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (0-100)")
    ax.set_xlabel("session (id and date)")
    ax.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=4)
    ax.set_title("Score per session", loc="left", fontsize=11, fontweight="bold")
    return _png(fig)


def fault_frequency(counts: Mapping[str, Mapping[str, int]]) -> bytes:
    """Horizontal bars: fault episodes per code, grouped by exercise."""
    rows: list[tuple[str, str, int]] = []
    for exercise in sorted(counts):
        for code, n in sorted(counts[exercise].items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append((exercise, code, n))
    fig, ax = _figure(WIDE, 0.34 * len(rows) + 1.2)
    if not rows:
        _empty(ax, "no faults recorded in these sessions")
        return _png(fig)
    labels = [f"{ex.replace('_', ' ')}: {fault_label(code)}" for ex, code, _ in rows]
    values = [n for _, _, n in rows]
    ypos = list(range(len(rows)))[::-1]
    ax.barh(ypos, values, color=[fault_color(code) for _, code, _ in rows], height=0.65)
    ax.set_yticks(ypos, labels)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    for y, v in zip(ypos, values, strict=True):
        ax.text(v, y, f" {v}", va="center", fontsize=9, color=INK)
    ax.set_xlabel("fault episodes (times the fault started)")
    ax.grid(True, axis="x", color=GRID)
    ax.grid(False, axis="y")
    ax.set_xlim(0, max(values) * 1.15 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("How often each fault happened", loc="left", fontsize=11, fontweight="bold")
    return _png(fig)


def angle_timeline(metric: str, series: Sequence[MetricSecond], faults: Sequence[FaultRow],
                   t0: float = 0.0, exercise: str | None = None) -> bytes:
    """The key angle per second (mean line, min-max band), faults shaded."""
    fig, ax = _figure(HALF, 2.9)
    if not series:
        _empty(ax, "no angle data recorded")
        return _png(fig)
    xs = [m.second + 0.5 - t0 for m in series]
    ax.fill_between(xs, [m.min for m in series], [m.max for m in series], color=ACCENT, alpha=0.15,
                    linewidth=0, label="min-max in the second")
    spec = metric_spec(exercise, metric)
    ax.plot(xs, [m.mean for m in series], color=ACCENT, linewidth=2, label=spec.label)
    seen: set[str] = set()
    for f in faults:
        color = fault_color(f.code)
        ax.axvspan(f.start - t0, max(f.end, f.start + 0.1) - t0, color=color, alpha=0.22, linewidth=0,
                   label=None if f.code in seen else fault_label(f.code))
        seen.add(f.code)
    ax.set_xlabel("time in set (s)")
    ax.set_ylabel(unit_text(spec.unit) or spec.label)
    if spec.unit in ("deg", "cm"):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(min(xs[0] - 0.5, min((f.start - t0 for f in faults), default=xs[0])), xs[-1] + 0.5)
    _legend(ax)
    ax.set_title(capitalise(metric_header(exercise, metric)), loc="left", fontsize=10, fontweight="bold")
    return _png(fig)


def progress_vs_target(kind: str, seconds: Sequence[SecondRow], target: float | None, final: float,
                       t0: float = 0.0) -> bytes:
    """Hold time (``kind == 'hold'``) or completed reps/lifts over the set,
    against the target."""
    fig, ax = _figure(HALF, 2.9)
    if not seconds:
        _empty(ax, "no per-second data recorded")
        return _png(fig)
    xs = [0.0] + [s.t_last - t0 for s in seconds]
    if kind == "hold":
        ys = [0.0] + [s.hold_s for s in seconds]
        ax.plot(xs, ys, color=GOOD, linewidth=2.2, label="good-form hold time")
        ax.fill_between(xs, ys, color=GOOD, alpha=0.12, linewidth=0)
        ax.set_ylabel("seconds held")
        unit, text = "s", f"{final:.1f} s"
    else:
        ys = [0.0] + [float(s.reps) for s in seconds]
        ax.step(xs, ys, where="post", color=GOOD, linewidth=2.2, label=f"completed {kind}s")
        ax.set_ylabel(f"{kind}s")
        unit, text = "", f"{final:.0f} {kind}s"
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if target:
        ax.axhline(target, color=INK, linestyle="--", linewidth=1.2, label=f"target {target:g}{unit and ' ' + unit}")
        ax.set_ylim(0, max(target, max(ys)) * 1.12 + 0.5)
        pct = 100.0 * final / target
        met = "target met" if pct >= 100.0 else f"{pct:.0f}%"  # "1354 %" says nothing more than "met"
        text += f" of {target:g}{unit and ' ' + unit} target ({met})"
    ax.set_xlabel("time in set (s)")
    _legend(ax)
    ax.set_title(text, loc="left", fontsize=10, fontweight="bold")
    return _png(fig)


def pick_measure(measures: Sequence[str], prefixes: Sequence[str]) -> str | None:
    """The first measure name that starts with one of ``prefixes`` (in order)."""
    for prefix in prefixes:
        for name in measures:
            if name.startswith(prefix):
                return name
    return None


def item_measures(items: Sequence[ItemRow], measures: Sequence[ItemMeasure], noun: str,
                  exercise: str | None = None) -> bytes:
    """Per item (rep, hold or lift): the angle measures as grouped bars on
    the left, the first measure in another unit as bars on the right (red
    where the measure's fault was raised)."""
    fig = Figure(figsize=(WIDE, 3.0), dpi=DPI, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    ax, axh = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2, 1]})
    _style(ax)
    _style(axh)
    names = sorted({k for it in items for k in it.measures})
    picked = [(m, pick_measure(names, m.keys)) for m in measures]
    angles = [(m, k) for m, k in picked if k and m.unit == "deg"]
    other = next(((m, k) for m, k in picked if k and m.unit != "deg"), None)
    if not items or not (angles or other):
        _empty(ax, f"no {noun} measures recorded")
        _empty(axh, "")
        return _png(fig)
    labels = [str(it.index) for it in items]

    def vals(key: str) -> list[float]:
        return [float(it.measures.get(key) or 0.0) for it in items]

    pos = list(range(len(items)))
    width = 0.76 / max(1, len(angles))
    for j, (_m, key) in enumerate(angles):
        off = (j - (len(angles) - 1) / 2) * width
        ax.bar([p + off for p in pos], vals(key), width, color=SERIES_COLORS[j % len(SERIES_COLORS)],
               label=metric_spec(exercise, key).label)
    ax.set_xticks(pos, labels)
    ax.set_xlabel(noun)
    ax.set_ylabel("degrees")
    if angles:
        ax.legend(frameon=False, fontsize=8, loc="upper left")
        title = " and ".join(m.label for m, _k in angles)
        ax.set_title(f"{title[0].upper()}{title[1:]} per {noun}", loc="left", fontsize=11, fontweight="bold")
    if other is not None:
        m, key = other
        hv = vals(key)
        colors = [fault_color(m.fault) if (m.fault and m.fault in it.faults) else SERIES_COLORS[2] for it in items]
        axh.bar(pos, hv, 0.6, color=colors)
        axh.set_xticks(pos, labels)
        axh.set_ylim(0, max(max(hv) * 1.25, 0.1))
        axh.set_xlabel(noun)
        axh.set_ylabel(m.label)
        axh.set_title(capitalise(m.label), loc="left", fontsize=11, fontweight="bold")
    else:
        _empty(axh, "")
    return _png(fig)


@dataclass(frozen=True)
class FeltPoint:
    session_id: int
    started_unix: float
    score: float | None
    pain: int | None
    effort: int | None


PAIN_COLOR = "#475569"
EFFORT_COLOR = "#94a3b8"


def pain_vs_score(points: Sequence[FeltPoint]) -> bytes:
    """Per session: the score (line, 0-100, left axis) against the pain and
    effort noted (bars, 0-10, right axis)."""
    fig, ax = _figure(WIDE, 3.0)
    if not points:
        _empty(ax, "no pain or effort noted yet (coach note)")
        return _png(fig)
    order, ticks, labels = session_axis([(p.session_id, p.started_unix) for p in points])
    pts = sorted(points, key=lambda p: order[p.session_id])
    ax2 = ax.twinx()
    for side in ("top",):
        ax2.spines[side].set_visible(False)
    xs = [order[p.session_id] for p in pts]
    pains = [(x, p.pain) for x, p in zip(xs, pts, strict=True) if p.pain is not None]
    efforts = [(x, p.effort) for x, p in zip(xs, pts, strict=True) if p.effort is not None]
    if pains:
        ax2.bar([x - 0.18 for x, _ in pains], [v for _, v in pains], 0.34, color=PAIN_COLOR, label="pain (0-10)")
    if efforts:
        ax2.bar([x + 0.18 for x, _ in efforts], [v for _, v in efforts], 0.34, color=EFFORT_COLOR,
                label="effort (0-10)")
    ax2.set_ylim(0, 10.5)
    ax2.set_ylabel("pain, effort (0-10)", color=MUTED)
    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.tick_params(colors=INK, labelsize=9)
    scored = [(x, p.score) for x, p in zip(xs, pts, strict=True) if p.score is not None]
    if scored:
        ax.plot([x for x, _ in scored], [s for _, s in scored], "-o", color=ACCENT, linewidth=2, markersize=6,
                label="score (0-100)", zorder=5)
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (0-100)")
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_xlabel("session (id and date)")
    handles = ax.get_legend_handles_labels()
    h2 = ax2.get_legend_handles_labels()
    ax.legend(handles[0] + h2[0], handles[1] + h2[1], frameon=False, fontsize=9, loc="upper center",
              bbox_to_anchor=(0.5, -0.32), ncol=3)
    ax.set_title("Pain and effort against the score", loc="left", fontsize=11, fontweight="bold")
    return _png(fig)


@dataclass(frozen=True)
class BaselinePoint:
    """One session's value of a baseline measure, and the calibration in
    force then (nan before the first one)."""

    session_id: int
    started_unix: float
    value: float
    baseline: float


def baseline_progress(title: str, unit: str, color: str, points: Sequence[BaselinePoint]) -> bytes:
    """A measure per session against the person's calibration: the set's
    median (line) and the calibration in force (grey steps)."""
    fig, ax = _figure(WIDE, 2.8)
    if not points:
        _empty(ax, "no set of this exercise measured yet")
        return _png(fig)
    order, ticks, tick_labels = session_axis([(p.session_id, p.started_unix) for p in points])
    pts = sorted(points, key=lambda p: (p.started_unix, p.session_id))
    xs = [order[p.session_id] for p in pts]
    ax.step(xs, [p.baseline for p in pts], where="mid", color=MUTED, linewidth=2, linestyle="--",
            label="your calibration")
    ax.plot(xs, [p.value for p in pts], "-o", color=color, linewidth=2, markersize=6, label="the session")
    ax.set_xticks(ticks)
    ax.set_xticklabels(tick_labels, fontsize=8)
    ax.set_xlim(-0.5, len(order) - 0.5)
    ax.set_ylabel(unit)
    ax.set_xlabel("session (id and date)")
    ax.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=2)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _png(fig)
