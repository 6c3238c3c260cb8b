"""Convert KERAAL sample BlazePose files (nguyensmai/KeraalDataset,
draw_skeleton/dataSampleKeraal/G3-BP-<EX>-P1T1-Unknown-C-0.json, BSD-2-Clause
in that repository) to pose-track CSVs in tests/data/real/.

Source layout: {"positions": {"<frame>.0": {"<Joint_name>": [x, y, z], ...}}},
frames numbered from 1, 33 BlazePose joints whose names are MediaPipe's with a
capital first letter; x, y image-normalised (y down), z BlazePose depth. No
visibility and no world coordinates are given.

Written: t = (frame - 1) / FPS, aspect = ASPECT, <name>_x/_y/_z from the
source, <name>_v = 1 (a placeholder: the source has no visibility; coach reads
a missing _v column as 1 too). Assumptions (see the entries' JSON):
  FPS = 30     (not stated; the Kinect v2 file of the same recording has about
                the same number of rows, and Kinect v2 runs at 30 Hz)
  ASPECT = 960/544  (group 3 videos are 960x544 per the dataset README; the
                OpenPose file of the same recording is on a 656x368 grid, aspect 1.78)

Usage: python scripts/corpus/keraal_to_csv.py [SRC_DIR]
SRC_DIR defaults to /work/cache/keraal (files copied from the repository with
`git --git-dir=<mirror> show HEAD:draw_skeleton/dataSampleKeraal/<file>`).
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from coach.landmarks import LANDMARK_NAMES  # noqa: E402

OUT = REPO / "tests" / "data" / "real"
FPS = 30.0
ASPECT = 960 / 544
EXERCISES = {"CTK": "keraal_g3_ctk", "ELK": "keraal_g3_elk", "RTK": "keraal_g3_rtk"}


def convert(src: Path, dst: Path) -> int:
    pos = json.loads(src.read_text())["positions"]
    frames = sorted(pos, key=float)
    header = ["t", "aspect"]
    for n in LANDMARK_NAMES:
        header += [f"{n}_x", f"{n}_y", f"{n}_z", f"{n}_v"]
    with dst.open("w", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(header)
        f0 = float(frames[0])
        for k in frames:
            joints = {name.lower(): xyz for name, xyz in pos[k].items()}
            missing = set(LANDMARK_NAMES) - set(joints)
            if missing:
                raise SystemExit(f"{src}: frame {k} lacks {sorted(missing)}")
            row = [f"{(float(k) - f0) / FPS:.6f}", f"{ASPECT:.6g}"]
            for n in LANDMARK_NAMES:
                x, y, z = joints[n]
                row += [f"{x:.6g}", f"{y:.6g}", f"{z:.6g}", "1"]
            wr.writerow(row)
    return len(frames)


def main() -> int:
    src_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/cache/keraal")
    for ex, ident in EXERCISES.items():
        n = convert(src_dir / f"G3-BP-{ex}-P1T1-Unknown-C-0.json", OUT / f"{ident}.csv")
        print(f"{ident}: {n} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
