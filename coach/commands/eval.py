"""``coach eval``: accuracy of every analyzer on the real-data corpus and the
synthetic suite (confusion tables of form classes, count and hold-time
errors). See :mod:`coach.evaluation` and ACCURACY.md."""

from __future__ import annotations

import argparse
import json
import math
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.commands._common import check_outputs
from coach.errors import InputError, UsageError

if TYPE_CHECKING:
    from coach.evaluation.evaluate import EvalOptions
    from coach.evaluation.variants import VariantReport

ONLY = ("real", "synthetic")


def _collar(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (math.isfinite(value) and 0.0 <= value <= 5.0):
        raise argparse.ArgumentTypeError(f"the collar must be 0-5 seconds, got {text}")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval", help="measure accuracy on the real corpus and the synthetic suite",
        description="Run every analyzer over the real-data corpus (tests/data/real) and the synthetic suite and "
                    "print, per exercise, a confusion table of form classes (rows = truth, columns = predicted), "
                    "per-class precision / recall / F1, count errors and hold-time errors; and (unless one "
                    "--exercise is chosen) how well the exercise is recognised: confusion of exercises, set "
                    "boundaries on routines, false 'This looks like' warnings; and the accuracy cost of the "
                    "lite and full pose models against heavy on the corpus's variant tracks "
                    "(tests/data/real/variants). ACCURACY.md explains the rules and holds the current numbers.",
    )
    p.add_argument("--corpus", type=Path, default=None, metavar="DIR",
                   help="real-data corpus folder (default: tests/data/real of the source tree)")
    p.add_argument("--only", choices=ONLY, default=None, help="evaluate only the real corpus or the synthetic suite")
    p.add_argument("--exercise", "-e", default=None, metavar="NAME", help="evaluate one exercise only")
    p.add_argument("--quick", action="store_true", help="a small subset of the synthetic suite (for tests)")
    p.add_argument("--collar", type=_collar, default=None, metavar="S",
                   help="seconds around a change of form class not scored (default 0.5)")
    p.add_argument("--json", type=Path, default=None, metavar="OUT", help="write the full report as JSON")
    p.add_argument("--markdown", type=Path, default=None, metavar="OUT",
                   help="write the report as Markdown (the body of ACCURACY.md)")
    p.add_argument("--write-accuracy", action="store_true",
                   help="write ACCURACY.md at the root of the source tree (same as --markdown ACCURACY.md there)")
    p.add_argument("--check-floors", type=Path, default=None, metavar="FILE",
                   help="exit 1 when a number is below its floor in FILE (e.g. tests/data/accuracy_floors.json)")
    p.add_argument("--write-floors", type=Path, default=None, metavar="FILE",
                   help="write floors at the measured numbers less a margin into FILE (other sections kept)")
    p.add_argument("--variants", action="store_true",
                   help="only compare the pose model variants (lite, full, heavy; heavy as reference) on the "
                        "committed variant tracks of the corpus (fast, no model needed); with --json, write that "
                        "comparison")
    p.add_argument("--brief", action="store_true", help="print the per-exercise tables without the per-entry rows")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors and floor failures")
    p.set_defaults(func=cmd_eval)


def _command_line(args: argparse.Namespace) -> str:
    """The command that reproduces the numbers (options that change them,
    and the outputs)."""
    parts = ["coach", "eval"]
    if args.corpus is not None:
        parts += ["--corpus", str(args.corpus)]
    if args.variants:
        parts.append("--variants")
    if args.only:
        parts += ["--only", args.only]
    if args.exercise:
        parts += ["--exercise", args.exercise]
    if args.quick:
        parts.append("--quick")
    if args.collar is not None:
        parts += ["--collar", f"{args.collar:g}"]
    if args.write_accuracy:
        parts.append("--write-accuracy")
    elif args.markdown is not None:
        parts += ["--markdown", str(args.markdown)]
    return shlex.join(parts)


def _read_json(path: Path, what: str) -> dict[str, object]:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{path}: {what} must be a JSON object")
    return obj


def cmd_eval(args: argparse.Namespace) -> int:
    from coach.evaluation.evaluate import DEFAULT_CORPUS, REPO_ROOT, EvalOptions, run_eval
    from coach.evaluation.floors import check_floors, floors_from, section_key
    from coach.evaluation.formatting import format_markdown, format_text
    from coach.evaluation.method import METHOD_MD
    from coach.evaluation.recognition_floors import check_recognition_floors, recognition_floors
    from coach.evaluation.recognition_md import recognition_md, recognition_text
    from coach.evaluation.runner import DEFAULT_COLLAR_S
    from coach.evaluation.variants_md import variants_md, variants_text
    from coach.jsonl import write_json
    from coach.registry import canonical_name

    exercise = canonical_name(args.exercise) if args.exercise else None  # unknown names fail before any work
    markdown = REPO_ROOT / "ACCURACY.md" if args.write_accuracy else args.markdown
    if args.write_accuracy and args.markdown is not None:
        raise UsageError("give --markdown or --write-accuracy, not both")
    check_outputs([args.check_floors], [("--json", args.json), ("--markdown", markdown),
                                        ("--write-floors", args.write_floors)])
    floors = _read_json(args.check_floors, "a floors file") if args.check_floors else None
    if args.corpus is not None and not args.corpus.exists():
        raise InputError(f"{args.corpus}: no such corpus folder")
    if args.corpus is not None and not args.corpus.is_dir():
        raise InputError(f"{args.corpus}: not a folder")
    if args.variants:
        return _variants_only(args)
    options = EvalOptions(
        corpus=args.corpus if args.corpus is not None else DEFAULT_CORPUS,
        corpus_given=args.corpus is not None,
        only=args.only,
        exercise=exercise,
        quick=args.quick,
        collar_s=DEFAULT_COLLAR_S if args.collar is None else args.collar,
        command=_command_line(args),
        recognition=True,
    )
    report = run_eval(options, progress=False if args.quiet else None)
    obj = report.to_json()
    calibration = _calibration(args) if exercise is None and args.only is None else None
    if calibration is not None:
        obj["calibration"] = {"rows": [r.to_json() for r in calibration[0]], "refused": calibration[1]}
    variants = _variant_report(args, options.corpus) if _wants_variants(options) else None
    if variants is not None:
        obj["variants"] = variants.to_json()
    if args.json:
        write_json(args.json, obj)
    if markdown is not None:
        history = REPO_ROOT / "docs" / "accuracy-history.md"  # earlier numbers, kept as written
        text = format_markdown(report, METHOD_MD)
        if report.recognition is not None:
            text = text.rstrip() + "\n\n" + "\n".join(recognition_md(report.recognition)).rstrip() + "\n"
        if calibration is not None:
            from coach.evaluation.calibration import calibration_md

            people = calibration[2]
            text = text.rstrip() + "\n\n" + "\n".join(
                calibration_md(calibration[0], calibration[1], people, options.command)).rstrip() + "\n"
        if variants is not None:
            text = text.rstrip() + "\n\n" + "\n".join(variants_md(variants)).rstrip() + "\n"
        if history.is_file() and history.read_text().strip():
            text = text.rstrip() + "\n\n" + history.read_text().strip() + "\n"
        _write_text(markdown, text)
    if args.write_floors is not None:
        existing = _read_json(args.write_floors, "a floors file") if args.write_floors.exists() else {}
        for origin in report.origins:
            existing[section_key(origin.origin, args.quick)] = floors_from(obj[origin.origin])
        if "recognition" in obj:
            existing[section_key("recognition", args.quick)] = recognition_floors(obj["recognition"])
        write_json(args.write_floors, existing)
    if not args.quiet:
        print(format_text(report, per_entry=not args.brief))
        if report.recognition is not None:
            print("\n".join(recognition_text(report.recognition)))
        if calibration is not None:
            from coach.evaluation.calibration import calibration_text

            print("\n".join(calibration_text(calibration[0], calibration[1])))
        if variants is not None:
            print("\n".join(variants_text(variants)))
    if floors is not None:
        problems: list[str] = []
        for origin in report.origins:
            section = floors.get(section_key(origin.origin, args.quick))
            if isinstance(section, dict):
                problems += check_floors(obj[origin.origin], section, origin.origin)
        section = floors.get(section_key("recognition", args.quick))
        if isinstance(section, dict) and "recognition" in obj:
            problems += check_recognition_floors(obj["recognition"], section)
        if calibration is not None:
            from coach.evaluation.calibration import problems as calibration_problems

            problems += calibration_problems(calibration[0], calibration[1])
        for line in problems:
            print(f"coach eval: below floor: {line}")
        if problems:
            return 1
    return 0


def _calibration(args: argparse.Namespace) -> tuple[list[Any], int, int]:
    """The calibration rows (ACCURACY.md "Calibration"), refusals, people."""
    from coach.evaluation.calibration import DEFAULT_PEOPLE, QUICK_PEOPLE, run_calibration_eval, steps
    from coach.progress import Progress

    people = QUICK_PEOPLE if args.quick else DEFAULT_PEOPLE
    with Progress(steps(people), label="coach eval: calibration", enabled=False if args.quiet else None,
                  unit="sets") as bar:
        rows, refused = run_calibration_eval(people, on_step=bar.update)
    return list(rows), refused, people


def _wants_variants(options: EvalOptions) -> bool:
    """The variant comparison is part of a whole run of the real corpus (all
    exercises) that has variant tracks, so --write-accuracy regenerates it."""
    from coach.evaluation.variants import variant_dir

    return options.only in (None, "real") and options.exercise is None and variant_dir(options.corpus).is_dir()


def _variant_report(args: argparse.Namespace, corpus: Path) -> VariantReport | None:
    from coach.evaluation.runner import DEFAULT_COLLAR_S
    from coach.evaluation.variants import load_variant_tracks, run_variants, work_units
    from coach.progress import Progress

    if not corpus.exists():
        return None
    items = load_variant_tracks(corpus)
    collar = DEFAULT_COLLAR_S if args.collar is None else args.collar
    with Progress(work_units(items), label="coach eval --variants", enabled=False if args.quiet else None) as bar:
        return run_variants(corpus, collar, bar.update, items)


def _variants_only(args: argparse.Namespace) -> int:
    """``coach eval --variants``: the model-variant comparison alone."""
    from coach.evaluation.evaluate import DEFAULT_CORPUS
    from coach.evaluation.variants_md import variants_text
    from coach.jsonl import write_json

    for flag, given in (("--markdown", args.markdown), ("--write-accuracy", args.write_accuracy),
                        ("--check-floors", args.check_floors), ("--write-floors", args.write_floors),
                        ("--only", args.only), ("--exercise", args.exercise), ("--quick", args.quick)):
        if given:
            raise UsageError(f"--variants cannot be combined with {flag} (--write-accuracy includes the variants)")
    corpus = args.corpus if args.corpus is not None else DEFAULT_CORPUS
    report = _variant_report(args, corpus)
    if report is None:
        raise InputError(f"{corpus}: no such corpus folder")
    if args.json:
        write_json(args.json, {"variants": report.to_json()})
    if not args.quiet:
        print("\n".join(variants_text(report)))
    return 0


def _write_text(path: Path, text: str) -> None:
    from coach.outfile import write_text

    write_text(path, text, InputError)
