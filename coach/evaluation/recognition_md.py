"""The recognition part of ``coach eval``'s report, as Markdown (the
"Recognition" section of ACCURACY.md) and as terminal text."""

from __future__ import annotations

from coach.evaluation.formatting import Table, md_table
from coach.evaluation.metrics import ConfusionMatrix, accuracy
from coach.evaluation.recognition import (
    BOUNDARY_TOLERANCE_S,
    DECIDE_ALLOWANCE_S,
    STATIC_HOLD_S,
    CaseRecognition,
    RecognitionReport,
    labels,
)

METHOD_MD = f"""
Recognition (`--exercise auto`, `coach/recognition/`) runs on the same smoothed frames as the
analyzers. **Synthetic suite**: every case (all views, all three noise presets), truth = its
exercise, or `none` for standing, walking and the empty room. The *decision* of a case is
the exercise recognised for the most frames (`none` if none); *per frame*, the exercise
recognised at that frame (what the live coach knows then), scored over the case's set
(from the start of its first movement into the exercise to the end of its last movement out,
`coach/synth/scenarios/routine.py`) from {DECIDE_ALLOWANCE_S:g} s after it began, and over every
frame of an idle case. *Latency*: from the start of the first rep, hold or lift to the
decision. **Real corpus**: static rows held still for {STATIC_HOLD_S:g} s (rows labelled with a
form class of the entry's exercise are that exercise, every row of an entry without an
exercise is `none`, unlabelled rows are not scored); tracks per frame as above. **Routines**:
the demo track (seeds 0-4) and the whole routine knee-to-chest, bridges, plank, lift with
walking or nothing between the exercises under each noise preset (seeds 0-2); each true set is
matched to the found set of its exercise that overlaps it most; a found set matching none is
*invented*, a true set without a match *missed*. **False warnings**: with the true exercise
named, "This looks like ..." must not come; counted per hour of that exercise.
"""


def square(cm: ConfusionMatrix) -> ConfusionMatrix:
    """The matrix with every label as a row and a column (zeros where
    nothing was seen), exercises first, ``none`` last."""
    order = labels()
    counts = tuple(tuple(cm.cell(t, p) for p in order) for t in order)
    return ConfusionMatrix(order, order, counts)


def _cm_table(cm: ConfusionMatrix) -> Table:
    sq = square(cm)
    header = ["truth \\ recognised", *sq.predicted_labels, "total"]
    rows = [[t, *(str(c) for c in row), str(sum(row))] for t, row in zip(sq.truth_labels, sq.counts, strict=True)]
    return header, rows


def _acc(cm: ConfusionMatrix) -> str:
    a = accuracy(cm)
    return "-" if a is None else f"{100 * a:.1f} %"


def _cases_table(cases: tuple[CaseRecognition, ...]) -> Table:
    header = ["entry", "kind", "detail", "truth", "decision", "scored", "accuracy", "sets", "warnings"]
    rows = [[c.id, c.kind, c.detail, c.truth, c.decision, str(c.frames.total), _acc(c.frames), str(c.sets),
             str(c.warnings)] for c in cases]
    return header, rows


def recognition_md(rep: RecognitionReport) -> list[str]:
    out = ["## Recognition", "", METHOD_MD.strip(), ""]
    warnings, hours = rep.warnings_per_hour()
    per_hour = f"{warnings / hours:.2f}" if hours > 0 else "-"
    out += [f"**False \"This looks like\" warnings: {warnings} in {hours:.2f} h of correct exercise "
            f"({per_hour} per hour; goal 0).**", ""]
    if rep.synthetic:
        dec, frm = rep.decisions("synthetic"), rep.frames("synthetic")
        out += [f"### Synthetic suite: {len(rep.synthetic)} cases", "",
                f"Decisions: {_acc(dec)} right. Frames: {_acc(frm)} of {frm.total} scored frames right.", "",
                "Per case (rows = truth, columns = recognised):", ""]
        out += md_table(_cm_table(dec))
        out += ["", "Per frame:", ""]
        out += md_table(_cm_table(frm))
        lat = rep.latency()
        if lat:
            out += ["", "Time to decide, from the start of the first rep, hold or lift (s):", ""]
            out += md_table((["exercise", "cases", "median", "max"],
                             [[k, str(v[2]), f"{v[0]:.2f}", f"{v[1]:.2f}"] for k, v in sorted(lat.items())]))
        wrong = tuple(c for c in rep.synthetic if c.decision != c.truth or c.sets > 1 or c.warnings)
        if wrong:
            out += ["", "Cases decided wrongly, split, or warned about:", ""]
            out += md_table(_cases_table(wrong))
        out.append("")
    if rep.real:
        static = rep.frames("real", "static")
        tracks = rep.frames("real", "track")
        out += [f"### Real corpus: {len(rep.real)} entries", "",
                f"Still poses: {_acc(static)} of {static.total} rows right (rows = truth, columns = recognised):", ""]
        out += md_table(_cm_table(static))
        out += ["", f"Tracks, per frame: {_acc(tracks)} of {tracks.total} frames right:", ""]
        out += md_table(_cm_table(tracks))
        out += ["", "Per entry:", ""]
        out += md_table(_cases_table(rep.real))
        out.append("")
    if rep.routines:
        b = rep.boundary()
        out += [f"### Routines: set boundaries ({b['routines']} routines, {b['true_sets']} sets)", "",
                f"{b['matched']} of {b['true_sets']} sets found with the right exercise, {b['invented']} invented, "
                f"{b['missed']} missed. Boundary errors (start and end): mean {b['mean_abs_error_s']} s, "
                f"max {b['max_abs_error_s']} s; {100 * (b['within_tolerance'] or 0):.1f} % within "
                f"{BOUNDARY_TOLERANCE_S:g} s.", ""]
        rows = [[r.id, f"{r.matched}/{r.true_sets}", str(r.invented), str(r.missed),
                 " ".join(f"{e:+.2f}" for e in r.start_errors), " ".join(f"{e:+.2f}" for e in r.end_errors)]
                for r in rep.routines]
        out += md_table((["routine", "found", "invented", "missed", "start errors s", "end errors s"], rows))
        out.append("")
    return out


def recognition_text(rep: RecognitionReport) -> list[str]:
    warnings, hours = rep.warnings_per_hour()
    out = ["recognition:"]
    if rep.synthetic:
        out.append(f"  synthetic: decisions {_acc(rep.decisions('synthetic'))}, "
                   f"frames {_acc(rep.frames('synthetic'))} ({len(rep.synthetic)} cases)")
    if rep.real:
        out.append(f"  real: still poses {_acc(rep.frames('real', 'static'))}, "
                   f"track frames {_acc(rep.frames('real', 'track'))} ({len(rep.real)} entries)")
    if rep.routines:
        b = rep.boundary()
        out.append(f"  routines: {b['matched']}/{b['true_sets']} sets, {b['invented']} invented, {b['missed']} missed, "
                   f"boundary error mean {b['mean_abs_error_s']} s, max {b['max_abs_error_s']} s")
    out.append(f"  false 'This looks like' warnings: {warnings} in {hours:.2f} h of correct exercise")
    return out
