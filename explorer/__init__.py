"""The BPTT explorer app (Streamlit + Plotly) over the bptt_core library.

explorer/shared/ holds what every view uses (settings fields, links, widgets, i18n, layout,
the work budget); each other folder is one view: settings, report (NumPy), figures (Plotly),
compute (Streamlit caches) and page. explorer/registry.py lists the views. See docs/architecture.md.
"""
