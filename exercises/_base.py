"""The one analyzer base every exercise subclasses.

:class:`AnalyzerBase` owns what is the same for every exercise, so each
exercise module holds only its measures, its state machine and its summary:

* the **clock** (:class:`Clock`): the first and last timestamps, frames
  seen and judged, duplicate or backward timestamps and long gaps (what
  happened in a gap was not seen, so the exercise abandons what was in
  progress: :meth:`AnalyzerBase._on_gap`);
* the **fault debouncers** built from the exercise's
  :class:`~coach.spec.ExerciseSpec` (its priority order) and config (the
  on/off times), and the fault events of the set;
* the **words and colours** of faults, read from the spec
  (:meth:`AnalyzerBase.fault_cue`, :func:`fault_landmarks`).

The hooks are abstract: an exercise that forgets one fails when it is
built, not on its first frame. The clock policy is the subclass's to state
(:attr:`AnalyzerBase.BACKWARD_TIME_RESTARTS`, :meth:`AnalyzerBase._gap_s`),
with its reason in the exercise family's config.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from coach.baseline import Baseline, BaselineCollector, personalise, progress, thresholds
from coach.debounce import FaultDebouncer
from coach.exercise import NOT_VISIBLE, FaultEvent, FrameVerdict, SetSummary
from coach.landmarks import Landmark, Side, sided
from coach.pose import PoseFrame
from coach.spec import ExerciseSpec

C = TypeVar("C")


class DebounceConfig(Protocol):
    """The config fields the base reads (every exercise config has them)."""

    @property
    def fault_on_s(self) -> float: ...
    @property
    def fault_off_s(self) -> float: ...
    @property
    def not_visible_on_s(self) -> float: ...
    @property
    def not_visible_off_s(self) -> float: ...


def fault_landmarks(spec: ExerciseSpec, faults: Sequence[str], side: Side) -> tuple[Landmark, ...]:
    """The landmarks to colour for ``faults`` (the spec's joints per fault:
    a landmark name such as ``left_hip`` as it is, a sided joint name such
    as ``hip`` on the judged ``side``), in fault order, without repeats."""
    out: list[Landmark] = []
    for code in faults:
        f = spec.fault(code)
        for name in (f.joints if f is not None else ()):
            key = name.upper()
            lm = Landmark[key] if key in Landmark.__members__ else sided(side, name)
            if lm not in out:
                out.append(lm)
    return tuple(out)


class Clock:
    """Time as an analyzer sees it.

    ``tick(t_in)`` returns ``(t, dt, gap_from)``: the time to judge the frame
    at, the time since the last frame, and the last frame's time when a gap
    (or, if ``backward_restarts``, time running backwards) lies between
    them (else None). With ``backward_restarts`` False, a duplicate or
    backward timestamp makes time stand still (``t`` is the last time)."""

    __slots__ = ("backward_restarts", "first", "frames", "gap_s", "last", "seen")

    def __init__(self, gap_s: float, backward_restarts: bool) -> None:
        self.gap_s = gap_s
        self.backward_restarts = backward_restarts
        self.reset()

    def reset(self) -> None:
        self.first: float | None = None
        self.last: float | None = None
        self.frames = 0
        self.seen = 0

    def tick(self, t_in: float) -> tuple[float, float, float | None]:
        self.frames += 1
        last = self.last
        if last is None:
            self.first = t_in
            self.last = t_in
            return t_in, 0.0, None
        if self.backward_restarts:
            t = t_in
            dt = t - last
            gap = last if (dt < 0.0 or dt > self.gap_s) else None
        else:
            t = max(t_in, last)
            dt = t - last
            gap = last if dt > self.gap_s else None
        self.last = t
        return t, dt, gap

    def mark_seen(self) -> None:
        """This frame was judged (its key joints were seen)."""
        self.seen += 1

    @property
    def duration_s(self) -> float:
        if self.first is None or self.last is None:
            return 0.0
        return max(0.0, self.last - self.first)

    @property
    def visible_fraction(self) -> float:
        return self.seen / self.frames if self.frames else 0.0


class AnalyzerBase(ABC):
    """Base of every exercise analyzer (the :class:`coach.exercise.ExerciseAnalyzer`
    protocol: ``update``, ``reset``, ``summary``).

    Subclasses set ``name`` and ``SPEC`` and implement :meth:`_on_frame` (one
    frame, after the clock), :meth:`_on_gap`, :meth:`_reset_state`,
    :meth:`_gap_s` and :meth:`summary`."""

    name: ClassVar[str]
    SPEC: ClassVar[ExerciseSpec]
    BACKWARD_TIME_RESTARTS: ClassVar[bool] = False
    """True: a timestamp earlier than the last one is a discontinuity (a
    new clip); False: time stands still until it moves on."""

    baseline: Baseline | None = None
    """The person's calibration this set is judged against (``coach
    calibrate``), None: the exercise's own thresholds only."""

    def __init__(self, config: DebounceConfig) -> None:
        self._faults = FaultDebouncer(config.fault_on_s, config.fault_off_s, self.SPEC.priority)
        self._nv = FaultDebouncer(config.not_visible_on_s, config.not_visible_off_s, (NOT_VISIBLE,))
        self._clock = Clock(self._gap_s(), self.BACKWARD_TIME_RESTARTS)
        self._item_flag: bool | None = None
        self._aspect_given = False
        spec = self.SPEC.baseline
        self._form = BaselineCollector(spec) if spec is not None else None

    def _personal(self, config: C, baseline: Baseline | None) -> C:
        """``config`` fitted to ``baseline`` (the exercise's
        :class:`~coach.baseline.BaselineSpec` rules; a safety limit never
        loosens); ``config`` itself without one. Call before ``__init__``."""
        self._absolute_config: Any = config
        spec = self.SPEC.baseline
        if baseline is None:
            self.baseline = None
            return config
        if spec is None or baseline.exercise != self.name:
            raise ValueError(f"a {baseline.exercise} baseline cannot calibrate {self.name}")
        self.baseline = baseline
        return personalise(config, spec, baseline)

    # -- the protocol ------------------------------------------------------------
    def update(self, frame: PoseFrame) -> FrameVerdict:
        """Consume one (smoothed) frame, return the verdict for it."""
        t, dt, gap_from = self._clock.tick(frame.t)
        if frame.aspect != 1.0:
            self._aspect_given = True  # some frame carried the recording's own aspect
        if gap_from is not None:
            self._on_gap(gap_from, t)
        verdict = self._on_frame(frame, t, dt)
        if self._form is not None:
            self._form.push(verdict)
        return verdict

    def reset(self) -> None:
        """Forget all state; the next frame starts a new set."""
        self._clock.reset()
        self._faults.reset()
        self._nv.reset()
        self._item_flag = None
        self._aspect_given = False
        if self._form is not None:
            self._form = BaselineCollector(self._form.spec)
        self._reset_state()

    @abstractmethod
    def summary(self) -> SetSummary:
        """The set so far (callable at any time, e.g. on quit)."""

    # -- hooks -------------------------------------------------------------------
    @abstractmethod
    def _gap_s(self) -> float:
        """Frames further apart than this are a gap (nothing in it was seen)."""

    @abstractmethod
    def _on_frame(self, frame: PoseFrame, t: float, dt: float) -> FrameVerdict:
        """Judge one frame at clock time ``t``, ``dt`` after the last one."""

    @abstractmethod
    def _on_gap(self, t_last: float, t_now: float) -> None:
        """A gap after ``t_last``: abandon what was in progress."""

    @abstractmethod
    def _reset_state(self) -> None:
        """Forget the exercise's own state (the base has reset its own)."""

    # -- shared helpers ------------------------------------------------------------
    def fault_cue(self, code: str) -> str | None:
        """The correction for a form fault (None for ``not_visible``, whose
        words depend on what is missing)."""
        f = self.SPEC.fault(code)
        return f.cue if f is not None else None

    def _item_done(self, good: bool) -> None:
        """A rep, hold or lift was completed on this frame (clean or not)."""
        self._item_flag = good

    def _take_item_flag(self) -> bool | None:
        """For the verdict: the completed item's cleanliness, once."""
        flag, self._item_flag = self._item_flag, None
        return flag

    def in_priority(self, codes: Iterable[str]) -> tuple[str, ...]:
        """The form-fault ``codes`` in the spec's priority order (``not_visible``
        and unknown codes left out)."""
        wanted = set(codes)
        return tuple(code for code in self.SPEC.fault_codes if code in wanted)

    def faults_during(self, start: float, end: float, now: float | None = None) -> tuple[str, ...]:
        """The form faults reported (debounced) at some time in ``[start,
        end]``, in priority order; open episodes run to ``now`` (default the
        clock's last time)."""
        now = self._clock.last if now is None else now
        return self.in_priority(e.code for e in self._faults.events(now) if e.end >= start and e.start <= end)

    def baseline_extra(self) -> dict[str, Any]:
        """For ``SetSummary.extra``: ``form_measures``, the set's medians of
        its baseline measures over its working frames (so any later
        calibration can be compared with it), and, when judged against a
        baseline, ``baseline``: the calibration, the set against it, and
        each threshold it changed (absolute and personal)."""
        spec, form = self.SPEC.baseline, self._form
        if spec is None or form is None:
            return {}
        measured = form.medians()
        out: dict[str, Any] = {"form_measures": {k: round(v, 4) for k, v in measured.items()}}
        if self.baseline is not None:
            out["baseline"] = {
                **self.baseline.to_json(),
                "progress": progress(spec, self.baseline, measured),
                "thresholds": thresholds(self._absolute_config, self._personal_config(), spec),
            }
        return out

    def _personal_config(self) -> Any:
        """The config the set is judged by (the subclass's ``config``)."""
        return getattr(self, "config", self._absolute_config)

    def fault_landmarks(self, faults: Sequence[str], side: Side) -> tuple[Landmark, ...]:
        return fault_landmarks(self.SPEC, faults, side)

    @property
    def duration_s(self) -> float:
        return self._clock.duration_s

    @property
    def visible_fraction(self) -> float:
        return self._clock.visible_fraction

    def fault_events(self) -> tuple[FaultEvent, ...]:
        """Form-fault then ``not_visible`` episodes of the set so far."""
        now = self._clock.last
        return self._faults.events(now) + self._nv.events(now)
