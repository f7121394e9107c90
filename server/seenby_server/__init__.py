"""Seenby's local server: capture API, DuckDB store, plugin pipeline, overlays, CLI."""

from seenby import __version__

__all__ = ["__version__"]
