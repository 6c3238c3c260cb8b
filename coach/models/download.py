"""HTTP download of a ``.task`` file with connect and stall timeouts."""

from __future__ import annotations

import hashlib
import http.client
import io
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Collection
from email.message import Message
from pathlib import Path

from coach.errors import ModelError
from coach.models.cache import atomic_target
from coach.models.spec import REQUIRED_MEMBERS
from coach.models.verify import check_digest, check_zip

_CHUNK = 1 << 16
_MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024

Progress = Callable[[int, int | None], None]
"""Download progress callback: ``(bytes_done, bytes_total_or_None)``."""


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
    with atomic_target(dest) as tmp:
        try:
            with tmp.open("wb") as out:
                digest = _stream(url, out, connect_timeout, read_timeout, progress)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise ModelError(f"download of {url} failed: {_describe_net_error(exc)}") from exc
        check_zip(tmp, members)
        check_digest(digest, accepted, f"download of {url}")
    return digest
