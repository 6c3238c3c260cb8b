"""Table-driven: every bad input through the real ``coach`` subprocess gives
a non-zero exit, exactly one line on stderr, and never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCoach

HEADER = "t,left_shoulder_x,left_shoulder_y,left_hip_x,left_hip_y"


def _file(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data)
        return p

    return make


def _truncated_video(tmp: Path) -> Path:
    from tests.conftest import make_person_video

    full = make_person_video(tmp / "full.mp4", frames=10)
    data = full.read_bytes()
    p = tmp / "truncated.mp4"
    p.write_bytes(data[: len(data) // 3])
    return p


def _directory(tmp: Path) -> Path:
    d = tmp / "adir.mp4"
    d.mkdir()
    return d


CASES: list[tuple[str, Callable[[Path], Path], list[str], str]] = [
    ("missing file", lambda tmp: tmp / "missing.mp4", ["-e", "plank"], "no such file"),
    ("directory", _directory, ["-e", "plank"], "not a file"),
    ("zero-byte video", _file("zero.mp4", b""), ["-e", "plank"], "empty"),
    ("garbage video", _file("garbage.mp4", b"\x00\x01garbage" * 300), ["-e", "plank"], "video"),
    ("text as video", _file("notes.avi", "hello"), ["-e", "plank"], "video"),
    ("truncated video", _truncated_video, ["-e", "plank"], "video"),
    ("csv no columns", _file("a.csv", "a,b\n1,2\n"), ["-e", "plank"], "no landmark columns"),
    ("csv empty", _file("b.csv", ""), ["-e", "plank"], "empty"),
    ("csv header only", _file("c.csv", HEADER + "\n"), ["-e", "plank"], "no frames"),
    ("csv non-monotonic t", _file("d.csv", HEADER + "\n0.2,.5,.5,.6,.5\n0.1,.5,.5,.6,.5\n"), ["-e", "plank"],
     "increas"),
    ("csv duplicate t", _file("e.csv", HEADER + "\n0.1,.5,.5,.6,.5\n0.1,.5,.5,.6,.5\n"), ["-e", "plank"], "increas"),
    ("csv NaN t", _file("f.csv", HEADER + "\nnan,.5,.5,.6,.5\n"), ["-e", "plank"], "finite"),
    ("csv text value", _file("g.csv", HEADER + "\n0,abc,.5,.6,.5\n"), ["-e", "plank"], "not a number"),
    ("csv out of range", _file("h.csv", HEADER + "\n0,1e6,.5,.6,.5\n"), ["-e", "plank"], "outside"),
    ("csv bad visibility", _file("i.csv", "t,nose_x,nose_y,nose_v\n0,.5,.5,-4\n"), ["-e", "plank"], "visibility"),
    ("unknown exercise", _file("j.csv", HEADER + "\n0,.5,.5,.6,.5\n"), ["-e", "deadlift"], "plank"),
    ("bad target", _file("k.csv", HEADER + "\n0,.5,.5,.6,.5\n"), ["-e", "plank", "--target", "-3"], "target"),
    ("bad aspect", _file("l.csv", HEADER + "\n0,.5,.5,.6,.5\n"), ["-e", "plank", "--aspect", "wide"], "aspect"),
    ("jsonl over the input", lambda tmp: _file("o.csv", HEADER + "\n0,.5,.5,.6,.5\n")(tmp),
     ["-e", "plank", "--jsonl", "o.csv"], "input file"),
    ("summary is a folder", _file("p.csv", HEADER + "\n0,.5,.5,.6,.5\n"), ["-e", "plank", "--summary-json", "."],
     "folder"),
    ("infinite target", _file("q.csv", HEADER + "\n0,.5,.5,.6,.5\n"), ["-e", "plank", "--target", "inf"], "target"),
    ("load on a plank", _file("m.csv", HEADER + "\n0,.5,.5,.6,.5\n"), ["-e", "plank", "--load-kg", "10"], "lift"),
    ("negative load", _file("n.csv", HEADER + "\n0,.5,.5,.6,.5\n"), ["-e", "lift", "--load-kg", "-1"], "load"),
]


@pytest.mark.parametrize(("label", "make", "extra", "needle"), CASES, ids=[c[0] for c in CASES])
def test_analyze_bad_input(run_coach: RunCoach, tmp_path: Path, label: str, make: Callable[[Path], Path],
                           extra: list[str], needle: str) -> None:
    path = make(tmp_path)
    proc = run_coach("analyze", path, *extra, "--no-save")
    assert proc.returncode != 0, f"{label}: exit 0\n{proc.stdout}"
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, f"{label}: expected one line, got:\n{proc.stderr}"
    assert needle.lower() in lines[0].lower(), lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["record", "--camera", "7", "--out", "x.csv"],
        ["record", "--camera", "-1", "--out", "x.csv"],
        ["demo", "--seed", "-5", "--no-save"],
        ["analyze", "in.csv", "-e", "plank", "--no-save", "--jsonl", "/dev/full"],
        ["analyze"],
        ["nosuchcommand"],
        ["models", "path", "--name", "pose_landmarker_tiny"],
        ["models", "verify", "/nonexistent.task"],
    ],
    ids=["no camera", "negative camera", "negative seed", "disk full", "missing argument", "unknown command",
         "unknown model", "verify missing file"],
)
def test_other_bad_invocations(run_coach: RunCoach, tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "in.csv").write_text(HEADER + "\n0,.5,.5,.6,.5\n")
    proc = run_coach(*args)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.strip()]) == 1, proc.stderr
