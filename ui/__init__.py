from ui import settings  # noqa: F401  (defines setting() before the per-view settings modules)
