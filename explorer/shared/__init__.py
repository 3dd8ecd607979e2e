"""What every view of the app shares; imports no view (docs/architecture.md)."""
