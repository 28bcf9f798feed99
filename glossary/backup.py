"""Backups of the learner's store: automatic before risky steps, on request, and restore.

Every copy is made with SQLite's online backup API from a connection of its own, in one step, so
it is a consistent snapshot even while another process writes (a plain file copy of a WAL store
is not). Automatic backups (before a migration, a bundled re-sync or a restore) go to a folder
beside the store, ``<store name>-backups/``, and only the newest ``KEEP_AUTOMATIC`` are kept, as
Anki does; a backup the learner asks for is never deleted. ``restore`` refuses any file that is
not a sound glossary store, and backs up what it replaces first.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from typing import NamedTuple

from glossary.errors import StoreError
from glossary.storefile import (
    _OUR_TABLES,
    APPLICATION_ID,
    _new_name,
    _remove,
    automatic_backup,
    copy_store,
    describe,
)


class BackupMade(NamedTuple):
    """A copy of the store that now exists."""

    store: str
    path: str
    size: int


class Restored(NamedTuple):
    """The store now holds ``source``; what it held before was saved as ``saved_as`` ('' if none)."""

    store: str
    source: str
    saved_as: str


def backup(db_path: str, target: str | None = None) -> BackupMade:
    """``glossary backup [FILE]``: a consistent copy to FILE, or to the backups folder (kept)."""
    if not os.path.exists(db_path):
        raise StoreError(f"there is no store at {db_path} yet; nothing to back up")
    if target is None:
        target = _new_name(db_path, "manual")
    copy_store(db_path, target)
    return BackupMade(db_path, target, os.path.getsize(target))


def check_ours(path: str) -> int:
    """The schema version of a sound glossary store at ``path``; StoreError for anything else."""
    import stat

    from glossary.schema import SCHEMA_VERSION

    try:
        info = os.stat(path)
    except OSError as error:
        raise StoreError(f"{path}: cannot read it ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
        raise StoreError(f"{path} is not a glossary store (not a non-empty regular file)")
    from urllib.parse import quote

    conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True)
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if application_id != APPLICATION_ID and not (application_id == 0 and tables >= _OUR_TABLES):
            raise StoreError(f"{path} is not a glossary store; restoring it would lose your record")
        if not 1 <= version <= SCHEMA_VERSION or not tables >= _OUR_TABLES:
            raise StoreError(f"{path} is a glossary store of schema {version}, which this version cannot use")
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise StoreError(f"{path} is damaged ({verdict}); choose another backup")
    except sqlite3.Error as error:
        raise StoreError(f"{path} is not a usable glossary store ({error})") from None
    finally:
        conn.close()
    return version


def restore(db_path: str, source: str) -> Restored:
    """``glossary restore FILE``: replace the store with a sound backup, backing the store up first.

    The copy goes through the backup API into the live store, so SQLite takes the write lock and
    handles the WAL. A store too damaged to be read is moved aside whole instead.
    """
    check_ours(source)
    if os.path.abspath(source) == os.path.abspath(db_path):
        raise StoreError(f"{source} is the store itself; choose a backup to restore")
    saved = ""
    if os.path.exists(db_path):
        _refuse_foreign(db_path)
        saved = _save_current(db_path)
    try:
        _copy_into(source, db_path)
    except sqlite3.DatabaseError as error:
        if not saved:
            raise StoreError(f"cannot restore into {db_path}: {describe(error)}") from None
        _remove(db_path)  # too damaged to take the copy in place; its copy is saved
        _copy_into(source, db_path)
    return Restored(db_path, source, saved)


def _copy_into(source: str, db_path: str) -> None:
    from urllib.parse import quote

    reader = sqlite3.connect(f"file:{quote(os.path.abspath(source))}?mode=ro", uri=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        reader.backup(conn)
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        reader.close()
        conn.close()


def _refuse_foreign(db_path: str) -> None:
    """Never overwrite another application's file that happens to sit at the store's path."""
    from urllib.parse import quote

    try:
        conn = sqlite3.connect(f"file:{quote(os.path.abspath(db_path))}?mode=ro", uri=True)
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return  # unreadable: a damaged store of ours is the usual reason to restore
    if application_id not in (0, APPLICATION_ID):
        raise StoreError(f"{db_path} is another application's database; not replacing it")


def _save_current(db_path: str) -> str:
    """Back up the store about to be replaced; if it cannot be read, move its files aside whole."""
    try:
        return automatic_backup(db_path, "restore")
    except StoreError:
        target = _new_name(db_path, "damaged")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db_path + suffix):
                shutil.copyfile(db_path + suffix, target + suffix)
        return target
