"""Reading a training corpus for a demo: strict UTF-8, one clear line when a file cannot be used.

The file must be a regular file no larger than ``MAX_CORPUS_BYTES``, checked on the opened
descriptor before anything is read (``seqml.files.open_binary``): ``/dev/zero`` is refused,
not read until memory runs out, and a FIFO never hangs the command. No NumPy here: the command
line reads a corpus before any model is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from seqml.demos.base import ParamError

__all__ = ["MAX_CORPUS_BYTES", "corpus_text", "decode_corpus", "read_corpus", "read_corpus_stream"]

# The demo fits every smoothing model in memory (about 70 bytes of RAM per byte of text): 10 MB
# of text is ~0.7 GB and ~9 s here, so a bigger corpus is refused with the limit named, and
# pointed at `glossary lm build`, which streams it.
MAX_CORPUS_BYTES = 10_000_000
_BIGGER = "; for a bigger corpus build a model with glossary lm build and pass it as --arpa"


def corpus_text(params: dict, demo: str) -> str:
    """The text a corpus demo trains on: ``corpus_text`` as the runner resolved it, else the file.

    ``glossary.demos`` resolves the bundled corpus and standard input before a run; a caller using
    ``seqml`` alone passes ``corpus`` as a path.
    """
    text = params.get("corpus_text")
    if text is not None:
        return text
    if not params.get("corpus") or params["corpus"] == "-":
        raise ParamError(f"the {demo} demo needs a corpus file or corpus text", "corpus")
    return read_corpus(params["corpus"])


def read_corpus(path: str | Path) -> str:
    """Read a corpus file as UTF-8, with one clear line naming the file when it cannot be used."""
    from seqml.files import open_binary  # the same checks as ARPA models and lm build

    try:
        handle, _ = open_binary(Path(path), "corpus", MAX_CORPUS_BYTES)
        with handle:
            data = handle.read(MAX_CORPUS_BYTES + 1)
    except ValueError as error:
        raise ParamError(f"{error}{_BIGGER if 'limit' in str(error) else ''}", "corpus") from None
    except OSError as error:
        raise ParamError(f"corpus file {str(path)!r} cannot be read: {error.strerror}", "corpus") from None
    return decode_corpus(data, str(path))


def read_corpus_stream(stream: BinaryIO, name: str = "<stdin>") -> str:
    """Read a corpus from a stream (standard input), stopping at the limit instead of at memory's end."""
    data = stream.read(MAX_CORPUS_BYTES + 1)
    if len(data) > MAX_CORPUS_BYTES:
        raise ParamError(
            f"corpus {name!r} is larger than the limit of {MAX_CORPUS_BYTES:,} bytes{_BIGGER}", "corpus"
        )
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
