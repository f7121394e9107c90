"""Seenby's built-in plugins: one package per platform (and, later, per analysis).

They are registered through the ``seenby`` entry-point group in pyproject.toml,
exactly as a third-party plugin would be, and import only the public SDK.
"""
