"""Checks on a file the user asked us to write, made before any work is done.

A demo can run for seconds (the training demos for minutes): a typo in ``--svg`` or ``--plot``
must be reported at once, not after the run. ``-`` means standard output and is always fine.
"""

from __future__ import annotations

import os
from pathlib import Path

PLOT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}  # matplotlib's names, by extension


def output_problem(path: str) -> str | None:
    """Why ``path`` cannot be written ("is a directory", ...), or None when it can.

    The last check opens the file for appending (and removes it again if it was not there), so
    whatever the permission bits say (root passes every ``os.access``; /proc and /sys refuse new
    files), a path that passes can be written after the run.
    """
    if path == "-":
        return None
    if not path:
        return "the file name is empty"
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        return "it is a directory"
    if path.endswith(("/", os.sep)):
        return "a file name cannot end in /"
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if target.exists() and not os.access(target, os.W_OK):
        return "the file is read-only"
    if not target.exists() and not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only"
    return _open_problem(target)


def _open_problem(target: Path) -> str | None:
    """Try the file itself: open it for appending (nothing is written), remove it if we made it."""
    existed = target.exists()
    try:
        with open(target, "a"):
            pass
    except OSError as error:
        return (error.strerror or "it cannot be written").lower()
    if not existed:
        target.unlink(missing_ok=True)
    return None


def plot_format(path: str) -> str | None:
    """The picture format the extension names (png, svg, pdf), or None for any other."""
    return PLOT_FORMATS.get(Path(path).suffix.lower())
