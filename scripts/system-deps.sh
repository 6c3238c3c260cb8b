#!/usr/bin/env bash
# Debian packages the full test suite needs: espeak-ng (spoken cues are
# rendered to a WAV and checked), chromium (the HTML report is rendered
# headless to a screenshot) and fonts for both. Installs only what is missing.
set -euo pipefail
PKGS=(espeak-ng chromium fonts-dejavu-core)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
        echo "warning: not root and no sudo; cannot install ${missing[*]} (tests that need them will skip)" >&2
        exit 0
    fi
fi
echo "== installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
