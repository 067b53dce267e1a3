"""The shipped question packs, as package data (read with importlib.resources)."""
