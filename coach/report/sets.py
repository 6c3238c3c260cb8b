"""One set in the report: its cards, its plots (none for an empty set),
its worst-moment skeleton and its table of reps, holds or lifts."""

from __future__ import annotations

from collections.abc import Sequence

from coach.registry import fault_label, find_spec
from coach.report import html as h
from coach.report import plots
from coach.store.rows import SetDetail
from coach.units import format_metric, format_value, metric_header, metric_spec


def key_metric(exercise: str, names: Sequence[str]) -> str | None:
    """The metric plotted over time: the first of the exercise's key
    metrics (its spec) that was recorded, else the first angle-like one,
    else the first."""
    if not names:
        return None
    spec = find_spec(exercise)
    hints = tuple(m.key for m in spec.metrics) if spec is not None else ()
    for hint in hints:
        if hint in names:
            return hint
    for hint in (*hints, "angle", "flexion", "deg"):
        for name in names:
            if hint in name.lower():
                return name
    return names[0]


def score_text(score: float | None) -> str:
    return "-" if score is None else f"{score:.0f}"


def is_empty(det: SetDetail) -> bool:
    """Nothing counted: no rep, hold or lift, and no hold time."""
    st = det.set
    if det.items:
        return False
    return st.hold_s <= 0.0 if st.kind == "hold" else st.reps == 0


def set_section(det: SetDetail, numbered: bool, snapshot: bytes | None = None,
                snapshot_text: str = "") -> str:
    st = det.set
    ex = st.exercise
    out: list[str] = []
    side = f" ({st.side} side)" if st.side else ""
    if numbered:
        out.append(f"<h3>Set {st.set_index}: {h.esc(ex.replace('_', ' '))}{h.esc(side)}</h3>")
    top = fault_label(st.top_fault) if st.top_fault else "none"
    out.append(h.cards([("Score", score_text(st.score)), ("Result", st.result_text()),
                        ("Duration", format_value(st.duration_s, "s")), ("Top fault", top)], small=True))
    if is_empty(det):
        out.append(f'<p class="explain">No {h.esc(st.kind)}s were counted in this set, so it has no plots.</p>')
        return "".join(out)
    figs: list[str] = []
    t0 = float(det.seconds[0].second) if det.seconds else 0.0
    metric = key_metric(ex, det.metric_names())
    if metric is not None and det.metric_series(metric):
        label = metric_spec(ex, metric).label
        png = plots.angle_timeline(metric, det.metric_series(metric), det.faults, t0, exercise=ex)
        figs.append(h.figure(png, f"{metric} over time",
                             f"{label.capitalize()} each second (line: mean; band: lowest to highest). "
                             "Shaded spans: fault episodes, one warm colour per fault."))
    kind = st.kind
    final = st.hold_s if kind == "hold" else float(st.reps)
    what = "good-form hold time" if kind == "hold" else f"completed {kind}s"
    target_text = "dashed line: the target" if st.target else "no target was set"
    if det.seconds:
        figs.append(h.figure(plots.progress_vs_target(kind, det.seconds, st.target, final, t0),
                             f"{what} against target",
                             f"{what.capitalize()} as the set went on (green: good form); {target_text}."))
    if snapshot is not None:
        figs.append(h.figure(snapshot, "worst moment", snapshot_text, cls="snapshot"))
    if figs:
        out.append('<div class="grid">' + "".join(figs) + "</div>")
    if snapshot is None and snapshot_text:
        out.append(f'<p class="explain">{h.esc(snapshot_text)}</p>')
    spec = find_spec(ex)
    if spec is not None and spec.item_measures and det.items:
        noun = spec.item_kind
        out.append(f'<p class="explain">{h.esc(spec.item_chart_text)}</p>')
        labels = ", ".join(m.label for m in spec.item_measures)
        out.append(h.figure(plots.item_measures(det.items, spec.item_measures, noun, exercise=ex),
                            f"{noun} measures", f"{labels[0].upper()}{labels[1:]}, per {noun}."))
    if det.items:
        out.append(items_table(det))
    return "".join(out)


def table_measures(exercise: str, names: Sequence[str], n: int = 4) -> list[str]:
    """The measures worth a column: the spec's per-item chart measures
    first, then those matching its key metrics, then the rest."""
    chosen: list[str] = []
    spec = find_spec(exercise)
    if spec is not None:
        picks = (plots.pick_measure(names, m.keys) for m in spec.item_measures)
        chosen.extend(p for p in picks if p is not None)
        for hint in (m.key for m in spec.metrics):
            chosen.extend(name for name in names if hint in name.lower() and name not in chosen)
    for hint in ("angle", "flexion"):
        chosen.extend(name for name in names if hint in name.lower() and name not in chosen)
    chosen.extend(name for name in names if name not in chosen)
    return chosen[:n]


def items_table(det: SetDetail) -> str:
    ex = det.set.exercise
    names = table_measures(ex, sorted({k for it in det.items for k in it.measures}))
    rows = []
    for it in det.items:
        rows.append([str(it.index), it.side or "-", f"{it.start:.1f}", f"{it.duration:.1f}",
                     score_text(it.score), ", ".join(fault_label(c) for c in it.faults) or "clean",
                     *[format_metric(ex, n, it.measures.get(n), with_unit=False) for n in names]])
    headers = ["#", "Side", "Start (s)", "Length (s)", "Score", "Faults", *[metric_header(ex, n) for n in names]]
    numeric = (0, 2, 3, 4, *range(6, 6 + len(names)))
    return h.table(headers, rows, numeric=numeric)
