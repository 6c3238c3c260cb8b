"""Pose-track CSV: round trip, subsets, and clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.errors import InputError
from coach.landmarks import LANDMARK_NAMES, Landmark
from coach.pose import PoseFrame
from coach.posetrack import read_pose_track, write_pose_track


def _frames(n: int = 5, world: bool = True) -> list[PoseFrame]:
    rng = np.random.default_rng(3)
    out = []
    for i in range(n):
        xy = rng.uniform(0, 1, (33, 2))
        vis = rng.uniform(0, 1, 33)
        vis[Landmark.LEFT_HEEL] = 0.0
        xy[Landmark.LEFT_HEEL] = np.nan  # not detected
        w = rng.normal(0, 0.5, (33, 3)) if world else None
        out.append(PoseFrame(t=i / 30 + 0.5, xy=xy, z=rng.normal(0, 0.1, 33), visibility=vis, world=w,
                             aspect=16 / 9))
    return out


@pytest.mark.parametrize("world", [True, False])
def test_round_trip(tmp_path: Path, world: bool) -> None:
    frames = _frames(world=world)
    path = tmp_path / "t.csv"
    assert write_pose_track(path, frames) == len(frames)
    back = list(read_pose_track(path))
    assert len(back) == len(frames)
    for a, b in zip(frames, back, strict=True):
        assert b.t == pytest.approx(a.t, abs=1e-6)
        assert b.aspect == pytest.approx(a.aspect, rel=1e-5)
        np.testing.assert_allclose(b.xy, a.xy, rtol=1e-5, atol=1e-6, equal_nan=True)
        np.testing.assert_allclose(b.visibility, a.visibility, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b.z, a.z, rtol=1e-5, atol=1e-6)
        if world:
            assert b.world is not None and a.world is not None
            np.testing.assert_allclose(b.world, a.world, rtol=1e-5, atol=1e-6)
        else:
            assert b.world is None


def test_subset_of_landmarks_without_t(tmp_path: Path) -> None:
    """A 17-landmark file without t or z: missing landmarks are invisible,
    frames are 1/30 s apart, unknown columns are ignored."""
    coco = ["nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee", "right_knee"]
    cols = ["label"] + [f"{n}_{s}" for n in coco for s in ("x", "y", "v")]
    rows = [",".join(cols)]
    for i in range(3):
        rows.append(",".join(["plank"] + [f"{0.1 + 0.01 * i:.3f}", "0.5", "0.9"] * len(coco)))
    path = tmp_path / "coco.csv"
    path.write_text("\n".join(rows) + "\n")
    frames = list(read_pose_track(path))
    assert [f.t for f in frames] == pytest.approx([0.0, 1 / 30, 2 / 30])
    f = frames[1]
    assert f.vis(Landmark.LEFT_HIP) == pytest.approx(0.9)
    assert f.vis(Landmark.LEFT_ANKLE) == 0.0
    assert f.xy[Landmark.LEFT_HIP, 0] == pytest.approx(0.11)
    assert f.world is None


def _write(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("a,b,c\n1,2,3\n", "no landmark columns"),
        ("t,nose_x\n0,0.5\n", "only one of"),
        ("t,nose_x,nose_y\n", "no frames"),
        ("t,nose_x,nose_y\n0,0.5,0.5\n0,0.5,0.5\n", "does not increase"),
        ("t,nose_x,nose_y\n1,0.5,0.5\n0.5,0.5,0.5\n", "line 3"),
        ("t,nose_x,nose_y\n0,abc,0.5\n", "not a number"),
        ("t,nose_x,nose_y\n0,55,0.5\n", "outside the image"),
        ("t,nose_x,nose_y,nose_v\n0,0.5,0.5,3\n", "visibility"),
        ("t,nose_x,nose_y\nnan,0.5,0.5\n", "not finite"),
    ],
)
def test_bad_tracks_give_one_line_errors(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(InputError, match=match) as exc:
        list(read_pose_track(_write(tmp_path, text)))
    assert "\n" not in str(exc.value)


def test_missing_and_binary_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_pose_track(tmp_path / "nope.csv"))
    p = tmp_path / "bin.csv"
    p.write_bytes(b"\xff\xfe\x00\x81garbage\x00")
    with pytest.raises(InputError):
        list(read_pose_track(p))


def test_nan_cells_mean_not_visible(tmp_path: Path) -> None:
    p = _write(tmp_path, "t,nose_x,nose_y,nose_v,left_hip_x,left_hip_y\n0,,0.5,0.9,0.2,0.3\n0.1,nan,nan,nan,0.2,0.3\n")
    a, b = list(read_pose_track(p))
    assert a.vis(Landmark.NOSE) == 0.0 and b.vis(Landmark.NOSE) == 0.0
    assert a.vis(Landmark.LEFT_HIP) == 1.0  # no _v column: assumed seen
    assert LANDMARK_NAMES[0] == "nose"


def test_utf8_bom_does_not_hide_the_first_column(tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + b"t,nose_x,nose_y\n0.5,0.5,0.5\n0.7,0.5,0.5\n")
    assert [f.t for f in read_pose_track(p)] == [0.5, 0.7]
