"""``coach batch DIR_OR_GLOB --exercise NAME [--workers N]``: analyse many
recordings on every core (or a Dask cluster), with a resumable results
table (see :mod:`coach.batch`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coach.commands._common import (
    add_exercise_arg,
    add_model_arg,
    add_model_variant_arg,
    add_workers_arg,
    exercise_options,
    make_analyzer,
    model_for,
    parse_aspect,
)
from coach.commands._store_args import add_store_args, session_sink
from coach.pose import PoseFrame


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch", help="analyse many recordings (resumable)",
        description="Analyse every video in a folder (recursively) or matching a glob pattern, one file per "
                    "worker, storing each session and appending one row per file to a results table. "
                    "Rerunning skips the files already done.")
    p.add_argument("inputs", metavar="DIR_OR_GLOB", help="a folder of videos, or a pattern such as 'study/**/*.mp4'")
    add_exercise_arg(p)
    p.add_argument("--results", type=Path, default=None, metavar="CSV",
                   help="results table, appended and resumed (default: ./coach-batch-EXERCISE.csv)")
    p.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="run the pose model on a Dask cluster, e.g. tcp://host:8786 (needs the dask extra; "
                        "the files must be readable by the workers at the same path)")
    p.add_argument("--aspect", type=parse_aspect, default=None, metavar="W:H",
                   help="image aspect of pose-track CSVs without an 'aspect' column")
    add_workers_arg(p, per_file=True)
    add_model_arg(p)
    add_model_variant_arg(p, offline=True)
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    add_store_args(p)
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from coach.batch import Engine, ResultsTable, file_key, find_inputs, finished, run_batch, summary_figures
    from coach.models import ensure_model
    from coach.parallel import default_workers
    from coach.pipeline import Pipeline, Sink, pose_frames_from, run
    from coach.progress import Progress

    options = exercise_options(args)
    make_analyzer(args.exercise, args.target, options)  # bad names and options fail before any work
    table_path = args.results or Path(f"coach-batch-{args.exercise}.csv")
    paths = find_inputs(args.inputs, exclude=[table_path])
    model = model_for(args) or ensure_model()
    model_name = Path(model).name
    keys = {p: file_key(p, args.exercise, args.target, model_name) for p in paths}
    done = finished(table_path)
    todo = [p for p in paths if keys[p] not in done]
    workers = args.workers or default_workers()

    def analyse(path: Path, frames: Sequence[PoseFrame] | None) -> dict[str, Any]:
        pipeline = Pipeline(make_analyzer(args.exercise, args.target, options))
        if frames is None:
            items, _ = pose_frames_from(path, aspect=args.aspect)
        else:
            items = ((f, None) for f in frames)
        sinks: list[Sink] = []
        used = None if frames is None else model_name
        store = session_sink(args, exercise=args.exercise, source=str(path), target=args.target, mode="analyze",
                             models=lambda: used)
        if store is not None:
            sinks.append(store)
        result = run(items, pipeline, sinks)
        return summary_figures(result.summary, result.frames, result.person_frames,
                               getattr(store, "session_id", None))

    table = ResultsTable(table_path)
    try:
        with Progress(len(todo), label="batch", enabled=None if not args.quiet else False, unit="files") as bar:
            counts = run_batch(todo, table, keys, analyse, Engine(workers, args.cluster), Path(model),
                               on_file=lambda _p, _r: bar.update())
    finally:
        table.close()
    if not args.quiet:
        print(f"batch: {counts['ok']} analysed, {counts['error']} failed, {len(paths) - len(todo)} already done "
              f"(of {len(paths)}); results in {table_path}")
    return 1 if counts["error"] else 0
