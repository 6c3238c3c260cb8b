"""Model variants: lite and heavy built from the real npm package
``@mediapipe/pose`` (fetched once with the real npm client or HTTPS), each
file verified by sha256, and run by the real landmarker on a real video."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from coach.errors import ModelError
from coach.models import SOURCE_BUILT_NPM, load_manifest
from tests.conftest import RunCoach

TARBALL_NAME = "mediapipe-pose-0.5.1675469404.tgz"


def test_lite_and_heavy_have_a_pinned_npm_build() -> None:
    specs = load_manifest()
    for variant in ("lite", "heavy"):
        spec = specs[f"pose_landmarker_{variant}"]
        npm = spec.npm
        assert npm is not None and npm.package == "@mediapipe/pose"
        assert len(npm.tarball_sha256) == 64 and npm.sha256 is not None and len(npm.sha256) == 64
        members = {m.name: (m.source, m.norm_mean, m.norm_std) for m in npm.members}
        assert members == {
            "pose_detector.tflite": ("package/pose_solution_packed_assets.data", 127.5, 127.5),
            "pose_landmarks_detector.tflite": (f"package/pose_landmark_{variant}.tflite", 0.0, 255.0),
        }
        assert spec.source_of(npm.sha256) == SOURCE_BUILT_NPM
    assert specs["pose_landmarker_full"].npm is None, "full keeps its wheel build"


@pytest.fixture(scope="module")
def npm_tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real @mediapipe/pose tarball, fetched once (npm's cache makes
    reruns offline)."""
    from coach.models.npm_build import _http_tarball, _npm_pack

    build = load_manifest()["pose_landmarker_lite"].npm
    assert build is not None
    into = tmp_path_factory.mktemp("npm")
    try:
        tgz = _npm_pack(build, into) or _http_tarball(build, into)
    except ModelError as exc:
        pytest.skip(f"the npm registry is unreachable ({exc})")
    return tgz


@pytest.mark.slow
def test_fetch_variant_builds_the_pinned_file_and_it_runs(npm_tarball: Path, tmp_path: Path,
                                                          run_coach: RunCoach, person_video: Path) -> None:
    cache = tmp_path / "models"
    env = {"COACH_MODEL_DIR": str(cache), "COACH_MODEL_URL_BASE": "http://127.0.0.1:9"}  # official: refused
    proc = run_coach("models", "fetch", "--variant", "lite", "--npm-tarball", npm_tarball, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "(built-from-npm)" in proc.stdout
    spec = load_manifest()["pose_landmarker_lite"]
    from coach.models import sha256_file

    assert spec.npm is not None and sha256_file(cache / spec.filename) == spec.npm.sha256, "reproducible build"
    lock = json.loads((cache / "pose_landmarker_lite.lock").read_text())
    assert lock["source"] == "built-from-npm" and lock["origin"] == "npm @mediapipe/pose@0.5.1675469404"
    verify = run_coach("models", "verify", "--variant", "lite", env=env)
    assert verify.returncode == 0 and "built-from-npm" in verify.stdout
    summ = tmp_path / "s.json"
    out = run_coach("analyze", person_video, "-e", "plank", "--model-variant", "lite", "--summary-json", summ,
                    "--no-save", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(summ.read_text())["person_frames"] >= 40, "the lite model finds the real person"


def test_a_tampered_tarball_is_refused(tmp_path: Path) -> None:
    from coach.models.npm_build import build_from_npm

    bad = tmp_path / TARBALL_NAME
    buf = io.BytesIO(b"TFL3" * 10)
    with tarfile.open(bad, "w:gz") as tf:
        info = tarfile.TarInfo("package/pose_landmark_lite.tflite")
        info.size = len(buf.getvalue())
        tf.addfile(info, buf)
    with pytest.raises(ModelError, match="sha256"):
        build_from_npm("pose_landmarker_lite", tmp_path / "x.task", tarball=bad)
    assert not (tmp_path / "x.task").exists()


def test_variant_and_model_options(run_coach: RunCoach, person_video: Path, tmp_path: Path) -> None:
    proc = run_coach("models", "path", "--name", "pose_landmarker_heavy", "--variant", "lite")
    assert proc.returncode == 2 and "disagree" in proc.stderr
    proc = run_coach("analyze", person_video, "-e", "plank", "--model", tmp_path / "m.task",
                     "--model-variant", "lite", "--no-save")
    assert proc.returncode == 2 and "--model or --model-variant" in proc.stderr
    proc = run_coach("analyze", person_video, "-e", "plank", "--model-variant", "huge", "--no-save")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_npm_client_is_the_ordinary_one() -> None:
    assert subprocess.run(["npm", "--version"], capture_output=True, check=False).returncode == 0
