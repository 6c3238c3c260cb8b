"""``coach eval``'s recognition measurements: set matching, and the quick
run (suite subset, real tracks, two routines) meeting its floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.evaluation.corpus import load_corpus
from coach.evaluation.recognition import match_sets, run_recognition
from coach.evaluation.recognition_floors import check_recognition_floors, recognition_floors
from coach.evaluation.recognition_md import recognition_md
from coach.synth.suite import suite

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "data" / "real"
FLOORS = REPO / "tests" / "data" / "accuracy_floors.json"


def test_set_matching() -> None:
    true = [("a", 0.0, 10.0), ("b", 12.0, 20.0), ("a", 25.0, 30.0)]
    found = [("a", 0.5, 9.0), ("c", 10.0, 11.0), ("b", 11.0, 21.0)]
    r = match_sets("x", found, true)
    assert (r.matched, r.invented, r.missed) == (2, 1, 1)
    assert r.start_errors == (0.5, -1.0) and r.end_errors == (-1.0, 1.0) and r.worst_s == 1.0
    assert match_sets("y", [], true).missed == 3


@pytest.fixture(scope="module")
def quick() -> dict[str, object]:
    entries = [e for e in load_corpus(REAL) if e.kind == "track"] if REAL.exists() else []
    rep = run_recognition(suite(quick=True), entries, quick=True, synthetic=True)
    text = "\n".join(recognition_md(rep))
    assert "## Recognition" in text and "| truth \\ recognised |" in text
    obj = rep.to_json()
    assert isinstance(obj, dict)
    return obj


def test_quick_recognition_numbers(quick: dict[str, object]) -> None:
    syn = quick["synthetic"]
    assert isinstance(syn, dict) and syn["decision_accuracy"] == 1.0
    assert quick["false_warnings"] == 0
    summary = quick["routines"]["summary"]  # type: ignore[index]
    assert summary["invented"] == 0 and summary["missed"] == 0 and summary["max_abs_error_s"] <= 1.0


def test_quick_recognition_meets_its_floors(quick: dict[str, object]) -> None:
    floors = json.loads(FLOORS.read_text()).get("recognition_quick", {})
    assert floors, "tests/data/accuracy_floors.json has no recognition_quick section"
    assert check_recognition_floors(quick, floors) == []
    made = recognition_floors(quick)
    assert check_recognition_floors(quick, made) == []
    worse = json.loads(json.dumps(quick))
    worse["false_warnings"] = 3
    assert any("false_warnings" in p for p in check_recognition_floors(worse, made))


def test_parts_not_run_are_not_checked() -> None:
    floors = {"synthetic.decision_accuracy": {"min": 0.98}, "routines.summary.invented": {"max": 0},
              "real.frame_accuracy": {"min": 0.9}, "false_warnings": {"max": 0}}
    only_real = {"real": {"frame_accuracy": 0.95}, "false_warnings": 0, "routines": {"summary": {}, "entries": []}}
    assert check_recognition_floors(only_real, floors) == []
    only_real["real"]["frame_accuracy"] = 0.5  # type: ignore[index]
    assert check_recognition_floors(only_real, floors) == [
        "recognition: real.frame_accuracy = 0.5 is below the floor 0.9"]
