"""Spoken cues: the real espeak-ng engine renders to a WAV that holds
speech; say() never blocks; a newer cue replaces a stale queued one."""

from __future__ import annotations

import shutil
import stat
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from coach.voice import EspeakConfig, EspeakVoice, SilentVoice, VoiceEngine, select_voice

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def read_wav(path: Path) -> tuple[np.ndarray, float]:
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        return data, w.getnframes() / w.getframerate()


@needs_espeak
def test_real_engine_speaks_into_a_wav(tmp_path: Path) -> None:
    voice = EspeakVoice(EspeakConfig(wav_dir=tmp_path))
    try:
        t0 = time.perf_counter()
        voice.say("Lift your hips")
        assert time.perf_counter() - t0 < 0.05  # handed over, not spoken inline
        assert voice.wait_idle(timeout=20)
    finally:
        voice.close()
    assert voice.spoken == 1 and voice.failed == 0
    samples, seconds = read_wav(voice.wavs[0])
    assert 0.4 < seconds < 5.0, seconds  # three words at 160 wpm
    loud = np.abs(samples.astype(np.int32))
    assert loud.max() > 3000
    assert (loud > 500).mean() > 0.2  # speech, not a click in silence


def _fake_espeak(tmp_path: Path, seconds: float) -> Path:
    """A stand-in espeak-ng that takes ``seconds`` to speak and logs what it said."""
    log = tmp_path / "said.txt"
    exe = tmp_path / "fake-espeak"
    exe.write_text(f'#!/bin/sh\nfor last; do :; done\necho "$last" >> "{log}"\nsleep {seconds}\n')
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return exe


def test_say_never_blocks_and_a_newer_cue_replaces_a_queued_one(tmp_path: Path) -> None:
    exe = _fake_espeak(tmp_path, 0.4)
    voice = EspeakVoice(EspeakConfig(executable=str(exe)))
    try:
        t0 = time.perf_counter()
        voice.say("one")
        time.sleep(0.1)  # "one" is being spoken
        voice.say("two")
        voice.say("three")  # replaces "two" before it was said
        assert time.perf_counter() - t0 < 0.3
        assert voice.wait_idle(timeout=10)
    finally:
        voice.close()
    assert (tmp_path / "said.txt").read_text().split() == ["one", "three"]
    assert voice.dropped == 1


def test_a_queued_cue_goes_stale(tmp_path: Path) -> None:
    exe = _fake_espeak(tmp_path, 0.5)
    voice = EspeakVoice(EspeakConfig(executable=str(exe), max_age_s=0.2))
    try:
        voice.say("one")
        time.sleep(0.1)
        voice.say("late")  # waits 0.4 s behind "one": too old by then
        assert voice.wait_idle(timeout=10)
    finally:
        voice.close()
    assert (tmp_path / "said.txt").read_text().split() == ["one"]


def test_close_stops_a_long_utterance(tmp_path: Path) -> None:
    voice = EspeakVoice(EspeakConfig(executable=str(_fake_espeak(tmp_path, 30))))
    voice.say("a very long speech")
    time.sleep(0.1)
    t0 = time.perf_counter()
    voice.close(timeout=0.2)
    assert time.perf_counter() - t0 < 3
    voice.say("after close")  # ignored, no error
    voice.close()


def test_silent_engine_and_selection(tmp_path: Path) -> None:
    silent = select_voice(enabled=False)
    assert isinstance(silent, SilentVoice) and "off" in silent.reason
    silent.say("hello")
    assert list(silent.said) == ["hello"]
    missing = select_voice(True, EspeakConfig(executable=str(tmp_path / "no-such-espeak")))
    assert isinstance(missing, SilentVoice) and "not installed" in missing.reason
    for engine in (silent, missing):
        assert isinstance(engine, VoiceEngine)
        engine.close()


def test_missing_executable_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not installed"):
        EspeakVoice(EspeakConfig(executable=str(tmp_path / "nope")))
