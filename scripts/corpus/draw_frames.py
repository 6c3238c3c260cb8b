"""Draw a pose-track CSV's skeleton on a video's frames (or on a blank canvas)
and write contact sheets of PNGs to /work/cache, for labelling by eye.

Usage:
  python scripts/corpus/draw_frames.py TRACK.csv OUTDIR [--video V] [--step N]
         [--crop x0,y0,x1,y1] [--tile W] [--sheet COLSxROWS] [--zoom x0,y0,x1,y1]

Each tile shows frame index and t. Nothing here is committed but this script.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import cv2
import numpy as np

NAMES = [
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
]
EDGES = [(11, 12), (11, 23), (12, 24), (23, 24), (11, 13), (13, 15), (12, 14), (14, 16),
         (23, 25), (25, 27), (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
         (0, 7), (0, 8)]


def read_track(path):
    with open(path, newline="") as fh:
        rd = csv.DictReader(fh)
        rows = list(rd)
    ts = np.array([float(r["t"]) for r in rows])
    xy = np.full((len(rows), 33, 2), np.nan)
    v = np.zeros((len(rows), 33))
    for i, r in enumerate(rows):
        for j, n in enumerate(NAMES):
            try:
                xy[i, j] = (float(r[f"{n}_x"]), float(r[f"{n}_y"]))
                v[i, j] = float(r.get(f"{n}_v") or 1.0)
            except (ValueError, KeyError):
                pass
    aspect = float(rows[0].get("aspect") or 1.0)
    return ts, xy, v, aspect


def draw(img, pts, vis):
    h, w = img.shape[:2]
    P = [(int(x * w), int(y * h)) if np.isfinite(x) else None for x, y in pts]
    for a, b in EDGES:
        if P[a] and P[b]:
            # left side (odd index in MediaPipe) orange, right side cyan
            if a % 2 == 1 and b % 2 == 1:
                col = (0, 165, 255)
            elif a % 2 == 0 and b % 2 == 0:
                col = (255, 255, 0)
            else:
                col = (0, 255, 0)
            cv2.line(img, P[a], P[b], col, 2)
    for j, p in enumerate(P):
        if p:
            cv2.circle(img, p, 3, (0, 0, 255) if vis[j] < 0.5 else (255, 255, 255), -1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("track")
    ap.add_argument("outdir")
    ap.add_argument("--video")
    ap.add_argument("--step", type=int, default=3)
    ap.add_argument("--crop", help="x0,y0,x1,y1 the track was computed on (source pixels)")
    ap.add_argument("--tile", type=int, default=320, help="tile width px")
    ap.add_argument("--sheet", default="4x3")
    ap.add_argument("--zoom", help="x0,y0,x1,y1 image-normalised region to show (no video only)")
    a = ap.parse_args()
    ts, xy, vis, aspect = read_track(a.track)
    out = Path(a.outdir)
    out.mkdir(parents=True, exist_ok=True)
    frames = []
    if a.video:
        cap = cv2.VideoCapture(a.video)
        while True:
            ok, f = cap.read()
            if not ok:
                break
            if a.crop:
                x0, y0, x1, y1 = map(int, a.crop.split(","))
                f = f[y0:y1, x0:x1]
            frames.append(f)
    cols, rows = map(int, a.sheet.split("x"))
    tw = a.tile
    th = round(tw / aspect)
    if a.zoom and not frames:
        zx0, zy0, zx1, zy1 = map(float, a.zoom.split(","))
        xy = (xy - [zx0, zy0]) / [zx1 - zx0, zy1 - zy0]
        th = round(tw / (aspect * (zx1 - zx0) / (zy1 - zy0)))
    idx = list(range(0, len(ts), a.step))
    per = cols * rows
    for s in range(0, len(idx), per):
        sheet = np.zeros((th * rows, tw * cols, 3), np.uint8)
        for k, i in enumerate(idx[s:s + per]):
            if frames and i < len(frames):
                img = cv2.resize(frames[i], (tw, th))
            else:
                img = np.full((th, tw, 3), 40, np.uint8)
            draw(img, xy[i], vis[i])
            cv2.putText(img, f"#{i} t={ts[i]:.2f}", (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 255), 2)
            r, c = divmod(k, cols)
            sheet[r * th:(r + 1) * th, c * tw:(c + 1) * tw] = img
        cv2.imwrite(str(out / f"sheet_{s // per:03d}.png"), sheet)
    print(f"{len(idx)} tiles -> {out}")


if __name__ == "__main__":
    main()
