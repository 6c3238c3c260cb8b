"""Spoken cues, offline.

A :class:`VoiceEngine` has two methods: ``say(text)`` returns at once (the
frame loop never waits for speech) and ``close()``. Two engines:

* :class:`EspeakVoice` runs the ``espeak-ng`` command line in a worker
  thread, one utterance at a time. Only one cue waits behind the one being
  spoken: a newer cue replaces a queued one, and a queued cue older than
  ``max_age_s`` is dropped (a late correction is worse than none).
* :class:`SilentVoice` says nothing (it remembers what it was asked to
  say, for tests); it is chosen automatically when espeak-ng or an audio
  device is missing.

``select_voice(enabled)`` picks one and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

ESPEAK = "espeak-ng"


@runtime_checkable
class VoiceEngine(Protocol):
    name: str

    def say(self, text: str) -> None:
        """Queue ``text`` to be spoken; never blocks."""
        ...

    def close(self) -> None:
        """Stop speaking and release the engine (idempotent)."""
        ...


class SilentVoice:
    """Says nothing; keeps the last ``keep`` texts it was given."""

    name = "silent"

    def __init__(self, reason: str = "voice off", keep: int = 100) -> None:
        self.reason = reason
        self.said: deque[str] = deque(maxlen=keep)

    def say(self, text: str) -> None:
        self.said.append(text)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class EspeakConfig:
    """espeak-ng settings. 160 words per minute is a little slower than its
    default (175): cues are heard from across a room, mid-exercise."""

    executable: str = ESPEAK
    voice: str | None = None  # espeak-ng -v, e.g. "en-us"
    words_per_minute: int = 160
    amplitude: int = 120  # 0..200
    max_age_s: float = 2.0
    wav_dir: Path | None = None
    """Write each utterance to ``<wav_dir>/cue-NNNN.wav`` instead of playing
    it (``espeak-ng -w``): for tests and machines without audio."""


class EspeakVoice:
    """espeak-ng in a worker thread: ``say`` only hands the text over."""

    name = ESPEAK

    def __init__(self, config: EspeakConfig | None = None) -> None:
        self.config = config or EspeakConfig()
        exe = shutil.which(self.config.executable)
        if exe is None:
            raise FileNotFoundError(f"{self.config.executable} is not installed")
        self._exe = exe
        if self.config.wav_dir is not None:
            Path(self.config.wav_dir).mkdir(parents=True, exist_ok=True)
        self._cond = threading.Condition()
        self._pending: tuple[str, float] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._closing = False
        self.spoken = 0
        self.dropped = 0
        self.failed = 0
        self.wavs: list[Path] = []
        self._n = 0
        self._thread = threading.Thread(target=self._work, name="coach-voice", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        with self._cond:
            if self._closing:
                return
            if self._pending is not None:
                self.dropped += 1  # a newer cue replaces the stale one
            self._pending = (text, time.monotonic())
            self._cond.notify()

    def _command(self, text: str) -> list[str]:
        c = self.config
        cmd = [self._exe, "-s", str(int(c.words_per_minute)), "-a", str(int(c.amplitude))]
        if c.voice:
            cmd += ["-v", c.voice]
        self._n += 1
        if c.wav_dir is not None:
            wav = Path(c.wav_dir) / f"cue-{self._n:04d}.wav"
            self.wavs.append(wav)
            cmd += ["-w", str(wav)]
        return [*cmd, "--", text]

    def _work(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closing:
                    self._cond.wait()
                if self._closing:
                    return
                assert self._pending is not None
                text, queued = self._pending
                self._pending = None
                if time.monotonic() - queued > self.config.max_age_s:
                    self.dropped += 1
                    continue
                try:
                    self._proc = subprocess.Popen(
                        self._command(text), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                except OSError:
                    self.failed += 1
                    continue
                proc = self._proc
            rc = proc.wait()
            with self._cond:
                self._proc = None
                if rc == 0:
                    self.spoken += 1
                else:
                    self.failed += 1

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or being spoken (tests, shutdown)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._cond:
                if self._pending is None and self._proc is None:
                    return True
            time.sleep(0.01)
        return False

    def close(self, timeout: float = 2.0) -> None:
        """Drop the queued cue, let the current one finish for up to
        ``timeout`` seconds, then stop it."""
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._pending = None
            proc = self._proc
            self._cond.notify_all()
        if proc is not None:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._thread.join(timeout=timeout)


def audio_output_available() -> bool:
    """Best guess whether this machine can play sound: on Linux an ALSA
    playback device, or a PulseAudio / PipeWire server; elsewhere yes."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and any((Path(runtime) / p).exists() for p in ("pulse/native", "pipewire-0")):
        return True
    snd = Path("/dev/snd")
    try:
        return any(p.name.startswith("pcm") and p.name.endswith("p") for p in snd.iterdir())
    except OSError:
        return False


def select_voice(enabled: bool = True, config: EspeakConfig | None = None) -> VoiceEngine:
    """espeak-ng when asked for and possible, else a :class:`SilentVoice`
    whose ``reason`` says why."""
    if not enabled:
        return SilentVoice("voice off (--no-voice)")
    config = config or EspeakConfig()
    if shutil.which(config.executable) is None:
        return SilentVoice(f"{config.executable} is not installed (apt install espeak-ng)")
    if config.wav_dir is None and not audio_output_available():
        return SilentVoice("no audio output device")
    return EspeakVoice(config)


def describe(engine: VoiceEngine) -> str:
    reason = getattr(engine, "reason", None)
    return f"{engine.name} ({reason})" if reason else engine.name
