"""Parallel inference (``--workers N``): the real model on a real video of a
real person, split over worker processes and stitched back in order, gives
the same analysis as one landmarker."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from coach.parallel import Chunk, ParallelPose, plan_chunks
from tests.conftest import RunCoach, make_person_video

FRAMES = 300


@pytest.fixture(scope="module")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 s of a real person moving: long enough for two workers."""
    return make_person_video(tmp_path_factory.mktemp("video") / "long.mp4", frames=FRAMES)


def _covers(chunks: list[Chunk], n: int) -> None:
    assert chunks[0].start == 0 and chunks[0].warmup_from == 0
    assert chunks[-1].end is None
    for a, b in itertools.pairwise(chunks):
        assert a.end == b.start, "chunks are consecutive, without gap or double"
        assert b.warmup_from < b.start
    assert all(c.start < n for c in chunks)


@pytest.mark.parametrize("n,workers", [(300, 2), (1000, 4), (10_000, 8), (240, 2), (239, 2), (5000, 3)])
def test_plan_covers_every_frame_once(n: int, workers: int) -> None:
    chunks = plan_chunks(n, workers)
    _covers(chunks, n)
    assert len(chunks) == min(workers, max(1, n // 120))


def test_plan_balances_the_skipping_cost() -> None:
    chunks = plan_chunks(10_000, 4, skip_cost=0.1)
    lengths = [(c.end or 10_000) - c.start for c in chunks]
    assert lengths == sorted(lengths, reverse=True), "later workers skip more, so they get fewer frames"
    assert plan_chunks(100, 8) == [Chunk(0, 0, None, 0)], "a short video stays on one landmarker"


@pytest.mark.slow
def test_parallel_stream_matches_serial(long_video: Path, model_path: Path) -> None:
    from coach.pipeline import pose_frames_from

    serial = [f for f, _ in pose_frames_from(long_video, model_path, workers=1)[0]]
    par = ParallelPose(long_video, model_path, fps=30.0, frame_count=FRAMES, workers=2, keep_images=True)
    assert par.workers == 2
    items = list(par)
    assert len(items) == len(serial) == FRAMES
    assert [f.t for f, _ in items] == [f.t for f in serial], "same timestamps: frame index / fps"
    assert all(img is not None and img.shape == (480, 640, 3) for _, img in items)
    boundary = par.chunks[1].start
    # before the first boundary the stream is the serial one, bit for bit
    for a, (b, _) in zip(serial[:boundary], items[:boundary], strict=True):
        assert np.array_equal(a.xy, b.xy, equal_nan=True)
        assert np.array_equal(a.visibility, b.visibility)
    # after it, a second landmarker tracks the same person: visible joints
    # agree within the tracker's own jitter (about 1 % of the image)
    for a, (b, _) in zip(serial[boundary:], items[boundary:], strict=True):
        assert a.has_person and b.has_person
        seen = (a.visibility > 0.7) & (b.visibility > 0.7)
        assert seen.sum() >= 8
        assert float(np.abs(a.xy[seen] - b.xy[seen]).max()) < 0.03
    assert not items[0][0].xy.flags.writeable, "frames stay read-only after the trip between processes"


@pytest.mark.slow
def test_analyze_workers_2_equals_workers_1(run_coach: RunCoach, long_video: Path, model_path: Path,
                                            tmp_path: Path) -> None:
    out: dict[int, tuple[list[dict[str, object]], dict[str, object]]] = {}
    for w in (1, 2):
        jl, sj = tmp_path / f"w{w}.jsonl", tmp_path / f"w{w}.json"
        proc = run_coach("analyze", long_video, "-e", "lift", "--workers", w, "--jsonl", jl,
                         "--summary-json", sj, "--model", model_path, "--no-save", "-q")
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.strip() == "", "workers print nothing (MediaPipe's native lines stay silenced)"
        out[w] = ([json.loads(x) for x in jl.read_text().splitlines()], json.loads(sj.read_text()))
    rows1, sum1 = out[1]
    rows2, sum2 = out[2]
    assert len(rows1) == len(rows2) == FRAMES
    assert rows1 == rows2, "every frame's verdict, faults, count, hold time and cue"
    assert sum1 == sum2
    assert sum1["person_frames"] == FRAMES


@pytest.mark.slow
def test_worker_errors_are_one_line(long_video: Path, tmp_path: Path) -> None:
    from coach.errors import ModelError

    bad = tmp_path / "bad.task"
    bad.write_bytes(b"not a model")
    par = ParallelPose(long_video, bad, fps=30.0, frame_count=FRAMES, workers=2)
    with pytest.raises(ModelError, match="cannot load pose model"):
        list(par)
    assert all(not p.is_alive() for p in par._procs)


def test_workers_must_be_positive(run_coach: RunCoach, long_video: Path) -> None:
    proc = run_coach("analyze", long_video, "-e", "plank", "--workers", "0", "--no-save")
    assert proc.returncode == 2 and "1 or more" in proc.stderr
