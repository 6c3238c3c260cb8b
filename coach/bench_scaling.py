"""``coach bench --scaling 1,2,4``: whole processes, timed against a bare loop.

Every contender is a fresh process over the same video file, timed from
start to exit (imports, model load, decoding, inference and, for coach,
analysis and the summary), so nothing is hidden in a warm-up:

- **bare**: the plainest MediaPipe program: ``cv2.VideoCapture`` ->
  ``cvtColor`` -> ``mp.Image`` -> ``PoseLandmarker.detect_for_video``, one
  landmarker, results thrown away
  (:data:`coach.pose_backend.BARE_LOOP_SCRIPT`);
- **legacy loop** (with ``--scaling-legacy-python PY``): the same over
  mediapipe 0.10.x's ``mp.solutions.pose`` (:data:`coach.pose_backend.LEGACY_LOOP_SCRIPT`);
- **coach, N workers**: ``coach analyze VIDEO -e EXERCISE --workers N -q --no-save``;
- optionally the bare loop and ``coach analyze`` (its default: one worker
  per core) with another model file (``--model-variant``).

The contenders run interleaved: in each round every one runs once, in an
order rotated from round to round, so a load spike from other processes
hits all of them alike; each ratio divides two runs of the same round.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Report = Callable[[str], None]

IDLE_SHARE = 0.85
"""With ``--scaling-wait-idle``, a run starts once the machine's CPUs were
this idle (other users' work below 15 % of the machine) ..."""
IDLE_WINDOW_S = 3.0
"""... over this long."""


def _bare_loop() -> str:
    """The bare program's source (it lives in the pose backend, the one
    module that names mediapipe; the parent process is not timed)."""
    from coach.pose_backend import BARE_LOOP_SCRIPT

    return BARE_LOOP_SCRIPT


def _legacy_loop() -> str:
    from coach.pose_backend import LEGACY_LOOP_SCRIPT

    return LEGACY_LOOP_SCRIPT


@dataclass(frozen=True)
class Contender:
    label: str
    argv: tuple[str, ...]
    workers: int | None = None  # coach only
    variant: str = "full"


@dataclass
class Timed:
    contender: Contender
    wall_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    idle_before: list[float] = field(default_factory=list)  # the machine's idle share just before each run


@dataclass(frozen=True)
class ScalingReport:
    video: str
    frames: int
    rounds: int
    cpus: int
    load: tuple[float, float]  # load average before and after
    results: tuple[Timed, ...]

    def ratios(self, t: Timed) -> list[float]:
        base = self.results[0].wall_s
        return [w / b for w, b in zip(t.wall_s, base, strict=True)]

    def lines(self) -> list[str]:
        width = max(len(t.contender.label) for t in self.results)
        idle = [x for t in self.results for x in t.idle_before]
        out = [f"whole processes on {self.video} ({self.frames} frames), {self.rounds} interleaved rounds, "
               f"{self.cpus} CPUs, load average {self.load[0]:.1f} -> {self.load[1]:.1f}"
               + (f", idle before a run {min(idle):.0%}-{max(idle):.0%}" if idle else "") + ":",
               f"  {'contender':<{width}}  wall s (median)  CPU s (median)  wall / bare (median, range)"]
        for t in self.results:
            r = self.ratios(t)
            out.append(f"  {t.contender.label:<{width}}  {statistics.median(t.wall_s):15.2f}  "
                       f"{statistics.median(t.cpu_s):14.2f}  {statistics.median(r):.3f} ({min(r):.3f}-{max(r):.3f})")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "video": self.video, "frames": self.frames, "rounds": self.rounds, "cpus": self.cpus,
            "load": list(self.load),
            "results": [{"label": t.contender.label, "workers": t.contender.workers, "variant": t.contender.variant,
                         "wall_s": t.wall_s, "cpu_s": t.cpu_s, "ratio_to_bare": self.ratios(t),
                         "idle_before": t.idle_before}
                        for t in self.results],
        }


def _env() -> dict[str, str]:
    """Run this coach tree (not another installed copy) in the children."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("GLOG_minloglevel", "2")
    return env


def _coach(py: str, video: Path, exercise: str, model: Path, workers: int | None, variant: str) -> Contender:
    """``coach analyze``; ``workers`` None: the default (one per core)."""
    from coach.parallel import default_workers

    n = default_workers() if workers is None else workers
    how = f"default = {n} worker{'s' if n > 1 else ''}" if workers is None else f"{n} worker{'s' if n > 1 else ''}"
    argv = [py, "-m", "coach", "analyze", str(video), "-e", exercise, "--model", str(model), "-q", "--no-save"]
    if workers is not None:
        argv += ["--workers", str(workers)]
    return Contender(f"coach, {how} ({variant})", tuple(argv), workers=n, variant=variant)


def contenders(video: Path, models: dict[str, Path], exercise: str, workers: Sequence[int],
               variants: Sequence[str] = (), legacy_python: str | None = None) -> list[Contender]:
    """The bare loop (full model) first: every ratio is against it. Then the
    legacy loop (with ``legacy_python``), coach with each worker count, and
    for each other model variant the bare loop and coach's default."""
    py = sys.executable
    out = [Contender("bare loop (full)", (py, "-c", _bare_loop(), str(models["full"]), str(video)))]
    if legacy_python:
        out.append(Contender("legacy solutions.pose loop (full)", (legacy_python, "-c", _legacy_loop(), str(video))))
    for n in workers:
        out.append(_coach(py, video, exercise, models["full"], n, "full"))
    for v in variants:
        if v == "full":
            continue
        out.append(Contender(f"bare loop ({v})", (py, "-c", _bare_loop(), str(models[v]), str(video)), variant=v))
        out.append(_coach(py, video, exercise, models[v], None, v))
    return out


def _cpu_times() -> tuple[float, float]:
    """(idle, total) jiffies of all CPUs since boot (Linux); (0, 0) elsewhere."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [float(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    return fields[3] + (fields[4] if len(fields) > 4 else 0.0), sum(fields)


def wait_idle(max_wait_s: float, idle_share: float = IDLE_SHARE, window_s: float = IDLE_WINDOW_S) -> float:
    """Wait (at most ``max_wait_s``) until the machine was at least
    ``idle_share`` idle over the last ``window_s``; return the idle share
    measured last (1.0 when it cannot be measured)."""
    deadline = time.monotonic() + max_wait_s
    while True:
        i0, t0 = _cpu_times()
        time.sleep(window_s)
        i1, t1 = _cpu_times()
        share = (i1 - i0) / (t1 - t0) if t1 > t0 else 1.0
        if share >= idle_share or time.monotonic() >= deadline:
            return share


def _run_once(c: Contender, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(c.argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{c.label} failed ({proc.returncode}): {last}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_scaling(video: Path, frames: int, models: dict[str, Path], exercise: str, workers: Sequence[int],
                  rounds: int = 3, variants: Sequence[str] = (), progress: Report | None = None,
                  legacy_python: str | None = None, wait_idle_s: float = 0.0) -> ScalingReport:
    """Time every contender ``rounds`` times, interleaved and rotated; with
    ``wait_idle_s``, each run waits up to that long for an idle machine."""
    say = progress or (lambda _m: None)
    env = _env()
    timed = [Timed(c) for c in contenders(video, models, exercise, workers, variants, legacy_python)]
    load0 = os.getloadavg()[0]
    for r in range(rounds):
        order = timed[r % len(timed):] + timed[: r % len(timed)]
        for t in order:
            if wait_idle_s > 0:
                t.idle_before.append(wait_idle(wait_idle_s))
            wall, cpu = _run_once(t.contender, env)
            t.wall_s.append(wall)
            t.cpu_s.append(cpu)
            idle = f" (idle before: {t.idle_before[-1]:.0%})" if t.idle_before else ""
            say(f"  round {r + 1}/{rounds}: {t.contender.label}: {wall:.2f} s{idle}")
    return ScalingReport(video=str(video), frames=frames, rounds=rounds, cpus=os.cpu_count() or 1,
                         load=(load0, os.getloadavg()[0]), results=tuple(timed))
