"""The lift coach's state machine (see :mod:`exercises.lift`)."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import replace
from typing import ClassVar

from coach import geometry as geo
from coach.aspect import AspectEstimator, aspect_note
from coach.debounce import Hysteresis
from coach.exercise import NOT_VISIBLE, FaultEvent, FrameVerdict, RepRecord, SetSummary
from coach.landmarks import Side, other_side, sided
from coach.pose import PoseFrame
from coach.registry import register
from coach.spec import ExerciseSpec
from exercises._base import AnalyzerBase, fault_landmarks
from exercises._sides import SideScorer
from exercises.lift import measures as m
from exercises.lift.config import (
    ASCENDING,
    ASSUMPTIONS,
    BACK_ROUNDED,
    BOTTOM,
    BRACE_CUE,
    DESCENDING,
    DISCLAIMER,
    FAULT_PRIORITY,
    KNEES_STRAIGHT,
    LIFT_PHASES,
    LIFT_TYPE_CODES,
    LOAD_FAR,
    SPEC,
    STANDING,
    TWISTING,
    VIEW_FRONT,
    VIEW_OBLIQUE,
    VIEW_SIDE,
    VIEW_UNKNOWN,
    LiftConfig,
)
from exercises.lift.measuring import LiftMeasuring
from exercises.lift.state import (
    _L,
    _Baselines,
    _Frame,
    _LiftTrack,
    _Measures,
    _quantile,
    _SlidingMax,
    _TimedMedian,
)

_SIDE_SCORE = SideScorer(("shoulder", "hip", "knee", "ankle"))
"""The near side's evidence, as the floor exercises score it."""


@register(SPEC)
class LiftAnalyzer(LiftMeasuring, AnalyzerBase):
    """Streaming lift coach (see the module docstring)."""

    name: ClassVar[str] = "lift"
    SPEC: ClassVar[ExerciseSpec] = SPEC

    def __init__(
        self, config: LiftConfig | None = None, target: float | None = None, load_kg: float | None = None,
        stature_m: float | None = None,
    ) -> None:
        if target is not None and not (math.isfinite(target) and target > 0):
            raise ValueError(f"target must be a positive number of lifts, got {target!r}")
        if load_kg is not None and not (math.isfinite(load_kg) and load_kg > 0):
            raise ValueError(f"load_kg must be a positive weight, got {load_kg!r}")
        self.config = config or LiftConfig()
        if stature_m is not None:  # the person's height (coach profile)
            self.config = replace(self.config, stature_m=stature_m)
        self.target = target
        self.load_kg = load_kg
        c = self.config
        super().__init__(c)
        self._h_knee = Hysteresis(c.stoop_knee_max_deg, c.stoop_knee_off_deg, rising=False)
        self._h_stoop_trunk = Hysteresis(c.stoop_trunk_deg, c.stoop_trunk_off_deg)
        self._h_trunk = Hysteresis(c.trunk_flexion_max_deg, c.trunk_flexion_off_deg)
        self._h_far = Hysteresis(c.load_far_h_frac, c.load_far_off_h_frac)
        self._h_twist = Hysteresis(c.twist_max_deg, c.twist_off_deg)
        self._h_twist_proxy = Hysteresis(c.twist_proxy_deg, c.twist_proxy_off_deg)
        self._reset_state()

    # -- protocol ----------------------------------------------------------------
    def _gap_s(self) -> float:
        return self.config.max_frame_gap_s

    def _reset_state(self) -> None:
        for h in (self._h_knee, self._h_stoop_trunk, self._h_trunk, self._h_far, self._h_twist,
                  self._h_twist_proxy):
            h.reset()
        self._phase = STANDING
        self._count = 0
        self._items: list[RepRecord] = []
        self._lift_types: list[str] = []
        self._track: _LiftTrack | None = None
        self._base = _Baselines()
        self._side: Side = "left"
        self._view = VIEW_UNKNOWN
        self._view_counts: dict[str, int] = {}
        self._last_visible_t: float | None = None
        self._anchor: tuple[float, float] | None = None
        self._jump_run: list[tuple[float, float]] = []
        self._jump_t0 = 0.0
        self._carry_until = -math.inf
        self._world_frames = 0
        self._rest_t: float | None = None
        self._aspect = AspectEstimator(self.config.aspect)
        self._x_scale = 1.0
        self._dt = 0.0
        self._clear_filters()

    def _clear_filters(self) -> None:
        c = self.config
        self._med_below = _TimedMedian(c.median_window_s)
        self._med_trunk = _TimedMedian(c.median_window_s)
        self._med_seg_trunk = _TimedMedian(c.median_window_s)
        self._med_knee = _TimedMedian(c.median_window_s)
        self._med_height = _TimedMedian(c.median_window_s)
        self._height_max = _SlidingMax(c.height_window_s)
        self._height_ref = math.nan  # the highest recent shoulder height (views without flexion)
        self._at_load = False  # hands at the load (hysteresis state)
        self._knee_seen: tuple[float, float] | None = None  # (t, image y) of the knees last seen
        self._floor_seen = math.nan  # image y of the floor (lower ankle) last seen
        self._legs_seen_t: float | None = None  # when the judged side's knee and ankle were last seen
        self._hist_feet: deque[tuple[float, float, float, float]] = deque()
        self._scale_s = math.nan  # smoothed 2D stature while standing
        self._width_scale = math.nan  # smoothed hip-width stature estimate (front view)
        self._lift_scale = math.nan  # 2D stature for the lift in progress
        self._rest_scale = math.nan  # 2D stature at the last rest (upright, feet still)
        self._was_still = False  # the feet were still on the previous judged frame

    def _on_frame(self, frame: PoseFrame, t: float, dt: float) -> FrameVerdict:
        c = self.config
        self._dt = min(max(dt, 0.0), c.max_frame_gap_s)

        f = _Frame.of(frame)
        side = self._choose_side(f)
        if not self._key_visible(f, side, t):
            if not self._key_visible(f, other_side(side), t):
                return self._not_visible(t, side)
            # one leg or arm hidden, the other side fully seen (a front view):
            # measure from that side for this frame
            side = other_side(side)

        if c.guess_aspect and frame.aspect == 1.0:
            self._guess_aspect(f, side)
        meas = self._measure(f, side, t)
        if not math.isfinite(meas.scale) or meas.scale <= 0 or not math.isfinite(meas.hands_below):
            return self._not_visible(t, side)
        if self._is_jump(meas, t):
            return self._unjudged(t, side, ("tracking_jump",))
        if meas.legs_seen:
            self._legs_seen_t = t

        self._filter(meas, t)
        meas.still, meas.moving = self._feet_still(meas, t)
        self._was_still = meas.still
        self._clock.mark_seen()
        self._last_visible_t = t
        self._nv.update(t, ())
        if meas.world_ok:
            self._world_frames += 1
        upright = self._upright(meas)
        self._update_view(meas, upright is True)
        brace = self._step_phase(meas, t, upright)
        raw = self._raw_faults(meas, t)
        faults = self._faults.update(t, raw)
        if self._track is not None:
            self._track.faults.update(faults)
        self._view_counts[self._view] = self._view_counts.get(self._view, 0) + 1

        # a fault's cue while it is reported; "Brace your core" only on the
        # frame a lift from standing at rest begins, and never over a fault
        cue: str | None = SPEC.cue(faults[0]) if faults else (BRACE_CUE if brace else None)
        return FrameVerdict(
            t=t,
            phase=self._phase,
            faults=faults,
            reps=self._count,
            hold_s=0.0,
            visible=True,
            cue=cue,
            side=side,
            metrics=self._metrics(meas),
            warnings=self._faults.pending(),
            fault_joints=fault_landmarks(SPEC, faults, side),
            item_good=self._take_item_flag(),
        )

    def summary(self) -> SetSummary:
        c = self.config
        now = self._clock.last
        events: list[FaultEvent] = list(self._faults.events(now)) + list(self._nv.events(now))
        events.sort(key=lambda e: (e.start, e.code))
        scores = [it.score for it in self._items]
        score = sum(scores) / len(scores) if scores else 0.0
        duration = self.duration_s
        world = self._world_frames > 0
        assumptions = list(ASSUMPTIONS)
        if c.stature_m is not None:
            stature_source = f"profile {c.stature_m:.2f} m"
            assumptions.append(f"Stature {c.stature_m:.2f} m from your profile: h_cm and v_cm use it.")
        elif world:
            stature_source = "world landmarks"
        else:
            stature_source = f"assumed {c.assumed_stature_m:.2f} m"
            assumptions.append(
                f"Stature assumed {c.assumed_stature_m:.2f} m, the default (no world landmarks, no profile "
                "height: set yours with coach profile --height): h_cm and v_cm are estimates."
            )
        if self.load_kg is None:
            assumptions.append("Load weight unknown: no lifting index (pass load_kg to get LI = load / RWL).")
        view = max(self._view_counts.items(), key=lambda kv: kv[1])[0] if self._view_counts else VIEW_UNKNOWN
        extra: dict[str, object] = {
            "view": view,
            "view_frames": dict(self._view_counts),
            "judged": self._judged_description(view, world),
            "lift_types": list(self._lift_types),
            "lift_type_codes": {k: (None if math.isnan(v) else v) for k, v in LIFT_TYPE_CODES.items()},
            "stature_source": stature_source,
            "x_scale": self._x_scale,
            "aspect": aspect_note(self._aspect_given, self._aspect),
            "assumptions": assumptions,
            "disclaimer": DISCLAIMER,
            "brace": "'Brace your core' is cued before each lift as a reminder; bracing cannot be seen.",
        }
        if self.load_kg is not None:
            extra["load_kg"] = self.load_kg
        if self.target is not None:
            extra["target_completion"] = round(min(1.0, self._count / self.target), 4)
        return SetSummary(
            exercise=self.name,
            reps=self._count,
            hold_s=0.0,
            score=score,
            score_formula=c.score_formula,
            duration_s=duration,
            target=self.target,
            target_unit="lifts",
            items=tuple(self._items),
            fault_events=tuple(events),
            visible_fraction=self.visible_fraction,
            extra=extra,
        )

    def _filter(self, meas: _Measures, t: float) -> None:
        """Median over the last ``median_window_s`` of the segmentation
        signals; the running maximum of the shoulder height (views without
        flexion)."""
        meas.below_s = self._med_below.push(t, meas.hands_below)
        if math.isfinite(meas.trunk):
            meas.trunk_s = self._med_trunk.push(t, meas.trunk)
        else:
            self._med_trunk.clear()  # the view no longer shows flexion
        if math.isfinite(meas.seg_trunk):
            meas.seg_trunk_s = self._med_seg_trunk.push(t, meas.seg_trunk)
        else:
            self._med_seg_trunk.clear()
        meas.seg_knee_s = self._med_knee.push(t, meas.seg_knee)
        meas.height_s = self._med_height.push(t, meas.height_img)
        self._height_ref = self._height_max.push(t, meas.height_s)

    def _feet_still(self, meas: _Measures, t: float) -> tuple[bool, bool]:
        """(still, moving): the feet planted and the body size steady over
        the last ``still_window_s``; the feet seen moving (the size alone is
        not movement: bending foreshortens the segment chain in an oblique
        view). Neither while the window is not yet filled or the feet are
        hidden."""
        c = self.config
        x, y = meas.feet_2d
        scale = meas.scale_img
        hist = self._hist_feet
        if not geo.finite(x, y, scale) or scale <= 0:
            hist.clear()
            return False, False
        while hist and (t - hist[0][0] > c.still_window_s or t < hist[0][0]):
            hist.popleft()
        hist.append((t, x, y, scale))
        if t - hist[0][0] < 0.8 * c.still_window_s:
            return False, False  # not enough history yet
        limit = c.feet_still_max * scale
        planted = all(math.hypot(h[1] - x, h[2] - y) <= limit for h in hist)
        sizes = [h[3] for h in hist]
        steady = max(sizes) <= (1.0 + c.size_still_max) * min(sizes)
        return planted and steady, not planted

    # -- seeing ----------------------------------------------------------------------
    def _choose_side(self, f: _Frame) -> Side:
        if self._track is not None:
            return self._side
        cur, oth = self._side, other_side(self._side)
        score = _SIDE_SCORE(f.vis, f.z)
        if score[oth] > score[cur] + self.config.side_switch_margin:
            self._side = oth
        return self._side

    def _key_visible(self, f: _Frame, side: Side, t: float) -> bool:
        """Shoulder, hip and a wrist must be seen to segment a lift. The
        knee and ankle are needed too, except while the load hides them:
        during a lift in which they were seen, or within ``knee_memory_s``
        of when they were last seen (a body that is never seen below the
        hips, cut off by the framing, is never judged)."""
        th = self.config.min_visibility
        for joint in ("shoulder", "hip"):
            if not f.seen(sided(side, joint), th):
                return False
        if not (f.seen(_L.LEFT_WRIST, th) or f.seen(_L.RIGHT_WRIST, th)):
            return False
        if f.seen(sided(side, "knee"), th) and f.seen(sided(side, "ankle"), th):
            return True
        last = self._legs_seen_t
        if last is None:
            return False
        tr = self._track
        return (tr is not None and last >= tr.start) or t - last <= self.config.knee_memory_s

    def _not_visible(self, t: float, side: Side) -> FrameVerdict:
        faults = self._nv.update(t, (NOT_VISIBLE,))
        self._lost(t)
        return FrameVerdict(
            t=t, phase=self._phase, faults=faults, reps=self._count, hold_s=0.0,
            visible=False, cue=SPEC.cue(NOT_VISIBLE) if faults else None, side=side,
            warnings=() if faults else (NOT_VISIBLE,),
        )

    def _unjudged(self, t: float, side: Side, warnings: tuple[str, ...]) -> FrameVerdict:
        self._lost(t)
        return FrameVerdict(t=t, phase=self._phase, faults=(), reps=self._count, hold_s=0.0,
                            visible=False, cue=None, side=side, warnings=warnings)

    def _lost(self, t: float) -> None:
        """A frame that cannot be judged: the lift in progress is dropped
        when too much of it goes unseen."""
        tr = self._track
        if tr is not None:
            tr.frames += tr.at_load_seen
            if t - tr.last_seen_t > self.config.lost_reset_s:
                self._abort(t)
        last = self._last_visible_t
        if last is not None and t - last > self.config.lost_reset_s:
            self._faults.clear_all(last)

    def _on_gap(self, t_last: float, t_now: float) -> None:
        """Time jumped back or a gap longer than ``max_frame_gap_s``."""
        if self._track is not None:
            self._abort(t_now)
        self._faults.clear_all(t_last)
        self._base = _Baselines()  # stale after a gap: learn standing again
        self._clear_filters()
        self._anchor = None
        self._jump_run.clear()

    def _abort(self, t: float) -> None:
        self._track = None
        self._phase = STANDING
        for h in (self._h_far, self._h_twist, self._h_twist_proxy):
            h.reset()

    def _is_jump(self, meas: _Measures, t: float) -> bool:
        """A hip jump faster than any body movement is a tracking glitch;
        it becomes the new normal once it persists."""
        c = self.config
        p = meas.hip_2d
        scale = meas.scale_2d if math.isfinite(meas.scale_2d) else meas.scale_img
        if not (geo.finite(p[0], p[1], scale) and scale > 0):
            return False
        last_t = self._last_visible_t
        if self._anchor is None or last_t is None:
            self._anchor = p
            return False
        dt = min(max(t - last_t, 1.0 / 60.0), c.max_frame_gap_s)
        limit = (c.jump_speed * dt + c.jump_slack) * scale
        if math.dist(p, self._anchor) <= limit:
            self._anchor = p
            self._jump_run.clear()
            return False
        if self._jump_run and math.dist(p, self._jump_run[-1]) > limit:
            self._jump_run.clear()
        if not self._jump_run:
            self._jump_t0 = t
        self._jump_run.append(p)
        if t - self._jump_t0 >= c.jump_confirm_s:
            self._anchor = p
            self._jump_run.clear()
            if self._track is not None:
                self._abort(t)
            return False
        return True

    # -- state machine -------------------------------------------------------------------
    def _upright(self, meas: _Measures) -> bool | None:
        """Standing upright, from this frame's body alone (no learned
        baseline): the hands well above the knees; the trunk near vertical
        and the straighter knee nearly straight (where the angles can be
        read); in views without flexion (2D front, oblique) the shoulders
        also near the highest they have recently been
        (:attr:`LiftConfig.upright_height_frac`). None when it cannot be
        told."""
        c = self.config
        if not math.isfinite(meas.below_s):
            return None
        if meas.below_s > -c.upright_hand_above:
            return False
        known = False
        if math.isfinite(meas.seg_trunk_s):
            if meas.seg_trunk_s > c.upright_trunk_deg:
                return False
            if math.isfinite(meas.seg_knee_s) and meas.seg_knee_s > c.upright_knee_deg:
                return False
            known = True
        if not math.isfinite(meas.trunk) and geo.finite(meas.height_s, self._height_ref) and self._height_ref > 0:
            if meas.height_s < c.upright_height_frac * self._height_ref:
                return False
            known = True
        return True if known else None

    def _bent(self, meas: _Measures) -> bool:
        """Bending down (a descent starts): the trunk past ``bend_trunk_deg``
        or the straighter knee past ``bend_knee_deg`` (where the angles can
        be read), or in views without flexion the shoulders below
        ``bend_height_frac`` of their recent highest."""
        c = self.config
        if math.isfinite(meas.seg_trunk_s) and meas.seg_trunk_s >= c.bend_trunk_deg:
            return True
        if math.isfinite(meas.seg_knee_s) and meas.seg_knee_s >= c.bend_knee_deg:
            return True
        return (not math.isfinite(meas.trunk) and geo.finite(meas.height_s, self._height_ref)
                and meas.height_s < c.bend_height_frac * self._height_ref)

    def _update_at_load(self, meas: _Measures) -> bool:
        """The hands at the load: at or below knee height (hysteresis
        ``at_load_below`` / ``at_load_off``). Entering also needs the trunk
        bent where the view measures flexion (not someone seated with the
        arms hanging beside the chair); the image angle of an oblique 2D
        view reads too low for that (a deep squat turned to the side reads
        ~17 deg)."""
        c = self.config
        below = meas.below_s
        if not math.isfinite(below):
            return self._at_load
        if self._at_load:
            self._at_load = below >= -c.at_load_off
        elif below >= c.at_load_below:
            self._at_load = not (math.isfinite(meas.trunk_s) and meas.trunk_s < c.bend_trunk_deg)
        return self._at_load

    def _step_phase(self, meas: _Measures, t: float, upright: bool | None) -> bool:
        """Advance the lift state machine; True on the frame a lift from
        standing at rest begins (when "Brace your core" is cued).

        A lift is counted when the hands go from the load (below the knees)
        to standing upright, whatever the state the recording started in:

        * ``standing`` -> ``descending`` when the body bends down (trunk past
          ``bend_trunk_deg`` or knees past ``bend_knee_deg``) and is not
          upright, the feet not moving;
        * ``standing`` or ``descending`` -> ``bottom`` when the hands reach
          the load;
        * ``bottom`` -> ``ascending`` when they rise ``ascend_rise`` above
          their lowest or leave the load; back to ``bottom`` if they go down
          to their lowest again (a re-grip);
        * any lift phase -> ``standing`` when upright: counted when the hands
          stayed at the load ``at_load_min_s`` and the lift was seen, else
          dropped (a bend that came back up without reaching the load).
        """
        c = self.config
        at_load = self._update_at_load(meas)
        tr = self._track
        if tr is None:
            if upright and meas.still:
                self._rest_t = t  # the lift, if one follows, starts after this
                self._rest_scale = meas.scale_img
                self._learn_baselines(meas)
            if not at_load and not (upright is False and self._bent(meas)):
                return False
            recent = self._rest_t is not None and t - self._rest_t <= c.rest_window_s
            if meas.moving and not recent:
                return False  # walking: no lift starts (a bend from rest may shift the feet in the image)
            start = self._rest_t if recent and self._rest_t is not None else t
            self._lift_scale = self._rest_scale if recent and math.isfinite(self._rest_scale) else meas.scale_img
            tr = _LiftTrack(start=start, side=self._side, view=self._view, from_rest=recent, last_seen_t=t,
                            feet0=meas.feet_2d, rest_scale=self._rest_scale if recent else math.nan)
            self._track = tr
            self._phase = BOTTOM if at_load else DESCENDING
            self._accumulate(meas, t, at_load)
            return recent

        self._accumulate(meas, t, at_load)
        if t - tr.start > c.max_lift_s or self._walked(meas, tr):
            self._abort(t)
            return False
        if upright:
            if tr.reached:
                self._finish(meas, t, tr)
            else:
                self._abort(t)  # came back up without reaching the load: not a lift
            return False
        rise = tr.max_below - meas.below_s
        if self._phase == DESCENDING:
            if at_load:
                self._phase = BOTTOM
        elif self._phase == BOTTOM:
            if not at_load or rise >= c.ascend_rise:
                self._phase = ASCENDING
        elif self._phase == ASCENDING and at_load and rise < c.bottom_rise:
            self._phase = BOTTOM  # went down again (re-grip)
        return False

    def _walked(self, meas: _Measures, tr: _LiftTrack) -> bool:
        """The feet moved off, or the body came toward or went away from the
        camera: not a lift in place."""
        c = self.config
        scale = self._lift_scale
        if not (math.isfinite(scale) and scale > 0):
            return False
        if geo.finite(*meas.feet_2d):
            if not geo.finite(*tr.feet0):
                tr.feet0 = meas.feet_2d
            elif math.dist(meas.feet_2d, tr.feet0) > c.feet_moved_max * scale:
                return True
        if not math.isfinite(tr.rest_scale):
            return False
        by_width = math.isfinite(self._width_scale)
        size = self._width_scale if by_width else meas.scale_2d
        grew = size / tr.rest_scale if math.isfinite(size) else 1.0
        # the segment chain legitimately shortens while bending (oblique
        # view), so without the hip width only growth is a sign of walking
        shrank = by_width and grew < 1.0 / c.size_moved_max
        return grew > c.size_moved_max or shrank

    def _learn_baselines(self, meas: _Measures) -> None:
        """Standing upright with the feet still: the frontal widths (front
        view body size and twist reference) and the floor line."""
        c = self.config
        b = self._base
        a = self._alpha(c.baseline_tau_s)
        dt = self._dt
        # the body's widths are learned only while it faces the camera with
        # both hips seen (a turn or a side view would teach edge-on widths)
        facing = math.isfinite(meas.yaw) and meas.yaw < c.front_yaw_max_deg and meas.hips_seen
        if facing and math.isfinite(meas.scale_2d) and math.isfinite(meas.width_2d) and meas.scale_2d > 1e-9:
            b.ema("width_k", meas.width_2d / meas.scale_2d, a, dt)
        if facing or self._view == VIEW_OBLIQUE:
            b.ema("width_q", meas.width_q, a, dt)
        b.ema("floor_2d", meas.floor_2d, a, dt)

    def _accumulate(self, meas: _Measures, t: float, at_load: bool) -> None:
        c = self.config
        tr = self._track
        if tr is None:
            return
        tr.last_seen_t = t
        tr.at_load_seen = tr.at_load_seen or at_load
        tr.frames += tr.at_load_seen
        tr.seen += tr.at_load_seen
        if at_load:
            if tr.load_since is None:
                tr.load_since = t
            if t - tr.load_since >= c.at_load_min_s:
                tr.reached = True
        else:
            tr.load_since = None
        if math.isfinite(meas.below_s):
            tr.max_below = max(tr.max_below, meas.below_s)
        if math.isfinite(meas.hand_h):
            tr.min_hand = min(tr.min_hand, meas.hand_h)
        tr.samples.append((meas.below_s, meas.knee, meas.hip, meas.h_frac, meas.h_cm, meas.v_cm))
        tr.note("trunk_max", meas.trunk_s)
        tr.note("twist_max", meas.twist)
        tr.note("h_frac_max", meas.h_frac)

    def _finish(self, meas: _Measures, t: float, tr: _LiftTrack) -> None:
        c = self.config
        self._phase = STANDING
        self._track = None
        self._carry_until = t + c.carry_window_s
        valid = (
            tr.reached
            and t - tr.start >= c.min_lift_s
            and tr.seen >= c.min_seen_fraction * max(tr.frames, 1)
        )
        if not valid:
            return
        self._count += 1
        rec = self._record(meas, t, tr)
        self._items.append(rec)
        self._item_done(rec.good)

    def _record(self, end: _Measures, t: float, tr: _LiftTrack) -> RepRecord:
        """The lift's record. "At the bottom" means the frames in which the
        hands were within ``bottom_rise`` of their lowest point below the
        knees (the load's origin in NIOSH terms); medians there are robust to landmark jitter,
        and the knee flexion there is summarised by its lower quartile (a
        robust minimum: the straightest the knees were at the bottom)."""
        c = self.config
        near = [smp for smp in tr.samples if smp[0] >= tr.max_below - c.bottom_rise]
        knee_bottom = _quantile([smp[1] for smp in near], 0.25)
        hip_bottom = _quantile([smp[2] for smp in near], 0.5)
        ratio = m.hip_knee_ratio(hip_bottom, _quantile([smp[1] for smp in near], 0.5), c.ratio_knee_floor_deg)
        bot = _Measures(h_frac=_quantile([smp[3] for smp in near], 0.5), h_cm=_quantile([smp[4] for smp in near], 0.5),
                        v_cm=_quantile([smp[5] for smp in near], 0.5), hip=hip_bottom, ratio=ratio)
        lift_type = m.classify_lift(
            knee_bottom, bot.ratio,
            stoop_knee_max_deg=c.stoop_knee_max_deg, stoop_ratio_min=c.stoop_ratio_min,
            squat_knee_min_deg=c.squat_knee_min_deg, squat_ratio_max=c.squat_ratio_max,
        )
        hm = m.horizontal_multiplier(bot.h_cm, c.h_min_cm, c.h_max_cm)
        vm = m.vertical_multiplier(bot.v_cm, c.v_opt_cm, c.vm_slope_per_cm, c.v_max_cm)
        d_cm = end.v_cm - bot.v_cm
        dm = m.distance_multiplier(d_cm, c.d_min_cm, c.d_max_cm, c.dm_constant, c.dm_coefficient_cm)
        am = m.asymmetric_multiplier(tr.twist_max, c.am_slope_per_deg, c.am_max_deg)
        if not math.isfinite(am):
            am = 1.0  # asymmetry unseen in this view: assumed symmetric
        product = hm * vm * dm * am
        risk = 1.0 - product if math.isfinite(product) else math.nan
        faults = tuple(code for code in FAULT_PRIORITY if code in tr.faults)
        score = max(0.0, 100.0 - sum(c.penalty(code) for code in faults))
        measures: dict[str, float] = {
            "trunk_flexion_max": tr.trunk_max,
            "knee_flexion_min_at_bottom": knee_bottom,
            "hip_flexion_at_bottom": bot.hip,
            "hip_knee_ratio": bot.ratio,
            "h_frac": bot.h_frac,
            "h_frac_max": tr.h_frac_max,
            "h_cm": bot.h_cm,
            "hm": hm,
            "v_cm": bot.v_cm,
            "vm": vm,
            "d_cm": d_cm,
            "dm": dm,
            "am": am,
            "twist_max": tr.twist_max,
            "lowest_hand_h": tr.min_hand if math.isfinite(tr.min_hand) else math.nan,
            "hands_below_knees_max": tr.max_below,
            "lift_type": LIFT_TYPE_CODES[lift_type],
            "risk_index": risk,
        }
        if self.load_kg is not None:
            rwl = c.niosh_load_constant_kg * product if math.isfinite(product) else math.nan
            measures["rwl_kg"] = rwl
            if not math.isfinite(rwl):
                measures["lifting_index"] = math.nan
            else:  # RWL = 0 (H > 63 cm): no load is acceptable, LI is unbounded
                measures["lifting_index"] = self.load_kg / rwl if rwl > 0 else math.inf
        self._lift_types.append(lift_type)
        return RepRecord(
            index=self._count,
            kind="lift",
            start=tr.start,
            end=t,
            score=score,
            faults=faults,
            side=tr.side,
            good=not faults,
            measures=measures,
        )

    # -- faults -------------------------------------------------------------------------
    def _raw_faults(self, meas: _Measures, t: float) -> list[str]:
        raw: list[str] = []
        in_lift = self._phase in LIFT_PHASES
        trunk = meas.trunk if math.isfinite(meas.trunk) else math.nan
        if math.isfinite(trunk) and math.isfinite(meas.knee):
            knee_straight = self._h_knee.update(meas.knee)
            trunk_bent = self._h_stoop_trunk.update(trunk)
            if knee_straight and trunk_bent:
                raw.append(KNEES_STRAIGHT)
        else:
            self._h_knee.reset()
            self._h_stoop_trunk.reset()
        # back_rounded: the trunk flexion that the knee bend does not explain
        # (LiftConfig.trunk_flexion_max_deg, squat_trunk_allowance_deg)
        excess = self._unexplained_trunk(meas)
        if math.isfinite(excess):
            if self._h_trunk.update(excess):
                raw.append(BACK_ROUNDED)
        else:
            self._h_trunk.reset()
        if in_lift and math.isfinite(meas.h_frac):
            if self._h_far.update(meas.h_frac):
                raw.append(LOAD_FAR)
        else:
            self._h_far.reset()
        if (in_lift or t <= self._carry_until) and math.isfinite(meas.twist):
            h = self._h_twist_proxy if meas.twist_2d else self._h_twist
            if h.update(meas.twist):
                raw.append(TWISTING)
        else:
            self._h_twist.reset()
            self._h_twist_proxy.reset()
        return raw

    def _unexplained_trunk(self, meas: _Measures) -> float:
        """Trunk flexion minus the allowance of the knee bend (the judged
        side's knee, else the other seen knee; none seen: the full allowance)."""
        c = self.config
        knee = meas.knee if math.isfinite(meas.knee) else meas.seg_knee if meas.source_world or \
            self._view == VIEW_SIDE else math.nan
        return m.unexplained_trunk_flexion(meas.trunk, knee, c.allowance_knee_start_deg, c.allowance_knee_full_deg,
                                           c.squat_trunk_allowance_deg)

    def _metrics(self, meas: _Measures) -> dict[str, float]:
        return {
            "trunk_flexion": meas.trunk,
            "trunk_flexion_unexplained": self._unexplained_trunk(meas),
            "hands_below_knees": meas.hands_below,
            "knee_flexion_left": meas.knee_l,
            "knee_flexion_right": meas.knee_r,
            "knee_flexion": meas.knee,
            "hip_flexion": meas.hip,
            "hip_knee_ratio": meas.ratio,
            "h_frac": meas.h_frac,
            "h_cm": meas.h_cm,
            "v_cm": meas.v_cm,
            "twist": meas.twist,
            "hand_height": meas.hand_h,
            "shoulder_height": meas.shoulder_h,
            "view_yaw": meas.yaw,
        }

    def _judged_description(self, view: str, world: bool) -> dict[str, bool]:
        flex = world or view == VIEW_SIDE
        twist = world or view in (VIEW_FRONT, VIEW_OBLIQUE)
        return {KNEES_STRAIGHT: flex, BACK_ROUNDED: flex, LOAD_FAR: flex, TWISTING: twist}
