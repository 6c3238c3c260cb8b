"""``coach batch``: many recordings, one exercise, every core (or a cluster).

Work is split by file: each worker process runs one landmarker over one
whole video (no chunk boundaries, so each file's landmarks are exactly what
``coach analyze FILE --workers 1`` gets) and sends the landmarks back. The
parent smooths, analyses and stores each file in turn, through the same
:class:`~coach.pipeline.Pipeline` and session sink as ``coach analyze``, and
appends one row to the results table. Pose-track CSVs need no model and are
analysed in the parent.

The results table is a CSV appended one row per finished file (flushed at
once): after a crash or Ctrl-C, running the same command again skips every
file whose row says ``ok`` for the same exercise, target, model and file
(size and modification time); failed files are retried.

Engines: without ``--cluster`` a local process pool (nothing to install).
With ``--cluster ADDRESS`` (``tcp://host:8786``) the pose inference runs on a
Dask distributed cluster (the ``dask`` extra). Dask, not Ray: it is plain
Python (pip-installable everywhere coach runs, no object store daemon or
extra runtime), a scheduler plus workers is two commands
(``dask scheduler``, ``dask worker ADDRESS``), and a local cluster starts in
a second inside a test. The recordings must be readable at the same path
by the workers (a shared folder), and each worker needs coach and its model.
"""

from __future__ import annotations

import csv
import glob
import json
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.errors import CoachError, InputError
from coach.pose import PoseFrame

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv"})
COLUMNS = ("file", "size", "mtime_ns", "exercise", "target", "model", "status", "frames", "person_frames",
           "reps", "hold_s", "score", "visible_fraction", "top_fault", "fault_counts", "session", "error")


def find_inputs(spec: str, exclude: Sequence[Path] = ()) -> list[Path]:
    """A folder (its videos, recursively) or a glob pattern (every file it
    matches; ``**`` recurses), sorted; ``exclude`` (the results table) left out."""
    root = Path(spec)
    if root.is_dir():
        found = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES]
    elif root.is_file():
        found = [root]
    else:
        found = [Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file()]
        if not found and not glob.has_magic(spec):
            raise InputError(f"{spec}: no such file or folder")
    skip = {p.resolve() for p in exclude}
    out = sorted({p for p in found if p.resolve() not in skip})
    if not out:
        raise InputError(f"{spec}: no recordings found (videos: {', '.join(sorted(VIDEO_SUFFIXES))})")
    return out


# --------------------------------------------------------------------------
# the results table
# --------------------------------------------------------------------------


def _key(row: dict[str, str]) -> tuple[str, ...]:
    return (row["file"], row["size"], row["mtime_ns"], row["exercise"], row["target"], row["model"])


def file_key(path: Path, exercise: str, target: float | None, model: str) -> tuple[str, ...]:
    st = path.stat()
    return (str(path.resolve()), str(st.st_size), str(st.st_mtime_ns), exercise,
            "" if target is None else f"{target:g}", model)


def finished(table: Path) -> set[tuple[str, ...]]:
    """Keys of the files the table says are done (``ok``). A torn last line
    (a crash mid-write) is ignored."""
    if not table.exists():
        return set()
    done: set[tuple[str, ...]] = set()
    with table.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("status") == "ok" and all(row.get(c) is not None for c in COLUMNS):
                done.add(_key(row))
    return done


class ResultsTable:
    """Append-only CSV, one row per file, flushed at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        new = not path.exists() or path.stat().st_size == 0
        if not new:
            with path.open("rb") as fh:  # a torn last line gets its newline before the next row
                fh.seek(-1, os.SEEK_END)
                torn = fh.read(1) != b"\n"
        try:
            self._fh = path.open("a", newline="", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot write the results table: {exc.strerror or exc}") from None
        if not new and torn:
            self._fh.write("\n")
        self._writer = csv.DictWriter(self._fh, fieldnames=COLUMNS)
        if new:
            self._writer.writeheader()
            self._fh.flush()

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow({c: row.get(c, "") for c in COLUMNS})
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


# --------------------------------------------------------------------------
# pose inference, in a worker (a local process or a Dask worker)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Landmarks:
    """One file's landmark stream, or why there is none."""

    file: str
    frames: tuple[PoseFrame, ...] = ()
    error: str | None = None


def infer_file(path: str, model: str) -> Landmarks:
    """Run one landmarker over a whole video (the same frames and
    timestamps as ``coach analyze``). Errors come back as text."""
    try:
        from coach.pipeline import pose_frames_from

        items, _ = pose_frames_from(path, Path(model), workers=1, prefetch=False)
        return Landmarks(path, tuple(f for f, _ in items))
    except CoachError as exc:
        return Landmarks(path, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
        return Landmarks(path, error=f"{type(exc).__name__}: {exc}")


def _freeze(frames: Sequence[PoseFrame]) -> Sequence[PoseFrame]:
    from coach.parallel import _freeze as freeze

    return [freeze(f) for f in frames]


def _plain_signals() -> None:
    """In a forked worker: Ctrl-C is the parent's business; SIGTERM/SIGHUP
    just stop the process (not the CLI's handlers, inherited by the fork)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


class Engine:
    """Runs :func:`infer_file` on many files, yielding results as they finish."""

    def __init__(self, workers: int, cluster: str | None = None) -> None:
        self.workers = workers
        self.cluster = cluster

    def map(self, paths: Sequence[Path], model: Path) -> Iterator[Landmarks]:
        if not paths:
            return
        if self.cluster is not None:
            yield from self._dask(paths, model)
            return
        import multiprocessing as mp

        import coach.pose_backend  # noqa: F401 - imported once, inherited by the forked workers

        with ProcessPoolExecutor(max_workers=min(self.workers, len(paths)), mp_context=mp.get_context("fork"),
                                 initializer=_plain_signals) as pool:
            futures: list[Future[Landmarks]] = [pool.submit(infer_file, str(p), str(model)) for p in paths]
            try:
                for fut in as_completed(futures):
                    yield fut.result()
            finally:
                for fut in futures:
                    fut.cancel()

    def _dask(self, paths: Sequence[Path], model: Path) -> Iterator[Landmarks]:
        try:
            from distributed import Client
            from distributed import as_completed as dask_completed
        except ImportError:
            raise CoachError("--cluster needs Dask: pip install 'coach[dask]'") from None
        try:
            client = Client(self.cluster, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise CoachError(f"cannot reach the Dask scheduler at {self.cluster}: {exc}") from None
        try:
            futures = client.map(infer_file, [str(p) for p in paths], model=str(model), pure=False)
            for fut in dask_completed(futures):
                yield fut.result()
        finally:
            client.close()


# --------------------------------------------------------------------------
# analysis, in the parent
# --------------------------------------------------------------------------


Analyse = Callable[[Path, "Sequence[PoseFrame] | None"], dict[str, Any]]
"""Analyse one file's frames (None: a pose-track CSV, read it) and store
it; returns the table row's figures. Raises CoachError for a bad file."""


def run_batch(paths: Sequence[Path], table: ResultsTable, keys: dict[Path, tuple[str, ...]],
              analyse: Analyse, engine: Engine, model: Path,
              on_file: Callable[[Path, dict[str, Any]], None] = lambda _p, _r: None) -> dict[str, int]:
    """Analyse ``paths``, one table row each; counts of ok and failed files."""
    counts = {"ok": 0, "error": 0}
    by_name = {str(p): p for p in paths}

    def record(path: Path, figures: dict[str, Any] | None, error: str | None) -> None:
        key = keys[path]
        row: dict[str, Any] = dict(zip(COLUMNS[:6], key, strict=True))
        if error is None and figures is not None:
            row.update(figures, status="ok")
        else:
            row.update(status="error", error=" ".join(str(error).split()))
        counts[row["status"]] += 1
        table.write(row)
        on_file(path, row)

    def attempt(path: Path, frames: Sequence[PoseFrame] | None) -> None:
        try:
            figures = analyse(path, frames)
        except CoachError as exc:
            record(path, None, str(exc))
        else:
            record(path, figures, None)

    videos = []
    for p in paths:
        from coach.sources import is_pose_track

        if is_pose_track(p):
            attempt(p, None)
        else:
            videos.append(p)
    for result in engine.map(videos, model):
        path = by_name[result.file]
        if result.error is not None:
            record(path, None, result.error)
        else:
            attempt(path, _freeze(result.frames))
    return counts


def summary_figures(summary: Any, frames: int, person_frames: int, session: int | None) -> dict[str, Any]:
    s = summary.to_json()
    return {
        "frames": frames, "person_frames": person_frames, "reps": s["reps"], "hold_s": s["hold_s"],
        "score": s["score"], "visible_fraction": s["visible_fraction"], "top_fault": s["top_fault"] or "",
        "fault_counts": json.dumps(s["fault_counts"], sort_keys=True), "session": "" if session is None else session,
    }
