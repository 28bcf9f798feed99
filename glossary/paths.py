"""Where the bundled content lives and where the learner's store goes.

Kept tiny because every command imports it before doing anything else.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "seqml-glossary"
DB_ENV_VAR = "GLOSSARY_DB"


def data_dir() -> Path:
    """The bundled ``data/`` folder: inside the package in a wheel, beside it in a checkout."""
    packaged = Path(__file__).resolve().parent / "data"
    if (packaged / "terms").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def default_corpus() -> Path:
    """The small corpus written for the n-gram demo."""
    return data_dir() / "corpora" / "nursery.txt"


def user_data_dir() -> Path:
    """The platform's per-user data directory (XDG on Linux and BSD, the OS conventions elsewhere).

    Written out here rather than taken from platformdirs: importing it costs ~6 ms, a tenth of
    our whole start-up budget, for the three rules below.
    """
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / APP_NAME
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP_NAME
    base = os.environ.get("XDG_DATA_HOME", "")
    return (Path(base) if os.path.isabs(base) else home / ".local" / "share") / APP_NAME


def default_db_path() -> Path:
    """The store: ``$GLOSSARY_DB`` if set, else ``glossary.db`` in the user data directory."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return user_data_dir() / "glossary.db"
