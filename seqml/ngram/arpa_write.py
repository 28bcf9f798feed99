"""Write a backoff model as an ARPA file, a block of n-grams at a time, with vectorised formatting.

Numbers are printed as lmplz prints them (double-conversion's ``ToShortestSingle``): the shortest
decimal that reads back as the same float32, positional from 1e-6 up to 1e21, ``-1.5e-7`` below.
NumPy's float32-to-bytes cast gives those shortest digits (Dragon4, Steele & White / Burger &
Dybvig); only its layout differs (``-1.0``, ``-2.5e-05``), so the few values written that way are
rewritten one by one. Each block of lines is laid out as one byte matrix, a fixed-width column per
field (probability, tab, each word, backoff, newline), and the padding of every field is dropped
with one boolean mask: no Python string per line.

References: the ARPA format as SRILM documents it (``ngram-format(5)``); Loitsch, "Printing
floating-point numbers quickly and accurately with integers" (PLDI 2010), double-conversion.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

if TYPE_CHECKING:
    from seqml.ngram.arpa import BackoffModel

__all__ = ["arpa_string", "float32_texts", "format_float32", "write_arpa"]

_BLOCK = 1 << 20  # n-grams per block at most
_BLOCK_BYTES = 1 << 25  # bytes of the layout matrix per block at most (long words make fewer rows)


def _double_conversion_layout(value: float, text: str) -> str:
    """NumPy's shortest text of a float32 rewritten as lmplz writes it (same digits)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    sign = "-" if text.startswith("-") else ""
    mantissa, _, exponent = text.lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + (int(exponent) if exponent else 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    if not digits:
        return sign + "0"
    if not -6 <= point - 1 < 21:  # the decimal exponent of d.ddd: outside, lmplz writes 1.5e-7
        return f"{sign}{digits[0]}{'.' + digits[1:] if digits[1:] else ''}e{point - 1}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def float32_texts(values: np.ndarray) -> np.ndarray:
    """Bytes array of each float32 as lmplz writes it; each distinct value is formatted once."""
    values = np.asarray(values, dtype=np.float32)
    distinct, inverse = np.unique(values, return_inverse=True)
    texts = distinct.astype("S16")  # the longest, -1.17549435e-38, has 15 bytes
    odd = (
        np.strings.endswith(texts, b".0")
        | (np.strings.find(texts, b"e") >= 0)
        | ~np.isfinite(distinct)
        | (distinct == 0)
    )
    for i in np.flatnonzero(odd).tolist():
        texts[i] = _double_conversion_layout(float(distinct[i]), texts[i].decode()).encode()
    texts = texts[inverse.reshape(-1)]
    zeros = np.flatnonzero(values == 0)  # np.unique keeps one of 0 and -0: write each with its sign
    texts[zeros] = np.where(np.signbit(values[zeros]), b"-0", b"0")
    return texts


def format_float32(values: np.ndarray) -> list[str]:
    """The shortest decimal text that reads back as each float32, as lmplz prints it."""
    return [text.decode() for text in float32_texts(values).tolist()]


def _columns(model: BackoffModel, n: int, start: int, stop: int) -> list[np.ndarray]:
    """Word ids of n-grams start..stop of order n, first word first, decoded through the ranks."""
    size = model._size
    keys = model.keys[n - 1][start:stop]
    columns = []
    for level in range(n, 1, -1):
        columns.append(keys % size)
        keys = model.keys[level - 2][keys // size]
    columns.append(keys)
    return columns[::-1]


def _field(texts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A bytes array as a (rows, width) byte matrix and the length of each row's text."""
    width = max(texts.dtype.itemsize, 1)
    return texts.view(np.uint8).reshape(texts.shape[0], width), lengths


def _lines(fields: list[tuple[np.ndarray, np.ndarray] | bytes], rows: int) -> bytes:
    """Lay the fields out side by side, padded, then keep each field's own bytes."""
    width = sum(1 if isinstance(f, bytes) else f[0].shape[1] for f in fields)
    matrix = np.empty((rows, width), dtype=np.uint8)
    keep = np.ones((rows, width), dtype=bool)
    column = 0
    for field in fields:
        if isinstance(field, bytes):
            matrix[:, column] = field[0]
            column += 1
            continue
        texts, lengths = field
        matrix[:, column : column + texts.shape[1]] = texts
        keep[:, column : column + texts.shape[1]] = np.arange(texts.shape[1]) < lengths[:, None]
        column += texts.shape[1]
    return matrix[keep].tobytes()


def _number_field(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    texts = float32_texts(values)
    return _field(texts, np.strings.str_len(texts))


def write_arpa(model: BackoffModel, stream: io.TextIOBase | BinaryIO) -> None:
    """Write the model as an ARPA file, a block of n-grams at a time (text or binary stream)."""
    binary = not isinstance(stream, io.TextIOBase)

    def put(data: bytes) -> None:
        stream.write(data if binary else data.decode("utf-8"))  # type: ignore[arg-type]

    encoded = [word.encode("utf-8") for word in model.vocabulary]
    words = np.array(encoded, dtype=f"S{max(map(len, encoded), default=1) or 1}")
    word_lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    put(b"\\data\\\n" + b"".join(b"ngram %d=%d\n" % (n, c) for n, c in enumerate(model.counts, start=1)))
    for n in range(1, model.order + 1):
        put(b"\n\\%d-grams:\n" % n)
        total = model.counts[n - 1]
        step = max(1, min(_BLOCK, _BLOCK_BYTES // (40 + n * (words.dtype.itemsize + 1))))
        for start in range(0, total, step):
            stop = min(start + step, total)
            fields: list[tuple[np.ndarray, np.ndarray] | bytes] = [
                _number_field(model.log10_probabilities[n - 1][start:stop])
            ]
            for i, column in enumerate(_columns(model, n, start, stop)):
                fields += [b"\t" if i == 0 else b" ", _field(words[column], word_lengths[column])]
            if n < model.order:
                fields += [b"\t", _number_field(model.log10_backoffs[n - 1][start:stop])]
            put(_lines([*fields, b"\n"], stop - start))
    put(b"\n\\end\\\n")


def arpa_string(model: BackoffModel) -> str:
    """The whole ARPA text (small models; use ``write_arpa`` on a file for big ones)."""
    buffer = io.StringIO()
    write_arpa(model, buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    print(format_float32(np.array([0.0, -1.0, -0.30103, -1.5e-5, -1.5e-7, -99.0])))
