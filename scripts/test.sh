#!/usr/bin/env bash
# One command from a fresh clone to a full test run: Debian packages, the
# .venv, the pose model (built offline from PyPI when the official host is
# unreachable), then the whole test suite. Extra arguments go to pytest.
# The Dask extra is installed too (about 10 s more, BENCHMARKS.md), and the
# batch test on a local Dask cluster must then run: it fails, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
COACH_EXTRAS="${COACH_EXTRAS:-dev,dask}" scripts/setup.sh
export COACH_TEST_REQUIRE_DASK=1
echo "== tests"
exec .venv/bin/python -m pytest "$@"
