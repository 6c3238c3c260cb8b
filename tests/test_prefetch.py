"""One landmarker with decoding and inference in threads
(:mod:`coach.prefetch`): the same landmark stream as a plain loop, in order,
errors raised where the caller iterates, and every thread stopped on close."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from coach.prefetch import Prefetched


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("coach-")}


@pytest.mark.slow
def test_prefetched_stream_is_the_plain_loop_bit_for_bit(person_video: Path, model_path: Path) -> None:
    from coach.pipeline import pose_frames_from

    plain = [f for f, _ in pose_frames_from(person_video, model_path, workers=1, prefetch=False)[0]]
    items = list(pose_frames_from(person_video, model_path, workers=1, keep_images=True)[0])
    assert len(items) == len(plain) == 45
    for a, (b, image) in zip(plain, items, strict=True):
        assert a.t == b.t
        assert np.array_equal(a.xy, b.xy, equal_nan=True)
        assert np.array_equal(a.visibility, b.visibility)
        assert a.world is not None and b.world is not None and np.array_equal(a.world, b.world)
        assert image is not None and image.shape == (480, 640, 3)
    assert sum(f.has_person for f in plain) == 45
    assert not _threads(), "the threads end with the stream"


def test_results_come_in_order_and_an_error_after_them() -> None:
    def frames() -> Iterator[int]:
        yield from range(50)
        raise ValueError("frame 50 cannot be decoded")

    got: list[int] = []
    with pytest.raises(ValueError, match="frame 50"):
        for x in Prefetched(frames, lambda i: i * 10):
            got.append(x)
    assert got == [i * 10 for i in range(50)]
    assert not _threads()


def test_an_inference_error_stops_the_stream() -> None:
    def infer(i: int) -> int:
        if i == 7:
            raise RuntimeError("model failed")
        return i

    closed: list[bool] = []
    with pytest.raises(RuntimeError, match="model failed"):
        list(Prefetched(lambda: iter(range(100)), infer, on_close=lambda: closed.append(True)))
    assert closed == [True]
    assert not _threads()


def test_leaving_early_stops_both_threads_and_closes_once() -> None:
    released: list[str] = []

    def frames() -> Iterator[int]:
        try:
            yield from range(10_000)
        finally:
            released.append(threading.current_thread().name)  # the capture is released in its own thread

    closed: list[bool] = []
    stream = Prefetched(frames, lambda i: i, on_close=lambda: closed.append(True))
    for x in stream:
        if x == 3:
            break
    stream.close()
    assert closed == [True], "closed once, after both threads stopped"
    assert released == ["coach-decode"]
    assert not _threads()
