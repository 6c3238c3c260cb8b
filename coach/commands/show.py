"""``coach show SESSION``: one session in detail: the summary, every rep,
hold or lift, and a fault timeline."""

from __future__ import annotations

import argparse
import textwrap

from coach.advice import what_next
from coach.commands._store_args import add_db_arg, review
from coach.commands.history import format_table
from coach.errors import StoreError
from coach.registry import fault_label
from coach.store.dates import local_time
from coach.store.db import Store
from coach.store.notes import Note, get_note
from coach.store.queries import reading, resolve_session, session_detail
from coach.store.results import recent_results
from coach.store.rows import FaultRow, SessionDetail, SetDetail
from coach.units import format_metric, format_value, metric_label, plural

TIMELINE_WIDTH = 60
WRAP = 100


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("show", help="show one session in detail",
                       description="Show one session: the per-rep, per-hold or per-lift detail and a "
                                   "fault timeline.")
    p.add_argument("session", metavar="SESSION", help="session id from `coach history`, or 'last'")
    add_db_arg(p)
    p.set_defaults(func=cmd_show, output_error=StoreError)


def cmd_show(args: argparse.Namespace) -> int:
    def read(store: Store) -> tuple[SessionDetail, list[str], Note | None]:
        with reading(str(store.path)):
            sid = resolve_session(store.conn, args.session, str(store.path))
            detail = session_detail(store.conn, sid)
            current = [r for r in recent_results(store.conn, sessions=1, before_session=sid + 1)
                       if r.session_id == sid]
            previous = recent_results(store.conn, before_session=sid, sessions=20)
            return detail, what_next(current, previous) if current else [], get_note(store.conn, sid)

    detail, advice, note = review(args, read)
    print(format_session(detail, advice=advice, note=note))
    return 0


def format_session(sd: SessionDetail, advice: list[str] | None = None, note: Note | None = None) -> str:
    s = sd.session
    lines = [
        f"Session {s.id}  {local_time(s.started_unix, with_seconds=True)}  {s.mode}  [{s.status}]",
        f"  source: {s.source}",
    ]
    if note is not None and not note.empty:
        lines.append(f"  how it felt: {note.sentence()}")
    if advice:
        lines.append("")
        lines.append("What to work on next:")
        lines.extend(textwrap.fill(a, width=WRAP, initial_indent="  - ", subsequent_indent="    ") for a in advice)
    if s.status == "interrupted":
        why = s.end_reason or "reason unknown"
        lines.append(f"  interrupted ({why}): the run stopped before its end; the data up to its last saved "
                     "second is kept, and any score is of the partial set")
    elif s.status == "running":
        lines.append(f"  still running (process {s.pid})")
    for det in sd.sets:
        lines.append("")
        lines.extend(format_set(det))
    return "\n".join(lines)


def format_set(det: SetDetail) -> list[str]:
    st = det.set
    side = f" ({st.side} side)" if st.side else ""
    score = "no score" if st.score is None else f"score {st.score:.0f}/100"
    out = [f"Set {st.set_index}: {st.exercise}{side}  {st.result_text()}  {score}  "
           f"duration {format_value(st.duration_s, 's')}"]
    if st.best_hold_s and st.kind == "hold":
        out.append(f"  longest good-form hold: {format_value(st.best_hold_s, 's')}")
    if st.visible_fraction is not None and st.visible_fraction < 0.999:
        out.append(f"  body visible in {100 * st.visible_fraction:.0f}% of frames")
    if st.score_formula:
        out.append(f"  score formula: {st.score_formula}")
    if len(det.scores) > 1:
        hist = ", ".join(f"{r.score:.0f} ({r.source} {r.scored_at[:10]})" for r in det.scores)
        out.append(f"  score history: {hist}")
    if det.track_frames:
        out.append(f"  pose track stored: {det.track_frames} frames (`coach rescore` can re-score it)")
    out.append("")
    if det.items:
        out.append(_items(det))
    else:
        out.append(f"  no {st.kind}s completed: nothing to chart for this set")
    out.append("")
    out.extend(fault_timeline(det))
    return out


def _items(det: SetDetail) -> str:
    rows = []
    for it in det.items:
        score = "-" if it.score is None else f"{it.score:.0f}"
        rows.append([str(it.index), it.kind + ("*" if it.provisional else ""), it.side or "-",
                     f"{it.start:.1f}", f"{it.end:.1f}", f"{it.duration:.1f}", score,
                     ", ".join(fault_label(c) for c in it.faults) or "clean"])
    table = format_table(rows, ("#", "KIND", "SIDE", "START (s)", "END (s)", "LENGTH (s)", "SCORE", "FAULTS"),
                         right={0, 3, 4, 5, 6})
    lines = ["  " + line for line in table.splitlines()]
    if any(i.provisional for i in det.items):
        lines.append("  * provisional (recorded before the set was scored)")
    measured = [it for it in det.items if it.measures]
    if measured:
        ex = det.set.exercise
        lines.append(f"  worst measures of each {det.set.kind}:")
        for it in measured:
            text = "; ".join(f"{metric_label(ex, k)} {format_metric(ex, k, v)}" for k, v in it.measures.items())
            lines.extend(textwrap.wrap(text, width=WRAP, initial_indent=f"    {it.kind} #{it.index}: ",
                                       subsequent_indent="        "))
    return "\n".join(lines)


def fault_timeline(det: SetDetail, width: int = TIMELINE_WIDTH) -> list[str]:
    """One row per fault code: '#' where the fault was active."""
    faults = det.faults
    if not faults:
        return ["  fault timeline: no faults"]
    t0 = float(det.seconds[0].second) if det.seconds else min(f.start for f in faults)
    t1 = max([det.seconds[-1].t_last if det.seconds else t0, *(f.end for f in faults)])
    span = max(t1 - t0, 1e-6)
    step = span / width
    codes: dict[str, list[FaultRow]] = {}
    for f in faults:
        codes.setdefault(f.code, []).append(f)
    labels = {c: fault_label(c) for c in codes}
    label_w = max(len(lb) for lb in labels.values())
    out = [f"  fault timeline ({t0:.0f}-{t1:.0f} s, one column = {step:.2g} s):"]
    for code, evs in codes.items():
        cells = []
        for i in range(width):
            a, b = t0 + i * step, t0 + (i + 1) * step
            cells.append("#" if any(f.start < b and max(f.end, f.start + 1e-9) > a for f in evs) else ".")
        total = sum(f.duration for f in evs)
        out.append(f"  {labels[code].ljust(label_w)} |{''.join(cells)}| {plural(len(evs), 'time')}, "
                   f"{total:.1f} s in all")
    out.append("  fault events:")
    for f in faults:
        out.append(f"    {f.start:7.1f} - {f.end:7.1f} s  ({f.duration:4.1f} s)  {labels[f.code]}")
    return out
