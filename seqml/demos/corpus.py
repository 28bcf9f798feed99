"""Reading a training corpus for a demo: strict UTF-8, one clear line when a file cannot be used.

No NumPy here: the command line reads a corpus before any model is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from seqml.demos.base import ParamError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MAX_CORPUS_BYTES", "decode_corpus", "read_corpus", "read_corpus_stream"]

# The demo fits every smoothing model in memory (about 70 bytes of RAM per byte of text): 10 MB
# of text is ~0.7 GB and ~9 s here, so a bigger corpus is refused with the limit named.
MAX_CORPUS_BYTES = 10_000_000


def _too_big(name: str) -> ParamError:
    return ParamError(
        f"corpus {name!r} is larger than the demo's {MAX_CORPUS_BYTES // 1_000_000} MB limit "
        "(it trains in memory); use a smaller sample of it",
        "corpus",
    )


def read_corpus(path: str | Path) -> str:
    """Read a corpus file as UTF-8, with one clear line naming the file when it cannot be used.

    The file must be a regular file no larger than ``MAX_CORPUS_BYTES``, checked on the opened
    descriptor before anything is read: ``/dev/zero`` is refused, not read until memory runs out,
    and a FIFO (opened non-blocking) never hangs the command.
    """
    import os
    import stat

    name = str(path)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ParamError(f"corpus file {name!r} does not exist", "corpus") from None
    except OSError as error:
        raise ParamError(f"corpus file {name!r} cannot be read: {error.strerror}", "corpus") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise ParamError(f"corpus {name!r} is not a regular file (- reads standard input)", "corpus")
        if info.st_size > MAX_CORPUS_BYTES:
            raise _too_big(name)
        with os.fdopen(handle, "rb", closefd=False) as file:
            data = file.read(MAX_CORPUS_BYTES + 1)
    except OSError as error:
        raise ParamError(f"corpus file {name!r} cannot be read: {error.strerror}", "corpus") from None
    finally:
        os.close(handle)
    if len(data) > MAX_CORPUS_BYTES:
        raise _too_big(name)
    return decode_corpus(data, name)


def read_corpus_stream(stream: BinaryIO, name: str = "<stdin>") -> str:
    """Read a corpus from a stream (standard input), stopping at the limit instead of at memory's end."""
    data = stream.read(MAX_CORPUS_BYTES + 1)
    if len(data) > MAX_CORPUS_BYTES:
        raise _too_big(name)
    return decode_corpus(data, name)


def decode_corpus(data: bytes, name: str) -> str:
    """Decode corpus bytes strictly as UTF-8; refuse empty corpora before any model sees them."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParamError(
            f"corpus {name!r} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); convert it, e.g. with iconv -f latin1 -t utf-8",
            "corpus",
        ) from None
    if not text.strip():
        raise ParamError(f"corpus {name!r} is empty", "corpus")
    return text


if __name__ == "__main__":
    print(repr(decode_corpus(b"three blind mice\n", "<example>")))
