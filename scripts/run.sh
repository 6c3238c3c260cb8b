#!/usr/bin/env bash
# One command from a fresh clone to a running coach: installs into .venv,
# then coaches live from the webcam when there is one, else runs the demo
# (no camera, no internet needed). Extra arguments go to `coach live`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# A webcam is usable if OpenCV opens camera 0 and reads one frame from it
# (coach.cvlog imports OpenCV with its native warnings silenced).
if .venv/bin/python -c "
import sys
from coach.cvlog import cv2
cap = cv2.VideoCapture(0)
ok = cap.isOpened() and cap.read()[0]
cap.release()
sys.exit(0 if ok else 1)" 2>/dev/null \
   && .venv/bin/coach live --help >/dev/null 2>&1; then
    exec .venv/bin/coach live --exercise "${COACH_EXERCISE:-plank}" "$@"
fi
echo "no camera found: running the demo instead"
exec .venv/bin/coach demo
