"""A routine becomes sets: the recognizer finds where each exercise starts
and ends, and each set is judged by its own analyzer.

:class:`RoutineRunner` takes raw frames one by one (``push``) and gives
back one :class:`RoutineSample` per frame, in order. Frames inside a set
carry that set's analyzer verdict (and its ``exercise`` and ``set``
number); frames between sets (getting into position, resting, walking
about) carry a ``rest`` verdict and count toward no set.

A set is recognised up to a couple of seconds after it began, and it ends
before its end is known (up to its exercise's ``max_gap_s``). Two ways to
deal with that, chosen by ``lag_s``:

* ``lag_s=None`` (``coach analyze``): frames wait in a buffer long enough
  that every set's start and end are known before its frames go through
  its analyzer, so each analyzer sees exactly its set, plus up to
  ``preroll_s`` of warm-up before it (smoothing and baselines), which
  counts toward no set;
* ``lag_s=0`` (``coach live``): frames go out at once; when a set is
  recognised its analyzer catches up on the buffered frames since the
  set began, and when it ends the frames seen since its end are left out
  of its duration.

Per set, ``open_sinks(exercise, index)`` gives the sinks that record it
(the session store); they get the set's samples and its summary.
"""

from __future__ import annotations

import math
import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coach.exercise import ExerciseAnalyzer, FrameVerdict, SetSummary
from coach.feedback import Cue, policy_for
from coach.pipeline import Pipeline, Sample, Sink
from coach.pose import PoseFrame
from coach.recognition.mismatch import called
from coach.recognition.recognizer import Recognition, Recognizer, SetSpan
from coach.smoothing import PoseSmoother

REST_PHASE = "rest"
"""The ``phase`` of a frame that belongs to no set."""
PREROLL_S = 1.5
"""Frames an analyzer sees before its set begins: the One Euro filter
settles in well under a second and a lift's standing baseline takes ~1 s."""
POSTROLL_S = 1.5
"""...and after it ends: an analyzer counts a rep, hold or lift once the
body is back at rest (a bridge down, a lift upright, the plank let go),
which its debouncers confirm a few tenths of a second later."""


@dataclass(frozen=True, eq=False)
class RoutineSample(Sample):
    """A :class:`~coach.pipeline.Sample` with the set it belongs to."""

    exercise: str | None = None
    set_index: int | None = None

    @property
    def json_extra(self) -> dict[str, Any]:
        """Keys added to the frame's JSONL object."""
        return {"exercise": self.exercise, "set": self.set_index}


@dataclass(frozen=True)
class SetResult:
    """One set of a routine: where it is, its summary (``duration_s`` is
    the set's span) and the frames it had."""

    index: int
    span: SetSpan
    summary: SetSummary
    frames: int
    person_frames: int

    def to_json(self) -> dict[str, Any]:
        obj = self.summary.to_json()
        obj["set"] = self.index
        obj["start"] = round(self.span.start, 3)
        obj["end"] = round(self.span.end if self.span.end is not None else self.span.start, 3)
        obj["recognised_at"] = round(self.span.decided_at, 3)
        return obj


@dataclass
class _Entry:
    raw: PoseFrame
    image: NDArray[np.uint8] | None
    sample: Sample | None = None
    owner: int | None = None
    """The set whose analyzer judged this frame first (None: no set)."""
    exercise: str | None = None
    emitted: bool = False


@dataclass
class _OpenSet:
    index: int
    span: SetSpan
    pipeline: Pipeline
    sinks: list[Sink]
    fed_t: float = -math.inf
    frames: int = 0
    person_frames: int = 0
    end: float | None = None


def default_lag_s(recognizer: Recognizer, preroll_s: float = PREROLL_S) -> float:
    """The buffer that makes every set's start and end known before its
    frames are judged: the longest a set's end can wait to be decided, or
    its start to be recognised, whichever is longer, plus the warm-up."""
    worst = 0.0
    for name in recognizer.names:
        s = recognizer.spec(name)
        worst = max(worst, s.max_gap_s + s.trail_s,
                    s.lead_s + s.settle_s + (s.rest_within_s or 0.0) + recognizer.config.gap_tolerance_s)
    return worst + recognizer.config.leave_s + preroll_s + 0.5


class RoutineRunner:
    """See the module docstring. ``make_analyzer(exercise)`` builds the
    analyzer of a new set."""

    def __init__(
        self,
        make_analyzer: Callable[[str], ExerciseAnalyzer],
        *,
        lag_s: float | None = None,
        open_sinks: Callable[[str, int], Sequence[Sink]] | None = None,
        recognizer: Recognizer | None = None,
        preroll_s: float = PREROLL_S,
        postroll_s: float = POSTROLL_S,
        on_recognition: Callable[[Recognition], None] | None = None,
    ) -> None:
        self.make_analyzer = make_analyzer
        self.recognizer = recognizer or Recognizer()
        self.smoother = PoseSmoother()
        self.preroll_s = preroll_s
        self.postroll_s = postroll_s
        self.lag_s = default_lag_s(self.recognizer, preroll_s) if lag_s is None else max(0.0, lag_s)
        self.open_sinks = open_sinks or (lambda exercise, index: ())
        self.on_recognition = on_recognition
        self.sets: list[SetResult] = []
        self.muted = False
        self.frames = 0
        self.person_frames = 0
        self._buf: deque[_Entry] = deque()
        self._past: deque[_Entry] = deque()
        self._reach_s = default_lag_s(self.recognizer, preroll_s)
        self._open: _OpenSet | None = None
        self._closing: list[_OpenSet] = []
        self._count = 0
        self._now = -math.inf
        self._finished = False
        self.last_recognition: Recognition | None = None

    # -- per frame ------------------------------------------------------------------
    def push(self, raw: PoseFrame, image: NDArray[np.uint8] | None = None) -> list[RoutineSample]:
        """Take one raw frame; return the samples now final (in order)."""
        if self._finished:
            raise ValueError("the routine has finished")
        self.frames += 1
        if raw.has_person:
            self.person_frames += 1
        self._now = raw.t
        rec = self.recognizer.update(self.smoother(raw))
        self.last_recognition = rec
        if self.on_recognition is not None:
            self.on_recognition(rec)
        self._buf.append(_Entry(raw, image))
        if rec.closed is not None:
            self._end(rec.closed)
        if rec.opened is not None:
            self._begin(rec.opened)
        self._feed(self._now - self.lag_s)
        return self._emit(self._now - self.lag_s)

    def finish(self) -> list[RoutineSample]:
        """End of the input: close the set in progress and give back every
        sample still buffered."""
        if self._finished:
            return []
        self._finished = True
        closed = self.recognizer.finish()
        if closed is not None:
            self._end(closed)
        self._feed(math.inf)
        out = self._emit(math.inf)
        self._settle(math.inf)
        return out

    def close_all(self) -> None:
        """After a failure: close every open set's sinks with what it has
        (a sink that fails to close does not keep the others open)."""
        active, self._closing, self._open = self._active(), [], None
        for st in active:
            try:
                self._finalise(st, st.fed_t if math.isfinite(st.fed_t) else st.span.start)
            except Exception:  # noqa: BLE001 - the run is failing already: close the rest
                continue

    @property
    def current(self) -> str | None:
        """The exercise of the set in progress (as recognised now)."""
        return self.recognizer.current

    @property
    def current_set(self) -> int | None:
        return self._open.index if self._open is not None else None

    # -- sets -----------------------------------------------------------------------
    def _entries(self) -> Iterable[_Entry]:
        """Every frame still held: those already given out (kept in live
        mode for a set that is recognised late), then those waiting."""
        yield from self._past
        yield from self._buf

    def _begin(self, span: SetSpan) -> None:
        self._count += 1
        analyzer = self.make_analyzer(span.exercise)
        pipeline = Pipeline(analyzer, policy=policy_for(analyzer))
        pipeline.policy.set_muted(self.muted)
        st = _OpenSet(self._count, span, pipeline, list(self.open_sinks(span.exercise, self._count)))
        self._open = st
        # warm-up: frames just before the set (not before the previous set's end)
        floor = max(span.start - self.preroll_s, self._last_end())
        for e in self._entries():
            if e.raw.t >= span.start:
                break
            if e.raw.t >= floor:
                st.pipeline.step(e.raw)

    def _end(self, span: SetSpan) -> None:
        st = self._open
        if st is None:
            return
        st.end = span.end
        st.span = span
        self._open = None
        self._closing.append(st)

    def _active(self) -> list[_OpenSet]:
        return [*self._closing, *([self._open] if self._open is not None else [])]

    def _last_end(self) -> float:
        ends = [s.span.end for s in self.sets if s.span.end is not None]
        ends += [s.end for s in self._closing if s.end is not None]
        return max(ends, default=-math.inf)

    def _feed(self, horizon: float) -> None:
        """Run each set's analyzer over its held frames up to ``horizon``
        (and, once its end is known, not past it); its sinks get every
        sample, the frame's own sample is the first set's."""
        for st in self._active():
            limit = horizon if st.end is None else min(horizon, self._tail_end(st))
            for e in self._entries():
                t = e.raw.t
                if t <= st.fed_t or t < st.span.start:
                    continue
                if t > limit:
                    break
                sample = st.pipeline.step(e.raw, e.image)
                st.fed_t = t
                if st.end is not None and t > st.end:
                    continue  # after the set: the analyzer sees the body come to rest, nothing else
                st.frames += 1
                if e.raw.has_person:
                    st.person_frames += 1
                for sink in st.sinks:
                    sink.on_sample(sample)
                if e.owner is None and not e.emitted:
                    e.owner, e.sample, e.exercise = st.index, sample, st.span.exercise
        self._settle(horizon)

    def _tail_end(self, st: _OpenSet) -> float:
        """The last frame an ended set's analyzer sees: ``postroll_s`` after
        the end, but not into the next set."""
        assert st.end is not None
        tail = st.end + self.postroll_s
        nxt = self._open.span.start if self._open is not None and self._open is not st else math.inf
        return max(st.end, min(tail, nxt))

    def _settle(self, horizon: float) -> None:
        """Finish the sets whose frames are all fed."""
        keep = []
        for st in self._closing:
            if st.end is not None and horizon >= self._tail_end(st):
                self._finalise(st, st.end)
            else:
                keep.append(st)
        self._closing = keep

    def _finalise(self, st: _OpenSet, end: float) -> None:
        summary = st.pipeline.summary()
        span = replace(st.span, end=end)
        summary = replace(summary, duration_s=round(max(0.0, end - span.start), 6))
        self.sets.append(SetResult(st.index, span, summary, st.frames, st.person_frames))
        for sink in st.sinks:
            sink.close(summary)

    def _emit(self, horizon: float) -> list[RoutineSample]:
        out: list[RoutineSample] = []
        while self._buf and self._buf[0].raw.t <= horizon:
            e = self._buf.popleft()
            e.emitted = True
            out.append(self._sample_of(e))
            e.image = None
            if self.lag_s == 0.0:
                self._past.append(e)
        if self._past:
            keep_from = self._now - self._reach_s
            while self._past and self._past[0].raw.t < keep_from:
                self._past.popleft()
        return out

    def _sample_of(self, e: _Entry) -> RoutineSample:
        s = e.sample
        if s is not None:
            return RoutineSample(s.raw, s.frame, s.verdict, s.cue, e.image, s.timings, e.exercise, e.owner)
        return rest_sample(e.raw, e.image)


def rest_sample(raw: PoseFrame, image: NDArray[np.uint8] | None = None) -> RoutineSample:
    """The sample of a frame outside every set."""
    verdict = FrameVerdict(t=raw.t, phase=REST_PHASE, visible=raw.has_person)
    return RoutineSample(raw, raw, verdict, None, image, {}, None, None)


def run_routine(frames: Iterable[tuple[PoseFrame, NDArray[np.uint8] | None]], runner: RoutineRunner,
                sinks: Iterable[Sink] = (), on_frame: Callable[[], None] | None = None) -> list[SetResult]:
    """Drive ``runner`` over (frame, image) items, feeding every sample to
    ``sinks`` (closed at the end with the last set's summary, or an empty
    one when there was no set)."""
    sink_list = list(sinks)
    ok = False
    try:
        for raw, image in frames:
            for sample in runner.push(raw, image):
                for s in sink_list:
                    s.on_sample(sample)
            if on_frame is not None:
                on_frame()
        for sample in runner.finish():
            for s in sink_list:
                s.on_sample(sample)
        ok = True
    finally:
        if not ok:
            runner.close_all()
        last = runner.sets[-1].summary if runner.sets else None
        failed: Exception | None = None
        for s in sink_list:  # every sink is closed, even when one fails (the first failure is raised after)
            try:
                s.close(last)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - close the others, then raise it
                failed = failed or exc
        if failed is not None and sys.exc_info()[1] is None:
            raise failed
    return runner.sets


class _RoutinePolicy:
    """Mute for the live loop's ``m`` key: passed on to every set's policy."""

    def __init__(self, runner: RoutineRunner) -> None:
        self.runner = runner
        self.muted = False

    def set_muted(self, muted: bool) -> None:
        self.muted = bool(muted)
        self.runner.muted = self.muted


ANNOUNCE_CUE = "recognition"
"""The ``kind`` of the cue that says a set was recognised or has ended."""


def recognised_text(exercise: str) -> str:
    """``Recognised: a plank`` (the words from the exercise's spec)."""
    return f"Recognised: {called(exercise)}"


def ended_text(exercise: str) -> str:
    """``Set done: a plank``."""
    return f"Set done: {called(exercise)}"


class LiveRoutine:
    """A :class:`RoutineRunner` (``lag_s=0``) behind the interface the live
    loop drives (:class:`~coach.pipeline.Pipeline`'s ``step``, ``reset``,
    ``summary`` and ``policy``): the loop shows each frame's sample as it
    comes; the sets are in :attr:`sets` once :meth:`summary` has ended the
    run.

    When a set is recognised, and when it ends, the frame the recognizer
    decides it on carries that news as its cue ("Recognised: a plank",
    "Set done: a plank"; shown, and spoken unless muted), said before
    anything else on that frame, as the mismatch warning is; ``say`` gets
    one line for each (stderr)."""

    def __init__(self, runner: RoutineRunner, say: Callable[[str], None] | None = None) -> None:
        if runner.lag_s != 0.0:
            raise ValueError("the live coach needs a routine runner without lag")
        self.runner = runner
        self.policy = _RoutinePolicy(runner)
        self.say = say
        self.announced: list[tuple[float, str]] = []
        """(frame time, words) of every announcement, in order."""
        self._opened = 0

    def step(self, raw: PoseFrame, image: NDArray[np.uint8] | None = None) -> Sample:
        out = self.runner.push(raw, image)
        sample = out[-1] if out else rest_sample(raw, image)
        rec = self.runner.last_recognition
        if rec is None or (rec.opened is None and rec.closed is None):
            return sample
        words = []
        if rec.closed is not None:
            words.append(self._announce(raw.t, ended_text(rec.closed.exercise), self._opened))
        if rec.opened is not None:
            self._opened += 1
            words.append(self._announce(raw.t, recognised_text(rec.opened.exercise), self._opened))
        cue = Cue(sample.verdict.t, words[-1], ANNOUNCE_CUE, spoken=not self.policy.muted)
        return replace(sample, cue=cue)

    def _announce(self, t: float, text: str, index: int) -> str:
        self.announced.append((t, text))
        if self.say is not None:
            self.say(f"coach: {text} (set {index}, at {t:.1f} s)")
        return text

    def reset(self) -> None:
        """The loop resets before the first frame; nothing to forget then."""
        if self.runner.frames:
            raise ValueError("a routine cannot be restarted")

    def summary(self) -> SetSummary | None:
        self.runner.finish()
        return self.runner.sets[-1].summary if self.runner.sets else None

    @property
    def sets(self) -> list[SetResult]:
        return self.runner.sets
