"""Reading a training corpus for a demo: strict UTF-8, one clear line when a file cannot be used.

No NumPy here: the command line reads a corpus before any model is imported.
"""

from __future__ import annotations

from pathlib import Path

from seqml.demos.base import ParamError

__all__ = ["MAX_CORPUS_BYTES", "decode_corpus", "read_corpus"]

MAX_CORPUS_BYTES = 64 * 2**20  # the demo trains in memory; bigger corpora go through glossary lm build


def read_corpus(path: str | Path) -> str:
    """Read a corpus file as UTF-8, with one clear line naming the file when it cannot be used."""
    from seqml.ngram.files import open_binary  # the same checks as ARPA models and lm build

    path = Path(path)
    try:
        handle, _ = open_binary(path, "corpus", MAX_CORPUS_BYTES)
        with handle:
            data = handle.read(MAX_CORPUS_BYTES + 1)
    except ValueError as error:
        hint = "; build a model with glossary lm build and pass it as --arpa" if "limit" in str(error) else ""
        raise ParamError(f"{error}{hint}", "corpus") from None
    except OSError as error:
        raise ParamError(f"corpus file {str(path)!r} cannot be read: {error.strerror}", "corpus") from None
    return decode_corpus(data, str(path))


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
