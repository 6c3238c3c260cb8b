"""Human-readable tables of an :class:`~coach.evaluation.results.EvalReport`:
plain text for the terminal and Markdown for ``ACCURACY.md``. The same
tables in both, built once as rows of cells."""

from __future__ import annotations

from collections.abc import Sequence

from coach.evaluation.metrics import ConfusionMatrix, CountError, HoldError, accuracy
from coach.evaluation.results import EntryResult, EvalReport, ExerciseReport, IdleReport, OriginReport

Table = tuple[list[str], list[list[str]]]
"""(header, rows) of cells."""

ORIGIN_TITLES = {"real": "Real corpus", "synthetic": "Synthetic suite"}


def _f(x: float | None, nd: int = 3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f} %"


def confusion_table(cm: ConfusionMatrix) -> Table:
    header = ["truth \\ predicted", *cm.predicted_labels, "total"]
    rows = [[t, *(str(c) for c in row), str(sum(row))] for t, row in zip(cm.truth_labels, cm.counts, strict=True)]
    rows.append(["total", *(str(cm.column_total(p)) for p in cm.predicted_labels), str(cm.total)])
    return header, rows


def class_table(report: ExerciseReport) -> Table:
    header = ["class", "support", "predicted", "precision", "recall", "F1"]
    rows = [
        [s.label, str(s.support), str(s.predicted), _f(s.precision), _f(s.recall), _f(s.f1)]
        for s in report.scores
    ]
    return header, rows


def _count(c: CountError | None) -> str:
    return "-" if c is None else f"{c.predicted}/{c.expected}"


def _hold(h: HoldError | None) -> str:
    return "-" if h is None else f"{h.predicted_s:.1f}/{h.expected_s:.1f}"


def entry_table(entries: Sequence[EntryResult]) -> Table:
    header = ["entry", "kind", "view / detail", "frames", "scored", "accuracy", "count", "count err",
              "good", "hold s", "hold err s"]
    rows = []
    for e in entries:
        detail = ", ".join(x for x in (e.view if e.kind != "synthetic" else "", e.detail) if x)
        rows.append([
            e.id, e.kind, detail, str(e.frames), str(e.confusion.total), _f(accuracy(e.confusion)),
            _count(e.count), "-" if e.count is None else f"{e.count.error:+d}",
            _count(e.good_count), _hold(e.hold), "-" if e.hold is None else f"{e.hold.error_s:+.1f}",
        ])
    return header, rows


def idle_table(idle: IdleReport) -> Table:
    names = sorted({n for e in idle.entries for n in e.false_counts})
    header = ["entry", "detail", "frames", *(f"{n} count" for n in names), "false hold s (max)"]
    rows = []
    for e in idle.entries:
        worst = max((h.predicted_s for h in e.false_hold.values()), default=0.0)
        rows.append([e.id, e.detail or e.view, str(e.frames),
                     *(str(e.false_counts[n].predicted) if n in e.false_counts else "-" for n in names),
                     f"{worst:.1f}"])
    totals = idle.false_counts()
    rows.append(["total", "", str(sum(e.frames for e in idle.entries)),
                 *(str(totals.get(n, 0)) for n in names),
                 f"{max(idle.false_hold_s().values(), default=0.0):.1f}"])
    return header, rows


def headline(report: ExerciseReport) -> list[str]:
    c, g, h = report.count, report.good_count, report.hold
    lines = [
        f"accuracy {_f(report.accuracy)}, macro-F1 {_f(report.macro_f1)} over {report.confusion.total} scored "
        f"{'poses' if all(e.kind == 'static' for e in report.entries) else 'frames'}",
    ]
    if c.n:
        lines.append(
            f"counts: {c.exact}/{c.n} entries exact, mean |error| {_f(c.mean_abs_error, 2)}, max |error| "
            f"{c.max_abs_error}, total |error| {c.total_abs_error} of {c.total_expected} ({_pct(c.rel_error)})"
        )
    if g.n:
        lines.append(f"good (clean) items: {g.exact}/{g.n} entries exact, mean |error| {_f(g.mean_abs_error, 2)}")
    if h.n:
        lines.append(
            f"good-form hold time: mean |error| {_f(h.mean_abs_error_s, 2)} s, max {_f(h.max_abs_error_s, 2)} s, "
            f"mean error {_f(h.mean_error_s, 2)} s, total |error| {h.total_abs_error_s:.1f} s of "
            f"{h.total_expected_s:.1f} s ({_pct(h.rel_error)})"
        )
    return lines


# -- plain text ------------------------------------------------------------------------
def text_table(table: Table, indent: str = "  ") -> list[str]:
    header, rows = table
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return (indent + "  ".join([first, *rest])).rstrip()

    return [line(header), indent + "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def format_text(report: EvalReport, per_entry: bool = True) -> str:
    out: list[str] = []
    for origin in report.origins:
        out += _origin_text(origin, per_entry)
    out.append(f"coach eval took {report.seconds:.1f} s")
    return "\n".join(out)


def _origin_text(origin: OriginReport, per_entry: bool) -> list[str]:
    title = ORIGIN_TITLES.get(origin.origin, origin.origin)
    out = [f"=== {title}: {_entries(len(origin.entries))} ==="]
    out += [f"note: {n}" for n in origin.notes]
    for r in origin.exercises:
        out.append("")
        out.append(f"--- {origin.origin} / {r.exercise}: {_entries(len(r.entries))} ---")
        out += headline(r)
        if r.confusion.total:
            out.append("confusion (rows = truth, columns = predicted):")
            out += text_table(confusion_table(r.confusion))
            out += text_table(class_table(r))
        if per_entry:
            out.append("per entry (count and good: predicted/expected; hold: predicted/expected seconds):")
            out += text_table(entry_table(r.entries))
    if origin.idle.entries:
        out.append("")
        out.append(f"--- {origin.origin} / not exercising: {_entries(len(origin.idle.entries))}, every analyzer "
                   "(false counts, all should be 0) ---")
        out += text_table(idle_table(origin.idle))
    out.append("")
    return out


# -- Markdown ----------------------------------------------------------------------------
def md_table(table: Table) -> list[str]:
    header, rows = table

    def esc(c: str) -> str:
        return c.replace("|", "\\|")

    def numeric(col: int) -> bool:
        return all(_looks_numeric(r[col]) for r in rows)

    align = ["---"] + ["---:" if numeric(i) else "---" for i in range(1, len(header))]
    return [
        "| " + " | ".join(esc(c) for c in header) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(esc(c) for c in r) + " |" for r in rows),
    ]


def _looks_numeric(cell: str) -> bool:
    text = cell.replace("/", "").replace("+", "").replace("-", "").replace(".", "").replace(" %", "").strip()
    return text.isdigit() or cell.strip() == "-"


def format_markdown(report: EvalReport, method: str, history: str = "") -> str:
    """The body of ACCURACY.md: how to reproduce, the rules (``method``),
    then every table, then ``history`` (the hand-written record of earlier
    numbers, ``docs/accuracy-history.md``, kept as it is)."""
    s = report.settings
    out = [
        "# Accuracy",
        "",
        "How well coach's analyzers agree with labelled recordings: the real-data corpus in",
        "`tests/data/real/` and the synthetic suite (`coach/synth/suite.py`). Generated by:",
        "",
        "```",
        report.command,
        "```",
        "",
        f"(coach {s.get('version', '?')}, {s.get('date', '?')}: {_entries(s.get('real_entries', 0))} of the real "
        f"corpus and {s.get('synthetic_cases', 0)} synthetic cases in {report.seconds:.0f} s. "
        f"Collar {s.get('collar_s')} s; static poses held {s.get('static_hold_s')} s.) "
        "The tests assert floors on these numbers (`tests/data/accuracy_floors.json`, "
        "`tests/test_eval.py`).",
        "",
        method.strip(),
        "",
    ]
    for origin in report.origins:
        out += _origin_md(origin)
    if history.strip():
        out += ["", history.strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def _origin_md(origin: OriginReport) -> list[str]:
    title = ORIGIN_TITLES.get(origin.origin, origin.origin)
    out = [f"## {title}", ""]
    out += [f"*{n}*" for n in origin.notes]
    if origin.notes:
        out.append("")
    if not origin.entries:
        out += ["No entries.", ""]
        return out
    summary_header = ["exercise", "entries", "scored", "accuracy", "macro-F1", "F1 correct", "counts exact",
                      "count mean abs err", "hold mean abs err s"]
    rows = []
    for r in origin.exercises:
        correct = r.score_of("correct")
        rows.append([r.exercise, str(len(r.entries)), str(r.confusion.total), _f(r.accuracy), _f(r.macro_f1),
                     _f(correct.f1 if correct else None),
                     f"{r.count.exact}/{r.count.n}" if r.count.n else "-", _f(r.count.mean_abs_error, 2),
                     _f(r.hold.mean_abs_error_s, 2)])
    if rows:
        out += md_table((summary_header, rows))
        out.append("")
    for r in origin.exercises:
        out += [f"### {origin.origin} / {r.exercise}", ""]
        out += [f"- {line}" for line in headline(r)]
        out.append("")
        if r.confusion.total:
            out += ["Confusion (rows = truth, columns = predicted):", ""]
            out += md_table(confusion_table(r.confusion))
            out.append("")
            out += md_table(class_table(r))
            out.append("")
        out += ["Per entry (count and good: predicted/expected; hold: predicted/expected seconds):", ""]
        out += md_table(entry_table(r.entries))
        out.append("")
    if origin.idle.entries:
        out += [f"### {origin.origin} / not exercising", "",
                "Every analyzer runs on each of these; all counts should be 0.", ""]
        out += md_table(idle_table(origin.idle))
        out.append("")
    return out
