"""Read any ARPA file (ours or KenLM's lmplz's) into a ``BackoffModel``, queried as KenLM does.

The file is a header ``\\data\\`` with ``ngram n=count`` lines, then for n = 1 .. N a ``\\n-grams:``
section of ``count`` lines ``log10 p <TAB> w_1 .. w_n [<TAB> log10 backoff]``, then ``\\end\\``.
Blank lines may stand anywhere, lines may carry surrounding whitespace (CRLF included), and a line
without tabs is split at any whitespace. The query model is ``seqml.ngram.backoff``; writing is
``seqml.ngram.arpa_write`` (both re-exported here).

Two readers, one result. The fast one takes the file's bytes a block of lines at a time: one pass
of NumPy over the block finds every separator, and the block is read only if the separators of each
line are exactly ``TAB (SPACE x n-1) [TAB] NEWLINE`` with no empty field, so one ``bytes.split``
gives every line's fields at fixed places: the numbers go through ``float`` and the words through
one dict, with no Python work per line. Anything else (blank or padded lines inside a section,
backoffs given on some lines only, space-separated fields, a malformed line) sends the whole file
to the line-by-line reader, which accepts and refuses exactly what it always did and names the bad
line; so do all errors, the fast reader never reports one.

Reference: the ARPA format as SRILM documents it (``ngram-format(5)``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from seqml.files import FileCheckError, open_binary
from seqml.ngram.arpa_write import arpa_string, format_float32, write_arpa
from seqml.ngram.backoff import ARPA_UNK, UNKNOWN_MISSING_LOG10, BackoffModel
from seqml.ngram.base import BOS, EOS
from seqml.ngram.keys import KeyLayout, sort_rows, trie_keys

__all__ = [
    "MAX_ARPA_BYTES",
    "UNKNOWN_MISSING_LOG10",
    "BackoffModel",
    "arpa_string",
    "format_float32",
    "load_arpa",
    "read_arpa_stream",
    "write_arpa",
]

MAX_ARPA_BYTES = 2**31  # 2 GiB: the model is held in memory
_BLOCK = 1 << 20  # n-gram lines per block
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[list(b"\t\n\r\x0b\x0c ")] = True  # what bytes.split() splits at; \r \v \f fail the pattern


class _Unusual(Exception):
    """The fast reader met something it does not read; the line-by-line reader will."""


# ---------------------------------------------------------------------- building the model


def _unigram_table(
    words: list[str], p: np.ndarray, b: np.ndarray, name: str
) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray]:
    """The vocabulary in file order (``<unk>`` added if missing) and its index."""
    if ARPA_UNK not in words:
        words.append(ARPA_UNK)
        p = np.append(p, np.float32(UNKNOWN_MISSING_LOG10))
        b = np.append(b, np.float32(0.0))
    index = {word: i for i, word in enumerate(words)}
    if len(index) != len(words):
        raise ValueError(f"ARPA file {name!r}: a word is listed twice among the 1-grams")
    if BOS not in index or EOS not in index:
        raise ValueError(f"ARPA file {name!r}: the 1-grams must include {BOS} and {EOS}")
    return words, index, p, b


class _Tables:
    """Sorted keys, log10 p and backoffs per order, added one order at a time."""

    def __init__(self, name: str, words: list[str], p: np.ndarray, b: np.ndarray) -> None:
        self.name = name
        self.vocabulary, self.index, p, b = _unigram_table(words, p, b, name)
        size = len(self.vocabulary)
        self.layout = KeyLayout(size)
        self.lower_rows = self.layout.pack([np.arange(size, dtype=np.int64)])
        self.keys, self.probabilities, self.backoffs = [np.arange(size, dtype=np.int64)], [p], [b]

    def add(self, ids: np.ndarray, p: np.ndarray, b: np.ndarray) -> None:
        """The next order's n-grams (ids (M, n) in file order)."""
        n = len(self.keys) + 1
        rows = self.layout.pack(list(ids.T))
        ordering = sort_rows(rows)
        rows, p, b = rows[ordering], p[ordering], b[ordering]
        if rows.shape[0] > 1 and np.any(np.all(rows[1:] == rows[:-1], axis=1)):
            raise ValueError(f"ARPA file {self.name!r}: an {n}-gram is listed twice")
        self.keys.append(trie_keys(rows, n, self.layout, self.lower_rows))
        self.lower_rows = rows
        self.probabilities.append(p)
        self.backoffs.append(b)

    def model(self) -> BackoffModel:
        return BackoffModel(
            len(self.keys),
            tuple(self.vocabulary),
            tuple(self.keys),
            tuple(self.probabilities),
            tuple(self.backoffs),
        )


def _concatenate(blocks: list[np.ndarray], empty: np.ndarray) -> np.ndarray:
    return np.concatenate(blocks) if blocks else empty


# ---------------------------------------------------------------------- the fast reader


def _next_line(data: bytes, position: int) -> tuple[bytes, int]:
    """The next non-blank line from ``position``, stripped, and where the line after it starts."""
    while position < len(data):
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end
        line = data[position:end].strip()
        position = end + 1
        if line:
            return line, position
    return b"", len(data)


def _fast_block(
    data: bytes, start: int, stop: int, n: int, index: dict[bytes, int] | None
) -> tuple[list[bytes] | np.ndarray, np.ndarray, np.ndarray]:
    """Lines data[start:stop] of order n -> words (unigrams) or ids (M, n), log10 p, log10 backoff."""
    view = np.frombuffer(data, dtype=np.uint8, count=stop - start, offset=start)
    places = np.flatnonzero(_SEPARATOR[view])
    if places.size == 0 or places[0] == 0 or np.any(np.diff(places) == 1):
        raise _Unusual  # an empty field, or a line that starts with a separator
    separators = view[places]
    stride = int(np.flatnonzero(separators == 10)[0]) + 1  # fields per line: the first line's
    pattern = np.frombuffer(b"\t" + b" " * (n - 1) + (b"\t\n" if stride == n + 2 else b"\n"), np.uint8)
    if stride not in (n + 1, n + 2) or separators.size % stride:
        raise _Unusual
    lines = separators.size // stride
    if not np.array_equal(separators.reshape(lines, stride), np.broadcast_to(pattern, (lines, stride))):
        raise _Unusual
    line_starts = np.r_[0, places[stride - 1 :: stride][:-1] + 1]
    if np.any(view[line_starts] == ord("\\")):
        raise _Unusual  # a section header where an n-gram should be
    chunk = data[start:stop]
    if not chunk.isascii():
        chunk.decode("utf-8")  # UnicodeDecodeError: the line-by-line reader names the line
    fields = chunk.split()
    probabilities = np.array(list(map(float, fields[0::stride])), dtype=np.float64).astype(np.float32)
    if stride == n + 2:
        backoffs = np.array(list(map(float, fields[n + 1 :: stride])), dtype=np.float64).astype(np.float32)
    else:
        backoffs = np.zeros(lines, dtype=np.float32)
    if index is None:
        return fields[1::stride], probabilities, backoffs
    ids = np.empty((lines, n), dtype=np.int64)
    for j in range(n):
        ids[:, j] = np.fromiter(map(index.__getitem__, fields[1 + j :: stride]), dtype=np.int64, count=lines)
    return ids, probabilities, backoffs


def _read_fast(data: bytes, name: str) -> BackoffModel:
    """The whole file through ``_fast_block``; raises ``_Unusual`` (or any error) to hand it over."""
    line, position = _next_line(data, 0)
    if line != b"\\data\\":
        raise _Unusual
    counts: list[int] = []
    line, position = _next_line(data, position)
    while line.startswith(b"ngram "):
        n, count = (int(x) for x in line[6:].split(b"="))
        if n != len(counts) + 1 or count < 0:
            raise _Unusual
        counts.append(count)
        line, position = _next_line(data, position)
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    tables: _Tables | None = None
    for n, count in enumerate(counts, start=1):
        if line != b"\\%d-grams:" % n:
            raise _Unusual
        first = int(np.searchsorted(newlines, position))  # the section's first line ends here
        if first + count > newlines.size:
            raise _Unusual
        index = None if tables is None else {w.encode("utf-8"): i for w, i in tables.index.items()}
        blocks: tuple[list, list, list] = ([], [], [])
        for done in range(0, count, _BLOCK):
            stop = int(newlines[first + min(done + _BLOCK, count) - 1]) + 1
            for block, part in zip(blocks, _fast_block(data, position, stop, n, index), strict=True):
                block.append(part)
            position = stop
        probabilities = _concatenate(blocks[1], np.zeros(0, dtype=np.float32))
        backoffs = _concatenate(blocks[2], np.zeros(0, dtype=np.float32))
        if tables is None:
            words = [word.decode("utf-8") for block in blocks[0] for word in block]
            tables = _Tables(name, words, probabilities, backoffs)
        else:
            tables.add(_concatenate(blocks[0], np.zeros((0, n), dtype=np.int64)), probabilities, backoffs)
        line, position = _next_line(data, position)
    if tables is None or line != b"\\end\\":
        raise _Unusual
    return tables.model()


# ---------------------------------------------------------------------- the line-by-line reader


def _decode(line: bytes, name: str, number: int) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as error:
        number += line[: error.start].count(b"\n")
        raise ValueError(
            f"ARPA file {name!r} is not UTF-8 text (byte 0x{line[error.start]:02x} on line {number})"
        ) from None


def _fields(line: str) -> list[str]:
    """log10 p, the words, the backoff: tab-separated as lmplz writes (words split at spaces only)."""
    parts = line.split("\t")
    if 2 <= len(parts) <= 3:
        return [parts[0], *(word for word in parts[1].split(" ") if word), *parts[2:]]
    return line.split()


def _section_rows(
    lines: list[bytes], n: int, index: dict[str, int] | None, name: str, first_line: int
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """One block of n-gram lines -> words (unigrams only), ids (M, n), log10 p, log10 backoff."""
    text = _decode(b"".join(lines), name, first_line)
    words: list[str] = []
    probabilities = np.empty(len(lines), dtype=np.float32)
    backoffs = np.zeros(len(lines), dtype=np.float32)
    fields = [_fields(line) for line in text.split("\n")[: len(lines)]]
    try:
        for row, parts in enumerate(fields):
            if len(parts) == n + 2:
                backoffs[row] = float(parts[n + 1])
            elif len(parts) != n + 1:
                raise ValueError
            probabilities[row] = float(parts[0])
            words.extend(parts[1 : n + 1])
    except ValueError:
        row = len(words) // n if words else 0
        bad = text.split("\n")[row] if row < len(lines) else ""
        raise ValueError(
            f"ARPA file {name!r} line {first_line + row}: expected log10 p, {n} word(s) and an "
            f"optional backoff, got {bad[:80]!r}"
        ) from None
    if index is None:
        return words, np.empty((0, 1), dtype=np.int64), probabilities, backoffs
    try:
        ids = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    except KeyError as error:
        raise ValueError(
            f"ARPA file {name!r}: the {n}-grams use {error.args[0]!r}, which is no 1-gram"
        ) from None
    return words, ids.reshape(len(lines), n), probabilities, backoffs


def _lines(handle: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Numbered non-blank lines, stripped of surrounding whitespace."""
    for number, line in enumerate(handle, start=1):
        stripped = line.strip()
        if stripped:
            yield number, stripped


def _read_lines(handle: BinaryIO, name: str) -> BackoffModel:
    """Parse an ARPA file line by line, naming the first bad line."""
    lines = _lines(handle)
    counts: list[int] = []
    for number, line in lines:
        if line == b"\\data\\":
            continue
        if line.startswith(b"ngram "):
            try:
                n, count = (int(x) for x in line[6:].split(b"="))
            except ValueError:
                raise ValueError(f"ARPA file {name!r} line {number}: bad header line {line[:60]!r}") from None
            if n != len(counts) + 1 or count < 0:
                raise ValueError(f"ARPA file {name!r} line {number}: header orders must run 1, 2, ...")
            counts.append(count)
            continue
        if line == b"\\1-grams:" and counts:
            break
        raise ValueError(f"ARPA file {name!r} line {number}: expected the \\data\\ header, got {line[:60]!r}")
    else:
        raise ValueError(f"ARPA file {name!r} has no \\data\\ header with n-gram counts")
    tables: _Tables | None = None
    for n in range(1, len(counts) + 1):
        if n > 1:
            number, line = next(lines, (0, b""))
            if line != f"\\{n}-grams:".encode():
                raise ValueError(
                    f"ARPA file {name!r} line {number}: expected \\{n}-grams:, got {line[:60]!r}"
                )
        vocabulary: list[str] = []
        blocks_ids, blocks_p, blocks_b = [], [], []
        remaining = counts[n - 1]
        while remaining:
            block = []
            for _ in range(min(remaining, _BLOCK)):
                number, line = next(lines, (0, b""))
                if not line or line.startswith(b"\\"):
                    raise ValueError(
                        f"ARPA file {name!r}: the header promises {counts[n - 1]} {n}-grams, "
                        f"the section has {counts[n - 1] - remaining + len(block)}"
                    )
                block.append(line + b"\n")
            remaining -= len(block)
            index = None if tables is None else tables.index
            words, ids, p, b = _section_rows(block, n, index, name, number - len(block) + 1)
            if tables is None:
                vocabulary.extend(words)
            blocks_ids.append(ids)
            blocks_p.append(p)
            blocks_b.append(b)
        p = _concatenate(blocks_p, np.zeros(0, dtype=np.float32))
        b = _concatenate(blocks_b, np.zeros(0, dtype=np.float32))
        if tables is None:
            tables = _Tables(name, vocabulary, p, b)
        else:
            tables.add(_concatenate(blocks_ids, np.zeros((0, n), dtype=np.int64)), p, b)
    number, line = next(lines, (0, b""))
    if line != b"\\end\\":
        raise ValueError(f"ARPA file {name!r} line {number}: expected \\end\\, got {line[:60]!r}")
    assert tables is not None
    return tables.model()


def read_arpa_stream(handle: BinaryIO, name: str = "<arpa>") -> BackoffModel:
    """Parse an ARPA file from a binary stream into a ``BackoffModel`` (fast reader first)."""
    data = handle.read()
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")  # both readers strip a line's \r; this keeps it fast
    try:
        return _read_fast(data, name)
    except (_Unusual, ValueError, KeyError, IndexError, OverflowError):
        return _read_lines(io.BytesIO(data), name)


def load_arpa(path: str | Path, limit: int = MAX_ARPA_BYTES) -> BackoffModel:
    """Read an ARPA file (ours or KenLM's lmplz's): a regular file of at most ``limit`` bytes."""
    handle, _ = open_binary(path, "ARPA model", limit)
    with handle:
        try:
            return read_arpa_stream(handle, str(path))
        except FileCheckError:
            raise
        except (ValueError, OverflowError) as error:
            raise ValueError(str(error)) from None


if __name__ == "__main__":
    text = (
        "\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n-1\t<unk>\t0\n0\t<s>\t-0.3\n-0.5\ta\t-0.2\n"
        "-0.4\t</s>\t0\n\n\\2-grams:\n-0.1\t<s> a\n-0.2\ta </s>\n\n\\end\\\n"
    )
    lm = read_arpa_stream(io.BytesIO(text.encode()))
    print(lm.full_scores(["a"]), lm.total_score(["a", "b"]))
    print(arpa_string(lm))
