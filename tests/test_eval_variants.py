"""The model-variant comparison of ``coach eval`` (:mod:`coach.evaluation.variants`):
computed from the committed tracks in ``tests/data/real/variants/`` (no
model needed), with the expected shape, heavy against itself exact, the
compact full tracks giving the corpus tracks' verdicts, and the numbers of
the "Model variants" section of ACCURACY.md."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coach.evaluation.classes import NO_EXERCISE
from coach.evaluation.corpus import entry_paths
from coach.evaluation.runner import run_track
from coach.evaluation.variants import (
    ANGLES,
    REFERENCE,
    VARIANTS,
    VariantReport,
    VariantTracks,
    analyzers_for,
    joint_angles,
    load_variant_tracks,
    run_variants,
)
from coach.evaluation.variants_md import TITLE, angle_table, labels_table, summary_table
from coach.landmarks import NUM_LANDMARKS, Landmark
from coach.pose import PoseFrame

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "data" / "real"
ACCURACY = REPO / "ACCURACY.md"


@pytest.fixture(scope="module")
def items() -> list[VariantTracks]:
    return load_variant_tracks(REAL)


@pytest.fixture(scope="module")
def report(items: list[VariantTracks]) -> VariantReport:
    return run_variants(REAL, items=items)


def _env() -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


# -- the committed tracks ---------------------------------------------------------------------
def test_every_entry_recorded_from_a_video_has_all_three_variants(items: list[VariantTracks]) -> None:
    """The entries whose landmarks coach record made from a video are
    exactly those with variant tracks (the others are landmark files)."""
    from_video = set()
    for path in entry_paths(REAL):
        meta = json.loads(path.read_text())
        if str(meta.get("landmarks", "")).startswith("coach record"):
            from_video.add(meta["id"])
    assert len(from_video) >= 8
    assert {it.entry.id for it in items} == from_video
    for it in items:
        assert set(it.tracks) == set(VARIANTS)
        for frames in it.tracks.values():
            assert [f.t for f in frames] == [f.t for f in it.entry.frames]
    size = sum(p.stat().st_size for p in (REAL / "variants").glob("*.csv"))
    assert size < 4_000_000, f"variant tracks take {size / 1e6:.1f} MB"


def test_the_compact_full_track_is_the_corpus_track(items: list[VariantTracks]) -> None:
    """The full model on the same frames: landmarks equal to the corpus CSV
    within the rounding, and every analyzer's verdict on every frame the
    same (so leaving out the detail landmarks and rounding changes nothing)."""
    for it in items:
        full = it.tracks["full"]
        compared = 0
        for a, b in zip(it.entry.frames, full, strict=True):
            both = (a.visibility > 0) & (b.visibility > 0)  # a left-out landmark reads as not visible
            if both.any():
                assert np.abs(a.xy[both] - b.xy[both]).max() <= 0.5e-4 + 1e-9, it.entry.id
                compared += 1
        assert compared > 0
        for name in analyzers_for(it.entry):
            va, sa = run_track(name, it.entry.frames)
            vb, sb = run_track(name, full)
            key = [(v.phase, v.faults, v.reps, round(v.hold_s, 3), v.visible) for v in va]
            assert key == [(v.phase, v.faults, v.reps, round(v.hold_s, 3), v.visible) for v in vb], \
                (it.entry.id, name)
            assert sa.reps == sb.reps


# -- the comparison ---------------------------------------------------------------------------
def test_heavy_against_itself_is_exact(report: VariantReport) -> None:
    heavy = report.of(REFERENCE)
    assert heavy.verdict_agreement == 1.0 and heavy.phase_agreement == 1.0
    assert heavy.counts_different == 0 and heavy.count_abs_diff == 0
    errors = heavy.angle_errors()
    assert errors and max(errors) == 0.0
    assert all(not e.disagreements() for e in heavy.entries)


def test_report_shape_and_sanity(report: VariantReport, items: list[VariantTracks]) -> None:
    assert [s.variant for s in report.variants] == list(VARIANTS)
    frames = sum(len(it.entry.frames) for it in items)
    for s in report.variants:
        assert len(s.entries) == len(items) and s.frames == frames
        assert 0 < s.person_frames <= s.frames
        assert s.compared == sum(len(it.entry.frames) * len(analyzers_for(it.entry)) for it in items)
        for e in s.entries:
            assert set(e.angle_errors) == set(ANGLES)
            assert e.against_reference.total == e.compared
            assert e.class_agree == e.against_reference.correct <= e.compared
            labelled = e.exercise != NO_EXERCISE
            assert (e.labels is not None) == labelled
    lite, full = report.of("lite"), report.of("full")
    for s in (lite, full):
        errs = s.angle_errors()
        assert len(errs) > 1000 and min(errs) >= 0.0
        assert 0.0 < float(np.median(errs)) < 10.0  # different models, same people
        assert 0.5 < (s.verdict_agreement or 0.0) < 1.0
    # full is the nearer to heavy: its joint angles differ less than lite's
    assert float(np.median(full.angle_errors())) < float(np.median(lite.angle_errors()))
    assert float(np.percentile(full.angle_errors(), 95)) < float(np.percentile(lite.angle_errors(), 95))


def test_full_against_the_labels_is_what_coach_eval_reports_for_the_corpus(report: VariantReport) -> None:
    """The full track scored against the labels gives the numbers of the
    Real corpus section (same model, same frames, same rules)."""
    from coach.evaluation.corpus import load_entry
    from coach.evaluation.metrics import accuracy
    from coach.evaluation.runner import evaluate_track

    for e in report.of("full").labelled:
        result = evaluate_track(load_entry(REAL / f"{e.entry}.json"))
        assert e.labels is not None
        assert e.labels.pairs() == result.confusion.pairs()
        assert accuracy(e.labels) == accuracy(result.confusion)
        assert result.count is not None and e.counts[e.exercise] == result.count.predicted


def test_joint_angles_of_a_known_pose() -> None:
    xy = np.full((NUM_LANDMARKS, 2), 0.5)
    vis = np.zeros(NUM_LANDMARKS)
    pts = {Landmark.LEFT_SHOULDER: (0.2, 0.2), Landmark.LEFT_HIP: (0.2, 0.5), Landmark.LEFT_KNEE: (0.35, 0.5),
           Landmark.LEFT_ANKLE: (0.35, 0.8)}
    for lm, p in pts.items():
        xy[lm] = p
        vis[lm] = 0.9
    frame = PoseFrame(t=0.0, xy=xy, z=np.zeros(NUM_LANDMARKS), visibility=vis, aspect=2.0)
    angles = joint_angles(frame)
    assert angles["hip"][0] == pytest.approx(90.0)   # x scaled by the aspect: still a right angle
    assert angles["knee"][0] == pytest.approx(90.0)
    sha = math.degrees(math.atan2(0.3, 0.3)) + 90.0  # shoulder-hip-ankle: (0,-0.3) against (0.3,0.3)
    assert angles["shoulder-hip-ankle"][0] == pytest.approx(sha)
    assert all(math.isnan(a) for a in (angles["hip"][1], angles["elbow"][0], angles["elbow"][1]))


# -- ACCURACY.md --------------------------------------------------------------------------------
def _md_section(text: str) -> str:
    start = text.index(f"## {TITLE}")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def _md_rows(section: str, header_first: str, header_cell: str) -> list[list[str]]:
    """The body rows of the first table whose header starts with
    ``header_first`` and contains ``header_cell``."""
    lines = section.splitlines()
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == header_first and header_cell in cells:
            rows = []
            for body in lines[i + 2:]:
                if not body.startswith("|"):
                    break
                rows.append([c.strip() for c in body.strip().strip("|").split("|")])
            return rows
    raise AssertionError(f"no table with {header_cell!r} in the {TITLE} section")


def _numbers(cell: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", cell)]


def _close(expected: str, committed: str) -> bool:
    """Equal, or numbers within one unit of their last printed decimal."""
    if expected == committed:
        return True
    a, b = _numbers(expected), _numbers(committed)
    if len(a) != len(b) or not a:
        return False
    for x, y, text in zip(a, b, re.findall(r"-?\d+(?:\.\d+)?", committed), strict=True):
        decimals = len(text.split(".")[1]) if "." in text else 0
        if abs(x - y) > 10 ** -decimals + 1e-9:
            return False
    return True


def test_accuracy_md_holds_these_numbers(report: VariantReport) -> None:
    section = _md_section(ACCURACY.read_text())
    assert "coach eval --variants" in section and "**Which to use.**" in section
    for table in (summary_table(report), angle_table(report), labels_table(report)):
        header, rows = table
        committed = _md_rows(section, header[0], header[1])
        assert len(committed) == len(rows)
        for mine, theirs in zip(rows, committed, strict=True):
            assert len(mine) == len(theirs)
            for a, b in zip(mine, theirs, strict=True):
                assert _close(a, b), f"ACCURACY.md says {b!r} where the committed tracks give {a!r}"


# -- the command ------------------------------------------------------------------------------
def test_eval_variants_end_to_end(run_coach: Any, tmp_path: Path) -> None:
    out = tmp_path / "variants.json"
    proc = run_coach("eval", "--variants", "--json", out, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"=== {TITLE} (against {REFERENCE}) ===" in proc.stdout
    obj = json.loads(out.read_text())["variants"]
    assert obj["reference"] == REFERENCE and list(obj["variants"]) == list(VARIANTS)
    heavy = obj["variants"][REFERENCE]
    assert heavy["verdict_agreement"] == 1.0 and heavy["angle_error_p95"] == 0.0
    assert obj["variants"]["lite"]["angle_error_median"] > 0.0


@pytest.mark.parametrize("other", [["--write-accuracy"], ["--only", "real"], ["--quick"]])
def test_eval_variants_with_other_work_is_a_usage_error(run_coach: Any, other: list[str]) -> None:
    proc = run_coach("eval", "--variants", *other, env=_env())
    assert proc.returncode == 2, proc.stderr
    assert "--variants cannot be combined" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def _small_corpus(tmp_path: Path, entry: str = "tfjs_pose_squats") -> Path:
    corpus = tmp_path / "real"
    (corpus / "variants").mkdir(parents=True)
    for ext in ("json", "csv"):
        shutil.copy(REAL / f"{entry}.{ext}", corpus / f"{entry}.{ext}")
    for v in VARIANTS:
        shutil.copy(REAL / "variants" / f"{entry}.{v}.csv", corpus / "variants" / f"{entry}.{v}.csv")
    return corpus


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("truncate", "its frames are not those of"),
        ("drop_lite", "has no lite track"),
        ("stray", "not <entry>.<variant>.csv"),
        ("orphan", "is not an entry of the corpus"),
    ],
)
def test_a_broken_variant_folder_is_one_line(run_coach: Any, tmp_path: Path, breakage: str, message: str) -> None:
    corpus = _small_corpus(tmp_path)
    folder = corpus / "variants"
    if breakage == "truncate":
        lines = (folder / "tfjs_pose_squats.lite.csv").read_text().splitlines()
        (folder / "tfjs_pose_squats.lite.csv").write_text("\n".join(lines[:-3]) + "\n")
    elif breakage == "drop_lite":
        (folder / "tfjs_pose_squats.lite.csv").unlink()
    elif breakage == "stray":
        (folder / "tfjs_pose_squats.medium.csv").write_text("t\n0\n")
    else:
        for v in VARIANTS:
            shutil.copy(folder / f"tfjs_pose_squats.{v}.csv", folder / f"someone_else.{v}.csv")
    proc = run_coach("eval", "--variants", "--corpus", corpus, env=_env())
    assert proc.returncode == 3, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_a_corpus_without_variant_tracks_says_so(run_coach: Any, tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path)
    shutil.rmtree(corpus / "variants")
    proc = run_coach("eval", "--variants", "--corpus", corpus, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert "no variant tracks in" in proc.stdout
