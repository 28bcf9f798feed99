"""Checks on a file the user asked us to write, made before any work is done.

A demo can run for seconds (the training demos for minutes): a typo in ``--svg`` or ``--plot``
must be reported at once, not after the run. ``-`` means standard output and is always fine.
"""

from __future__ import annotations

import os
from pathlib import Path

PLOT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}  # matplotlib's names, by extension


def output_problem(path: str) -> str | None:
    """Why ``path`` cannot be written ("is a directory", ...), or None when it can."""
    if path == "-":
        return None
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        return "it is a directory"
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if target.exists() and not os.access(target, os.W_OK):
        return "the file is read-only"
    if not target.exists() and not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only"
    return None


def plot_format(path: str) -> str | None:
    """The picture format the extension names (png, svg, pdf), or None for any other."""
    return PLOT_FORMATS.get(Path(path).suffix.lower())
