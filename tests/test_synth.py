"""The synthetic body model, camera, noise and scenarios, against values one
can check by hand (Winter's proportions, triangle geometry, pinhole maths)."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest

from coach import geometry as geo
from coach.landmarks import Landmark as L
from coach.pose import PoseFrame
from coach.synth import body as b
from coach.synth.body import BodyDims, Posture, PostureSeq, bilateral, forward_kinematics, solve
from coach.synth.camera import VIS_FAR, VIS_NEAR, Camera, View, project, project_track
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios import (
    PLANK_HABIT_PIKE,
    bridge_reps,
    demo_track,
    knee_to_chest,
    lift_sequence,
    min_jerk,
    no_person,
    partial_body,
    plank_hold,
    standing_still,
    walking,
)

H = 1.71
DIMS = BodyDims.from_stature(H)


def sag2d(p: np.ndarray) -> np.ndarray:
    """Side-camera view of internal world points: (x, y) with y down."""
    return np.stack([p[..., 0], -p[..., 1]], axis=-1)


# -- body dimensions ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "frac"),
    [
        ("thigh", 0.245),
        ("shank", 0.246),
        ("upper_arm", 0.186),
        ("forearm", 0.146),
        ("hand", 0.108),
        ("foot_length", 0.152),
        ("shoulder_width", 0.259),
        ("hip_width", 0.191),
        ("trunk", 0.288),
    ],
)
def test_segment_fractions_of_stature(name: str, frac: float) -> None:
    assert getattr(DIMS, name) / DIMS.stature == pytest.approx(frac)


class g:
    """The measures these tests take, in :mod:`coach.geometry`'s terms."""

    distance = staticmethod(geo.distance)
    flexion = staticmethod(geo.flexion_deg)

    @staticmethod
    def joint_angle(a: Any, b: Any, c: Any) -> float:
        return 180.0 - geo.flexion_deg(a, b, c)

    @staticmethod
    def offset_below_line(p: Any, a: Any, b: Any) -> float:
        return geo.offset_below(p, a, b)

    @staticmethod
    def choose_side(frame: PoseFrame) -> str:
        from exercises._sides import SideSelector
        from exercises._view import View as FrameView

        return SideSelector(("shoulder", "hip", "knee", "ankle"), 0.6, 0.12).update(FrameView(frame), frame.t)


@pytest.mark.parametrize(
    ("lm", "frac"),
    [
        (L.LEFT_SHOULDER, 0.818),
        (L.LEFT_HIP, 0.530),
        (L.LEFT_KNEE, 0.285),
        (L.LEFT_ANKLE, 0.039),
        (L.LEFT_WRIST, 0.485),
        (L.LEFT_ELBOW, 0.630),
    ],
)

def test_standing_landmark_heights_match_winter(lm: L, frac: float) -> None:
    p = forward_kinematics(Posture(), DIMS)
    assert p[lm, 1] / H == pytest.approx(frac, abs=0.003)


def test_sampled_bodies_are_plausible_and_seeded() -> None:
    a = BodyDims.sample(np.random.default_rng(3))
    assert a == BodyDims.sample(np.random.default_rng(3))
    for seed in range(30):
        d = BodyDims.sample(np.random.default_rng(seed))
        assert 1.50 <= d.stature <= 1.95
        assert 0.96 * 0.245 <= d.thigh / d.stature <= 1.04 * 0.245


def test_bad_dims_and_postures_are_rejected() -> None:
    with pytest.raises(ValueError, match="stature"):
        BodyDims.from_stature(0.2)
    with pytest.raises(ValueError, match="base"):
        Posture(base="handstand")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        Posture(knee_flexion_l=math.nan)


# -- forward kinematics ------------------------------------------------------------------
ANGLE_TABLE = [
    # base, pitch, hip, knee
    ("standing", 0.0, 0.0, 0.0),
    ("standing", 20.0, 60.0, 80.0),
    ("standing", 45.0, 115.0, 110.0),
    ("standing", 80.0, 95.0, 15.0),
    ("supine", 90.0, 45.0, 90.0),
    ("supine", 90.0, 120.0, 115.0),
    ("prone", 80.0, 10.0, 0.0),
]


@pytest.mark.parametrize(("base", "pitch", "hip", "knee"), ANGLE_TABLE)
def test_fk_gives_the_joint_angles_back(base: str, pitch: float, hip: float, knee: float) -> None:
    arms = {"standing": "angles", "supine": "alongside", "prone": "forearms"}[base]
    p = forward_kinematics(
        Posture(base=base, arms=arms, trunk_pitch=pitch, **bilateral(hip_flexion=hip, knee_flexion=knee)),  # type: ignore[arg-type]
        DIMS,
    )
    s = sag2d(p)
    for side in ("LEFT", "RIGHT"):
        sh, hp, kn, an = (s[L[f"{side}_{j}"]] for j in ("SHOULDER", "HIP", "KNEE", "ANKLE"))
        assert g.flexion(sh, hp, kn) == pytest.approx(hip, abs=1.0)
        assert g.flexion(hp, kn, an) == pytest.approx(knee, abs=1.0)


def test_fk_random_postures_round_trip() -> None:
    rng = np.random.default_rng(0)
    hips, knees = rng.uniform(0, 120, 50), rng.uniform(0, 140, 50)
    values = {"trunk_pitch": rng.uniform(0, 60, 50), "hip_flexion_l": hips, "knee_flexion_l": knees}
    pts = solve(PostureSeq("standing", "angles", "pelvis", values), DIMS).points
    s = sag2d(pts)
    for i in range(50):
        assert g.flexion(s[i, L.LEFT_SHOULDER], s[i, L.LEFT_HIP], s[i, L.LEFT_KNEE]) == pytest.approx(hips[i], abs=1e-6)
        assert g.flexion(s[i, L.LEFT_HIP], s[i, L.LEFT_KNEE], s[i, L.LEFT_ANKLE]) == pytest.approx(knees[i], abs=1e-6)


def test_standing_feet_are_on_the_floor_even_in_a_squat() -> None:
    for hip, knee, pitch in ((0.0, 0.0, 0.0), (115.0, 110.0, 40.0)):
        kin = solve(
            PostureSeq.from_postures(
                [Posture(foot_flat=1.0, trunk_pitch=pitch, **bilateral(hip_flexion=hip, knee_flexion=knee))]
            ),
            DIMS,
        )
        assert kin.soles[0, :, 1] == pytest.approx(np.zeros(4), abs=1e-9)  # flat foot: heel and toe down
        p = kin.points[0]
        assert 0.0 < p[L.LEFT_HEEL, 1] < 0.03 and 0.0 < p[L.LEFT_FOOT_INDEX, 1] < 0.03


@pytest.mark.parametrize("hip", [0.0, -15.0, 15.0])
def test_plank_rests_on_forearms_and_toes(hip: float) -> None:
    p = forward_kinematics(Posture(base="prone", arms="forearms", trunk_pitch=80, **bilateral(hip_flexion=hip)), DIMS)
    for side in ("LEFT", "RIGHT"):
        assert p[L[f"{side}_ELBOW"], 1] == pytest.approx(b.ELBOW_FLOOR_H, abs=1e-6)
        assert p[L[f"{side}_WRIST"], 1] == pytest.approx(b.WRIST_FLOOR_H, abs=1e-6)
        assert p[L[f"{side}_FOOT_INDEX"], 1] == pytest.approx(b.TOE_FLOOR_H, abs=1e-6)
    assert p[:, 1].min() >= 0.0


@pytest.mark.parametrize("sag", [10.0, 20.0])
def test_plank_sag_lowers_the_hip_below_the_line_by_the_triangle_amount(sag: float) -> None:
    straight = forward_kinematics(Posture(base="prone", arms="forearms", trunk_pitch=80), DIMS)
    sagged = forward_kinematics(
        Posture(base="prone", arms="forearms", trunk_pitch=80, **bilateral(hip_flexion=-sag)), DIMS
    )
    s = sag2d(sagged)
    sh, hp, an = s[L.LEFT_SHOULDER], s[L.LEFT_HIP], s[L.LEFT_ANKLE]
    assert g.joint_angle(sh, hp, an) == pytest.approx(180.0 - sag, abs=1e-6)
    # distance of the apex from the base of a triangle: a * b * sin(angle at apex) / c
    a, bb, c = g.distance(sh, hp), g.distance(hp, an), g.distance(sh, an)
    assert g.offset_below_line(hp, sh, an) == pytest.approx(a * bb * math.sin(math.radians(sag)) / c, abs=1e-6)
    assert sagged[L.LEFT_HIP, 1] < straight[L.LEFT_HIP, 1] - 0.04  # the hips really drop
    assert sagged[L.LEFT_FOOT_INDEX, 1] == pytest.approx(b.TOE_FLOOR_H)  # toes still down


def test_supine_rest_and_bent_leg_helper() -> None:
    k = b.supine_knee_bent_hip_flexion(DIMS, 90.0)
    p = forward_kinematics(
        Posture(
            base="supine", arms="alongside", trunk_pitch=90, foot_flat=1, **bilateral(hip_flexion=k, knee_flexion=90.0)
        ),
        DIMS,
    )
    assert p[L.LEFT_SHOULDER, 1] == pytest.approx(b.SHOULDER_LYING_H, abs=0.005)
    assert p[L.LEFT_HIP, 1] == pytest.approx(b.HIP_LYING_H, abs=0.005)
    assert p[L.LEFT_ANKLE, 1] == pytest.approx(DIMS.ankle_height, abs=0.002)
    assert p[L.LEFT_WRIST, 1] == pytest.approx(b.ARM_LYING_H, abs=1e-6)


# -- camera -------------------------------------------------------------------------------
def test_pinhole_projection_by_hand() -> None:
    cam = Camera(position=(0.0, 1.0, -3.0), target=(0.0, 1.0, 0.0), width=1280, height=720, hfov_deg=60.0)
    f = 640.0 / math.tan(math.radians(30.0))
    pts = np.zeros((33, 3))
    pts[:, 1] = 1.0
    pts[L.LEFT_HIP] = (0.0, 1.0, -0.1)
    pts[L.RIGHT_HIP] = (0.0, 1.0, 0.1)
    pts[L.NOSE] = (0.5, 1.0, 0.0)  # 0.5 m to the camera's left (world +x appears on the image left)
    pts[L.LEFT_WRIST] = (0.0, 0.5, 0.0)
    fr = project(pts, cam, t=1.5)
    assert fr.t == 1.5 and fr.aspect == pytest.approx(16 / 9)
    assert fr.xy[L.NOSE, 0] == pytest.approx(0.5 - f * 0.5 / 3.0 / 1280)
    assert fr.xy[L.LEFT_WRIST, 1] == pytest.approx(0.5 + f * 0.5 / 3.0 / 720)
    assert fr.z[L.LEFT_HIP] == pytest.approx(-f * 0.1 / (3.0 * 1280))  # nearer: smaller z
    assert fr.world is not None
    assert fr.world[L.LEFT_WRIST] == pytest.approx([0.0, 0.5, 0.0])  # metres, y down, hip origin


def test_side_view_near_side_and_frame_bounds() -> None:
    sc = standing_still(2.0, view=View("side", side="left"), seed=1)
    for fr in sc.frames:
        assert np.all((fr.xy >= 0.0) & (fr.xy <= 1.0))
        assert fr.z[L.LEFT_HIP] < fr.z[L.RIGHT_HIP]
        assert fr.vis(L.LEFT_KNEE) == pytest.approx(VIS_NEAR) and fr.vis(L.RIGHT_KNEE) == pytest.approx(VIS_FAR)
        assert fr.world is not None
        assert np.nanmean(fr.world[[L.LEFT_HIP, L.RIGHT_HIP]], axis=0) == pytest.approx(np.zeros(3), abs=1e-9)
        assert fr.world[L.NOSE, 1] < -0.5  # y down: the head is above the hips
    assert g.choose_side(sc.frames[0]) == "left"


# -- noise ----------------------------------------------------------------------------------
def test_noise_is_reproducible_by_seed() -> None:
    a = plank_hold(3.0, seed=5, noise=NoiseConfig())
    b2 = plank_hold(3.0, seed=5, noise=NoiseConfig())
    c = plank_hold(3.0, seed=6, noise=NoiseConfig())
    assert [f.t for f in a.frames] == [f.t for f in b2.frames]
    assert all(np.array_equal(x.xy, y.xy, equal_nan=True) for x, y in zip(a.frames, b2.frames, strict=True))
    assert not np.allclose(a.frames[10].xy, c.frames[10].xy, equal_nan=True)


def test_noise_does_not_change_the_movement() -> None:
    clean = bridge_reps(1, seed=2)
    noisy = bridge_reps(1, seed=2, noise=NoiseConfig())
    assert np.array_equal(clean.clean_world, noisy.clean_world)


def test_noisy_timestamps_strictly_increase_with_drops_and_misses() -> None:
    sc = walking(30.0, seed=3, noise=NoiseConfig.harsh())
    t = np.array([f.t for f in sc.frames])
    assert np.all(np.diff(t) > 0)
    assert len(sc.frames) < sc.clean_times.size  # frames were dropped
    assert np.diff(t).max() > 1.5 / sc.fps  # ... so the timestamps jump
    assert any(not f.has_person for f in sc.frames)  # whole-frame misses


def test_far_side_visibility_is_low_in_a_side_view() -> None:
    sc = lift_sequence(("squat",), seed=4, noise=NoiseConfig.jitter_only(), view="side")
    vis = np.array([f.visibility for f in sc.frames])
    for near, far in ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_KNEE, L.RIGHT_KNEE)):
        assert 0.85 <= vis[:, near].min() and vis[:, near].max() <= 1.0
        assert 0.05 <= vis[:, far].min() and vis[:, far].max() <= 0.35


def test_jitter_size_matches_the_config() -> None:
    cfg = NoiseConfig.jitter_only()
    clean = standing_still(20.0, seed=7, view="front")
    noisy = standing_still(20.0, seed=7, view="front", noise=cfg)
    d = np.array([(n.xy - c.xy)[:, 1] for n, c in zip(noisy.frames, clean.frames, strict=True)])
    expected = math.hypot(cfg.jitter_sd_standing, cfg.bias_sd)
    assert float(np.std(d)) == pytest.approx(expected, rel=0.25)


# -- scenarios --------------------------------------------------------------------------------
def test_clean_scenarios_stay_in_the_image_with_increasing_time() -> None:
    for sc in (
        plank_hold(3.0),
        bridge_reps(1),
        knee_to_chest(("right",), hold_s=2.0),
        lift_sequence(("stoop",), view="oblique"),
        bridge_reps(1, view="front"),
    ):
        t = np.array([f.t for f in sc.frames])
        assert np.all(np.diff(t) > 0)
        xy = np.array([f.xy for f in sc.frames])
        assert np.all((xy > 0.02) & (xy < 0.98)), sc.name
        assert sc.frames[0].aspect == pytest.approx(1280 / 720)


def test_plank_scenario_truth_and_geometry() -> None:
    sc = plank_hold(9.0, sag_deg=20.0, sag_start_s=3.0)
    tr = sc.truth
    assert tr.faults == {"hips_sagging"} and tr.count == 1
    (hold,) = tr.reps
    assert hold.duration == pytest.approx(9.0)
    assert tr.good_hold_s == pytest.approx(3.0 + 0.75)
    w = sag2d(sc.clean_world)

    def angle_at(t: float) -> float:
        i = int(np.argmin(np.abs(sc.clean_times - t)))
        return g.joint_angle(w[i, L.LEFT_SHOULDER], w[i, L.LEFT_HIP], w[i, L.LEFT_ANKLE])

    # before the sag: the person's habitual hip height (real people hold a plank a little high)
    mean, sd, lo, hi = PLANK_HABIT_PIKE
    habit = float(np.clip(np.random.default_rng([0, 0x9]).normal(mean, sd), lo, hi))
    assert angle_at(hold.start + 1.0) == pytest.approx(180.0 - habit, abs=3.0)
    assert angle_at(hold.end - 1.0) == pytest.approx(160.0, abs=3.0)
    assert sc.clean_world[:, L.LEFT_FOOT_INDEX, 1][sc.clean_times > hold.start].max() < 0.03
    assert [s.label for s in tr.phases] == ["setup", "hold", "setup"]


def test_bridge_scenario_top_line_planted_feet_and_knee_angle() -> None:
    sc = bridge_reps(2, hip_extension_deficit_deg=20.0, knee_angle_deg=125.0)
    tr = sc.truth
    assert tr.count == 2 and tr.faults == {"hips_too_low", "feet_too_far"}
    top = next(s for s in tr.phases if s.label == "top")
    i = int(np.argmin(np.abs(sc.clean_times - (top.start + top.end) / 2)))
    w = sag2d(sc.clean_world[i])
    sh, hp, kn, an = w[L.LEFT_SHOULDER], w[L.LEFT_HIP], w[L.LEFT_KNEE], w[L.LEFT_ANKLE]
    assert g.joint_angle(sh, hp, kn) == pytest.approx(160.0, abs=2.0)
    assert g.offset_below_line(hp, sh, kn) > 0.03  # hips below the shoulder-knee line
    assert g.joint_angle(hp, kn, an) == pytest.approx(125.0, abs=1.0)
    ankles = sc.clean_world[:, L.LEFT_ANKLE]
    assert np.ptp(ankles[:, 0]) < 0.005 and np.ptp(ankles[:, 1]) < 0.005  # feet planted
    assert sc.clean_world[:, L.LEFT_SHOULDER, 1] == pytest.approx(b.SHOULDER_LYING_H, abs=0.005)


def test_knee_to_chest_pulls_the_right_leg_with_hands_on_the_shin() -> None:
    sc = knee_to_chest(("left", "right"), hold_s=3.0, hip_flexion_deg=120.0, other_leg_lift_deg=25.0)
    tr = sc.truth
    assert tr.count == 2 and [h.side for h in tr.reps] == ["left", "right"]
    assert tr.faults == {"other_leg_lifted"}
    assert tr.good_hold_s == pytest.approx(2 * 0.5)  # the resting leg rises over the first second
    for hold in tr.reps:
        side = "LEFT" if hold.side == "left" else "RIGHT"
        i = int(np.argmin(np.abs(sc.clean_times - (hold.start + hold.end) / 2)))
        w = sc.clean_world[i]
        p2 = sag2d(w)
        flex = g.flexion(p2[L[f"{side}_SHOULDER"]], p2[L[f"{side}_HIP"]], p2[L[f"{side}_KNEE"]])
        assert flex == pytest.approx(120.0, abs=3.0)
        shin = w[L[f"{side}_KNEE"]] + b.SHIN_GRIP_FRAC * (w[L[f"{side}_ANKLE"]] - w[L[f"{side}_KNEE"]])
        for wrist in (L.LEFT_WRIST, L.RIGHT_WRIST):
            assert g.distance(w[wrist], shin) < 0.08  # hands around the shin (~6 cm off its axis)


@pytest.mark.parametrize(
    ("kind", "view", "faults"),
    [
        ("squat", "side", set()),
        ("stoop", "side", {"knees_straight", "back_rounded"}),
        ("twist", "front", {"twisting"}),
        ("twist", "side", set()),  # only ambiguous: a side view sees the twist end-on
    ],
)
def test_lift_kinds_have_their_signature(kind: str, view: str, faults: set[str]) -> None:
    sc = lift_sequence((kind,), view=view)  # type: ignore[arg-type]
    (lt,) = sc.truth.lifts
    assert lt.faults == faults
    if kind == "squat":
        assert 90.0 <= lt.knee_flexion_deg <= 125.0 and lt.trunk_flexion_deg <= 54.0
    if kind == "stoop":
        assert lt.knee_flexion_deg < 25.0 and lt.trunk_flexion_deg > 70.0
    assert lt.hand_height_m < 0.36
    assert sc.truth.phases[1].label == "descending"


def test_reach_lift_puts_the_load_far() -> None:
    (lt,) = lift_sequence(("reach",)).truth.lifts
    assert 0.45 <= lt.hand_distance_m <= 0.62 and "load_far" in lt.faults


def test_partial_body_hides_the_lower_body() -> None:
    sc = partial_body("lift", cut="knees")
    ankles = np.array([f.visibility[[L.LEFT_ANKLE, L.RIGHT_ANKLE]] for f in sc.frames])
    assert ankles.max() < 0.1
    assert not sc.truth.judgeable and sc.truth.faults == {"not_visible"} and sc.truth.count == 0


def test_no_person_and_demo_track() -> None:
    sc = no_person(1.0)
    assert len(sc.frames) == 31 and not any(f.has_person for f in sc.frames)
    segments = demo_track(seed=0)
    assert [e for e, _ in segments] == ["plank", "hip_bridge", "knee_to_chest", "lift"]
    t = np.array([f.t for _, s in segments for f in s.frames])
    assert np.all(np.diff(t) > 0) and 35.0 <= t[-1] - t[0] <= 55.0


def test_min_jerk_easing_endpoints() -> None:
    u = np.array([0.0, 0.5, 1.0])
    assert min_jerk(u) == pytest.approx([0.0, 0.5, 1.0])


def test_bad_scenario_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="not both"):
        plank_hold(5.0, sag_deg=10.0, pike_deg=10.0)
    with pytest.raises(ValueError, match="knee_angle_deg"):
        bridge_reps(1, knee_angle_deg=10.0)
    with pytest.raises(ValueError, match="lift kind"):
        lift_sequence(("deadlift",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="view"):
        plank_hold(5.0, view="top")


def test_a_minute_of_noisy_frames_is_fast() -> None:
    start = time.perf_counter()
    sc = plank_hold(55.0, noise=NoiseConfig())
    assert sc.duration_s > 60.0
    assert time.perf_counter() - start < 2.0


def test_projected_track_matches_single_frame_projection() -> None:
    sc = lift_sequence(("squat",))
    track = project_track(sc.clean_world[:3], sc.camera)
    fr = project(sc.clean_world[2], sc.camera, t=0.0)
    assert np.allclose(track.xy[2], fr.xy) and np.allclose(track.z[2], fr.z)
