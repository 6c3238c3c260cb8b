"""Shared machinery of the three floor exercises (plank, hip bridge,
knee-to-chest): their common config (:class:`FloorConfig`) and the per-frame
skeleton (:class:`FloorAnalyzer`) on top of :class:`exercises._base.AnalyzerBase`.

The parts live in small modules, one job each: :mod:`coach.geometry` (scalar
geometry), :mod:`exercises._view` (one frame as floats), :mod:`exercises._filters`
(median and stillness filters), :mod:`exercises._plateau` (the hold timer of a
level), :mod:`exercises._sides` (near side and image aspect),
:mod:`exercises._visibility` (refuse to judge, say what to change) and
:mod:`exercises._scoring`.

Scoring (all three exercises, documented again in each module):
``score = clamp(100 * fraction - deductions, 0, 100)`` where ``fraction`` is
the good reps (or the good hold time) against the target, and
``deductions = fault_deduction`` points for every debounced fault episode
(``not_visible`` excluded: it is the camera, not the form), at most
``max_deduction_per_code`` per fault code.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from coach.aspect import aspect_note
from coach.debounce import Hysteresis
from coach.exercise import NOT_VISIBLE, FrameVerdict
from coach.landmarks import Side
from coach.pose import PoseFrame
from exercises._base import AnalyzerBase
from exercises._scoring import set_score
from exercises._sides import AspectGuess, SideSelector
from exercises._view import View
from exercises._visibility import VisibilityGate, shoulder_width_ratio, visibility_cue


# --------------------------------------------------------------------------
# configuration shared by the floor exercises
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class FloorConfig:
    """Thresholds shared by the floor exercises. Every number has its reason.

    Angles are degrees, distances are in trunk lengths (shoulder to hip, the
    body-size unit that does not change when a limb bends), times seconds.
    """

    # -- visibility ---------------------------------------------------------
    vis_on: float = 0.5
    """A key joint must reach this visibility before coach starts judging:
    0.5 is MediaPipe's own default presence/visibility cut-off."""
    vis_off: float = 0.3
    """...and once judging, keeps judging while the joints stay above this
    (hysteresis). Below 0.3 MediaPipe is guessing the joint (docs/measured.md: hidden
    far-side joints read 0.05-0.35)."""
    frame_margin: float = 0.03
    """A joint predicted more than 3 % of the image outside the picture is
    out of frame, whatever its visibility says (MediaPipe extrapolates joints
    beyond the image edge)."""
    side_on_max_width: float = 0.6
    """Shoulder-to-shoulder distance in the image, in trunk lengths, above
    which the body is not side-on. Side-on, both shoulders project onto the
    same spot (ratio ~0-0.3); facing the camera they are ~0.7-0.8 trunk
    lengths apart (biacromial breadth ~0.2 H vs trunk ~0.29 H, Winter 2009
    anthropometric tables); 0.6 is a 50-55 degree turn."""

    # -- unknown image aspect ------------------------------------------------------
    guess_aspect: bool = True
    """A pose track without its image aspect reads as aspect 1.0; from a
    16:9 video that squashes x by 1.78 and every angle with it (a 90 degree
    knee reads ~60). When a frame says 1.0, the x scale is estimated from the
    body itself (see :class:`AspectGuess`) and snapped to a common camera
    format. Frames that carry another aspect are trusted as they are."""
    aspect_switch_margin: float = 0.05
    """The estimate is snapped to the nearest of 1, 4/3 and 16/9 (29 % apart
    in log terms); it moves to another one only when that is nearer by 5 %,
    so it does not flicker between two. On synthetic bodies with +-4 %
    proportions the estimate falls within -23 %..+7 % of the truth (median
    -5 %), so it lands on the right format or the next one down."""
    aspect_min_weight: float = 5.0
    """Evidence (sum of squared sines of the segments' tilts) needed before
    the estimate is used: ~5 frames of a vertical upper arm or bent knees,
    so even a 0.5 s clip is judged on the corrected scale. Horizontal
    segments alone cannot tell x scale from body size."""

    # -- side choice ----------------------------------------------------------
    side_tau_s: float = 0.6
    """Time constant of the running visibility score per side: the near side
    is chosen from ~0.6 s of evidence, not from one frame."""
    side_switch_margin: float = 0.12
    """The other side must score this much better (mean visibility, 0..1)
    before the judged side switches: a stickiness band well above the
    frame-to-frame jitter of MediaPipe visibility (~0.02-0.05)."""

    # -- robust filtering -----------------------------------------------------
    median_frames: int = 5
    """Each measured angle is the median of the last 5 frames (~0.17 s at
    30 fps): one or two wild frames (a teleporting landmark) cannot move it,
    and it lags a real movement by only ~2 frames."""

    # -- debouncing -----------------------------------------------------------
    fault_on_s: float = 0.3
    """A form fault must persist 0.3 s before it is reported: longer than
    MediaPipe jitter bursts (a few frames), short enough that a plank held
    still for 0.5 s still gets its verdict."""
    fault_off_s: float = 0.4
    """A reported fault clears after 0.4 s without it (hysteresis in time),
    so a fault hovering at its threshold is not re-announced every frame."""
    not_visible_on_s: float = 0.5
    """Key joints must be lost for 0.5 s before ``not_visible`` is reported
    and the user is asked to move: one dropped frame or one joint dipping
    under the visibility cut-off for a moment is MediaPipe, not the user,
    and a "step back" cue for it contradicts what the user sees."""
    not_visible_off_s: float = 0.0
    """...and it clears on the first frame in which they are seen again
    (re-opening already needs visibility ``vis_on``, the hysteresis): a frame
    is either judged or reported ``not_visible``, never both."""

    # -- time -----------------------------------------------------------------
    hold_grace_s: float = 0.5
    """A bad-form or unseen blip shorter than this does not break a
    continuous hold (its time is not counted either)."""
    max_frame_gap_s: float = 0.35
    """Time between two frames counts towards a hold only up to this gap
    (~10 dropped frames at 30 fps); a longer gap was not seen, so it never
    counts."""
    reset_gap_s: float = 1.0
    """A gap between frames longer than this (tracking lost, video paused)
    resets the filters and abandons the rep or hold in progress: what
    happened in the gap was not seen."""

    # -- scoring --------------------------------------------------------------
    fault_deduction: float = 5.0
    """Score points taken off per debounced fault episode."""
    max_deduction_per_code: float = 20.0
    """At most this many points off per fault code, so one recurring fault
    cannot zero a set that was otherwise completed."""


# --------------------------------------------------------------------------
# the analyzer skeleton
# --------------------------------------------------------------------------
@dataclass
class Judgement:
    """What an exercise concludes from one visible frame."""

    phase: str
    raw: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    setup_cue: str | None = None
    side_label: str | None = None


class FloorAnalyzer(AnalyzerBase):
    """Per-frame skeleton of a floor exercise analyzer.

    Subclasses set the class attributes and implement :meth:`_judge` (one
    visible frame: update the state machine, return the phase and the raw
    faults), :meth:`_blind` (a frame that cannot be judged), :meth:`_restart`
    (a long gap: abandon what is in progress), :meth:`_reset_state` and
    :meth:`summary`.
    """

    name: ClassVar[str]
    KEY_JOINTS: ClassVar[tuple[str, ...]]
    """Joints of the judged side that must be seen (never heel/foot_index:
    a 17-landmark COCO track has none)."""
    SIDE_JOINTS: ClassVar[tuple[str, ...]] = ("shoulder", "hip", "knee", "ankle")
    ALLOW_FRONT_VIEW: ClassVar[bool] = False
    SETUP_PHASE: ClassVar[str] = "setup"

    def __init__(self, config: FloorConfig) -> None:
        self._cfg = config
        c = config
        super().__init__(c)
        self._sides = SideSelector(self.SIDE_JOINTS, c.side_tau_s, c.side_switch_margin)
        self._gate = VisibilityGate(self.KEY_JOINTS, c.vis_on, c.vis_off, c.frame_margin)
        self._aspect = AspectGuess(c.aspect_switch_margin, c.aspect_min_weight, c.vis_on)
        self._base_reset()

    # -- bookkeeping -------------------------------------------------------------
    def _gap_s(self) -> float:
        return self._cfg.reset_gap_s

    def _base_reset(self) -> None:
        self._sides.reset()
        self._aspect.reset()
        self._gate.reset()
        self._blind_since: float | None = None
        self._nv_active = False
        self._last_faults: tuple[str, ...] = ()
        self._last_phase = self.SETUP_PHASE
        self._hold_seen = 0.0  # hold time shown on the last seen frame
        self._front_latch = Hysteresis(self._cfg.side_on_max_width, 0.8 * self._cfg.side_on_max_width)

    def reset(self) -> None:
        self._base_reset()
        super().reset()

    # -- hooks -------------------------------------------------------------------
    @abstractmethod
    def _judge(self, view: View, side: Side, t: float, dt: float, front: bool) -> Judgement:
        """One visible frame: update the state machine, return the phase and raw faults."""

    @abstractmethod
    def _blind(self, t: float, dt: float) -> str:
        """A frame that cannot be judged; returns the phase to report."""

    @abstractmethod
    def _restart(self, t_last: float) -> None:
        """A gap longer than ``reset_gap_s`` after ``t_last``."""

    @abstractmethod
    def _hold_total(self) -> float:
        """Good-form hold time so far."""

    @abstractmethod
    def _reps(self) -> int:
        """Completed reps (or holds) so far."""

    def _rescaled(self) -> None:
        """The estimated x scale changed: measures filtered so far are stale."""

    def _side_label(self, side: Side) -> str:
        return side

    def _front_ok(self, view: View) -> bool:
        """In a front view: are the joints needed to judge it seen?"""
        return False

    # -- the per-frame step --------------------------------------------------------
    def _on_frame(self, frame: PoseFrame, t: float, dt: float) -> FrameVerdict:
        c = self._cfg
        t_in = frame.t
        view = View(frame)

        # which side, and seen from where
        side = self._sides.update(view, t, self._gate.usable(view))
        if c.guess_aspect and frame.aspect == 1.0:
            before = self._aspect.scale
            scale = self._aspect.update(view, side)
            if scale != before:
                self._rescaled()
            if scale != 1.0:
                view.rescale(scale, frame.aspect)
        ratio = shoulder_width_ratio(view, c.vis_on, c.frame_margin)
        front = self._front_latch.update(ratio) if math.isfinite(ratio) else False
        if not math.isfinite(ratio):
            self._front_latch.reset()
        if front and self.ALLOW_FRONT_VIEW:
            missing = [] if self._front_ok(view) else ["hip"]
            self._gate.open = not missing
        else:
            missing = self._gate.check(view, side)
            if front and not missing:
                missing = ["front"]
        visible = not missing

        cue: str | None
        warnings: tuple[str, ...]
        if visible:
            self._clock.mark_seen()
            self._blind_since = None
            self._nv.update(t, ())
            self._nv_active = False
            j = self._judge(view, side, t, dt, front)
            faults = self._faults.update(t, j.raw)
            self._last_faults = faults
            phase, metrics, label = j.phase, j.metrics, j.side_label or self._side_label(side)
            warnings = self._faults.pending()
            if faults:
                cue = self.fault_cue(faults[0])
            else:
                cue = self._setup_cue(j.setup_cue, phase)
        else:
            if self._blind_since is None:
                self._blind_since = t
            phase = self._blind(t, dt)
            confirmed = bool(self._nv.update(t, (NOT_VISIBLE,)))
            if confirmed and not self._nv_active:
                # the view is lost: close the form-fault episodes where it was lost
                self._faults.clear_all(self._blind_since)
                self._last_faults = ()
            self._nv_active = confirmed
            metrics, label = {}, self._side_label(side)
            if confirmed:
                faults = (NOT_VISIBLE,)
                warnings = ()
                cue = visibility_cue(view, missing, front)
            else:  # a blip: keep the last verdict, judge nothing, count nothing
                faults = self._last_faults
                warnings = (NOT_VISIBLE,)
                # a blip says nothing new: "step back" only once the joints
                # have stayed missing for not_visible_on_s
                cue = self.fault_cue(faults[0]) if faults else None

        self._last_phase = phase
        return FrameVerdict(
            t=t_in,
            phase=phase,
            faults=faults,
            reps=self._reps(),
            hold_s=self._shown_hold(visible),
            visible=visible,
            cue=cue,
            side=label,
            metrics=metrics,
            warnings=warnings,
            fault_joints=self.fault_landmarks(faults, side),
            item_good=self._take_item_flag(),
        )

    def _setup_cue(self, cue: str | None, phase: str) -> str | None:
        """How to get into position: said in the setup phase until the first
        rep or hold is done. After that the user knows, and setup is the
        rest between items: "Straighten your legs" while resting after a
        plank would contradict the rest."""
        return cue if phase == self.SETUP_PHASE and self._reps() == 0 else None

    def _shown_hold(self, visible: bool) -> float:
        """The hold time to report on this frame.

        Hold time is only ever earned on seen frames, but some of it is
        *confirmed* later: a hold timer withholds its last moments until it
        knows whether they were the start of a release
        (:attr:`PlateauTimer.shown_good_s`), and a hold closed by a long gap
        is finalised on the first frame after the gap, which may well be
        unseen. Time confirmed on an unseen frame is therefore shown from the
        next seen frame on: the reported value never grows on a frame that
        was not seen. :meth:`summary` reports the full total."""
        hold = self._hold_total()
        if visible:
            self._hold_seen = hold
            return hold
        return min(hold, self._hold_seen)

    def _on_gap(self, t_last: float, t_now: float) -> None:
        """A long gap: nothing in it was seen. Close episodes at the last
        frame and abandon whatever was in progress."""
        self._faults.clear_all(t_last)
        self._last_faults = ()
        self._restart(t_last)

    # -- summary helpers -----------------------------------------------------------
    def aspect_note(self) -> str:
        """For the summary: where the image aspect came from."""
        return aspect_note(self._aspect_given, self._aspect.estimator)

    def score(self, fraction: float) -> float:
        c = self._cfg
        return set_score(fraction, self._faults.events(self._clock.last), c.fault_deduction,
                         c.max_deduction_per_code)
