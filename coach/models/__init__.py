"""Pose model files: manifest, cache, download, offline build and checks.

A MediaPipe ``.task`` file is a zip holding ``pose_detector.tflite`` and
``pose_landmarks_detector.tflite``. ``ensure_model`` returns a verified copy
from the cache (``model_dir()``), installing it on first use:

1. download the official file (short connect timeout, stall timeout), then
2. if that fails, for ``pose_landmarker_full``: build the same model from
   the ``mediapipe==0.10.21`` wheel on PyPI (its two BlazePose ``.tflite``
   files plus the image-input metadata MediaPipe 1.x needs), as a
   byte-for-byte reproducible zip; for ``pose_landmarker_lite`` and
   ``_heavy``: the same from the npm package ``@mediapipe/pose``
   (``npm_build``).

Every install is written to a temp file in the cache directory and moved into
place with ``os.replace``, so no partial file is ever left at the destination.
A lock file ``<model_dir>/<name>.lock`` records the sha256 and the source
("official" or "built-from-wheel") of what was installed.

A cached file that fails verification is never replaced silently:
``ensure_model`` raises ``ModelError`` telling the user to run
``coach models fetch --force`` (corruption is rare, since writes are atomic,
and may point at a disk problem or a hand-placed file worth keeping).

Only ``coach.pose_backend`` imports mediapipe at module level; the builder
(``coach.models.wheel_build``) imports it lazily inside ``build_from_wheel``.

Modules, one job each:

- ``spec``: the manifest (``ModelSpec``, ``WheelBuild``, ``get_spec``, ``fix_hint``)
- ``cache``: cache location, lock files, atomic writes, ``sha256_file``
- ``verify``: zip and sha256 checks, ``verify``
- ``download``: HTTP download with connect and stall timeouts
- ``wheel_build``: offline build from the mediapipe wheel
- ``npm_build``: offline build of lite and heavy from the npm package
- ``fetch``: ``fetch`` and ``ensure_model`` (install routes)

The ``coach models ...`` subcommands are in :mod:`coach.commands.models_cmd`.
"""

from __future__ import annotations

from coach.models.cache import (
    ENV_MODEL_DIR,
    LockInfo,
    lock_path,
    model_dir,
    model_path,
    read_lock,
    sha256_file,
)
from coach.models.download import Progress, download
from coach.models.fetch import ensure_model, fetch
from coach.models.spec import (
    DEFAULT_MODEL,
    ENV_URL_BASE,
    FIX_HINT,
    REQUIRED_MEMBERS,
    SOURCE_BUILT,
    SOURCE_BUILT_NPM,
    SOURCE_OFFICIAL,
    ModelSpec,
    NpmBuild,
    NpmMember,
    WheelBuild,
    WheelMember,
    fix_hint,
    get_spec,
    load_manifest,
    manifest_path,
)
from coach.models.verify import verify
from coach.models.wheel_build import build_from_wheel

__all__ = [
    "DEFAULT_MODEL",
    "ENV_MODEL_DIR",
    "ENV_URL_BASE",
    "FIX_HINT",
    "REQUIRED_MEMBERS",
    "SOURCE_BUILT",
    "SOURCE_BUILT_NPM",
    "SOURCE_OFFICIAL",
    "LockInfo",
    "ModelSpec",
    "NpmBuild",
    "NpmMember",
    "Progress",
    "WheelBuild",
    "WheelMember",
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
