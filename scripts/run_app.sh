#!/usr/bin/env bash
# Install the app's requirements and start it (the README's run command).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements.txt
exec python -m streamlit run app.py "$@"
