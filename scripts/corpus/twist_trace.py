"""Per-frame trunk-rotation trace of a pose-track CSV (frontal view): shoulder
and hip width in the image (aspect-corrected, relative to their median over the
first 0.3 s), shoulder depth difference (left z - right z), trunk side-bend
angle, wrist heights. Helps to set the twist / bend spans seen in the frames.

  python scripts/corpus/twist_trace.py TRACK.csv [--step N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_frames import read_track


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("track")
    ap.add_argument("--step", type=int, default=1)
    a = ap.parse_args()
    ts, xy, _vis, aspect = read_track(a.track)
    import csv
    with open(a.track, newline="") as fh:
        rows = list(csv.DictReader(fh))
    z = np.array([[float(r["left_shoulder_z"]), float(r["right_shoulder_z"])] for r in rows])
    p = xy.copy()
    p[..., 0] *= aspect
    sw = np.linalg.norm(p[:, 11] - p[:, 12], axis=1)
    hw = np.linalg.norm(p[:, 23] - p[:, 24], axis=1)
    base = ts <= ts[0] + 0.3
    sw0, hw0 = np.median(sw[base]), np.median(hw[base])
    mid_s = (p[:, 11] + p[:, 12]) / 2
    mid_h = (p[:, 23] + p[:, 24]) / 2
    d = mid_s - mid_h
    bend = np.degrees(np.arctan2(d[:, 0], -d[:, 1]))  # + = shoulders toward image right
    print("  i      t  shW/0  hipW/0  zL-zR  bend  lwrY  rwrY")
    for i in range(0, len(ts), a.step):
        print(f"{i:3d} {ts[i]:6.2f} {sw[i] / sw0:6.2f} {hw[i] / hw0:6.2f} {z[i, 0] - z[i, 1]:6.2f} "
              f"{bend[i]:5.1f} {xy[i, 15, 1]:.2f} {xy[i, 16, 1]:.2f}")


if __name__ == "__main__":
    main()
