"""The code stays clean: ruff and mypy (configured in pyproject.toml) report
nothing, and only the pose backend imports mediapipe, only the overlay
draws with cv2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    exe = BIN / name
    if not exe.exists():
        pytest.skip(f"{name} is not installed in this environment (pip install -e '.[dev]')")
    return str(exe)


def test_ruff_is_clean() -> None:
    proc = subprocess.run([_tool("ruff"), "check", "."], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = subprocess.run([_tool("mypy")], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _py_files() -> list[Path]:
    return [p for d in ("coach", "exercises") for p in (REPO / d).rglob("*.py")]


def test_only_the_pose_backend_imports_mediapipe() -> None:
    pattern = re.compile(r"^\s*(import mediapipe|from mediapipe)", re.MULTILINE)
    allowed = {REPO / "coach" / "pose_backend.py", REPO / "coach" / "models" / "wheel_build.py"}
    offenders = [p for p in _py_files() if p not in allowed and pattern.search(p.read_text())]
    assert not offenders, f"mediapipe imported outside the pose backend: {offenders}"


def test_only_the_overlay_draws() -> None:
    pattern = re.compile(r"cv2\.(line|circle|rectangle|putText|polylines|fillPoly|ellipse|addWeighted)\(")
    offenders = [p for p in _py_files() if p.name != "overlay.py" and pattern.search(p.read_text())]
    assert not offenders, f"cv2 drawing outside coach/overlay.py: {offenders}"


def test_exercise_code_uses_named_landmarks() -> None:
    raw_index = re.compile(r"landmarks\[\d+\]|\.xy\[\d+\]|visibility\[\d+\]")
    offenders = [p for p in (REPO / "exercises").glob("*.py") if raw_index.search(p.read_text())]
    assert not offenders, f"raw landmark indices in {offenders}"
