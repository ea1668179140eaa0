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
# The Keras callback is tested under every backend: JAX and PyTorch (CPU builds) for the test
# run only. torch is pinned here, never for users: 2.13.0 is the CPU build on these machines, a
# plain "torch" pulls several GB of CUDA packages.
.venv/bin/python -m pip install -q -e ".[tensorflow-cpu,tensorboard,test]" "torch==2.13.0" "jax[cpu]"

export TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check livecurve tests benchmarks scripts
echo "== mypy (livecurve/, settings in pyproject.toml)"
.venv/bin/mypy
echo "== pytest (Keras on TensorFlow)"
.venv/bin/python -m pytest "$@"
if [ "$#" -eq 0 ]; then
    # Each backend in its own process: Keras picks its backend once, at import.
    for backend in jax torch; do
        echo "== pytest: the Keras callback tests under KERAS_BACKEND=$backend"
        KERAS_BACKEND=$backend .venv/bin/python -m pytest -q -m backends
    done
    # The package as a user gets it (wheel in a fresh venv), and the docs site in strict mode.
    bash scripts/check_package.sh
    echo "== docs (mkdocs --strict)"
    bash scripts/build_docs.sh
fi
