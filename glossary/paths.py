"""Where the bundled content lives and where the learner's store goes.

Kept tiny because every command imports it before doing anything else.
"""

from __future__ import annotations

import os
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


def default_db_path() -> Path:
    """The store: ``$GLOSSARY_DB`` if set, else the platform's per-user data directory."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "glossary.db"
