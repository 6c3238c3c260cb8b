"""The model-variant part of ``coach eval``'s report: the "Model variants"
section of ACCURACY.md, and the same tables as terminal text."""

from __future__ import annotations

from coach.evaluation.classes import NO_EXERCISE
from coach.evaluation.formatting import Table, md_table, text_table
from coach.evaluation.metrics import ConfusionMatrix, accuracy
from coach.evaluation.variants import (
    ANGLES,
    REFERENCE,
    SEEN_VISIBILITY,
    VARIANTS_DIR,
    VariantEntryResult,
    VariantReport,
    VariantSummary,
    count_error,
)

TITLE = "Model variants"
COMMAND = "coach eval --variants"

LITE_CPU = 0.81
HEAVY_CPU = 2.53
"""CPU time against full's, measured by ``coach bench --scaling`` (BENCHMARKS.md,
run S1), not here; quoted in the conclusion."""
SPEED_NOTE = (f"lite takes {LITE_CPU:.2f}x the CPU of full and heavy {HEAVY_CPU:.2f}x (BENCHMARKS.md, run S1, "
              "`coach bench --scaling`)")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f} %"


def _deg(xs: list[float]) -> str:
    if not xs:
        return "-"
    import numpy as np

    return f"{float(np.percentile(xs, 50)):.1f} / {float(np.percentile(xs, 95)):.1f}"


def summary_table(report: VariantReport) -> Table:
    header = ["variant", "entries", "frames with a person", "verdicts as heavy's", "phases as heavy's",
              "counts as heavy's", "joint-angle error median / p95 (deg)", "angles compared"]
    rows = []
    for s in report.variants:
        rows.append([s.variant, str(len(s.entries)), f"{s.person_frames}/{s.frames}", _pct(s.verdict_agreement),
                     _pct(s.phase_agreement), f"{s.counts_compared - s.counts_different}/{s.counts_compared}",
                     _deg(s.angle_errors()), str(len(s.angle_errors()))])
    return header, rows


def angle_table(report: VariantReport) -> Table:
    header = ["variant", *(f"{n} median / p95 (deg)" for n in ANGLES)]
    rows = [[s.variant, *(_deg(s.angle_errors(n)) for n in ANGLES)] for s in report.variants]
    return header, rows


def _labelled_confusion(s: VariantSummary) -> ConfusionMatrix:
    cm = ConfusionMatrix()
    for e in s.labelled:
        assert e.labels is not None
        cm = cm.merged(e.labels)
    return cm


def labels_table(report: VariantReport) -> Table:
    idle = len([e for e in report.variants[0].entries if e.exercise == NO_EXERCISE]) if report.variants else 0
    header = ["variant", "labelled frames scored", "accuracy", "counts exact",
              f"false counts ({idle} entries without an exercise, every analyzer)"]
    rows = []
    for s in report.variants:
        cm = _labelled_confusion(s)
        errors = [c for c in (count_error(e) for e in s.labelled) if c is not None]
        rows.append([s.variant, str(cm.total), "-" if accuracy(cm) is None else f"{accuracy(cm):.3f}",
                     f"{sum(c.exact for c in errors)}/{len(errors)}" if errors else "-", str(s.false_counts)])
    return header, rows


def _entry_counts(e: VariantEntryResult) -> str:
    if e.exercise == NO_EXERCISE:
        return f"{sum(e.counts.values())}/{sum(e.reference_counts.values())}"
    return f"{e.counts[e.exercise]}/{e.reference_counts[e.exercise]}"


def _entry_labels(e: VariantEntryResult) -> str:
    if e.labels is None:
        return f"false counts {sum(e.counts.values())}"
    acc = accuracy(e.labels)
    c = count_error(e)
    parts = ["-" if acc is None else f"accuracy {acc:.3f}"]
    if c is not None:
        parts.append(f"count {c.predicted}/{c.expected}")
    return ", ".join(parts)


def _largest(e: VariantEntryResult) -> str:
    diffs = e.disagreements()
    if not diffs:
        return "-"
    ref, mine, n = diffs[0]
    return f"{ref}: {mine}, {n}"


def entry_table(report: VariantReport) -> Table:
    header = ["entry", "exercise", "variant", "frames with a person", "verdicts as heavy's",
              "phases as heavy's", "count (variant/heavy)", "angle error median / p95 (deg)",
              "largest difference (heavy's class: variant's, frames)", "against the labels"]
    rows = []
    by_entry: dict[str, list[VariantEntryResult]] = {}
    for s in report.variants:
        for e in s.entries:
            by_entry.setdefault(e.entry, []).append(e)
    for entry_id in sorted(by_entry):
        for e in by_entry[entry_id]:
            exercise = e.exercise if e.exercise != NO_EXERCISE else f"none ({len(e.counts)} analyzers)"
            rows.append([e.entry, exercise, e.variant, f"{e.person_frames}/{e.frames}",
                         _pct(e.class_agree / e.compared if e.compared else None),
                         _pct(e.phase_agree / e.compared if e.compared else None), _entry_counts(e),
                         _deg(list(e.all_angle_errors)), _largest(e), _entry_labels(e)])
    return header, rows


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _label_accuracy(s: VariantSummary) -> float | None:
    return accuracy(_labelled_confusion(s))


def _labels_sentence(report: VariantReport) -> str:
    """What the human labels say about heavy against full (empty when no
    entry has form labels)."""
    heavy, full = report.of(REFERENCE), report.of("full")
    acc_h, acc_f = _label_accuracy(heavy), _label_accuracy(full)
    if acc_h is None or acc_f is None:
        return ""
    ids = ", ".join(f"`{e.entry}`" for e in full.labelled)
    if acc_h >= acc_f:
        return (f"On the labelled real recordings ({ids}) heavy's verdicts agree with the labels at least as "
                f"well as full's ({acc_h:.3f} against {acc_f:.3f} of the scored frames). ")
    diffs = [d for e in full.labelled for d in e.disagreements()]
    worst = max(diffs, key=lambda d: d[2]) if diffs else None
    why = (f" heavy reports `{worst[0]}` on {worst[2]} frames where full says `{worst[1]}`."
           if worst is not None else "")
    return (f"On the labelled real recordings ({ids}), though, heavy's verdicts agree with the labels *less* "
            f"than full's ({acc_h:.3f} against {acc_f:.3f} of the scored frames): the analyzers' thresholds "
            f"were calibrated on full-model landmarks, and{why} Better landmarks do not by themselves give "
            "better verdicts until the thresholds are checked on heavy's. ")


def conclusion(report: VariantReport) -> str:
    """One paragraph: what the numbers say about when to use each variant."""
    try:
        lite, full = report.of("lite"), report.of("full")
    except KeyError:
        return ""
    if not lite.entries:
        return ""

    def angles(s: VariantSummary) -> tuple[str, str]:
        med, p95 = _deg(s.angle_errors()).split(" / ")
        return med, p95

    (lm, lp), (fm, fp) = angles(lite), angles(full)
    ratio = float(lm) / float(fm) if float(fm) > 0 else float("nan")
    idle = sum(1 for e in full.entries if e.exercise == NO_EXERCISE)
    labelled = ", ".join(sorted({e.exercise for e in full.labelled})) or "none"
    return (
        f"**Which to use.** Against heavy, full's key joint angles differ by a median of {fm} deg (p95 {fp}) "
        f"and lite's by {lm} deg (p95 {lp}); full gives heavy's verdict on {_pct(full.verdict_agreement)} "
        f"of the frames and lite on {_pct(lite.verdict_agreement)}; every count is the same for "
        f"{full.counts_compared - full.counts_different} of {full.counts_compared} (full) and "
        f"{lite.counts_compared - lite.counts_different} of {lite.counts_compared} (lite) entry-analyzer "
        f"pairs. Speed: {SPEED_NOTE}. {_labels_sentence(report)}So: **full** (the default) for everything; "
        "**heavy** (`coach analyze --model-variant heavy`, `coach batch --model-variant heavy`) for offline "
        f"analysis when the most accurate landmarks and joint angles are worth {HEAVY_CPU:.1f}x the CPU time; "
        f"**lite** only for `coach live` on a machine too slow for full, accepting {ratio:.1f}x full's median "
        f"angle error. The corpus is small ({_n(len(full.labelled), 'labelled recording')} of an exercise "
        f"({labelled}), {_n(idle, 'recording')} without an exercise), so how often a variant changes a fault call "
        "on the other exercises is not measured here."
    )


def method_md(report: VariantReport) -> str:
    return (
        f"The same source frames as the corpus entries, run through each pose model "
        f"(`tests/data/real/{VARIANTS_DIR}/<entry>.<variant>.csv`, rebuilt by "
        "`scripts/corpus/record_variants.py`; compact tracks, see `tests/data/real/README.md`), compared with "
        f"**{REFERENCE}** as the reference, no model needed. Only entries made from a video or GIF can be "
        "re-run: the KERAAL entries are the dataset's own landmarks (its videos are not published in the "
        "repository), the ML Kit entries are landmarks of images that are not published, and the `pck_*` "
        "entries are OpenPose keypoints, not images. *Verdicts*: the predicted class of each frame "
        "(as above: first fault, else `not_visible`, else `correct`) from the same pipeline as "
        "`coach analyze TRACK.csv --exercise NAME`, with the entry's exercise (an entry without an exercise "
        "runs every analyzer; their frames are pooled); *phases* likewise. *Counts*: each analyzer's reps, "
        f"holds or lifts. *Joint angles*: on the raw landmarks in true image proportions, both sides, where "
        f"both tracks see the three joints (visibility >= {SEEN_VISIBILITY:g}). *Against the labels*: "
        f"scored exactly as the corpus tracks above (collar {report.collar_s:g} s)."
    )


def variants_md(report: VariantReport) -> list[str]:
    out = [f"## {TITLE}", "", "Reproduce with:", "", "```", COMMAND, "```", "", method_md(report), ""]
    out += [f"*{n}*" for n in report.notes]
    if report.notes:
        out.append("")
    if not any(s.entries for s in report.variants):
        return [*out, "No variant tracks.", ""]
    out += ["Against heavy, every entry:", "", *md_table(summary_table(report)), ""]
    out += ["Joint-angle error against heavy, per angle:", "", *md_table(angle_table(report)), ""]
    out += ["Against the human labels:", "", *md_table(labels_table(report)), ""]
    out += ["Per entry (count: reps, holds or lifts; summed over the analyzers for an entry without an "
            "exercise):", "", *md_table(entry_table(report)), ""]
    text = conclusion(report)
    if text:
        out += [text, ""]
    return out


def variants_text(report: VariantReport) -> list[str]:
    out = [f"=== {TITLE} (against {REFERENCE}) ==="]
    out += [f"note: {n}" for n in report.notes]
    if not any(s.entries for s in report.variants):
        return out
    out += text_table(summary_table(report))
    out += ["joint-angle error per angle:", *text_table(angle_table(report))]
    out += ["against the human labels:", *text_table(labels_table(report))]
    out += ["per entry:", *text_table(entry_table(report))]
    return out
