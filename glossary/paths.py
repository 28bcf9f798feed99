"""Where the bundled content lives and where the learner's store goes.

Every command imports this first, so it uses ``os.path`` strings: ``pathlib`` pulls in
``urllib.parse`` and ``ipaddress`` (~3.5 ms), a twentieth of a whole lookup.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "seqml-glossary"
DB_ENV_VAR = "GLOSSARY_DB"
_HERE = os.path.dirname(os.path.abspath(__file__))


def data_root() -> str:
    """The bundled ``data/`` folder: inside the package in a wheel, beside it in a checkout."""
    packaged = os.path.join(_HERE, "data")
    if os.path.isdir(os.path.join(packaged, "terms")):
        return packaged
    return os.path.join(os.path.dirname(_HERE), "data")


def data_dir() -> Path:
    """``data_root()`` as a Path, for code off the start-up path."""
    from pathlib import Path

    return Path(data_root())


def default_corpus() -> Path:
    """The small corpus written for the n-gram demo."""
    return data_dir() / "corpora" / "nursery.txt"


def user_data_dir() -> str:
    """The platform's per-user data directory (XDG on Linux and BSD, the OS conventions elsewhere).

    Written out here rather than taken from platformdirs: importing it costs ~6 ms, a tenth of
    our whole start-up budget, for the three rules below.
    """
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, APP_NAME)
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", APP_NAME)
    base = os.environ.get("XDG_DATA_HOME", "")
    return os.path.join(base if os.path.isabs(base) else os.path.join(home, ".local", "share"), APP_NAME)


def default_db_path() -> str:
    """The store: ``$GLOSSARY_DB`` if set, else ``glossary.db`` in the user data directory."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return os.path.expanduser(override)
    return os.path.join(user_data_dir(), "glossary.db")


def resolve_db_path(value: str | None) -> str:
    """The store path from ``--db``/``$GLOSSARY_DB`` (None: the default), with ``~`` expanded.

    click reads ``GLOSSARY_DB`` itself and hands it over unexpanded, so ``~/notes.db`` would make a
    folder named ``~``. ``:memory:`` would vanish when the command ends, with every answer.
    """
    if not value:
        return default_db_path()
    if value.strip() == ":memory:":
        from glossary.errors import StoreError

        raise StoreError(
            "':memory:' is not a place for the store: it would forget everything when the command "
            "ends; give a file path"
        )
    return os.path.expanduser(value)
