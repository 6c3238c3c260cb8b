"""Hash every analyzer's per-frame JSONL and summary, to prove a change left
every verdict as it was.

    PYTHONPATH=OLD_TREE python scripts/verdict_hashes.py before.json OLD_TREE [FRAMES.pkl]
    PYTHONPATH=NEW_TREE python scripts/verdict_hashes.py after.json NEW_TREE [FRAMES.pkl]

then compare the two files (same keys, same hashes). Inputs: the synthetic
suite with seeds 0 and 1 (every case), the real corpus of TREE
(``tests/data/real``), the demo routine, and optionally a pickled list of
PoseFrames from the real model (e.g. ``coach bench``'s video); each run
through all four analyzers with smoothing and the feedback policy, as
``coach analyze`` does.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from coach.evaluation.corpus import entry_paths, load_entry
from coach.feedback import policy_for
from coach.pipeline import Pipeline
from coach.pose import PoseFrame
from coach.registry import exercise_names, get_exercise
from coach.synth.scenarios.routine import demo_routine
from coach.synth.suite import suite


def sequences(tree: Path, frames_pickle: Path | None) -> Iterator[tuple[str, Sequence[PoseFrame]]]:
    for seed in (0, 1):
        for case in suite(seed=seed):
            yield f"suite{seed}/{case.name}", case.build().frames
    for p in entry_paths(tree / "tests" / "data" / "real"):
        yield f"real/{p.stem}", load_entry(p).frames
    yield "demo0", demo_routine(0).frames
    if frames_pickle is not None:
        with frames_pickle.open("rb") as fh:
            yield "video", pickle.load(fh)  # a file this script's user made


def main(argv: list[str]) -> int:
    out_path, tree = Path(argv[1]), Path(argv[2])
    frames_pickle = Path(argv[3]) if len(argv) > 3 else None
    out: dict[str, str] = {}
    for name, frames in sequences(tree, frames_pickle):
        for exercise in exercise_names():
            analyzer = get_exercise(exercise)
            pipe = Pipeline(analyzer, policy=policy_for(analyzer))
            h = hashlib.sha256()
            for f in frames:
                s = pipe.step(f)
                line = s.verdict.to_json(cue=s.cue.text if s.cue else None)
                h.update(json.dumps(line, separators=(",", ":")).encode())
            h.update(json.dumps(pipe.summary().to_json(), sort_keys=True).encode())
            out[f"{name}/{exercise}"] = h.hexdigest()
    out_path.write_text(json.dumps(out, indent=0, sort_keys=True))
    print(f"{len(out)} runs hashed into {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
