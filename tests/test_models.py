"""Tests for coach.models: manifest, download, verify, locks, ensure_model, CLI.

The network tests use a real HTTP server on 127.0.0.1 (no mocks) serving
tiny fake ``.task`` zips; the real 36 MB wheel build runs only in the slow
test, and only with ``COACH_TEST_BUILD_MODEL=1``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from coach.commands import models_cmd
from coach.errors import ModelError
from coach.models import (
    DEFAULT_MODEL,
    REQUIRED_MEMBERS,
    ModelSpec,
    WheelBuild,
    WheelMember,
    download,
    ensure_model,
    fetch,
    load_manifest,
    lock_path,
    manifest_path,
    model_dir,
    model_path,
    read_lock,
    sha256_file,
    verify,
)

TFLITE_HEAD = b"\x1c\x00\x00\x00TFL3"


def fake_task(*members: str, salt: bytes = b"") -> bytes:
    """A small zip shaped like a .task: each member starts like a TFLite file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name in members:
            zf.writestr(name, TFLITE_HEAD + name.encode() + salt + bytes(2048))
    return buf.getvalue()


GOOD = fake_task(*REQUIRED_MEMBERS)
OTHER = fake_task(*REQUIRED_MEMBERS, salt=b"other")
NO_MEMBER = fake_task(REQUIRED_MEMBERS[0])
GOOD_SHA = hashlib.sha256(GOOD).hexdigest()
OTHER_SHA = hashlib.sha256(OTHER).hexdigest()


# --------------------------------------------------------------------------
# A real HTTP server on 127.0.0.1
# --------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        del format, args

    def _send(self, status: int, body: bytes, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        route = self.path.strip("/").split("/")[0]
        if route == "ok":
            self._send(200, GOOD)
        elif route == "other":
            self._send(200, OTHER)
        elif route == "nomember":
            self._send(200, NO_MEMBER)
        elif route == "notzip":
            self._send(200, b"<html>not a model</html>" * 50)
        elif route == "truncated":
            # Promise more than we send, then close the connection.
            self._send(200, GOOD[: len(GOOD) // 2], length=len(GOOD))
            self.close_connection = True
        elif route == "stall":
            self._send(200, GOOD[:100], length=len(GOOD))
            self.server.release.wait(10)
        else:
            self._send(404, b"no such file")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.release = threading.Event()


@dataclass
class Http:
    base: str
    server: _Server

    def url(self, route: str, filename: str = "fake.task") -> str:
        return f"{self.base}/{route}/{filename}"


@pytest.fixture(scope="module")
def http() -> Iterator[Http]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Http(f"http://{host!s}:{port}", server)
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture()
def hanging_port() -> Iterator[int]:
    """A socket that accepts connections (kernel backlog) and never answers."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as sock:
        yield sock.getsockname()[1]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("COACH_MODEL_DIR", str(directory))
    monkeypatch.delenv("COACH_MODEL_URL_BASE", raising=False)
    return directory


def spec_for(
    url: str,
    sha256: str | None = GOOD_SHA,
    *,
    alt_sha256: tuple[str, ...] = (),
    fallback: WheelBuild | None = None,
) -> ModelSpec:
    return ModelSpec(
        name="fake", filename="fake.task", url=url, sha256=sha256, alt_sha256=alt_sha256, fallback=fallback
    )


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("*.part")) if directory.exists() else []


# --------------------------------------------------------------------------
# Manifest and locations
# --------------------------------------------------------------------------


def test_manifest_describes_the_three_pose_models() -> None:
    specs = load_manifest()
    assert set(specs) == {"pose_landmarker_lite", "pose_landmarker_full", "pose_landmarker_heavy"}
    raw = json.loads(manifest_path().read_text(encoding="utf-8"))
    assert raw["default"] == DEFAULT_MODEL == "pose_landmarker_full"
    for name, spec in specs.items():
        assert spec.filename == f"{name}.task"
        assert spec.url.startswith("https://storage.googleapis.com/mediapipe-models/pose_landmarker/")
        assert spec.url.endswith(f"/{name}/float16/latest/{name}.task")
        assert spec.members == REQUIRED_MEMBERS
        assert spec.sha256 is not None and len(spec.sha256) == 64


def test_full_model_has_a_pinned_wheel_fallback() -> None:
    full = load_manifest()["pose_landmarker_full"]
    build = full.fallback
    assert build is not None
    assert build.requirement == "mediapipe==0.10.21"
    assert build.sha256 is not None and len(build.sha256) == 64
    norms = {m.name: (m.source, m.norm_mean, m.norm_std) for m in build.members}
    assert norms == {
        "pose_detector.tflite": ("mediapipe/modules/pose_detection/pose_detection.tflite", 127.5, 127.5),
        "pose_landmarks_detector.tflite": (
            "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
            0.0,
            255.0,
        ),
    }
    assert full.source_of(build.sha256) == "built-from-wheel"
    assert full.sha256 is not None and full.source_of(full.sha256) == "official"


def test_load_manifest_rejects_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "manifest.json"
    bad.write_text('{"models": [{"name": "x"}]}')
    with pytest.raises(ModelError, match="invalid"):
        load_manifest(bad)
    with pytest.raises(ModelError, match="not found"):
        load_manifest(tmp_path / "missing.json")


def test_model_dir_follows_env_then_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_MODEL_DIR", str(tmp_path / "m"))
    assert model_dir() == tmp_path / "m"
    monkeypatch.delenv("COACH_MODEL_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert model_dir() == tmp_path / "xdg" / "coach" / "models"
    assert model_path() == model_dir() / "pose_landmarker_full.task"


def test_url_base_override(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_manifest()["pose_landmarker_full"]
    monkeypatch.delenv("COACH_MODEL_URL_BASE", raising=False)
    assert spec.url_for() == spec.url
    monkeypatch.setenv("COACH_MODEL_URL_BASE", "http://127.0.0.1:9/mirror/")
    assert spec.url_for() == "http://127.0.0.1:9/mirror/pose_landmarker_full.task"
    assert spec.url_for("file:///srv/m") == "file:///srv/m/pose_landmarker_full.task"


def test_importing_models_does_not_import_mediapipe() -> None:
    root = Path(__file__).resolve().parent.parent
    code = "import sys, coach.models; print('mediapipe' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------
# download()
# --------------------------------------------------------------------------


def test_download_ok_is_verified_and_reports_progress(http: Http, tmp_path: Path) -> None:
    dest = tmp_path / "d" / "fake.task"
    seen: list[tuple[int, int | None]] = []
    digest = download(http.url("ok"), dest, sha256=GOOD_SHA, progress=lambda d, t: seen.append((d, t)))
    assert digest == GOOD_SHA == sha256_file(dest)
    assert seen[-1] == (len(GOOD), len(GOOD))
    assert leftovers(dest.parent) == []
    verify(dest, spec_for(http.url("ok")))


@pytest.mark.parametrize(
    ("route", "sha", "message"),
    [
        ("missing", GOOD_SHA, "HTTP 404"),
        ("truncated", GOOD_SHA, "truncated"),
        ("other", GOOD_SHA, "sha256"),
        ("notzip", None, "not a zip"),
        ("nomember", None, r"lacks pose_landmarks_detector\.tflite"),
    ],
)
def test_download_failures_leave_nothing_behind(
    http: Http, tmp_path: Path, route: str, sha: str | None, message: str
) -> None:
    dest = tmp_path / "fake.task"
    with pytest.raises(ModelError, match=message) as err:
        download(http.url(route), dest, sha256=sha)
    assert "\n" not in str(err.value)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_failed_download_keeps_the_previous_file(http: Http, tmp_path: Path) -> None:
    dest = tmp_path / "fake.task"
    dest.write_bytes(GOOD)
    with pytest.raises(ModelError):
        download(http.url("truncated"), dest, sha256=GOOD_SHA)
    assert dest.read_bytes() == GOOD
    assert leftovers(tmp_path) == []


def test_download_times_out_on_a_silent_server(hanging_port: int, tmp_path: Path) -> None:
    dest = tmp_path / "fake.task"
    start = time.monotonic()
    with pytest.raises(ModelError, match="timed out"):
        download(f"http://127.0.0.1:{hanging_port}/x.task", dest, connect_timeout=1.0, read_timeout=1.0)
    assert time.monotonic() - start < 5.0
    assert not dest.exists() and leftovers(tmp_path) == []


def test_download_times_out_when_the_body_stalls(http: Http, tmp_path: Path) -> None:
    dest = tmp_path / "fake.task"
    start = time.monotonic()
    with pytest.raises(ModelError, match="timed out"):
        download(http.url("stall"), dest, connect_timeout=1.0, read_timeout=1.0)
    assert time.monotonic() - start < 5.0
    assert not dest.exists() and leftovers(tmp_path) == []


def test_download_refuses_a_closed_port(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
    with pytest.raises(ModelError, match="failed"):
        download(f"http://127.0.0.1:{port}/x.task", tmp_path / "x.task", connect_timeout=1.0)


# --------------------------------------------------------------------------
# verify() and lock files
# --------------------------------------------------------------------------


def test_verify_rejects_bad_files(tmp_path: Path) -> None:
    spec = spec_for("http://unused/fake.task")
    with pytest.raises(ModelError, match="does not exist"):
        verify(tmp_path / "absent.task", spec)
    not_zip = tmp_path / "fake.task"
    not_zip.write_bytes(b"definitely not a zip")
    with pytest.raises(ModelError, match="not a zip"):
        verify(not_zip, spec)
    not_zip.write_bytes(NO_MEMBER)
    with pytest.raises(ModelError, match=r"lacks pose_landmarks_detector\.tflite"):
        verify(not_zip, spec)
    not_zip.write_bytes(OTHER)
    with pytest.raises(ModelError, match="sha256"):
        verify(not_zip, spec)
    unpinned = spec_for("http://unused/fake.task", sha256=None)
    flipped = bytearray(GOOD)
    flipped[GOOD.index(b"TFL3") + 8] ^= 0xFF  # one byte of member data: CRC no longer matches
    not_zip.write_bytes(bytes(flipped))
    with pytest.raises(ModelError, match="bad CRC"):
        verify(not_zip, unpinned)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in REQUIRED_MEMBERS:
            zf.writestr(name, b"<html>no model here</html>")
    not_zip.write_bytes(buf.getvalue())
    with pytest.raises(ModelError, match="not a TFLite model"):
        verify(not_zip, unpinned)


def test_verify_accepts_official_or_built_pins(tmp_path: Path) -> None:
    path = tmp_path / "fake.task"
    path.write_bytes(GOOD)
    verify(path, spec_for("http://unused/fake.task", sha256="0" * 64, alt_sha256=(GOOD_SHA,)))
    built = WheelBuild(requirement="x==1", members=(), sha256=GOOD_SHA)
    verify(path, spec_for("http://unused/fake.task", sha256="0" * 64, fallback=built))


def test_first_fetch_without_pin_records_a_lock(http: Http, cache: Path) -> None:
    spec = spec_for(http.url("ok"), sha256=None)
    path = fetch(spec)
    assert path == cache / "fake.task"
    lock = read_lock(lock_path(spec, cache))
    assert lock is not None
    assert (lock.sha256, lock.source, lock.filename) == (GOOD_SHA, "official", "fake.task")
    assert lock.origin == http.url("ok")
    verify(path, spec)
    # The lock now pins the file: a different (valid) file no longer passes.
    path.write_bytes(OTHER)
    with pytest.raises(ModelError, match="lock"):
        verify(path, spec)


def test_lock_vouches_for_a_file_the_manifest_does_not_know(http: Http, cache: Path) -> None:
    fetch(spec_for(http.url("ok"), sha256=None))
    later = spec_for(http.url("ok"), sha256=OTHER_SHA)  # manifest pin changed since
    verify(cache / "fake.task", later)
    (cache / "fake.lock").write_text("{not json")  # unreadable lock is never trusted
    with pytest.raises(ModelError, match="sha256"):
        verify(cache / "fake.task", later)


# --------------------------------------------------------------------------
# ensure_model() and fetch()
# --------------------------------------------------------------------------


def test_ensure_model_without_fetch_explains_the_fix(cache: Path) -> None:
    with pytest.raises(ModelError) as err:
        ensure_model(allow_fetch=False)
    message = str(err.value)
    assert "pose_landmarker_full" in message
    assert "coach models fetch" in message and "COACH_MODEL_DIR" in message and "--model" in message
    assert not cache.exists() or not any(cache.iterdir())


def test_ensure_model_downloads_once_from_the_url_base(
    http: Http, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_MODEL_URL_BASE", f"{http.base}/ok")
    spec = spec_for("https://unreachable.invalid/fake.task")
    before = len(http.server.hits)
    path = ensure_model(spec)
    assert path == cache / "fake.task" and path.read_bytes() == GOOD
    assert http.server.hits[before:] == ["/ok/fake.task"]
    assert ensure_model(spec, allow_fetch=False) == path
    assert ensure_model(spec) == path
    assert len(http.server.hits) == before + 1  # cached: no second request


def test_ensure_model_reports_a_corrupt_cache(cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / "fake.task").write_bytes(b"garbage")
    with pytest.raises(ModelError, match=r"coach models fetch --force"):
        ensure_model(spec_for("http://127.0.0.1:9/fake.task"))


def test_fetch_force_replaces_a_corrupt_file(http: Http, cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / "fake.task").write_bytes(b"garbage")
    path = fetch(spec_for(http.url("ok")), force=True)
    assert path.read_bytes() == GOOD
    assert leftovers(cache) == []


def test_fetch_reports_every_failed_route(http: Http, cache: Path) -> None:
    with pytest.raises(ModelError) as err:
        fetch(spec_for(http.url("missing")), connect_timeout=1.0)
    message = str(err.value)
    assert "official download failed" in message and "HTTP 404" in message
    assert "no offline build" in message and "coach models fetch" in message
    assert not (cache / "fake.task").exists() and leftovers(cache) == []


def _fake_wheel(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_wheel_fallback_checks_the_wheel_contents(http: Http, cache: Path, tmp_path: Path) -> None:
    member = WheelMember("pose_detector.tflite", "pkg/det.tflite", 127.5, 127.5, source_sha256="0" * 64)
    build = WheelBuild(requirement="mediapipe==0.10.21", members=(member,))
    spec = spec_for(http.url("missing"), fallback=build)
    empty = _fake_wheel(tmp_path / "empty.whl", {"pkg/other": b"x"})
    with pytest.raises(ModelError, match=r"building from mediapipe==0\.10\.21 failed .*lacks pkg/det"):
        fetch(spec, wheel=empty)
    wrong = _fake_wheel(tmp_path / "wrong.whl", {"pkg/det.tflite": TFLITE_HEAD})
    with pytest.raises(ModelError, match=r"pkg/det\.tflite in wrong\.whl has sha256"):
        fetch(spec, wheel=wrong)
    assert not (cache / "fake.task").exists() and leftovers(cache) == []
    assert not [p for p in cache.iterdir() if p.name.startswith(".wheel-")]


# --------------------------------------------------------------------------
# CLI hooks
# --------------------------------------------------------------------------


def _cli() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach")
    models_cmd.register(parser.add_subparsers(dest="command"))
    return parser


def test_cli_path_list_and_verify(cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = _cli()
    args = parser.parse_args(["models", "path", "--name", "pose_landmarker_lite"])
    assert args.func(args) == 1  # not installed
    assert capsys.readouterr().out.strip() == str(cache / "pose_landmarker_lite.task")

    args = parser.parse_args(["models", "list"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "pose_landmarker_full" in out and "not installed" in out

    bogus = tmp_path / "bogus.task"
    bogus.write_bytes(GOOD)
    args = parser.parse_args(["models", "verify", str(bogus)])
    with pytest.raises(ModelError, match="sha256"):
        args.func(args)
    args = parser.parse_args(["models", "fetch", "--name", "pose_landmarker_heavy", "--force"])
    assert (args.name, args.force) == ("pose_landmarker_heavy", True)


# --------------------------------------------------------------------------
# The real model
# --------------------------------------------------------------------------


def test_installed_real_model_verifies() -> None:
    spec = load_manifest()[DEFAULT_MODEL]
    path = model_path(spec)
    if not path.exists():
        pytest.skip(f"no real model at {path}; run `coach models fetch`")
    verify(path, spec)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("COACH_TEST_BUILD_MODEL") != "1", reason="set COACH_TEST_BUILD_MODEL=1")
def test_wheel_build_is_reproducible_and_loads(tmp_path: Path) -> None:
    from coach.models import build_from_wheel

    spec = load_manifest()[DEFAULT_MODEL]
    assert spec.fallback is not None
    digest = build_from_wheel(spec, tmp_path / spec.filename)
    assert digest == spec.fallback.sha256
    verify(tmp_path / spec.filename, spec)

    vision = pytest.importorskip("mediapipe.tasks.python.vision")
    base = pytest.importorskip("mediapipe.tasks.python")
    import mediapipe as mp
    import numpy as np

    options = vision.PoseLandmarkerOptions(
        base_options=base.BaseOptions(model_asset_path=str(tmp_path / spec.filename)),
        running_mode=vision.RunningMode.IMAGE,
    )
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((128, 128, 3), np.uint8))
        assert landmarker.detect(image).pose_landmarks == []
