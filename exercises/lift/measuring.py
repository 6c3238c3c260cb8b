"""The lift coach's per-frame measuring (:class:`LiftMeasuring`, mixed into
:class:`exercises.lift.analyzer.LiftAnalyzer`): the view, body size and
heights, angles, H and twist, and the image aspect of a track without one."""

from __future__ import annotations

import math
from collections import deque

from coach import geometry as geo
from coach.aspect import SEGMENT_FRACS, AspectEstimator
from coach.landmarks import Landmark, Side, other_side, sided
from exercises.lift import measures as m
from exercises.lift.config import (
    VIEW_FRONT,
    VIEW_OBLIQUE,
    VIEW_SIDE,
    VIEW_UNKNOWN,
    LiftConfig,
)
from exercises.lift.state import _L, _TRUNK4, _Baselines, _Frame, _LiftTrack, _Measures


class LiftMeasuring:
    """Measuring one frame (a mixin: the state it reads lives in the analyzer,
    which sets every attribute declared here in its ``_reset_state``)."""

    config: LiftConfig
    _base: _Baselines
    _track: _LiftTrack | None
    _phase: str
    _view: str
    _aspect: AspectEstimator
    _x_scale: float
    _anchor: tuple[float, float] | None
    _jump_run: list[tuple[float, float]]
    _hist_feet: deque[tuple[float, float, float, float]]
    _scale_s: float
    _width_scale: float
    _lift_scale: float
    _was_still: bool
    _dt: float
    _knee_seen: tuple[float, float] | None
    _floor_seen: float

    # -- unknown image aspect --------------------------------------------------------------
    @property
    def x_scale(self) -> float:
        """The x scale applied to frames without their aspect (1 until it is
        estimated; see :attr:`LiftConfig.guess_aspect`)."""
        return self._x_scale

    def _guess_aspect(self, f: _Frame, side: Side) -> None:
        """A frame without its aspect: learn the x scale from side-on frames
        (the near side's segments then lie in the image plane) and apply
        the scale to the frame. The scale belongs to the camera, so once
        set it applies in any view."""
        est = self._aspect
        if not est.locked and self._view == VIEW_SIDE:
            th = self.config.min_visibility
            P = f.pts  # aspect 1.0: the raw normalised coordinates
            segs = []
            for j1, j2, r in SEGMENT_FRACS:
                a1, a2 = sided(side, j1), sided(side, j2)
                if f.seen(a1, th) and f.seen(a2, th):
                    segs.append((P[a2][0] - P[a1][0], P[a2][1] - P[a1][1], r))
            est.update(segs)
        scale = est.scale
        if scale != self._x_scale:
            self._rescale_x(scale / self._x_scale)
            self._x_scale = scale
        if scale != 1.0:
            for p in f.pts:
                p[0] *= scale
            f.aspect *= scale

    def _rescale_x(self, ratio: float) -> None:
        """The x scale changed by ``ratio``: stored image positions follow,
        so the change is not mistaken for the feet or hips moving."""
        def sx(p: tuple[float, float]) -> tuple[float, float]:
            return (p[0] * ratio, p[1])

        if self._anchor is not None:
            self._anchor = sx(self._anchor)
        self._jump_run = [sx(p) for p in self._jump_run]
        self._hist_feet = deque((t, x * ratio, y, sc) for t, x, y, sc in self._hist_feet)
        if self._track is not None:
            self._track.feet0 = sx(self._track.feet0)


    # -- measuring ---------------------------------------------------------------------
    def _measure(self, f: _Frame, side: Side, t: float) -> _Measures:
        c = self.config
        th = c.min_visibility
        out = _Measures()
        P = f.pts
        sh, hp, kn, an = (sided(side, j) for j in ("shoulder", "hip", "knee", "ankle"))
        both_trunk = all(f.seen(lm, th) for lm in _TRUNK4)
        wrists = [lm for lm in (_L.LEFT_WRIST, _L.RIGHT_WRIST) if f.seen(lm, th)]
        ankles = [lm for lm in (_L.LEFT_ANKLE, _L.RIGHT_ANKLE) if f.seen(lm, th)]
        knees = [lm for lm in (_L.LEFT_KNEE, _L.RIGHT_KNEE) if f.seen(lm, th)]
        out.legs_seen = f.seen(kn, th) and f.seen(an, th)

        # 2D geometry used for view, scale and jumps: the segment chain only
        # from seen joints (a knee hidden by the load has a guessed position)
        seg2 = (geo.distance(P[sh], P[hp]) + geo.distance(P[hp], P[kn]) + geo.distance(P[kn], P[an])
                if out.legs_seen else math.nan)
        # the other side's chain too when it is seen (front view): while
        # walking toward the camera the swinging leg foreshortens, the
        # standing leg does not
        o_sh, o_hp, o_kn, o_an = (sided(other_side(side), j) for j in ("shoulder", "hip", "knee", "ankle"))
        if all(f.seen(lm, th) for lm in (o_sh, o_hp, o_kn, o_an)):
            seg_o = geo.distance(P[o_sh], P[o_hp]) + geo.distance(P[o_hp], P[o_kn]) + geo.distance(P[o_kn], P[o_an])
            if math.isfinite(seg_o):
                seg2 = seg_o if not math.isfinite(seg2) else max(seg2, seg_o)
        out.hip_2d = (P[hp][0], P[hp][1])
        if ankles:
            out.feet_2d = (sum(P[lm][0] for lm in ankles) / len(ankles), sum(P[lm][1] for lm in ankles) / len(ankles))
        out.hips_seen = f.seen(_L.LEFT_HIP, th) and f.seen(_L.RIGHT_HIP, th)
        ls, rs, lh, rh = P[_L.LEFT_SHOULDER], P[_L.RIGHT_SHOULDER], P[_L.LEFT_HIP], P[_L.RIGHT_HIP]
        sw = abs(rs[0] - ls[0])
        hw = abs(rh[0] - lh[0])
        if geo.finite(sw, hw, seg2) and seg2 > 1e-9:
            out.width_ratio = (sw + hw) / seg2
        if geo.finite(sw, hw) and out.hips_seen:
            out.width_2d = hw
            if hw > 1e-9:
                out.width_q = sw / hw

        # which coordinates to measure in: a side view shows the sagittal
        # plane itself, so 2D is exact there and free of MediaPipe's depth
        # noise (z is ~3x noisier than x and y); elsewhere 2D foreshortens
        # and the world landmarks (metric 3D) are used when present
        W = f.world
        needed = (sh, hp, kn, an, *wrists, *ankles)
        world_ok = W is not None and all(geo.point_ok(W[lm]) for lm in needed)
        world_trunk = W is not None and all(geo.point_ok(W[lm]) for lm in _TRUNK4)
        Q: list[list[float]] = P
        if world_ok and W is not None:
            out.world_ok = True
            segw = geo.distance(W[sh], W[hp]) + geo.distance(W[hp], W[kn]) + geo.distance(W[kn], W[an])
            out.stature_m = segw / c.segments_frac
            if world_trunk:
                out.yaw = m.yaw_from_world(W[_L.LEFT_SHOULDER], W[_L.RIGHT_SHOULDER], W[_L.LEFT_HIP],
                                           W[_L.RIGHT_HIP])
        if not math.isfinite(out.yaw):
            out.yaw = self._yaw_2d(f, out.width_ratio, side)
        out.scale_2d = seg2 / c.segments_frac if math.isfinite(seg2) else math.nan
        out.scale_img = self._scale_2d(out)
        use_world = world_ok and self._view != VIEW_SIDE and math.isfinite(out.stature_m)
        if use_world and W is not None:
            out.source_world = True
            Q = W
            both_trunk = both_trunk and world_trunk
            out.scale = out.stature_m
        else:
            out.scale = out.scale_img

        scale = out.scale
        if not (math.isfinite(scale) and scale > 1e-9) or not wrists:
            return out
        self._segmentation_2d(out, f, t, wrists, knees, ankles)
        hand = Q[wrists[0]] if len(wrists) == 1 else geo.mid(Q[wrists[0]], Q[wrists[1]])
        ankle = (Q[ankles[0]] if len(ankles) == 1 else geo.mid(Q[ankles[0]], Q[ankles[1]])) if ankles else None
        shoulder: geo.PointND
        hip: geo.PointND
        if both_trunk:
            shoulder = geo.mid(Q[_L.LEFT_SHOULDER], Q[_L.RIGHT_SHOULDER])
            hip = geo.mid(Q[_L.LEFT_HIP], Q[_L.RIGHT_HIP])
        else:
            shoulder, hip = Q[sh], Q[hp]
        # vertical reference: the lower seen ankle (the one on the floor; the
        # other may be lifted in a step), and in 2D never above the floor
        # line seen while standing (a static camera sees a fixed floor). With
        # the ankles hidden (by the load) the 2D floor line as last seen is
        # kept (the feet do not move during a lift); world landmarks, centred
        # on the hips, have no floor then.
        floor_y = max((Q[lm][1] for lm in ankles), default=math.nan)
        if not use_world:
            if math.isfinite(floor_y):
                out.floor_2d = floor_y
            else:
                floor_y = self._floor_seen
            if self._view == VIEW_SIDE and math.isfinite(self._base.floor_2d):
                # walking across a side view keeps the feet on one image line;
                # toward or away from a front camera it does not
                floor_y = max(floor_y, self._base.floor_2d) if math.isfinite(floor_y) else self._base.floor_2d
        out.hand_h = (floor_y - hand[1]) / scale
        out.shoulder_h = (floor_y - shoulder[1]) / scale
        known = c.stature_m if c.stature_m is not None else out.stature_m
        stature_cm = (known if math.isfinite(known) else c.assumed_stature_m) * 100.0
        out.v_cm = (out.hand_h + c.ankle_height_frac) * stature_cm

        view = self._view
        flexion_ok = use_world or view == VIEW_SIDE
        if flexion_ok:
            trunk = geo.inclination_deg(hip, shoulder)
            fwd = self._forward_sign(f, Q, shoulder, hip)
            out.trunk = -trunk if fwd < 0 else trunk
            for s in ("left", "right"):
                k = sided(s, "knee")
                h, a = sided(s, "hip"), sided(s, "ankle")
                val = geo.flexion_deg(Q[h], Q[k], Q[a]) if all(f.seen(lm, th) for lm in (h, k, a)) else math.nan
                if s == "left":
                    out.knee_l = val
                else:
                    out.knee_r = val
            out.knee = out.knee_l if side == "left" else out.knee_r
            if f.seen(kn, th):
                out.hip = geo.flexion_deg(Q[sh], Q[hp], Q[kn])
            out.ratio = m.hip_knee_ratio(out.hip, out.knee, c.ratio_knee_floor_deg)
            if ankle is not None:
                out.h_frac = geo.horizontal_distance(hand, ankle) / scale
                out.h_cm = out.h_frac * stature_cm
        self._segmentation_angles(out, f, flexion_ok, shoulder, hip, side)
        trunk_seen = all(f.seen(lm, th) for lm in _TRUNK4)
        shoulders_seen = f.seen(_L.LEFT_SHOULDER, th) and f.seen(_L.RIGHT_SHOULDER, th)
        # In a front view the twist shows entirely as depth, MediaPipe's
        # noisiest coordinate (z ~3x x/y), while the 2D widths show it well:
        # the 2D proxy is used there even when world landmarks exist.
        if view == VIEW_FRONT and trunk_seen:
            out.twist = m.twist_proxy_2d(out.width_q, self._base.width_q, 0.0)
            out.twist_2d = True
        elif world_ok and W is not None and shoulders_seen and world_trunk:
            out.twist = self._twist_world(f, W, side)
        elif not world_ok and trunk_seen and view == VIEW_OBLIQUE:
            out.twist = m.twist_proxy_2d(out.width_q, self._base.width_q, self._base.yaw)
            out.twist_2d = True
        return out

    def _segmentation_2d(self, out: _Measures, f: _Frame, t: float, wrists: list[Landmark],
                         knees: list[Landmark], ankles: list[Landmark]) -> None:
        """The body-relative segmentation signals, from the image (a level,
        static camera: image y is vertical): the wrists against the knees,
        and the shoulders' height over the floor line (in image heights).

        The knees as seen in this frame; when they are hidden (by the load),
        as last seen in this lift, or within ``knee_memory_s`` outside a lift
        (see :attr:`LiftConfig.knee_memory_s`); otherwise unknown (nan)."""
        P = f.pts
        hand_y = sum(P[lm][1] for lm in wrists) / len(wrists)
        if knees:
            knee_y = sum(P[lm][1] for lm in knees) / len(knees)
            self._knee_seen = (t, knee_y)
        else:
            knee_y = self._remembered_knee_y(t)
        out.knee_y = knee_y
        scale = out.scale_img
        if geo.finite(knee_y, scale) and scale > 1e-9:
            out.hands_below = (hand_y - knee_y) / scale
        th = self.config.min_visibility
        shoulders = [P[lm][1] for lm in (_L.LEFT_SHOULDER, _L.RIGHT_SHOULDER) if f.seen(lm, th)]
        if ankles:
            self._floor_seen = max(P[lm][1] for lm in ankles)
        floor = self._floor_seen
        if shoulders and math.isfinite(floor):
            out.height_img = floor - sum(shoulders) / len(shoulders)

    def _segmentation_angles(self, out: _Measures, f: _Frame, flexion_ok: bool, shoulder: geo.PointND,
                             hip: geo.PointND, side: Side) -> None:
        """Trunk and (straighter) knee flexion for segmenting: the measured
        angles where the view shows flexion; in an oblique 2D view the image
        angles, which read low (a forward bend's horizontal part shrinks by
        the cosine of the yaw from side-on: 20 deg reads ~15 at 40 deg) and
        serve segmentation only, never a fault; none in a 2D front view (a
        bend toward the camera stays vertical in the image: the shoulder
        height decides there)."""
        if flexion_ok:
            out.seg_trunk = out.trunk
            knees = [k for k in (out.knee_l, out.knee_r) if math.isfinite(k)]
            out.seg_knee = min(knees) if knees else math.nan
            return
        if self._view == VIEW_FRONT:
            return
        th = self.config.min_visibility
        P = f.pts
        sh2: geo.PointND
        hp2: geo.PointND
        if all(f.seen(lm, th) for lm in _TRUNK4):
            sh2, hp2 = geo.mid(P[_L.LEFT_SHOULDER], P[_L.RIGHT_SHOULDER]), geo.mid(P[_L.LEFT_HIP], P[_L.RIGHT_HIP])
        else:
            sh2, hp2 = P[sided(side, "shoulder")], P[sided(side, "hip")]
        trunk = geo.inclination_deg(hp2, sh2)
        out.seg_trunk = -trunk if self._forward_sign(f, P, sh2, hp2) < 0 else trunk
        knees = []
        for s in ("left", "right"):
            h, k, a = sided(s, "hip"), sided(s, "knee"), sided(s, "ankle")
            if f.seen(h, th) and f.seen(k, th) and f.seen(a, th):
                knees.append(geo.flexion_deg(P[h], P[k], P[a]))
        out.seg_knee = min(knees) if knees else math.nan

    def _remembered_knee_y(self, t: float) -> float:
        seen = self._knee_seen
        if seen is None:
            return math.nan
        t_seen, y = seen
        tr = self._track
        if tr is not None and t_seen >= tr.start:
            return y  # seen in this lift
        return y if t - t_seen <= self.config.knee_memory_s else math.nan

    def _twist_world(self, f: _Frame, W: list[list[float]], side: Side) -> float:
        """Shoulder line against hip line in world landmarks. Both shoulders
        must be seen. The hip line comes from both hips when both are seen;
        otherwise from the near hip alone: world landmarks have their origin
        at the hip midpoint (PoseFrame, MediaPipe), so the far hip is the
        near hip mirrored through the origin, and MediaPipe's guess for a
        hidden hip is never used."""
        lh, rh = W[_L.LEFT_HIP], W[_L.RIGHT_HIP]
        th = self.config.min_visibility
        if not (f.seen(_L.LEFT_HIP, th) and f.seen(_L.RIGHT_HIP, th)):
            near = sided(side, "hip")
            if not f.seen(near, th):
                return math.nan
            p = W[near]
            mirrored = [-v for v in p]
            lh, rh = (p, mirrored) if side == "left" else (mirrored, p)
        return m.twist_world(W[_L.LEFT_SHOULDER], W[_L.RIGHT_SHOULDER], lh, rh)

    def _forward_sign(self, f: _Frame, Q: list[list[float]], shoulder: geo.PointND, hip: geo.PointND) -> float:
        """+1 when the shoulders are in front of the hips (flexion), -1 when
        behind (extension), judged by where the nose points; 0 if unknown."""
        if not f.seen(_L.NOSE, self.config.min_visibility) or not geo.point_ok(Q[_L.NOSE]):
            return 0.0
        nose = Q[_L.NOSE]
        fx = nose[0] - shoulder[0]
        fz = nose[2] - shoulder[2] if len(nose) > 2 and len(shoulder) > 2 else 0.0
        dx = shoulder[0] - hip[0]
        dz = shoulder[2] - hip[2] if len(shoulder) > 2 and len(hip) > 2 else 0.0
        dot = fx * dx + fz * dz
        if not math.isfinite(dot) or math.hypot(dx, dz) < 1e-9:
            return 0.0
        return 1.0 if dot >= 0 else -1.0

    def _yaw_2d(self, f: _Frame, width_ratio: float, side: Side) -> float:
        """Body yaw without world landmarks: from MediaPipe's relative depth
        ``z`` of the shoulders and hips when the source has it (same scale as
        x), else from the 2D widths (a pose-track CSV may carry no z)."""
        zs = [f.z[lm] * f.aspect for lm in _TRUNK4]
        if any(abs(v) > 1e-9 for v in zs) and all(math.isfinite(v) for v in zs):
            P = f.pts
            ls, rs, lh, rh = (P[lm] for lm in _TRUNK4)
            yaw = m.yaw_from_world((ls[0], ls[1], zs[0]), (rs[0], rs[1], zs[1]),
                                   (lh[0], lh[1], zs[2]), (rh[0], rh[1], zs[3]))
            if math.isfinite(yaw):
                return yaw
        if math.isfinite(width_ratio):
            return m.yaw_from_widths(width_ratio, self.config.frontal_width_ratio)
        # the far side missing entirely while the near side is seen: a side view
        far = other_side(side)
        far_vis = (f.vis[sided(far, "shoulder")] + f.vis[sided(far, "hip")]) / 2.0
        return 90.0 if far_vis < self.config.min_visibility else math.nan

    def _scale_2d(self, meas: _Measures) -> float:
        """Stature in image-height units, without world landmarks.

        * During a lift the feet and the camera stay put, so the size
          measured at rest just before the lift is kept (no per-frame noise,
          no foreshortening). A lift that did not start from rest (the
          recording began bent or at the load) starts from the size of its
          first frame and takes any larger chain seen later: bending only
          shortens the chain, and a body cannot grow with its feet still.
        * Standing in a side or oblique view: the near-side segment chain
          (shoulder-hip-knee-ankle) / 0.779. It keeps its length while the
          body bends in a side view; in an oblique view bending shortens it a
          little, which is why the lift uses the size from rest.
        * Standing in a front view: bending toward the camera foreshortens the
          chain, but not the hip width, so the hip width times the ratio
          learned while upright gives the stature (it also follows a person
          walking toward or away from the camera). Only when both hips are
          seen: in an oblique view the far hip is a guess.
        * Legs hidden (the chain is not seen): the last size.
        """
        c = self.config
        b = self._base
        alpha = self._alpha(c.scale_tau_s)
        chain = meas.scale_2d
        warm = b.learned_s.get("width_k", 0.0) >= c.baseline_min_s
        if warm and self._view == VIEW_FRONT and meas.hips_seen and geo.finite(b.width_k, meas.width_2d) \
                and b.width_k > 1e-9:
            by_width = meas.width_2d / b.width_k
            old = self._width_scale
            self._width_scale = by_width if not math.isfinite(old) else old + alpha * (by_width - old)
        else:
            self._width_scale = math.nan
        tr = self._track
        if tr is not None and math.isfinite(self._lift_scale):
            if not tr.from_rest and math.isfinite(chain) and chain > self._lift_scale:
                self._lift_scale = chain
            return self._lift_scale
        if math.isfinite(self._width_scale):
            # the chain is never longer than the limbs: when it is the larger
            # estimate (upright, or the hip width lagging a quick approach)
            # it is the better one
            raw = max(self._width_scale, chain) if math.isfinite(chain) else self._width_scale
            self._scale_s = raw
            return raw
        if not math.isfinite(chain):
            return self._scale_s
        old = self._scale_s
        if math.isfinite(old) and chain < old and self._was_still:
            # standing in place, a body's size cannot shrink: a shorter
            # chain is bending (an oblique view foreshortens it), so the
            # decrease is followed only slowly; with the feet moving (walking
            # away) it is followed at once
            alpha = self._alpha(c.scale_shrink_tau_s)
        self._scale_s = chain if not math.isfinite(old) else old + alpha * (chain - old)
        return self._scale_s

    def _update_view(self, meas: _Measures, upright: bool) -> None:
        """The view from the body's yaw: learned from the first frames
        whatever the posture (a recording may start at the load), then
        re-estimated only while standing upright between lifts (never
        during a lift: its angles must all come from one view)."""
        c = self.config
        if not math.isfinite(meas.yaw):
            return
        if self._view != VIEW_UNKNOWN and (self._track is not None or not upright):
            return
        alpha = self._alpha(c.view_tau_s)
        self._base.ema("yaw", meas.yaw, alpha, self._dt)
        yaw = self._base.yaw
        hyst = c.view_hysteresis_deg if self._view != VIEW_UNKNOWN else 0.0
        bounds = {
            VIEW_FRONT: (-math.inf, c.front_yaw_max_deg),
            VIEW_OBLIQUE: (c.front_yaw_max_deg, c.side_yaw_min_deg),
            VIEW_SIDE: (c.side_yaw_min_deg, math.inf),
        }
        lo, hi = bounds.get(self._view, (math.inf, -math.inf))
        if lo - hyst <= yaw <= hi + hyst:
            return
        if yaw < c.front_yaw_max_deg:
            self._view = VIEW_FRONT
        elif yaw > c.side_yaw_min_deg:
            self._view = VIEW_SIDE
        else:
            self._view = VIEW_OBLIQUE

    def _alpha(self, tau: float) -> float:
        """EMA weight for this frame: 1 - exp(-dt / tau) with the time since
        the last frame (so an average follows time the same way at any frame
        rate, and with dropped frames); a duplicate timestamp adds nothing."""
        return 1.0 - math.exp(-max(self._dt, 0.0) / max(tau, 1e-6))
