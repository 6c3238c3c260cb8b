"""Shared fixtures: the real pose model, a real video with a real person
in it (made by the tests from an image that ships with matplotlib), and a
way to run the real ``coach`` command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent


def coach_command() -> list[str]:
    """The installed console script next to this interpreter, else
    ``python -m coach``."""
    script = Path(sys.executable).parent / "coach"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "coach"]


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The real MediaPipe pose model (fetched or built on first use)."""
    from coach.errors import ModelError
    from coach.models import ensure_model

    try:
        return ensure_model()
    except ModelError as exc:  # pragma: no cover - only on a broken machine
        pytest.fail(f"pose model unavailable: {exc}")


def make_person_video(path: Path, frames: int = 45, size: tuple[int, int] = (640, 480), fps: float = 30.0) -> Path:
    """A short MP4 of a real person (Grace Hopper's portrait from
    matplotlib's sample data) drifting and zooming slightly, so the pose
    model tracks a moving upper body. The legs are out of the picture: a
    real partial-body case. The same generator ``coach bench`` uses."""
    from coach.bench import make_person_video as make

    return make(path, frames=frames, size=size, fps=fps)


@pytest.fixture(scope="session")
def person_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_person_video(tmp_path_factory.mktemp("video") / "person.mp4")


@pytest.fixture(scope="session")
def empty_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real video with nobody in it."""
    from coach.cvlog import cv2

    path = tmp_path_factory.mktemp("video") / "empty.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (320, 240))
    for i in range(20):
        writer.write(np.full((240, 320, 3), 40 + i, np.uint8))
    writer.release()
    return path


RunCoach = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture()
def run_coach(tmp_path: Path) -> RunCoach:
    """Run the real ``coach`` CLI in a subprocess with an isolated database
    and the shared model cache."""

    def run(*args: str | os.PathLike[str], env: dict[str, str] | None = None,
            timeout: float = 300.0, check: bool = False) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env.setdefault("COACH_DB", str(tmp_path / "coach.db"))
        if env:
            full_env.update(env)
        cmd: Sequence[str] = [*coach_command(), *map(str, args)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=tmp_path)
        if check and proc.returncode != 0:
            raise AssertionError(f"{cmd} failed ({proc.returncode}): {proc.stderr}")
        return proc

    return run
