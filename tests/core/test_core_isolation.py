"""bptt_core is NumPy only: importing it must not pull in streamlit or plotly."""

import subprocess
import sys


def test_import_pulls_in_neither_streamlit_nor_plotly():
    code = "import sys, bptt_core; bad = [m for m in ('streamlit', 'plotly', 'scipy') if m in sys.modules]; print(bad)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
