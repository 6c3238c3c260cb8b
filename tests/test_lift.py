"""Lift analyzer tests.

Two independent sources of bodies:

* a small stick-figure model written here (``Body`` / ``body_frame``):
  Drillis & Contini segment proportions, any camera yaw, optional world
  landmarks. It is deliberately independent of ``coach.synth`` so that the
  rules are not tuned to one generator;
* the shared kinematic body model in ``coach.synth`` (when present):
  squat / stoop / reach / twist lifts, standing still and walking, with
  noise and ground truth.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pytest

from coach import geometry as geo
from coach.exercise import NOT_VISIBLE, FrameVerdict, RepRecord
from coach.landmarks import NUM_LANDMARKS, Landmark
from coach.pose import PoseFrame
from coach.registry import get_exercise
from exercises.lift import (
    BACK_ROUNDED,
    BRACE_CUE,
    KNEES_STRAIGHT,
    LIFT_TYPE_CODES,
    LOAD_FAR,
    SPEC,
    TWISTING,
    LiftAnalyzer,
    LiftConfig,
)
from exercises.lift import measures as m

L = Landmark

# -- a small independent stick-figure body -----------------------------------------

STATURE_M = 1.70
SHANK, THIGH, TRUNK, UPPER_ARM, FOREARM = 0.246, 0.245, 0.288, 0.186, 0.146  # x stature
HIP_HALF, SHOULDER_HALF = 0.055, 0.10  # x stature (joint centres)
COCO17 = (
    L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR, L.LEFT_SHOULDER, L.RIGHT_SHOULDER,
    L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE,
    L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE,
)


@dataclass(frozen=True)
class Body:
    """Joint angles in degrees. ``thigh``: thigh angle forward of vertical
    (knee in front of hip > 0); ``knee``: knee flexion; ``trunk``: trunk
    flexion; ``reach``: arms raised forward from hanging; ``twist``:
    shoulders turned against the hips about the vertical."""

    trunk: float = 3.0
    thigh_l: float = 0.0
    thigh_r: float = 0.0
    knee_l: float = 2.0
    knee_r: float = 2.0
    reach: float = 5.0
    twist: float = 0.0
    forward: float = 0.0  # hips moved forward (walking), statures

    def mix(self, other: Body, w: float) -> Body:
        vals = {k: (1 - w) * getattr(self, k) + w * getattr(other, k) for k in self.__dataclass_fields__}
        return Body(**vals)


def _joints(b: Body) -> dict[Landmark, np.ndarray]:
    """3D joints in body axes (forward, up, left), statures; lowest ankle on
    the floor, ankle midpoint at forward = 0 unless walking."""
    rad = math.radians
    P: dict[Landmark, np.ndarray] = {}
    hip_mid = np.array([0.0, 0.0, 0.0])
    for side, s, th, kn in (("left", 1.0, b.thigh_l, b.knee_l), ("right", -1.0, b.thigh_r, b.knee_r)):
        hip = hip_mid + np.array([0.0, 0.0, s * HIP_HALF])
        knee = hip + THIGH * np.array([math.sin(rad(th)), -math.cos(rad(th)), 0.0])
        shank = rad(th - kn)
        ankle = knee + SHANK * np.array([math.sin(shank), -math.cos(shank), 0.0])
        up_side = side.upper()
        P[Landmark[f"{up_side}_HIP"]], P[Landmark[f"{up_side}_KNEE"]] = hip, knee
        P[Landmark[f"{up_side}_ANKLE"]] = ankle
        P[Landmark[f"{side.upper()}_HEEL"]] = ankle + np.array([-0.03, -0.02, 0.0])
        P[Landmark[f"{side.upper()}_FOOT_INDEX"]] = ankle + np.array([0.12, -0.03, 0.0])
    a = rad(b.trunk)
    up = np.array([math.sin(a), math.cos(a), 0.0])
    sh_mid = hip_mid + TRUNK * up
    tw = rad(b.twist)
    lateral = np.array([-math.sin(tw), 0.0, math.cos(tw)])
    fwd_sh = np.array([math.cos(tw), 0.0, math.sin(tw)])
    r = rad(b.reach)
    for side, s in (("left", 1.0), ("right", -1.0)):
        sh = sh_mid + s * SHOULDER_HALF * lateral
        arm = math.sin(r) * fwd_sh + np.array([0.0, -math.cos(r), 0.0])
        P[Landmark[f"{side.upper()}_SHOULDER"]] = sh
        P[Landmark[f"{side.upper()}_ELBOW"]] = sh + UPPER_ARM * arm
        P[Landmark[f"{side.upper()}_WRIST"]] = sh + (UPPER_ARM + FOREARM) * arm
    face_fwd = np.array([math.cos(a), -math.sin(a), 0.0])
    P[L.NOSE] = sh_mid + 0.11 * up + 0.07 * face_fwd
    for side, s in (("left", 1.0), ("right", -1.0)):
        P[Landmark[f"{side.upper()}_EYE"]] = P[L.NOSE] + 0.03 * up + np.array([0.0, 0.0, s * 0.03])
        P[Landmark[f"{side.upper()}_EAR"]] = sh_mid + 0.12 * up + np.array([0.0, 0.0, s * 0.07])
    floor = min(P[L.LEFT_ANKLE][1], P[L.RIGHT_ANKLE][1]) - 0.039
    ank_f = (P[L.LEFT_ANKLE][0] + P[L.RIGHT_ANKLE][0]) / 2.0
    shift = np.array([-ank_f + b.forward if b.forward else -ank_f, -floor, 0.0])
    return {k: v + shift for k, v in P.items()}


def body_frame(
    b: Body,
    t: float,
    yaw: float = 90.0,
    world: bool = False,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
    landmarks: Sequence[Landmark] | None = None,
    px_per_stature: float = 0.8,
    aspect: float = 16 / 9,
    far_vis: float = 0.2,
) -> PoseFrame:
    """Project the body for a camera at ``yaw`` (0 = facing the camera,
    90 = side view facing image right)."""
    J = _joints(b)
    y = math.radians(yaw)
    fwd = np.array([math.sin(y), 0.0, -math.cos(y)])
    left = np.array([math.cos(y), 0.0, math.sin(y)])
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    z = np.zeros(NUM_LANDMARKS)
    vis = np.zeros(NUM_LANDMARKS)
    wld = np.full((NUM_LANDMARKS, 3), np.nan) if world else None
    cam: dict[Landmark, np.ndarray] = {}
    for lm, p in J.items():
        cam[lm] = p[0] * fwd + np.array([0.0, -p[1], 0.0]) + p[2] * left  # statures, y down
    hip_c = (cam[L.LEFT_HIP] + cam[L.RIGHT_HIP]) / 2.0
    side_view = abs(math.sin(y)) > 0.8
    wanted = set(landmarks) if landmarks is not None else set(cam)
    rng = rng or np.random.default_rng(0)
    for lm, p in cam.items():
        if lm not in wanted:
            continue
        n = rng.normal(0.0, noise, 3) if noise else np.zeros(3)
        xy[lm, 0] = (0.5 + (p[0] - hip_c[0]) * px_per_stature + n[0]) / aspect
        xy[lm, 1] = 0.92 + p[1] * px_per_stature + n[1]
        z[lm] = p[2] * px_per_stature / aspect  # MediaPipe: z on the scale of normalised x
        name = lm.name
        far = side_view and (
            (name.startswith("LEFT") and cam[L.LEFT_HIP][2] > cam[L.RIGHT_HIP][2])
            or (name.startswith("RIGHT") and cam[L.RIGHT_HIP][2] > cam[L.LEFT_HIP][2])
        )
        vis[lm] = far_vis if far else 0.95
        if wld is not None:
            wld[lm] = (p - hip_c) * STATURE_M + n * 2.0 * STATURE_M * np.array([1.0, 1.0, 3.0])
    return PoseFrame(t=t, xy=xy, z=z, visibility=vis, world=wld, aspect=aspect)


STAND = Body()
SQUAT = Body(trunk=40, thigh_l=80, thigh_r=80, knee_l=115, knee_r=115, reach=20)
STOOP = Body(trunk=80, thigh_l=20, thigh_r=20, knee_l=12, knee_r=12, reach=5)
SEMI = Body(trunk=58, thigh_l=45, thigh_r=45, knee_l=62, knee_r=62, reach=15)
REACH = Body(trunk=50, thigh_l=80, thigh_r=80, knee_l=115, knee_r=115, reach=55)
TWIST = replace(SQUAT, twist=45.0)


def _smooth(w: float) -> float:
    w = min(1.0, max(0.0, w))
    return w * w * (3 - 2 * w)


def lift_track(bottoms: Iterable[Body], stand_s: float = 1.2, down_s: float = 1.0, hold_s: float = 0.5,
               up_s: float = 1.0, fps: float = 30.0, lead_s: float = 1.5) -> list[tuple[float, Body]]:
    """Stand, then for each bottom posture: descend, hold, ascend, stand."""
    out: list[tuple[float, Body]] = []
    t = 0.0
    dt = 1.0 / fps

    def seg(a: Body, b: Body, dur: float) -> None:
        nonlocal t
        n = max(1, round(dur * fps))
        for i in range(n):
            out.append((t, a.mix(b, _smooth(i / n))))
            t += dt

    seg(STAND, STAND, lead_s)
    for bot in bottoms:
        seg(STAND, bot, down_s)
        seg(bot, bot, hold_s)
        seg(bot, STAND, up_s)
        seg(STAND, STAND, stand_s)
    return out


def run(frames: Iterable[PoseFrame], analyzer: LiftAnalyzer | None = None) -> tuple[LiftAnalyzer, list[FrameVerdict]]:
    a = analyzer or LiftAnalyzer()
    return a, [a.update(f) for f in frames]


def frames_of(track: list[tuple[float, Body]], **kw: object) -> list[PoseFrame]:
    rng = np.random.default_rng(7)
    return [body_frame(b, t, rng=rng, **kw) for t, b in track]  # type: ignore[arg-type]


def faults_seen(verdicts: Iterable[FrameVerdict]) -> set[str]:
    return {f for v in verdicts for f in v.faults}


# -- the body model itself ------------------------------------------------------------


def test_body_model_proportions() -> None:
    J = _joints(STAND)
    assert J[L.LEFT_SHOULDER][1] == pytest.approx(0.818, abs=0.02)
    assert J[L.LEFT_WRIST][1] == pytest.approx(0.485, abs=0.03)
    Jq = _joints(SQUAT)
    knee = geo.flexion_deg(Jq[L.LEFT_HIP][:2].tolist(), Jq[L.LEFT_KNEE][:2].tolist(), Jq[L.LEFT_ANKLE][:2].tolist())
    assert knee == pytest.approx(115, abs=0.5)


# -- pure measures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("h_cm", "hm"),
    [(10.0, 1.0), (25.0, 1.0), (50.0, 0.5), (63.0, 25 / 63), (63.5, 0.0), (math.nan, math.nan)],
)
def test_horizontal_multiplier(h_cm: float, hm: float) -> None:
    got = m.horizontal_multiplier(h_cm, 25.0, 63.0)
    assert (math.isnan(got) and math.isnan(hm)) or got == pytest.approx(hm)


@pytest.mark.parametrize(("v_cm", "vm"), [(75.0, 1.0), (0.0, 0.775), (175.0, 0.7), (180.0, 0.0), (-5.0, 0.775)])
def test_vertical_multiplier(v_cm: float, vm: float) -> None:
    assert m.vertical_multiplier(v_cm, 75.0, 0.003, 175.0) == pytest.approx(vm)


@pytest.mark.parametrize(("d", "dm"), [(10.0, 1.0), (25.0, 1.0), (45.0, 0.92), (175.0, 0.82 + 4.5 / 175), (200.0, 0.0)])
def test_distance_multiplier(d: float, dm: float) -> None:
    assert m.distance_multiplier(d, 25.0, 175.0, 0.82, 4.5) == pytest.approx(dm)


@pytest.mark.parametrize(("a", "am"), [(0.0, 1.0), (45.0, 1 - 0.144), (135.0, 1 - 0.432), (140.0, 0.0)])
def test_asymmetric_multiplier(a: float, am: float) -> None:
    assert m.asymmetric_multiplier(a, 0.0032, 135.0) == pytest.approx(am)


@pytest.mark.parametrize(
    ("knee", "hip", "expected"),
    [(110.0, 115.0, "squat"), (95.0, 100.0, "squat"), (62.0, 100.0, "semi-squat"), (85.0, 140.0, "semi-squat"),
     (20.0, 90.0, "stoop"), (35.0, 110.0, "stoop"), (math.nan, 90.0, "unknown")],
)
def test_classify_lift(knee: float, hip: float, expected: str) -> None:
    c = LiftConfig()
    ratio = m.hip_knee_ratio(hip, knee, c.ratio_knee_floor_deg)
    got = m.classify_lift(knee, ratio, stoop_knee_max_deg=c.stoop_knee_max_deg, stoop_ratio_min=c.stoop_ratio_min,
                          squat_knee_min_deg=c.squat_knee_min_deg, squat_ratio_max=c.squat_ratio_max)
    assert got == expected


def test_angles_2d_and_3d() -> None:
    assert geo.inclination_deg((0.0, 1.0), (0.0, 0.0)) == pytest.approx(0.0)
    assert geo.inclination_deg((0.0, 1.0), (1.0, 1.0)) == pytest.approx(90.0)
    assert geo.inclination_deg((0.0, 0.0, 0.0), (0.0, -1.0, 1.0)) == pytest.approx(45.0)
    assert geo.flexion_deg((0.0, 0.0), (0.0, 1.0), (0.0, 2.0)) == pytest.approx(0.0)
    assert geo.flexion_deg((0.0, 0.0), (0.0, 1.0), (1.0, 1.0)) == pytest.approx(90.0)
    assert math.isnan(geo.flexion_deg((0.0, 0.0), (0.0, 0.0), (1.0, 1.0)))
    assert geo.horizontal_distance((0.0, 5.0, 3.0), (4.0, -2.0, 0.0)) == pytest.approx(5.0)
    assert geo.horizontal_distance((0.0, 5.0), (-0.3, 0.0)) == pytest.approx(0.3)


def test_twist_measures() -> None:
    ls, rs = (0.2, 0.0, 0.0), (-0.2, 0.0, 0.0)
    lh, rh = (0.1, 0.5, 0.0), (-0.1, 0.5, 0.0)
    assert m.twist_world(ls, rs, lh, rh) == pytest.approx(0.0)
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    assert m.twist_world((0.2 * c, 0.0, 0.2 * s), (-0.2 * c, 0.0, -0.2 * s), lh, rh) == pytest.approx(30.0)
    # 2D proxy: front view, shoulders turned 40 deg, hips not
    q0 = 2.0
    assert m.twist_proxy_2d(q0 * math.cos(math.radians(40)), q0, 0.0) == pytest.approx(40.0)
    assert m.twist_proxy_2d(q0 * 1.1, q0, 0.0) == pytest.approx(0.0)  # wider (bending toward camera)
    # oblique 45 deg: a turn away from the camera narrows the shoulders ...
    q = q0 * math.cos(math.radians(75)) / math.cos(math.radians(45))
    assert m.twist_proxy_2d(q, q0, 45.0) == pytest.approx(30.0)
    # ... a widening (turn toward it, or perspective of a bend) reads as 0
    q = q0 * math.cos(math.radians(15)) / math.cos(math.radians(45))
    assert m.twist_proxy_2d(q, q0, 45.0) == pytest.approx(0.0)
    assert math.isnan(m.twist_proxy_2d(1.0, math.nan, 0.0))


def test_yaw_estimates() -> None:
    assert m.yaw_from_world((0.2, 0, 0), (-0.2, 0, 0), (0.1, 0, 0), (-0.1, 0, 0)) == pytest.approx(0.0)
    assert m.yaw_from_world((0, 0, 0.2), (0, 0, -0.2), (0, 0, 0.1), (0, 0, -0.1)) == pytest.approx(90.0)
    assert m.yaw_from_widths(0.40, 0.40) == pytest.approx(0.0)
    assert m.yaw_from_widths(0.20, 0.40) == pytest.approx(60.0)
    assert m.yaw_from_widths(0.0, 0.40) == pytest.approx(90.0)


# -- config -------------------------------------------------------------------------------


def test_config_is_frozen_and_validated() -> None:
    c = LiftConfig()
    with pytest.raises(AttributeError):
        c.trunk_flexion_max_deg = 10.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="wrong way"):
        LiftConfig(trunk_flexion_off_deg=70.0)
    assert c.segments_frac == pytest.approx(0.779)


def test_registry_and_options() -> None:
    a = get_exercise("lift", target=5, load_kg=12.0)
    assert isinstance(a, LiftAnalyzer)
    assert a.name == "lift"
    assert a.target == 5 and a.load_kg == 12.0
    with pytest.raises(ValueError):
        LiftAnalyzer(load_kg=-3.0)
    with pytest.raises(ValueError):
        LiftAnalyzer(target=0)


# -- segmentation and faults on the stick figure ------------------------------------------

KINDS = {"squat": SQUAT, "stoop": STOOP, "semi-squat": SEMI}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("world", [False, True])
def test_lift_count_and_type_side_view(kind: str, world: bool) -> None:
    track = lift_track([KINDS[kind]] * 3, stand_s=1.0)
    a, vs = run(frames_of(track, yaw=90.0, world=world, noise=0.002))
    s = a.summary()
    assert s.reps == 3
    assert [v.reps for v in vs] == sorted(v.reps for v in vs)
    assert s.extra["lift_types"] == [kind] * 3
    assert all(it.kind == "lift" and it.measures["lift_type"] == LIFT_TYPE_CODES[kind] for it in s.items)
    phases = {v.phase for v in vs}
    assert phases == {"standing", "descending", "bottom", "ascending"}


def test_stoop_flagged_squat_not() -> None:
    _, vs = run(frames_of(lift_track([STOOP] * 2), yaw=90.0, noise=0.002))
    assert KNEES_STRAIGHT in faults_seen(vs)
    assert BACK_ROUNDED in faults_seen(vs)
    cues = {v.cue for v in vs if v.faults}
    assert SPEC.cues[KNEES_STRAIGHT] in cues
    a, vs = run(frames_of(lift_track([SQUAT] * 2), yaw=90.0, noise=0.002))
    assert faults_seen(vs) == set()
    assert all(it.good and it.score == 100.0 for it in a.summary().items)


def test_stoop_record_measures_and_score() -> None:
    a, _ = run(frames_of(lift_track([STOOP]), yaw=90.0, noise=0.002))
    (it,) = a.summary().items
    assert it.measures["trunk_flexion_max"] == pytest.approx(80, abs=4)
    assert it.measures["knee_flexion_min_at_bottom"] < 20
    assert it.measures["hip_knee_ratio"] > 3
    assert KNEES_STRAIGHT in it.faults and BACK_ROUNDED in it.faults
    assert it.score == pytest.approx(100 - 25 - 30)
    assert not it.good
    assert 0.0 <= it.measures["risk_index"] <= 1.0


def test_reach_gets_load_far() -> None:
    a, vs = run(frames_of(lift_track([REACH]), yaw=90.0, noise=0.002))
    assert LOAD_FAR in faults_seen(vs)
    (it,) = a.summary().items
    assert it.measures["h_frac"] > 0.30
    assert it.measures["hm"] < 0.5
    a2, _ = run(frames_of(lift_track([SQUAT]), yaw=90.0, noise=0.002))
    assert a2.summary().items[0].measures["h_frac"] < 0.25


@pytest.mark.parametrize(("yaw", "world"), [(0.0, False), (45.0, False), (45.0, True)])
def test_twist_flagged_where_the_view_allows(yaw: float, world: bool) -> None:
    _, vs = run(frames_of(lift_track([TWIST] * 2), yaw=yaw, world=world, noise=0.002))
    assert TWISTING in faults_seen(vs)
    assert any(v.cue == SPEC.cues[TWISTING] for v in vs)
    _, vs = run(frames_of(lift_track([SQUAT] * 2), yaw=yaw, world=world, noise=0.002))
    assert TWISTING not in faults_seen(vs)


def test_side_view_2d_does_not_judge_twist() -> None:
    _, vs = run(frames_of(lift_track([TWIST] * 2), yaw=90.0, noise=0.002))
    assert TWISTING not in faults_seen(vs)
    assert all(math.isnan(v.metrics["twist"]) for v in vs if v.visible)


def test_front_view_2d_counts_but_does_not_judge_flexion() -> None:
    a, vs = run(frames_of(lift_track([STOOP] * 2), yaw=0.0, noise=0.002))
    s = a.summary()
    assert s.reps == 2
    assert s.extra["view"] == "front"
    assert s.extra["lift_types"] == ["unknown", "unknown"]
    assert faults_seen(vs) == set()
    assert all(math.isnan(v.metrics["trunk_flexion"]) for v in vs)
    assert s.extra["judged"][KNEES_STRAIGHT] is False


def test_front_view_with_world_judges_flexion() -> None:
    a, vs = run(frames_of(lift_track([STOOP] * 2), yaw=0.0, world=True, noise=0.002))
    assert a.summary().reps == 2
    assert KNEES_STRAIGHT in faults_seen(vs)
    assert a.summary().extra["lift_types"] == ["stoop", "stoop"]


@pytest.mark.parametrize("yaw", [90.0, 60.0, 0.0])
def test_coco17_only_landmarks(yaw: float) -> None:
    """A real CSV may hold only the 17 COCO landmarks and aspect 1.0."""
    a, _ = run(frames_of(lift_track([SQUAT, STOOP]), yaw=yaw, noise=0.002, landmarks=COCO17, aspect=1.0))
    assert a.summary().reps == 2


def test_brace_cue_once_before_each_lift() -> None:
    _, vs = run(frames_of(lift_track([SQUAT] * 3), yaw=90.0, noise=0.002))
    brace = [v for v in vs if v.cue == BRACE_CUE]
    assert len(brace) == 3
    assert all(v.phase == "descending" for v in brace)


def test_niosh_numbers_and_load() -> None:
    a, _ = run(frames_of(lift_track([SQUAT]), yaw=90.0, world=True, noise=0.001), LiftAnalyzer(load_kg=15.0))
    s = a.summary()
    (it,) = s.items
    mm = it.measures
    assert mm["hm"] == pytest.approx(m.horizontal_multiplier(mm["h_cm"], 25, 63))
    assert mm["vm"] == pytest.approx(1 - 0.003 * abs(mm["v_cm"] - 75))
    assert mm["rwl_kg"] == pytest.approx(23 * mm["hm"] * mm["vm"] * mm["dm"] * mm["am"])
    assert mm["lifting_index"] == pytest.approx(15.0 / mm["rwl_kg"])
    assert mm["risk_index"] == pytest.approx(1 - mm["rwl_kg"] / 23)
    assert 10 < mm["v_cm"] < 60
    assert "not a NIOSH recommended weight limit" in s.extra["disclaimer"]
    assert s.extra["stature_source"] == "world landmarks"
    a2, _ = run(frames_of(lift_track([SQUAT]), yaw=90.0, noise=0.001))
    s2 = a2.summary()
    assert "lifting_index" not in s2.items[0].measures
    assert "assumed 1.70 m" in s2.extra["stature_source"]


# -- never counting what is not a lift --------------------------------------------------------


def walking_track(seconds: float = 8.0, fps: float = 30.0, speed: float = 0.75) -> list[tuple[float, Body]]:
    out = []
    for i in range(int(seconds * fps)):
        t = i / fps
        ph = 2 * math.pi * 0.9 * t
        out.append((t, Body(
            trunk=5 + 2 * math.sin(2 * ph), thigh_l=22 * math.sin(ph), thigh_r=-22 * math.sin(ph),
            knee_l=5 + 55 * max(0.0, math.sin(ph + 1.2)) ** 2, knee_r=5 + 55 * max(0.0, -math.sin(ph + 1.2)) ** 2,
            reach=18 * math.sin(ph), forward=speed * t)))
    return out


@pytest.mark.parametrize(("yaw", "world"), [(90.0, False), (0.0, False)])
def test_standing_and_walking_never_count(yaw: float, world: bool) -> None:
    stand = [(i / 30, STAND) for i in range(300)]
    a, vs = run(frames_of(stand, yaw=yaw, world=world, noise=0.003))
    assert a.summary().reps == 0 and all(v.phase == "standing" for v in vs)
    a, vs = run(frames_of(walking_track(), yaw=yaw, world=world, noise=0.003))
    assert a.summary().reps == 0
    assert all(v.phase == "standing" for v in vs)


def test_walking_toward_and_away_from_camera() -> None:
    """Front view, the person walks away and back: the image shrinks and grows."""
    frames = []
    rng = np.random.default_rng(3)
    for i, (t, b) in enumerate(walking_track(seconds=10.0)):
        scale = 0.8 / (1.0 + 0.6 * math.sin(math.pi * i / 300) ** 2)
        frames.append(body_frame(replace(b, forward=0.0), t, yaw=0.0, noise=0.002, rng=rng, px_per_stature=scale))
    a, _ = run(frames)
    assert a.summary().reps == 0


def test_shallow_bend_and_sitting_like_dip_do_not_count() -> None:
    shallow = Body(trunk=30, thigh_l=20, thigh_r=20, knee_l=25, knee_r=25, reach=10)
    a, _ = run(frames_of(lift_track([shallow] * 3), yaw=90.0, noise=0.002))
    assert a.summary().reps == 0


# -- visibility, glitches, time ---------------------------------------------------------------


def test_not_visible_is_refused() -> None:
    a = LiftAnalyzer()
    first = a.update(PoseFrame.empty(0.0))
    assert not first.visible and first.faults == () and first.cue is None  # not judged, not yet reported
    for i in range(1, 20):
        v = a.update(PoseFrame.empty(i / 30))  # unseen for 0.63 s > not_visible_on_s
    assert not v.visible and v.faults == (NOT_VISIBLE,)
    assert v.cue == "Step back so your whole body is in view"
    assert a.summary().visible_fraction == 0.0


def test_lift_hidden_at_the_bottom_is_not_counted() -> None:
    track = lift_track([SQUAT])
    frames = frames_of(track, yaw=90.0, noise=0.002)
    lo, hi = 45 + 20, 45 + 30 + 15 + 20  # from mid-descent to mid-ascent
    hidden = [PoseFrame.empty(f.t) if lo <= i < hi else f for i, f in enumerate(frames)]
    a, vs = run(hidden)
    assert a.summary().reps == 0
    assert any(not v.visible for v in vs)


def test_brief_dropout_mid_lift_still_counts() -> None:
    frames = frames_of(lift_track([SQUAT]), yaw=90.0, noise=0.002)
    hidden = [PoseFrame.empty(f.t) if 70 <= i < 73 else f for i, f in enumerate(frames)]
    a, _ = run(hidden)
    assert a.summary().reps == 1


def test_teleport_glitches_do_not_count() -> None:
    frames = frames_of([(i / 30, STAND) for i in range(240)], yaw=90.0, noise=0.002)
    rng = np.random.default_rng(1)
    out = []
    for i, f in enumerate(frames):
        if i % 20 == 10:
            xy = np.array(f.xy) + np.array([rng.uniform(-0.4, 0.4), rng.uniform(0.2, 0.5)])
            f = f.replace(xy=xy)
        out.append(f)
    a, _ = run(out)
    assert a.summary().reps == 0


def test_huge_gap_drops_lift_in_progress_and_time_going_back() -> None:
    frames = frames_of(lift_track([SQUAT]), yaw=90.0, noise=0.002)
    # a gap in the ascent, the hands already off the load: the lift in progress
    # is dropped, and the rest of the rise after the gap is no lift
    shifted = [f.replace(t=f.t + (100.0 if i >= 112 else 0.0)) for i, f in enumerate(frames)]
    a, vs = run(shifted)
    assert a.summary().reps == 0
    # a gap at the bottom: the lift before it is dropped too, but after the gap
    # the analysis starts afresh with the hands at the load, and a lift from
    # there to standing counts like a recording that starts at the load (issue 15)
    shifted = [f.replace(t=f.t + (100.0 if i >= 80 else 0.0)) for i, f in enumerate(frames)]
    a, vs = run(shifted)
    assert a.summary().reps == 1 and a.summary().items[0].start >= 100.0
    a, vs = run([*frames, frames[0], *frames[1:]])  # time jumps back: a second session in the stream
    assert [v.reps for v in vs] == sorted(v.reps for v in vs)


def test_duplicate_timestamps() -> None:
    frames = frames_of(lift_track([SQUAT, STOOP]), yaw=90.0, noise=0.002)
    doubled = [g for f in frames for g in (f, f)]
    a, _ = run(doubled)
    assert a.summary().reps == 2


def test_reset_and_summary_shape() -> None:
    a, _ = run(frames_of(lift_track([SQUAT]), yaw=90.0, noise=0.002))
    s = a.summary()
    js = s.to_json()
    assert js["exercise"] == "lift" and js["reps"] == 1 and js["hold_s"] == 0
    assert js["target_unit"] == "lifts"
    for key in ("trunk_flexion_max", "knee_flexion_min_at_bottom", "hip_knee_ratio", "h_frac", "h_cm", "hm",
                "v_cm", "twist_max", "lift_type", "risk_index"):
        assert key in js["items"][0]["measures"]
    assert {"view", "assumptions", "disclaimer"} <= set(js["extra"])
    assert "mean" in s.score_formula
    a.reset()
    assert a.summary().reps == 0 and a.summary().items == ()


def test_verdict_json_keys() -> None:
    _, vs = run(frames_of(lift_track([STOOP]), yaw=90.0, noise=0.002))
    js = vs[80].to_json(cue=vs[80].cue)
    assert set(js) >= {"t", "phase", "faults", "reps", "hold_s", "visible", "cue"}
    for key in ("trunk_flexion", "knee_flexion_left", "knee_flexion_right", "hip_flexion", "hip_knee_ratio",
                "h_frac", "h_cm", "twist"):
        assert key in vs[80].metrics


def test_update_is_fast() -> None:
    """update() runs every frame in the live loop: well under 0.3 ms. Best
    of three passes, so a busy machine does not make the test flaky."""
    frames = frames_of(lift_track([SQUAT, STOOP, REACH]), yaw=90.0, world=True, noise=0.002)
    best = math.inf
    for _ in range(3):
        a = LiftAnalyzer()
        t0 = time.perf_counter()
        for f in frames:
            a.update(f)
        best = min(best, (time.perf_counter() - t0) / len(frames))
    assert best < 0.3e-3, f"{best * 1e3:.3f} ms per update"


# -- the shared synthetic body model (coach.synth) ------------------------------------------

from coach.smoothing import PoseSmoother  # noqa: E402
from coach.synth.noise import NoiseConfig  # noqa: E402
from coach.synth.scenarios import Scenario, lift_sequence, standing_still, walking  # noqa: E402

ALL_KINDS = ("squat", "stoop", "reach", "twist")


@functools.lru_cache(maxsize=64)
def lifts(kinds: tuple[str, ...], seed: int, view: str, harsh: bool = False) -> Scenario:
    """A noisy lift scenario (cached: several tests look at the same one)."""
    noise = NoiseConfig.harsh() if harsh else NoiseConfig()
    return lift_sequence(kinds, seed=seed, noise=noise, view=view)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=128)
def _frames(sc: Scenario, world: bool, smooth: bool) -> tuple[PoseFrame, ...]:
    sm = PoseSmoother()
    out = []
    for f in sc.frames:
        if not world:
            f = f.replace(world=None)
        out.append(sm(f) if smooth else f)
    return tuple(out)


def analyse(sc: Scenario, world: bool = True, smooth: bool = True,
            analyzer: LiftAnalyzer | None = None) -> tuple[LiftAnalyzer, list[FrameVerdict]]:
    """Run a scenario the way the pipeline does: One Euro smoothing, then
    the analyzer; ``world=False`` drops the world landmarks (a 2D-only CSV)."""
    a = analyzer or LiftAnalyzer()
    return a, [a.update(f) for f in _frames(sc, world, smooth)]


def records_by_truth(a: LiftAnalyzer, sc: Scenario) -> list[tuple[str, RepRecord | None]]:
    """(truth kind, the lift record whose span holds that lift's bottom, or None)."""
    items = a.summary().items
    return [(lt.kind, next((r for r in items if r.start <= lt.bottom <= r.end), None)) for lt in sc.truth.lifts]


@pytest.mark.parametrize("view", ["side", "front", "oblique"])
@pytest.mark.parametrize("world", [True, False])
@pytest.mark.parametrize("seed", [0, 1])
def test_synth_lift_count_is_exact(view: str, world: bool, seed: int) -> None:
    sc = lifts(ALL_KINDS, seed, view)
    a, vs = analyse(sc, world=world)
    assert a.summary().reps == sc.truth.count == 4
    assert all(rec is not None for _, rec in records_by_truth(a, sc))
    reps = [v.reps for v in vs]
    assert reps == sorted(reps)
    assert sum(v.cue == BRACE_CUE for v in vs) == 4


@pytest.mark.parametrize(("view", "world"), [("side", False), ("side", True), ("front", True), ("oblique", True)])
def test_synth_classification_by_type(view: str, world: bool) -> None:
    """Squat and stoop lifts are told apart in every view that shows flexion.
    (The generator's "reach" is a half squat, knees ~65 deg; its "twist" a
    deep squat.)"""
    expected = {"squat": "squat", "stoop": "stoop", "reach": "semi-squat", "twist": "squat"}
    for seed in (0, 1, 2):
        sc = lifts(ALL_KINDS, seed, view)
        a, _ = analyse(sc, world=world)
        s = a.summary()
        assert s.extra["lift_types"] == [expected[k] for k in ALL_KINDS], (view, world, seed)
        for kind, rec in records_by_truth(a, sc):
            assert rec is not None and rec.measures["lift_type"] == LIFT_TYPE_CODES[expected[kind]]


@pytest.mark.parametrize(("view", "world"), [("side", False), ("side", True), ("front", True), ("oblique", True)])
def test_synth_stoop_is_flagged_and_good_squat_is_not(view: str, world: bool) -> None:
    for seed in (0, 3):
        sc = lifts(("squat", "stoop", "squat"), seed, view)
        a, _ = analyse(sc, world=world)
        recs = dict((i, rec) for i, (_, rec) in enumerate(records_by_truth(a, sc)))
        squat1, stoop, squat2 = recs[0], recs[1], recs[2]
        assert stoop is not None and KNEES_STRAIGHT in stoop.faults and BACK_ROUNDED in stoop.faults
        assert stoop.score < 50 and not stoop.good
        for rec in (squat1, squat2):
            assert rec is not None and rec.faults == () and rec.good and rec.score == 100.0


@pytest.mark.parametrize(("view", "world"), [("side", False), ("side", True), ("front", True), ("oblique", True)])
def test_synth_reaching_lift_gets_load_far(view: str, world: bool) -> None:
    sc = lifts(("squat", "reach"), 2, view)
    a, vs = analyse(sc, world=world)
    (_, squat), (_, reach) = records_by_truth(a, sc)
    assert reach is not None and LOAD_FAR in reach.faults
    assert reach.measures["h_frac"] > 0.30 and reach.measures["hm"] < 0.5
    assert squat is not None and LOAD_FAR not in squat.faults
    assert any(v.cue == SPEC.cues[LOAD_FAR] for v in vs) or any(v.faults and v.faults[0] != LOAD_FAR for v in vs)


@pytest.mark.parametrize("world", [False, True])
def test_synth_twisting_lift_gets_twisting_front_view(world: bool) -> None:
    """Front view: the 2D width proxy (used even with world landmarks,
    whose depth is MediaPipe's noisiest coordinate)."""
    for seed in (0, 1, 2):
        sc = lifts(("squat", "twist"), seed, "front")
        a, vs = analyse(sc, world=world)
        (_, squat), (_, twist) = records_by_truth(a, sc)
        assert twist is not None and TWISTING in twist.faults, (world, seed)
        assert twist.measures["twist_max"] > 30
        assert squat is not None and TWISTING not in squat.faults
        assert any(v.cue == SPEC.cues[TWISTING] for v in vs)


def test_synth_twisting_lift_gets_twisting_oblique_view_with_world() -> None:
    """Oblique view (40 deg from the side), world landmarks: the shoulders
    turned toward the camera are both seen; the hip line comes from the near
    hip (world origin = hip midpoint). MediaPipe-like depth noise makes this
    the least certain route (16 of 20 seeds measured), so most, not all."""
    hits = seen = 0
    for seed in range(6):
        sc = lifts(("squat", "twist"), seed, "oblique")
        a, _ = analyse(sc, world=True)
        (_, squat), (_, twist) = records_by_truth(a, sc)
        assert squat is not None and TWISTING not in squat.faults
        if twist is None:
            continue  # an occlusion episode hid the lift: not counted, not judged
        seen += 1
        assert twist.measures["twist_max"] > 20
        hits += TWISTING in twist.faults
    assert seen >= 4 and hits >= seen - 1


def test_synth_side_view_2d_never_judges_twist() -> None:
    sc = lifts(("twist",), 0, "side")
    a, vs = analyse(sc, world=False)
    assert a.summary().reps == 1
    assert TWISTING not in faults_seen(vs)
    assert a.summary().extra["judged"][TWISTING] is False


@pytest.mark.parametrize("view", ["side", "front", "oblique"])
def test_synth_faults_match_truth_where_judged(view: str) -> None:
    """No fault the truth does not allow (false alarms), in any view."""
    for seed in range(3):
        sc = lifts(ALL_KINDS, seed, view)
        for world in (True, False):
            a, _ = analyse(sc, world=world)
            for lt, (_, rec) in zip(sc.truth.lifts, records_by_truth(a, sc), strict=True):
                assert rec is not None
                assert set(rec.faults) <= lt.faults | lt.ambiguous_faults, (view, world, seed, lt.kind, rec.faults)


@pytest.mark.parametrize("view", ["side", "front", "oblique"])
@pytest.mark.parametrize("world", [True, False])
def test_synth_standing_still_and_walking_never_count(view: str, world: bool) -> None:
    for seed in (0, 1):
        for sc in (standing_still(15.0, seed=seed, noise=NoiseConfig(), view=view),
                   walking(15.0, seed=seed, noise=NoiseConfig(), view=view)):
            a, _ = analyse(sc, world=world)
            assert a.summary().reps == 0, (sc.name, view, world, seed)
            assert a.summary().items == ()


def test_synth_standing_still_stays_standing_without_cues() -> None:
    for view in ("side", "front", "oblique"):
        sc = standing_still(15.0, seed=4, noise=NoiseConfig(), view=view)
        _, vs = analyse(sc)
        assert all(v.phase == "standing" and not v.faults for v in vs if v.visible)
        assert not any(v.cue == BRACE_CUE for v in vs)


def test_synth_harsh_noise_and_raw_frames() -> None:
    """A poor setup (dropouts, occlusions, teleports) and no smoothing: the
    count may drop a lift that was not seen, but never exceeds the truth."""
    for seed in range(3):
        sc = lifts(ALL_KINDS, seed, "side", harsh=True)
        for smooth in (True, False):
            a, vs = analyse(sc, smooth=smooth)
            assert 3 <= a.summary().reps <= 4
            reps = [v.reps for v in vs]
            assert reps == sorted(reps)


def test_synth_measures_agree_with_truth() -> None:
    """Side view, 2D: the per-lift measures are close to the generator's
    noise-free ground truth. (Not for a twisting lift: with the shoulders
    turned, the near shoulder leaves the near hip's sagittal plane and the 2D
    trunk angle reads ~15 deg low; a side view cannot show twist.)"""
    sc = lifts(("squat", "stoop", "reach"), 5, "side")
    a, _ = analyse(sc, world=False)
    for lt, (_, rec) in zip(sc.truth.lifts, records_by_truth(a, sc), strict=True):
        assert rec is not None
        mm = rec.measures
        assert mm["trunk_flexion_max"] == pytest.approx(lt.trunk_flexion_deg, abs=12)
        assert mm["h_frac"] == pytest.approx(lt.hand_distance_frac, abs=0.06)
        v_truth_cm = lt.hand_height_m * 100
        assert mm["v_cm"] == pytest.approx(v_truth_cm, abs=12)
