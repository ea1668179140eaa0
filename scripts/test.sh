#!/usr/bin/env bash
# Install everything livecurve's tests need into .venv (and Debian's Chromium for the browser
# test), then run ruff and the whole test suite. Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the browser test"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi
echo "== installing livecurve and its test dependencies into .venv"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[tensorflow-cpu,tensorboard,test]"

export TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check livecurve tests benchmarks scripts
echo "== pytest"
.venv/bin/python -m pytest "$@"
