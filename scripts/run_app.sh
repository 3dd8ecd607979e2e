#!/usr/bin/env bash
# Install the app's requirements and start it (the README's run command).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements.txt
# One BLAS thread per computation: on 2 cores many sessions share the CPU better.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
exec python -m streamlit run app.py "$@"
