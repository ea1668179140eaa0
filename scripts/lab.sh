#!/usr/bin/env bash
# Install livecurve with TensorFlow (CPU) and JupyterLab into .venv, then open the quickstart.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[tensorflow-cpu,notebook]"
TF_CPP_MIN_LOG_LEVEL=3 exec .venv/bin/jupyter lab notebooks/01_quickstart.ipynb "$@"
