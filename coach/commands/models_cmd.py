"""``coach models fetch|list|path|verify``: manage the pose model files."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coach.errors import ModelError
from coach.models.cache import model_dir, model_path
from coach.models.download import Progress
from coach.models.fetch import fetch
from coach.models.spec import DEFAULT_MODEL, get_spec, load_manifest
from coach.models.verify import verified_source

# The package logger: every coach.models.* module logs below it.
_models_log = logging.getLogger("coach.models")


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
    """Show the package's INFO messages (which install route, what failed)."""
    log = _models_log
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


def _name(args: argparse.Namespace) -> str:
    """``--variant V`` is ``--name pose_landmarker_V``."""
    if args.variant is None:
        return str(args.name)
    name = f"pose_landmarker_{args.variant}"
    if args.name not in (DEFAULT_MODEL, name):
        from coach.errors import UsageError

        raise UsageError(f"--name {args.name} and --variant {args.variant} disagree; give one")
    args.name = name
    return name


def _cmd_fetch(args: argparse.Namespace) -> int:
    _name(args)
    progress = _stderr_progress()
    print(f"installing {args.name} into {model_dir()} ...", file=sys.stderr)
    try:
        with _steps_to_stderr():
            path = fetch(args.name, force=args.force, progress=progress, wheel=args.wheel,
                         npm_tarball=args.npm_tarball)
    finally:
        if progress is not None:
            sys.stderr.write("\n")
    print(f"{path} ({verified_source(path, get_spec(args.name))})")
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
                state = f"ok ({verified_source(path, spec)})"
            except ModelError as exc:
                state = f"BROKEN: {exc}"
        print(f"{mark} {spec.name:<22} {state:<28} {path}")
    return 0


def _cmd_path(args: argparse.Namespace) -> int:
    _name(args)
    path = model_path(args.name)
    print(path)
    if not path.exists():
        print(f"{args.name} is not installed: run `coach models fetch`", file=sys.stderr)
        return 1
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    _name(args)
    path = Path(args.path) if args.path else model_path(args.name)
    source = verified_source(path, get_spec(args.name))
    print(f"OK {path} ({source})")
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
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
        p.add_argument("--variant", choices=("lite", "full", "heavy"), default=None,
                       help="the same as --name pose_landmarker_VARIANT")

    fetch_p = sub.add_parser("fetch", help="download (or build offline) a model into the cache")
    name_opt(fetch_p)
    fetch_p.add_argument("--force", action="store_true", help="re-fetch even if a valid copy exists")
    fetch_p.add_argument("--wheel", type=Path, default=None, help="build from this local mediapipe wheel")
    fetch_p.add_argument("--npm-tarball", type=Path, default=None, metavar="TGZ",
                         help="build lite or heavy from this local @mediapipe/pose tarball (`npm pack`)")
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
