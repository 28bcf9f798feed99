"""What makes a file our store, and how to open it without touching anything that is not ours.

Our stores carry ``PRAGMA application_id = 0x676C6F73`` (the ASCII of "glos"), written when the
file is created. A store written before the mark (application id 0, our tables present) is adopted
and marked on its next write; anything else — an empty file, another application's database, a
store of a newer schema — is refused before a single byte is written (no WAL switch, no tables).

A new store is built under a temporary name and linked into place, so another process never sees
a half-made file. A store we may not write (read-only file or folder) is opened with ``mode=ro``
and serves every read; writes then fail with one clear line. ``describe`` turns SQLite's errors
into that line.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable

from glossary.errors import StoreError

APPLICATION_ID = 0x676C6F73  # "glos"
BUSY_TIMEOUT_SECONDS = 10.0
_OUR_TABLES = frozenset({"terms", "lookup", "links", "meta"})
KEEP_AUTOMATIC = 5  # automatic backups kept per store; the learner's own are never deleted
AUTOMATIC_REASONS = ("migration", "resync", "restore")


class StoreConnection(sqlite3.Connection):
    """A connection that knows its file, whether it may write, and whom to tell when it waits."""

    path: str = ""
    read_only: bool = False
    # Called once when a write has to wait for another process's lock (the CLI prints a line).
    on_lock_wait: Callable[[], None] | None = None


def describe(error: sqlite3.Error, path: str = "") -> str:
    """One line a learner can act on, for an error SQLite raised (never a traceback)."""
    text = str(error)
    where = f"{path}: " if path else ""
    lowered = text.lower()
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return (
            f"{where}the disk is full (or the store reached its size limit); nothing of this change was saved"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"{where}the store is read-only (file or folder permissions): reading works, saving does not"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return (
            f"{where}the store is damaged ({text}); run 'glossary doctor', "
            "or 'glossary restore' one of its backups"
        )
    if "locked" in lowered or "busy" in lowered:
        return f"{where}another glossary process kept the store locked; nothing of this change was saved"
    if "unable to open" in lowered:
        return f"{where}cannot open the store ({text}); check the folder's permissions"
    return f"{where}{text}"


def is_lock_error(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: someone else holds the lock, so waiting may help."""
    lowered = str(error).lower()
    return "locked" in lowered or "busy" in lowered


def writable(path: str) -> bool:
    """Whether this process may write the store: the file, and the folder or the WAL files in it.

    ``os.access`` answers for the real process (root may write a chmod 444 file; a read-only
    mount refuses everyone), so it is the right question, not the permission bits.
    """
    if not os.access(path, os.W_OK):
        return False
    if os.access(os.path.dirname(os.path.abspath(path)) or ".", os.W_OK):
        return True
    # In a read-only folder SQLite cannot create the -wal and -shm files: only existing ones do.
    return all(os.access(path + suffix, os.W_OK) for suffix in ("-wal", "-shm"))


def open_store(path: str, max_version: int, read_only: bool | None = None) -> StoreConnection:
    """Open (creating when absent) the store at ``path``; refuse any file that is not ours.

    ``read_only`` None decides from the permissions; True forces ``mode=ro`` (what a read-only
    file or folder gets). Raises ``StoreError`` with the reason, leaving a refused file untouched.
    """
    if path == ":memory:":
        return _connect(path, uri=False)
    _check_place(path)
    if not os.path.exists(path):
        _create(path)
    if read_only is None:
        read_only = not writable(path)
    if read_only:
        from urllib.parse import quote

        # In a read-only folder with no -shm file, SQLite cannot open a WAL store even to read,
        # unless told nobody can be writing it: no writer could have created its -wal file there.
        folder = os.path.dirname(os.path.abspath(path))
        frozen = not os.access(folder, os.W_OK) and not os.path.exists(path + "-shm")
        conn = _connect(
            f"file:{quote(os.path.abspath(path))}?mode=ro{'&immutable=1' if frozen else ''}", uri=True
        )
    else:
        conn = _connect(path, uri=False)
    conn.path, conn.read_only = path, read_only
    try:
        _identify(conn, path, max_version)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(f"{path}: not a usable glossary database ({error})") from None
    except StoreError:
        conn.close()
        raise
    return conn


def _connect(target: str, uri: bool) -> StoreConnection:
    conn = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, uri=uri, factory=StoreConnection
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


def _check_place(path: str) -> None:
    """Refuse what cannot be a store before SQLite opens it: a folder, a device, a FIFO, an empty file."""
    import stat

    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"{path}: cannot use it as the store ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is a directory, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} is not a regular file; the store must be one")
    if info.st_size == 0:
        raise StoreError(f"{path} is an empty file, not a glossary store; give a new path or remove it")


def _create(path: str) -> None:
    """Make a new, marked, WAL-mode store file under a temporary name and link it into place.

    ``os.link`` fails if the name exists, so when two processes create the same store at once one
    file wins whole and the other process simply opens it: nobody ever sees an empty file there.
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        import tempfile

        handle, temporary = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".", suffix=".new")
        os.close(handle)
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise StoreError(f"cannot create the store in {folder}: {reason}") from None
    try:
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # a file system without hard links
            if not os.path.exists(path):
                os.replace(temporary, path)
    finally:
        for name in (temporary, temporary + "-wal", temporary + "-shm"):
            if os.path.exists(name):
                os.remove(name)


def _identify(conn: sqlite3.Connection, path: str, max_version: int) -> None:
    """Ours (marked, or an unmarked store of our tables), at a schema we know; else StoreError."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if application_id not in (0, APPLICATION_ID):
        raise StoreError(
            f"{path} is another application's database (application_id {application_id:#x}); not touching it"
        )
    if application_id == 0:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables >= _OUR_TABLES:
            raise StoreError(
                f"{path} is a database of another application, not a glossary store; not touching it"
            )
    if version > max_version:
        raise StoreError(
            f"{path} was written by a newer seqml-glossary (schema {version} > {max_version}); "
            "upgrade seqml-glossary to use it"
        )


# --------------------------------------------------------------------------- backups


def backups_dir(db_path: str) -> str:
    """``notes.db`` -> ``notes-backups/`` beside it (not a bare ``backups/`` in someone's home)."""
    folder, name = os.path.split(os.path.abspath(db_path))
    return os.path.join(folder, f"{os.path.splitext(name)[0]}-backups")


def list_backups(db_path: str) -> list[str]:
    """The store's backups, oldest first (names sort by time)."""
    folder = backups_dir(db_path)
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".db"))


def _new_name(db_path: str, reason: str) -> str:
    stem = os.path.splitext(os.path.basename(db_path))[0]
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    folder = backups_dir(db_path)
    for count in range(1000):
        suffix = f"-{count}" if count else ""
        candidate = os.path.join(folder, f"{stem}-{stamp}{suffix}-{reason}.db")
        if not os.path.exists(candidate):
            return candidate
    raise StoreError(f"{folder}: too many backups within one second")


def copy_store(source: str, target: str) -> None:
    """Copy ``source`` to the new file ``target`` with the backup API: one consistent snapshot."""
    from urllib.parse import quote

    if os.path.exists(target):
        raise StoreError(f"{target} already exists; choose another name")
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    reader = sqlite3.connect(f"file:{quote(os.path.abspath(source))}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)  # pages=-1: the whole store in one step, under one read lock
        finally:
            writer.close()
    except sqlite3.Error as error:
        _remove(target)
        raise StoreError(f"cannot back up {source}: {describe(error)}") from None
    except OSError as error:
        _remove(target)
        raise StoreError(f"cannot write {target}: {error.strerror}") from None
    finally:
        reader.close()


def _remove(path: str) -> None:
    for name in (path, path + "-journal", path + "-wal", path + "-shm"):
        if os.path.exists(name):
            os.remove(name)


def automatic_backup(db_path: str, reason: str) -> str:
    """Back the store up before a risky step and rotate the automatic backups; returns the copy."""
    target = _new_name(db_path, reason)
    copy_store(db_path, target)
    automatic = [p for p in list_backups(db_path) if p.endswith(tuple(f"-{r}.db" for r in AUTOMATIC_REASONS))]
    for old in automatic[:-KEEP_AUTOMATIC]:
        _remove(old)
    return target
