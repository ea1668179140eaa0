#!/usr/bin/env bash
# Build the documentation site into build/site/ in strict mode: a broken link, a missing page or a
# reference mkdocstrings cannot resolve fails the build. The quickstart notebook is run to render
# its outputs, in a copy of docs/ (it writes the files it saves next to itself).
# Afterwards open build/site/index.html, or serve it: .venv/bin/python -m http.server -d build/site
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q -e ".[docs]"
rm -rf build/docs-src
mkdir -p build
cp -rL docs build/docs-src
export TF_CPP_MIN_LOG_LEVEL=3 NO_MKDOCS_2_WARNING=1 LIVECURVE_DOCS_DIR=build/docs-src
.venv/bin/mkdocs build --strict --site-dir "${SITE_DIR:-build/site}"
