"""Pose model files: manifest, cache, download, offline build and checks.

A MediaPipe ``.task`` file is a zip holding ``pose_detector.tflite`` and
``pose_landmarks_detector.tflite``. ``ensure_model`` returns a verified copy
from the cache (``model_dir()``), installing it on first use:

1. download the official file (short connect timeout, stall timeout), then
2. for ``pose_landmarker_full`` only, if that fails: build the same model from
   the ``mediapipe==0.10.21`` wheel on PyPI (its two BlazePose ``.tflite``
   files plus the image-input metadata MediaPipe 1.x needs), as a
   byte-for-byte reproducible zip.

Every install is written to a temp file in the cache directory and moved into
place with ``os.replace``, so no partial file is ever left at the destination.
A lock file ``<model_dir>/<name>.lock`` records the sha256 and the source
("official" or "built-from-wheel") of what was installed.

A cached file that fails verification is never replaced silently:
``ensure_model`` raises ``ModelError`` telling the user to run
``coach models fetch --force`` (corruption is rare, since writes are atomic,
and may point at a disk problem or a hand-placed file worth keeping).

Only ``coach.pose_backend`` imports mediapipe at module level; the builder
here imports it lazily inside ``build_from_wheel``.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.errors import ModelError

__all__ = [
    "DEFAULT_MODEL",
    "REQUIRED_MEMBERS",
    "LockInfo",
    "ModelSpec",
    "Progress",
    "WheelBuild",
    "WheelMember",
    "add_models_parser",
    "build_from_wheel",
    "download",
    "ensure_model",
    "fetch",
    "fix_hint",
    "get_spec",
    "load_manifest",
    "lock_path",
    "manifest_path",
    "model_dir",
    "model_path",
    "read_lock",
    "sha256_file",
    "verify",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "pose_landmarker_full"
REQUIRED_MEMBERS: tuple[str, ...] = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
SOURCE_OFFICIAL = "official"
SOURCE_BUILT = "built-from-wheel"

ENV_MODEL_DIR = "COACH_MODEL_DIR"
ENV_URL_BASE = "COACH_MODEL_URL_BASE"

FIX_HINT = "run `coach models fetch` with network access to PyPI, or set COACH_MODEL_DIR / pass --model PATH"


def fix_hint(spec: ModelSpec) -> str:
    """How to get ``spec`` installed, for the end of an error message."""
    if spec.fallback is not None and spec.name == DEFAULT_MODEL:
        return FIX_HINT
    if spec.fallback is not None:
        return (
            f"run `coach models fetch --name {spec.name}` with network access to PyPI, "
            "or set COACH_MODEL_DIR / pass --model PATH"
        )
    return (
        f"run `coach models fetch --name {spec.name}` with access to storage.googleapis.com "
        "(or set COACH_MODEL_URL_BASE to a mirror), use pose_landmarker_full (buildable offline), "
        "or set COACH_MODEL_DIR / pass --model PATH"
    )


_CHUNK = 1 << 16
_MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_TFLITE_IDENT = b"TFL3"
_PIP_TIMEOUT_S = 900.0

Progress = Callable[[int, int | None], None]
"""Download progress callback: ``(bytes_done, bytes_total_or_None)``."""


# --------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class WheelMember:
    """One bundle member taken from the wheel, with its input normalisation."""

    name: str  # name inside the .task zip
    source: str  # path inside the wheel
    norm_mean: float
    norm_std: float
    source_sha256: str | None = None  # sha256 of the raw .tflite in the wheel


@dataclass(frozen=True)
class WheelBuild:
    """How to rebuild a model offline from a PyPI wheel."""

    requirement: str  # e.g. "mediapipe==0.10.21"
    members: tuple[WheelMember, ...]
    sha256: str | None = None  # sha256 of the deterministically built bundle
    size: int | None = None
    wheel_filename: str | None = None
    wheel_sha256: str | None = None
    platform: str | None = None  # pip --platform, e.g. manylinux_2_28_x86_64
    python_version: str | None = None  # pip --python-version, e.g. "3.11"
    implementation: str | None = None  # pip --implementation, e.g. "cp"
    abi: str | None = None  # pip --abi, e.g. "cp311"


@dataclass(frozen=True)
class ModelSpec:
    """One pose model as described by ``models/manifest.json``."""

    name: str
    filename: str
    url: str
    sha256: str | None = None  # official file
    alt_sha256: tuple[str, ...] = ()  # other published official revisions
    size: int | None = None
    members: tuple[str, ...] = REQUIRED_MEMBERS
    fallback: WheelBuild | None = None

    @property
    def official_sha256s(self) -> frozenset[str]:
        pins = (self.sha256, *self.alt_sha256)
        return frozenset(p for p in pins if p)

    @property
    def accepted_sha256s(self) -> frozenset[str]:
        built = {self.fallback.sha256} if self.fallback and self.fallback.sha256 else set()
        return self.official_sha256s | built

    def source_of(self, digest: str) -> str | None:
        """Which manifest pin ``digest`` matches, if any."""
        if digest in self.official_sha256s:
            return SOURCE_OFFICIAL
        if self.fallback is not None and digest == self.fallback.sha256:
            return SOURCE_BUILT
        return None

    def url_for(self, url_base: str | None = None) -> str:
        """The download URL; a base (param or ``COACH_MODEL_URL_BASE``) means
        ``<base>/<filename>``, a flat mirror directory."""
        base = url_base if url_base is not None else os.environ.get(ENV_URL_BASE)
        if not base:
            return self.url
        return f"{base.rstrip('/')}/{self.filename}"


def manifest_path() -> Path:
    """The canonical manifest: ``<repo>/models/manifest.json``."""
    return Path(__file__).resolve().parent.parent / "models" / "manifest.json"


def load_manifest(path: Path | str | None = None) -> dict[str, ModelSpec]:
    """Load the model manifest (default: ``manifest_path()``)."""
    if path is None:
        return dict(_default_manifest())
    return _read_manifest(Path(path))


@lru_cache(maxsize=1)
def _default_manifest() -> Mapping[str, ModelSpec]:
    return _read_manifest(manifest_path())


def _read_manifest(path: Path) -> dict[str, ModelSpec]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"model manifest not found at {path}: reinstall coach") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"model manifest {path} is unreadable: {exc}") from exc
    try:
        specs = [_spec_from_json(entry) for entry in data["models"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"model manifest {path} is invalid: {exc!r}") from exc
    return {spec.name: spec for spec in specs}


def _opt_str(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return None if value is None else str(value)


def _opt_int(entry: Mapping[str, Any], key: str) -> int | None:
    value = entry.get(key)
    return None if value is None else int(value)


def _spec_from_json(entry: Mapping[str, Any]) -> ModelSpec:
    fallback = entry.get("fallback")
    return ModelSpec(
        name=str(entry["name"]),
        filename=str(entry["filename"]),
        url=str(entry["url"]),
        sha256=_opt_str(entry, "sha256"),
        alt_sha256=tuple(str(s) for s in entry.get("alt_sha256", ())),
        size=_opt_int(entry, "size"),
        members=tuple(str(m) for m in entry.get("members", REQUIRED_MEMBERS)),
        fallback=None if fallback is None else _fallback_from_json(fallback),
    )


def _fallback_from_json(entry: Mapping[str, Any]) -> WheelBuild:
    wheel: Mapping[str, Any] = entry.get("wheel", {})
    members = tuple(
        WheelMember(
            name=str(m["name"]),
            source=str(m["source"]),
            norm_mean=float(m["norm_mean"]),
            norm_std=float(m["norm_std"]),
            source_sha256=_opt_str(m, "source_sha256"),
        )
        for m in entry["members"]
    )
    return WheelBuild(
        requirement=str(entry["requirement"]),
        members=members,
        sha256=_opt_str(entry, "sha256"),
        size=_opt_int(entry, "size"),
        wheel_filename=_opt_str(wheel, "filename"),
        wheel_sha256=_opt_str(wheel, "sha256"),
        platform=_opt_str(wheel, "platform"),
        python_version=_opt_str(wheel, "python_version"),
        implementation=_opt_str(wheel, "implementation"),
        abi=_opt_str(wheel, "abi"),
    )


def get_spec(name: str | ModelSpec = DEFAULT_MODEL) -> ModelSpec:
    """Look a model up by name in the default manifest (specs pass through)."""
    if isinstance(name, ModelSpec):
        return name
    specs = load_manifest()
    if name not in specs:
        known = ", ".join(sorted(specs))
        raise ModelError(f"unknown pose model {name!r}: choose one of {known}")
    return specs[name]


# --------------------------------------------------------------------------
# Cache location and lock files
# --------------------------------------------------------------------------


def model_dir() -> Path:
    """``$COACH_MODEL_DIR``, else the per-user cache dir (``.../coach/models``)."""
    override = os.environ.get(ENV_MODEL_DIR)
    if override:
        return Path(override).expanduser()
    return _user_cache_dir() / "coach" / "models"


def _user_cache_dir() -> Path:
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) if local else Path.home() / "AppData" / "Local"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    return Path.home() / ".cache"


def model_path(name: str | ModelSpec = DEFAULT_MODEL, directory: Path | None = None) -> Path:
    """Where the model lives in the cache (it may not exist yet)."""
    spec = get_spec(name)
    return (directory if directory is not None else model_dir()) / spec.filename


def lock_path(name: str | ModelSpec = DEFAULT_MODEL, directory: Path | None = None) -> Path:
    spec = get_spec(name)
    return (directory if directory is not None else model_dir()) / f"{spec.name}.lock"


@dataclass(frozen=True)
class LockInfo:
    """What was installed: contents of ``<name>.lock``."""

    name: str
    filename: str
    sha256: str
    source: str  # "official" | "built-from-wheel"
    created: str  # ISO 8601, UTC
    origin: str = ""  # URL or pip requirement it came from


def read_lock(path: Path) -> LockInfo | None:
    """The lock at ``path``; None when missing or unreadable (never trusted then)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockInfo(
            name=str(data["name"]),
            filename=str(data["filename"]),
            sha256=str(data["sha256"]),
            source=str(data["source"]),
            created=str(data["created"]),
            origin=str(data.get("origin", "")),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable lock file %s: %s", path, exc)
        return None


def _write_lock(spec: ModelSpec, directory: Path, digest: str, source: str, origin: str) -> None:
    info = {
        "name": spec.name,
        "filename": spec.filename,
        "sha256": digest,
        "source": source,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "origin": origin,
    }
    data = (json.dumps(info, indent=2) + "\n").encode("utf-8")
    _atomic_write_bytes(lock_path(spec, directory), data)


# --------------------------------------------------------------------------
# Atomic files and checks
# --------------------------------------------------------------------------


@contextmanager
def _atomic_target(dest: Path) -> Iterator[Path]:
    """Yield a temp path next to ``dest``; on success move it over ``dest``,
    on any failure delete it. ``dest`` is never left half-written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache may be shared
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _atomic_write_bytes(dest: Path, data: bytes) -> None:
    with _atomic_target(dest) as tmp:
        tmp.write_bytes(data)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _short(digest: str) -> str:
    return digest[:16]


def _check_zip(path: Path, members: Collection[str]) -> None:
    """A readable zip holding every member, each an intact TFLite flatbuffer."""
    if not path.is_file():
        raise ModelError(f"model file {path} does not exist")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"model file {path} is not a zip (.task) archive")
    try:
        with zipfile.ZipFile(path) as zf:
            missing = sorted(set(members) - set(zf.namelist()))
            if missing:
                raise ModelError(f"model file {path} lacks {', '.join(missing)}")
            bad = zf.testzip()
            if bad is not None:
                raise ModelError(f"model file {path} is corrupt: bad CRC in {bad}")
            for member in members:
                with zf.open(member) as fh:
                    head = fh.read(8)
                if head[4:8] != _TFLITE_IDENT:
                    raise ModelError(f"model file {path}: {member} is not a TFLite model")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelError(f"model file {path} is a corrupt zip: {exc}") from exc


def _check_digest(digest: str, accepted: Collection[str], what: str) -> None:
    if accepted and digest not in accepted:
        wanted = " or ".join(_short(s) for s in sorted(accepted))
        raise ModelError(f"{what} has sha256 {_short(digest)}..., expected {wanted}...")


def verify(path: Path | str, spec: ModelSpec | str = DEFAULT_MODEL) -> None:
    """Raise ModelError unless ``path`` is a complete, pinned model.

    The sha256 passes when it matches the manifest (official or built-from-wheel
    pin) or the lock file next to ``path``; with neither pin available, only the
    structure is checked.
    """
    _verified_source(Path(path), get_spec(spec))


def _verified_source(path: Path, spec: ModelSpec) -> str:
    """Verify ``path`` and say what vouched for it."""
    _check_zip(path, spec.members)
    digest = sha256_file(path)
    source = spec.source_of(digest)
    if source is not None:
        return source
    lock = read_lock(lock_path(spec, path.parent))
    if lock is not None and lock.filename == path.name:
        if lock.sha256 == digest:
            return f"{lock.source}, lock"
        raise ModelError(
            f"model file {path} has sha256 {_short(digest)}..., but its lock records "
            f"{_short(lock.sha256)}...: run `coach models fetch --force`"
        )
    if spec.accepted_sha256s:
        _check_digest(digest, spec.accepted_sha256s, f"model file {path}")
    return "unpinned"


# --------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------


def _stall_timeout_opener(read_timeout: float) -> urllib.request.OpenerDirector:
    """An opener whose sockets use the urlopen timeout to connect and
    ``read_timeout`` for every later read (a stall timeout)."""

    class _HTTPConnection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            self.sock.settimeout(read_timeout)

    class _HTTPSConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            self.sock.settimeout(read_timeout)

    class _HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(_HTTPConnection, req)

    class _HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(_HTTPSConnection, req)

    return urllib.request.build_opener(_HTTPHandler(), _HTTPSHandler())


def _content_length(headers: Message) -> int | None:
    value = headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _stream(
    url: str,
    out: io.BufferedWriter,
    connect_timeout: float,
    read_timeout: float,
    progress: Progress | None,
) -> str:
    """Copy ``url`` into ``out``; return the sha256 of the bytes received."""
    opener = _stall_timeout_opener(read_timeout)
    request = urllib.request.Request(url, headers={"User-Agent": "coach-models/1"})
    digest = hashlib.sha256()
    with opener.open(request, timeout=connect_timeout) as resp:
        total = _content_length(resp.headers)
        done = 0
        while chunk := resp.read(_CHUNK):
            done += len(chunk)
            if done > _MAX_DOWNLOAD_BYTES:
                raise ModelError(f"download of {url} exceeds {_MAX_DOWNLOAD_BYTES} bytes")
            digest.update(chunk)
            out.write(chunk)
            if progress is not None:
                progress(done, total)
    if total is not None and done != total:
        raise ModelError(f"download of {url} was truncated: got {done} of {total} bytes")
    return digest.hexdigest()


def _describe_net_error(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return _describe_net_error(reason) if isinstance(reason, BaseException) else str(reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return f"host name lookup failed ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.IncompleteRead):
        return f"truncated: got {len(exc.partial)} more bytes, {exc.expected} missing"
    return str(exc) or type(exc).__name__


def download(
    url: str,
    dest: Path | str,
    *,
    sha256: str | Collection[str] | None = None,
    connect_timeout: float = 3.0,
    read_timeout: float = 20.0,
    progress: Progress | None = None,
    members: Collection[str] = REQUIRED_MEMBERS,
) -> str:
    """Download a ``.task`` file to ``dest`` atomically and return its sha256.

    ``connect_timeout`` bounds connecting; ``read_timeout`` bounds every wait
    for data (a stalled server fails after that long). The file must match
    Content-Length when sent, be a zip holding ``members``, and match
    ``sha256`` (one digest or a collection of accepted ones) when given.
    On any failure the temp file is deleted and ModelError is raised.
    """
    dest = Path(dest)
    accepted = {sha256} if isinstance(sha256, str) else set(sha256 or ())
    with _atomic_target(dest) as tmp:
        try:
            with tmp.open("wb") as out:
                digest = _stream(url, out, connect_timeout, read_timeout, progress)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise ModelError(f"download of {url} failed: {_describe_net_error(exc)}") from exc
        _check_zip(tmp, members)
        _check_digest(digest, accepted, f"download of {url}")
    return digest


# --------------------------------------------------------------------------
# Offline build from the mediapipe wheel
# --------------------------------------------------------------------------


def _pip_download(build: WheelBuild, into: Path) -> Path:
    """``pip download`` the pinned wheel (no deps) into ``into``."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    cmd += ["--disable-pip-version-check", "--no-input", "--quiet", "--retries", "2"]
    pins = {
        "--platform": build.platform,
        "--python-version": build.python_version,
        "--implementation": build.implementation,
        "--abi": build.abi,
    }
    for flag, value in pins.items():
        if value:
            cmd += [flag, value]
    cmd += ["-d", str(into), build.requirement]
    # A project constraints file may pin mediapipe to the runtime version,
    # which would make this (different, download-only) pin unresolvable.
    env = {k: v for k, v in os.environ.items() if k != "PIP_CONSTRAINT"}
    log.info("downloading %s from PyPI", build.requirement)
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=_PIP_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ModelError(f"`pip download {build.requirement}` failed: {exc}") from exc
    if done.returncode != 0:
        raise ModelError(f"`pip download {build.requirement}` failed: {_last_error_line(done)}")
    wheels = sorted(into.glob("*.whl"))
    if not wheels:
        raise ModelError(f"`pip download {build.requirement}` produced no wheel")
    return wheels[0]


def _last_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR")]
    picked = errors[0] if errors else (lines[-1] if lines else f"exit code {done.returncode}")
    return picked[:300]


def _check_wheel(wheel: Path, build: WheelBuild) -> None:
    """The pinned wheel hash, when we fetched exactly the pinned wheel."""
    if build.wheel_sha256 and wheel.name == build.wheel_filename:
        _check_digest(sha256_file(wheel), {build.wheel_sha256}, f"wheel {wheel.name}")


def _extract_members(wheel: Path, build: WheelBuild) -> dict[str, bytes]:
    """The raw ``.tflite`` files from the wheel, checked against their pins."""
    out: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(wheel) as zf:
            names = set(zf.namelist())
            for member in build.members:
                if member.source not in names:
                    raise ModelError(f"wheel {wheel.name} lacks {member.source}")
                out[member.name] = zf.read(member.source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"wheel {wheel.name} is unreadable: {exc}") from exc
    for member in build.members:
        pin = {member.source_sha256} if member.source_sha256 else set()
        digest = hashlib.sha256(out[member.name]).hexdigest()
        _check_digest(digest, pin, f"{member.source} in {wheel.name}")
    return out


def _stub_metadata_version_helper() -> None:
    """Supply the compiled helper mediapipe 1.x's metadata writer imports but
    does not ship; it only computes the minimum metadata parser version."""
    import importlib
    import types

    helper = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        importlib.import_module(helper)
        return
    except ImportError:
        pass
    parents = ["mediapipe.tasks.cc", "mediapipe.tasks.cc.metadata", "mediapipe.tasks.cc.metadata.python"]
    for parent in parents:
        sys.modules.setdefault(parent, types.ModuleType(parent))
    stub = types.ModuleType(helper)
    stub.GetMinimumMetadataParserVersion = lambda _buf: "1.0.0"  # type: ignore[attr-defined]
    sys.modules[helper] = stub
    sys.modules[parents[-1]]._pywrap_metadata_version = stub  # type: ignore[attr-defined]


def _import_mediapipe_isolated() -> None:
    """Import mediapipe from a short-lived thread.

    mediapipe 1.x keeps a reference to the stack of whichever frame first
    imports it, pinning that frame's and its callers' locals (here: the model
    buffers and MetadataWriter objects, whose ``__del__`` then fails at
    interpreter exit). From a fresh thread only that thread's frames stay.
    """
    if "mediapipe" in sys.modules:
        return
    import importlib
    import threading

    failure: list[BaseException] = []

    def target() -> None:
        try:
            importlib.import_module("mediapipe")
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="coach-import-mediapipe", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def _metadata_writer_module() -> Any:
    try:
        _import_mediapipe_isolated()
        _stub_metadata_version_helper()
        from mediapipe.tasks.python.metadata.metadata_writers import (
            metadata_writer,
        )
    except ImportError as exc:
        raise ModelError(
            f"cannot build the model: mediapipe's metadata writer is unavailable ({exc}); "
            "install the project's requirements (mediapipe 1.x)"
        ) from exc
    return metadata_writer


def _add_image_metadata(model: bytes, mean: float, std: float) -> bytes:
    """TFLite image-input metadata (normalisation) MediaPipe 1.x requires."""
    writer_mod = _metadata_writer_module()
    try:
        writer = writer_mod.MetadataWriter.create(bytearray(model))
        writer.add_general_info("coach pose model", "BlazePose GHUM from mediapipe 0.10.21")
        writer.add_image_input(norm_mean=[mean], norm_std=[std])
        populated, _ = writer.populate()
    except Exception as exc:  # third-party writer: re-raised as ModelError
        raise ModelError(f"cannot add TFLite metadata: {exc}") from exc
    return bytes(populated)


def _write_bundle(members: Mapping[str, bytes], dest: Path) -> None:
    """A reproducible, 4-byte aligned, uncompressed zip (fixed timestamps)."""
    from mediapipe.tasks.python.metadata.metadata_writers import (
        model_asset_bundle_utils,
    )

    with model_asset_bundle_utils.AlignZipFile(dest, "w", alignment=4) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix, regardless of the host platform
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def build_from_wheel(
    spec: ModelSpec | str = DEFAULT_MODEL, dest: Path | str | None = None, *, wheel: Path | None = None
) -> str:
    """Build ``spec``'s ``.task`` from the pinned mediapipe wheel; return its sha256.

    Downloads the wheel with ``python -m pip download`` (or uses ``wheel``),
    checks the two ``.tflite`` files against their pinned sha256, adds image
    metadata and writes a deterministic bundle to ``dest`` atomically. A bundle
    whose sha256 differs from the manifest's (only possible with a different
    metadata writer, since the inputs are pinned) is accepted with a warning;
    the lock file records it.
    """
    spec = get_spec(spec)
    build = spec.fallback
    if build is None:
        raise ModelError(f"pose model {spec.name} has no offline build: {fix_hint(spec)}")
    target = Path(dest) if dest is not None else model_path(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".wheel-", dir=target.parent) as tmp:
        wheel_file = wheel if wheel is not None else _pip_download(build, Path(tmp))
        _check_wheel(wheel_file, build)
        raw = _extract_members(wheel_file, build)
    log.info("adding TFLite metadata and writing %s", target)
    bundle = {m.name: _add_image_metadata(raw[m.name], m.norm_mean, m.norm_std) for m in build.members}
    with _atomic_target(target) as tmp_file:
        _write_bundle(bundle, tmp_file)
        _check_zip(tmp_file, spec.members)
        digest = sha256_file(tmp_file)
    if build.sha256 and digest != build.sha256:
        log.warning(
            "built %s has sha256 %s, not the manifest's %s (different metadata writer?)",
            spec.filename,
            _short(digest),
            _short(build.sha256),
        )
    return digest


# --------------------------------------------------------------------------
# Install and ensure
# --------------------------------------------------------------------------


def _expected_official(spec: ModelSpec, directory: Path, force: bool) -> set[str]:
    """Digests a fresh official download may have: manifest pins, else the lock."""
    accepted = set(spec.official_sha256s)
    lock = read_lock(lock_path(spec, directory))
    if lock is not None and lock.source == SOURCE_OFFICIAL and not (force and not accepted):
        accepted.add(lock.sha256)
    return accepted


def fetch(
    name: str | ModelSpec = DEFAULT_MODEL,
    *,
    force: bool = False,
    directory: Path | None = None,
    progress: Progress | None = None,
    url_base: str | None = None,
    wheel: Path | None = None,
    connect_timeout: float = 3.0,
    read_timeout: float = 20.0,
) -> Path:
    """Install ``name`` into the cache (official download, then wheel build).

    A valid installed file is kept unless ``force``. With ``wheel``, the
    download is skipped and the model is built from that local wheel.
    """
    spec = get_spec(name)
    directory = directory if directory is not None else model_dir()
    dest = directory / spec.filename
    if dest.exists() and not force:
        try:
            _verified_source(dest, spec)
            return dest
        except ModelError as exc:
            log.warning("re-fetching: %s", exc)
    failures: list[str] = []
    if wheel is None:
        url = spec.url_for(url_base)
        try:
            expected = _expected_official(spec, directory, force)
            digest = download(
                url,
                dest,
                sha256=expected,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                progress=progress,
                members=spec.members,
            )
            _write_lock(spec, directory, digest, SOURCE_OFFICIAL, url)
            return dest
        except ModelError as exc:
            log.info("official download failed: %s", exc)
            failures.append(f"official download failed ({exc})")
    if spec.fallback is None:
        failures.append("this model has no offline build")
    else:
        try:
            digest = build_from_wheel(spec, dest, wheel=wheel)
            _write_lock(spec, directory, digest, SOURCE_BUILT, spec.fallback.requirement)
            return dest
        except ModelError as exc:
            failures.append(f"building from {spec.fallback.requirement} failed ({exc})")
    raise ModelError(f"cannot install pose model {spec.name}: {'; '.join(failures)}; fix: {fix_hint(spec)}")


def ensure_model(
    name: str | ModelSpec = DEFAULT_MODEL,
    *,
    allow_fetch: bool = True,
    progress: Progress | None = None,
    directory: Path | None = None,
    url_base: str | None = None,
) -> Path:
    """Return the verified cached model, installing it first when missing.

    Raises ModelError when it is missing and ``allow_fetch`` is False, when
    every install route failed, or when the cached file is corrupt (then the
    fix is ``coach models fetch --force``; it is not replaced silently).
    """
    spec = get_spec(name)
    path = model_path(spec, directory)
    if path.exists():
        try:
            _verified_source(path, spec)
        except ModelError as exc:
            hint = f"run `coach models fetch --force --name {spec.name}`"
            raise ModelError(f"cached {exc}" if "--force" in str(exc) else f"cached {exc}; {hint}") from exc
        return path
    if not allow_fetch:
        raise ModelError(f"pose model {spec.name} is not installed at {path}: {fix_hint(spec)}")
    return fetch(spec, directory=directory, progress=progress, url_base=url_base)


# --------------------------------------------------------------------------
# CLI: `coach models ...`
# --------------------------------------------------------------------------


def _stderr_progress() -> Progress | None:
    """A one-line download progress meter on stderr, only for a terminal."""
    if not sys.stderr.isatty():
        return None
    last = {"t": 0.0}

    def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last["t"] < 0.1 and done != total:
            return
        last["t"] = now
        mb = done / 1e6
        text = f"{mb:.1f}/{total / 1e6:.1f} MB" if total else f"{mb:.1f} MB"
        sys.stderr.write(f"\r  downloading {text}\x1b[K")
        sys.stderr.flush()

    return report


@contextmanager
def _steps_to_stderr() -> Iterator[None]:
    """Show this module's INFO messages (which install route, what failed)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    previous = (log.level, log.propagate)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(previous[0])
        log.propagate = previous[1]


def _cmd_fetch(args: argparse.Namespace) -> int:
    progress = _stderr_progress()
    print(f"installing {args.name} into {model_dir()} ...", file=sys.stderr)
    try:
        with _steps_to_stderr():
            path = fetch(args.name, force=args.force, progress=progress, wheel=args.wheel)
    finally:
        if progress is not None:
            sys.stderr.write("\n")
    print(f"{path} ({_verified_source(path, get_spec(args.name))})")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    del args
    for spec in load_manifest().values():
        path = model_path(spec)
        mark = "*" if spec.name == DEFAULT_MODEL else " "
        if not path.exists():
            state = "not installed"
        else:
            try:
                state = f"ok ({_verified_source(path, spec)})"
            except ModelError as exc:
                state = f"BROKEN: {exc}"
        print(f"{mark} {spec.name:<22} {state:<28} {path}")
    return 0


def _cmd_path(args: argparse.Namespace) -> int:
    path = model_path(args.name)
    print(path)
    if not path.exists():
        print(f"{args.name} is not installed: run `coach models fetch`", file=sys.stderr)
        return 1
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    path = Path(args.path) if args.path else model_path(args.name)
    source = _verified_source(path, get_spec(args.name))
    print(f"OK {path} ({source})")
    return 0


def add_models_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``models {fetch,list,path,verify}`` to a main CLI's subparsers.

    Each subcommand sets ``func(args) -> int``; failures raise ModelError,
    which the main CLI turns into a one-line message and exit code 5.
    """
    names = sorted(load_manifest())
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "models", help="download, build, list and check pose models"
    )
    sub = parser.add_subparsers(dest="models_command", metavar="COMMAND", required=True)

    def name_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--name", choices=names, default=DEFAULT_MODEL, help="model (default: %(default)s)")

    fetch_p = sub.add_parser("fetch", help="download (or build offline) a model into the cache")
    name_opt(fetch_p)
    fetch_p.add_argument("--force", action="store_true", help="re-fetch even if a valid copy exists")
    fetch_p.add_argument("--wheel", type=Path, default=None, help="build from this local mediapipe wheel")
    fetch_p.set_defaults(func=_cmd_fetch)

    list_p = sub.add_parser("list", help="list models and their install state")
    list_p.set_defaults(func=_cmd_list)

    path_p = sub.add_parser("path", help="print where a model is cached")
    name_opt(path_p)
    path_p.set_defaults(func=_cmd_path)

    verify_p = sub.add_parser("verify", help="check a model file (default: the cached one)")
    name_opt(verify_p)
    verify_p.add_argument("path", nargs="?", default=None, metavar="PATH")
    verify_p.set_defaults(func=_cmd_verify)
    return parser
