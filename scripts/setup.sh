#!/usr/bin/env bash
# Install coach into .venv at the repo root and make sure the pose model is
# there. Safe to run again: it only adds what is missing.
#   scripts/setup.sh          runtime + dev tools
#   COACH_EXTRAS=dev,dask ... also the Dask extra (scripts/test.sh does this,
#                             so the batch test on a local Dask cluster runs)
#   COACH_SKIP_MODEL=1 ...    skip the model step
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
echo "== installing coach and its dependencies into .venv"
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
EXTRAS="${COACH_EXTRAS:-dev}"
.venv/bin/python -m pip install --quiet -e ".[$EXTRAS]"

if [ "${COACH_SKIP_MODEL:-0}" != "1" ]; then
    echo "== pose model"
    .venv/bin/coach models fetch
fi
