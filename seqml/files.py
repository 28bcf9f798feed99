"""Opening a text file safely: a regular file, its size known before a byte is read, never a hang.

``open()`` on a FIFO blocks until a writer appears, and ``/dev/zero`` or ``/dev/urandom`` never end.
So the file is opened with ``O_NONBLOCK`` (a FIFO opens at once), checked with ``fstat`` (a regular
file, not a directory, device, FIFO or socket), and its size compared with the caller's limit before
anything is read. The checked descriptor is the one read from, so a file swapped in between the
check and the read is never read.

    check: S_ISREG(fstat(fd).st_mode)  and  fstat(fd).st_size <= limit
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

__all__ = ["FileCheckError", "open_binary"]


class FileCheckError(ValueError):
    """A path that cannot be used as a text file: missing, not regular, too big, unreadable.

    ``reason`` says what is wrong without naming the file, for callers that name it themselves.
    """

    def __init__(self, what: str, name: str, reason: str) -> None:
        super().__init__(f"{what} file {name!r} {reason}")
        self.reason = reason


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "something else"


def open_binary(path: str | Path, what: str, limit: int | None = None) -> tuple[io.BufferedReader, int]:
    """Open a regular file for reading bytes, with its size; refuse anything else with one clear line.

    ``what`` names the file in messages ("corpus", "ARPA model"); ``limit`` is the largest size in
    bytes the caller will read (None: the caller streams it).
    """
    name = str(path)
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileCheckError(what, name, "does not exist") from None
    except OSError as error:
        raise FileCheckError(what, name, f"cannot be read: {error.strerror}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise FileCheckError(what, name, f"is {_kind(status.st_mode)}, not a regular file")
        if limit is not None and status.st_size > limit:
            raise FileCheckError(
                what, name, f"is {status.st_size:,} bytes, larger than the {limit:,}-byte limit"
            )
        os.set_blocking(descriptor, True)
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    return handle, status.st_size


if __name__ == "__main__":
    try:
        open_binary("/dev/zero", "corpus")
    except FileCheckError as error:
        print(error)
