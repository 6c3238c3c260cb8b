"""The overlay draws onto real images: pixels change where the skeleton is,
in the verdict's colours; the annotated video is a readable MP4."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.cvlog import cv2
from coach.exercise import NOT_VISIBLE, FrameVerdict, SetSummary
from coach.landmarks import NUM_LANDMARKS, SKELETON_EDGES, Landmark
from coach.overlay import (
    AMBER,
    GREEN,
    GREY,
    RED,
    AnnotatedVideoSink,
    Hud,
    SetupView,
    VideoFileWriter,
    annotate,
    draw_hud,
    draw_setup,
    draw_skeleton,
    segment_colours,
)
from coach.pipeline import Pipeline, run
from coach.pose import PoseFrame

W, H = 640, 480
L = Landmark

# a standing figure, side-on, image-normalised
POINTS = {
    L.LEFT_EAR: (0.50, 0.15), L.LEFT_SHOULDER: (0.50, 0.25), L.LEFT_ELBOW: (0.52, 0.40),
    L.LEFT_WRIST: (0.54, 0.52), L.LEFT_HIP: (0.50, 0.55), L.LEFT_KNEE: (0.51, 0.72),
    L.LEFT_ANKLE: (0.50, 0.90), L.LEFT_HEEL: (0.48, 0.92), L.LEFT_FOOT_INDEX: (0.56, 0.93),
}


def figure(vis: float = 0.95, hidden: tuple[Landmark, ...] = ()) -> PoseFrame:
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    v = np.zeros(NUM_LANDMARKS)
    for lm, p in POINTS.items():
        xy[lm] = p
        v[lm] = 0.0 if lm in hidden else vis
    return PoseFrame(t=0.0, xy=xy, z=np.zeros(NUM_LANDMARKS), visibility=v, aspect=W / H)


def blank() -> np.ndarray:
    return np.full((H, W, 3), 30, np.uint8)


def midpoint_px(a: Landmark, b: Landmark) -> tuple[int, int]:
    (xa, ya), (xb, yb) = POINTS[a], POINTS[b]
    return round((xa + xb) / 2 * W), round((ya + yb) / 2 * H)


def close_to(pixel: np.ndarray, colour: tuple[int, int, int], tol: int = 40) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(colour)) <= tol))


def test_skeleton_changes_pixels_where_the_body_is_and_nowhere_else() -> None:
    img = blank()
    out = draw_skeleton(img.copy(), figure(), FrameVerdict(t=0, phase="hold"))
    changed = np.any(out != img, axis=2)
    x, y = midpoint_px(L.LEFT_HIP, L.LEFT_KNEE)
    assert changed[y, x]
    assert close_to(out[y, x], GREEN)
    assert not changed[:, : int(0.3 * W)].any()  # far from the figure: untouched
    assert not changed[:, int(0.7 * W):].any()


@pytest.mark.parametrize(
    ("verdict", "edge", "colour"),
    [
        (FrameVerdict(t=0, phase="hold"), (L.LEFT_HIP, L.LEFT_KNEE), GREEN),
        (FrameVerdict(t=0, phase="hold", faults=("hips_sagging",), fault_joints=(L.LEFT_HIP,)),
         (L.LEFT_HIP, L.LEFT_KNEE), RED),
        (FrameVerdict(t=0, phase="hold", faults=("hips_sagging",), fault_joints=(L.LEFT_HIP,)),
         (L.LEFT_KNEE, L.LEFT_ANKLE), GREEN),
        (FrameVerdict(t=0, phase="hold", warnings=("hips_sagging",)), (L.LEFT_KNEE, L.LEFT_ANKLE), AMBER),
        (FrameVerdict(t=0, phase="hold", warnings=(NOT_VISIBLE,)), (L.LEFT_KNEE, L.LEFT_ANKLE), GREEN),
        (FrameVerdict(t=0, phase="setup", visible=False, faults=(NOT_VISIBLE,)), (L.LEFT_HIP, L.LEFT_KNEE), GREY),
    ],
)
def test_segments_are_coloured_by_the_verdict(verdict: FrameVerdict, edge: tuple[Landmark, Landmark],
                                              colour: tuple[int, int, int]) -> None:
    colours = {(a, b): c for a, b, c in segment_colours(figure(), verdict)}
    assert colours[edge] == colour
    out = draw_skeleton(blank(), figure(), verdict)
    x, y = midpoint_px(*edge)
    assert close_to(out[y, x], colour)


def test_joints_the_model_is_guessing_are_not_drawn() -> None:
    segs = segment_colours(figure(hidden=(L.LEFT_KNEE,)), None)
    drawn = {(a, b) for a, b, _ in segs}
    assert (L.LEFT_HIP, L.LEFT_KNEE) not in drawn and (L.LEFT_KNEE, L.LEFT_ANKLE) not in drawn
    assert (L.LEFT_SHOULDER, L.LEFT_HIP) in drawn
    assert len(drawn) < len(SKELETON_EDGES)
    out = draw_skeleton(blank(), figure(hidden=(L.LEFT_KNEE,)))
    x, y = midpoint_px(L.LEFT_HIP, L.LEFT_KNEE)
    assert np.all(out[y, x] == 30)


def test_no_person_draws_nothing() -> None:
    img = blank()
    out = draw_skeleton(img.copy(), PoseFrame.empty(0.0))
    assert np.array_equal(out, img)


def test_mirror_flips_the_skeleton_but_not_the_text() -> None:
    out = annotate(blank(), figure(), None, mirror=True)
    x, y = midpoint_px(L.LEFT_HIP, L.LEFT_KNEE)
    assert np.all(out[y, x] == 30)
    assert not np.all(out[y, W - 1 - x] == 30)


@pytest.mark.parametrize(
    ("hud", "text"),
    [
        (Hud(hold_s=12.34, target=30, target_unit="s"), "Hold 12.3 / 30 s"),
        (Hud(reps=3, target=10, target_unit="reps"), "Reps 3 / 10"),
        (Hud(reps=2, target=5, target_unit="lifts"), "Lifts 2 / 5"),
        (Hud(reps=4), "Reps 4"),
    ],
)
def test_counter_text(hud: Hud, text: str) -> None:
    assert hud.counter == text


def test_hud_shows_the_cue_large_at_the_bottom() -> None:
    with_cue = draw_hud(blank(), Hud(cue="Lift your hips", cue_kind="fault", fps=29.5, latency_ms=21.0))
    without = draw_hud(blank(), Hud(fps=29.5, latency_ms=21.0))
    band = slice(int(H * 0.8), H)
    assert np.any(with_cue[band] != without[band])
    red = np.all(np.abs(with_cue[band].astype(int) - np.array(RED)) < 30, axis=2)
    assert red.sum() > 200  # the cue is written in red, in big letters
    assert np.any(with_cue[:40, W - 200:] != 30)  # fps and latency, top right


def test_setup_screen_and_countdown_draw() -> None:
    img = blank()
    a = draw_setup(img.copy(), SetupView(("Step back so your whole body is visible",), 0.5))
    b = draw_setup(img.copy(), SetupView((), 1.0, countdown=3))
    assert np.any(a != img) and np.any(b != img)
    assert not np.array_equal(a, b)


def test_video_writer_paces_by_time(tmp_path: Path) -> None:
    path = tmp_path / "paced.mp4"
    writer = VideoFileWriter(path, fps=10)
    for t in (0.0, 0.1, 0.4, 0.41, 0.5):  # 0.2 and 0.3 were dropped; 0.41 falls in the 0.4 slot
        writer.write(blank(), t)
    writer.close()
    assert writer.frames == 6  # slots 0..5, the gap filled by repeats
    cap = cv2.VideoCapture(str(path))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 6
    cap.release()


def test_annotated_video_sink_writes_a_readable_mp4(tmp_path: Path) -> None:
    from coach.registry import get_exercise

    frames = [figure().replace(t=i / 30) for i in range(12)]
    items = [(f, blank()) for f in frames]
    sink = AnnotatedVideoSink(tmp_path / "out.mp4")
    run(items, Pipeline(get_exercise("plank")), [sink])
    assert sink.frames == 12
    cap = cv2.VideoCapture(str(tmp_path / "out.mp4"))
    ok, image = cap.read()
    assert ok and image.shape == (H, W, 3)
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 12
    cap.release()


def test_sink_without_images_writes_nothing(tmp_path: Path) -> None:
    sink = AnnotatedVideoSink(tmp_path / "none.mp4")
    sink.close(SetSummary(exercise="plank", reps=0, hold_s=0, score=0, score_formula=""))
    assert sink.frames == 0 and not (tmp_path / "none.mp4").exists()
