#!/usr/bin/env bash
# Build livecurve's sdist and wheel, check them with twine, install the wheel into a fresh virtual
# environment in a temporary folder with no repository beside it, and smoke-test it there (an
# import, a LivePlot saved to PNG, `livecurve plot` on a CSVLogger file and on a TensorBoard log).
#
# Usage: bash scripts/check_package.sh [PYTHON]
#   PYTHON: the interpreter of the fresh environment (default: the one .venv was made from).
#   EXTRAS=tensorflow-cpu bash scripts/check_package.sh   installs other extras (default:
#   tensorboard; EXTRAS= for none).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

BUILD_PYTHON=.venv/bin/python
TARGET_PYTHON="${1:-$("$BUILD_PYTHON" -c 'import sys; print(sys._base_executable)')}"
EXTRAS="${EXTRAS-tensorboard}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== package: building the sdist and the wheel"
"$BUILD_PYTHON" -m build --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 || {
    cat "$WORK/build.log"
    exit 1
}
ls -l "$WORK"/dist
"$BUILD_PYTHON" -m twine check --strict "$WORK"/dist/*

echo "== package: installing the wheel into a fresh venv ($("$TARGET_PYTHON" --version))"
"$TARGET_PYTHON" -m venv "$WORK/venv"
WHEEL="$(ls "$WORK"/dist/*.whl)"
quiet() { "$@" >"$WORK/pip.log" 2>&1 || { cat "$WORK/pip.log"; return 1; }; }
quiet "$WORK/venv/bin/python" -m pip install --upgrade pip
quiet "$WORK/venv/bin/python" -m pip install "$WHEEL${EXTRAS:+[$EXTRAS]}"

# Only the smoke test and two logs travel: nothing of the repository is importable from there.
mkdir "$WORK/smoke"
cp scripts/smoke_test.py tests/data/real-logs/keras3-digits-cnn-lr-schedule.csv "$WORK/smoke/"
cp -r tests/data/real-logs/tb-keras-ecg-run "$WORK/smoke/"
cd "$WORK/smoke"
env -u PYTHONPATH "$WORK/venv/bin/python" -I smoke_test.py "$ROOT"
