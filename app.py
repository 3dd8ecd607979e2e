"""BPTT explorer: `streamlit run app.py`. The frame lives in explorer/app.py."""

from explorer.app import main

main()
