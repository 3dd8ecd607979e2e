"""`bptt-explorer`: start the app from an installed package (`pip install .`).

Runs `streamlit run explorer/app.py` with the server options of the repository's
.streamlit/config.toml (which an installed package does not carry along), then any extra
arguments, e.g. `bptt-explorer --server.port 8600`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The options of .streamlit/config.toml that matter to a server (tests/test_packaging.py keeps them equal).
SERVER_OPTIONS = {
    "runner.postScriptGC": "false",  # docs/streamlit.md, "postScriptGC"
    "runner.magicEnabled": "false",  # no page relies on magic
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "browser.gatherUsageStats": "false",
    "global.disableWidgetStateDuplicationWarning": "true",
}


def command(args: list[str]) -> list[str]:
    """The argv of `streamlit run` for this package's app, with the server options and args."""
    app = Path(__file__).resolve().parent / "app.py"
    options = [f"--{key}={value}" for key, value in SERVER_OPTIONS.items()]
    return ["streamlit", "run", str(app), *options, *args]


def main() -> None:
    from streamlit.web import cli

    sys.argv = command(sys.argv[1:])
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
