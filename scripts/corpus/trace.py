"""Print per-frame kinematic traces of a pose-track CSV to help set label
boundaries (used alongside looking at the drawn frames).

  python scripts/corpus/trace.py TRACK.csv [--step N]

Columns: frame, t, mean hip y, mean knee angle (deg, image plane with aspect),
trunk angle from vertical (deg), mean shoulder y, wrist y, mean visibility of hips.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_frames import read_track


def ang(a, b, c):
    v1, v2 = a - b, c - b
    cos = np.sum(v1 * v2, -1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("track")
    ap.add_argument("--step", type=int, default=1)
    a = ap.parse_args()
    ts, xy, vis, aspect = read_track(a.track)
    p = xy.copy()
    p[..., 0] *= aspect
    knee = (ang(p[:, 23], p[:, 25], p[:, 27]) + ang(p[:, 24], p[:, 26], p[:, 28])) / 2
    hip = (p[:, 23] + p[:, 24]) / 2
    sh = (p[:, 11] + p[:, 12]) / 2
    d = sh - hip
    trunk = np.degrees(np.arctan2(np.abs(d[:, 0]), -d[:, 1]))
    hipang = (ang(p[:, 11], p[:, 23], p[:, 25]) + ang(p[:, 12], p[:, 24], p[:, 26])) / 2
    wr = (xy[:, 15, 1] + xy[:, 16, 1]) / 2
    print(" i      t   hipY  kneeA  hipA trunk  shY   wrY  visHip")
    for i in range(0, len(ts), a.step):
        print(f"{i:3d} {ts[i]:6.2f} {hip[i, 1]:.3f} {knee[i]:6.1f} {hipang[i]:5.1f} {trunk[i]:5.1f} "
              f"{sh[i, 1]:.3f} {wr[i]:.3f} {vis[i, [23, 24]].mean():.2f}")


if __name__ == "__main__":
    main()
