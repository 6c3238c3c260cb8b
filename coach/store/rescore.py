"""``coach rescore SESSION``: run the current analyzer again on a stored
pose track and store the new score (the old one stays in the score
history)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from coach.baseline import stored_baseline
from coach.errors import StoreError
from coach.exercise import SetSummary
from coach.pipeline import Pipeline
from coach.pose import PoseFrame
from coach.registry import get_exercise
from coach.store.aggregate import SetAccumulator
from coach.store.db import Store, transaction
from coach.store.queries import get_set, reading, set_ids
from coach.store.trackblob import decode_frames
from coach.store.writes import insert_metrics, insert_seconds, write_summary


@dataclass(frozen=True)
class RescoreResult:
    set_id: int
    exercise: str
    old_score: float | None
    summary: SetSummary
    frames: int


def track_frames(store: Store, set_id: int) -> Iterator[PoseFrame]:
    """The stored raw frames of a set, in order."""
    rows = store.conn.execute(
        "SELECT seq, data FROM track_chunks WHERE set_id = ? ORDER BY seq", (set_id,)).fetchall()
    for seq, blob in rows:
        yield from decode_frames(bytes(blob), f"{store.path}: set {set_id} chunk {seq}")


def _requested_target(store: Store, set_id: int) -> float | None:
    row = store.conn.execute("SELECT target_requested FROM sets WHERE id = ?", (set_id,)).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def rescore_session(store: Store, session_id: int) -> list[RescoreResult]:
    """Re-score every set of the session that has a stored track."""
    label = str(store.path)
    with reading(label):
        ids = set_ids(store.conn, session_id)
        with_track = [i for i in ids if store.conn.execute(
            "SELECT 1 FROM track_chunks WHERE set_id = ? LIMIT 1", (i,)).fetchone()]
    if not with_track:
        raise StoreError(
            f"session {session_id} has no stored pose track, so it cannot be re-scored; "
            "record with --keep-track to keep the track"
        )
    results: list[RescoreResult] = []
    for set_id in with_track:
        with reading(label):
            old = get_set(store.conn, set_id)
            target = _requested_target(store, set_id)
        options: dict[str, object] = {} if target is None else {"target": target}
        baseline = stored_baseline(old.exercise, old.extra)
        if baseline is not None:
            options["baseline"] = baseline  # judged against the calibration it was recorded with
        pipeline = Pipeline(get_exercise(old.exercise, **options))
        acc = SetAccumulator(set_id, old.exercise)
        for frame in track_frames(store, set_id):
            acc.add(pipeline.step(frame).verdict)
        acc.finish()
        summary = pipeline.summary()
        seconds, metrics, _items, _faults = acc.drain()
        side = acc.last.side if acc.last is not None else None
        with reading(label), transaction(store.conn) as conn:
            conn.execute("DELETE FROM seconds WHERE set_id = ?", (set_id,))
            conn.execute("DELETE FROM metrics WHERE set_id = ?", (set_id,))
            insert_seconds(conn, set_id, seconds)
            insert_metrics(conn, set_id, metrics)
            write_summary(conn, set_id, summary, "rescore", side)
        results.append(RescoreResult(set_id, old.exercise, old.score, summary, acc.frames))
    return results
