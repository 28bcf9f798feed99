"""Backoff language models in ARPA form: read any ARPA file, query it as KenLM does, write it in bulk.

An ARPA file lists, per order n, every stored n-gram with ``log10 p(w_n | w_1..w_{n-1})`` and,
below the top order, the log10 backoff ``b(w_1..w_n)`` of the n-gram used as a context. A query
finds the longest stored suffix of ``h w`` and charges the backoffs of the longer contexts:

    log10 p(w | w_1..w_{n-1}) = log10 p(w_k..w_{n-1} w) + sum_{j < k} b(w_j..w_{n-1})

where ``w_k..w`` is the longest suffix found by extending one word at a time (a missing suffix ends
the search, as in KenLM) and a context that is not stored has ``b = 0``. KenLM keeps probabilities
and backoffs in float32 and adds them in float32, shorter contexts first; so do we, so a query
matches ``kenlm.Model.full_scores`` to the last float32 bit. Words outside the vocabulary are
``<unk>``; a file without ``<unk>`` gets it with log10 p = -100, KenLM's default.

Storage: n-grams of order n are sorted int64 keys ``rank(w_1..w_{n-1}) * V + w_n``
(``seqml.ngram.keys.trie_keys``), so a batch of queries is a few ``np.searchsorted`` passes and a
context's rank is the previous step's position. A single query walks per-order dict caches built
on first use (a dict lookup instead of a NumPy call per step).

Numbers are written as the shortest decimal that reads back as the same float32, as lmplz prints
them (positional from 1e-6 up, ``1e-7`` style below).

References: the ARPA format as SRILM documents it (``ngram-format(5)``); Heafield, "KenLM: faster
and smaller language model queries" (WMT 2011).
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from seqml.files import FileCheckError, open_binary
from seqml.ngram.base import BOS, EOS, LanguageModel
from seqml.ngram.keys import KeyLayout, sort_rows, trie_keys

__all__ = [
    "MAX_ARPA_BYTES",
    "UNKNOWN_MISSING_LOG10",
    "BackoffModel",
    "format_float32",
    "load_arpa",
    "write_arpa",
]

ARPA_UNK = "<unk>"
UNKNOWN_MISSING_LOG10 = -100.0  # KenLM's log10 p(<unk>) when the file has no <unk>
MAX_ARPA_BYTES = 2**31  # 2 GiB: the model is held in memory
_BLOCK = 1 << 20  # n-grams per block when reading or writing
_ROUND32 = struct.Struct("f")


def _f32(value: float) -> float:
    """Round a double to the nearest float32 (the sum of two float32 values is exact in a double)."""
    return _ROUND32.unpack(_ROUND32.pack(value))[0]


class BackoffModel(LanguageModel):
    """A backoff n-gram model: log10 p and log10 backoff for every stored n-gram, as an ARPA file."""

    name = "arpa"
    convention = "ARPA backoff, queried as KenLM does (float32)"
    unk = ARPA_UNK

    def __init__(
        self,
        order: int,
        vocabulary: tuple[str, ...],
        keys: tuple[np.ndarray, ...],
        log10_probabilities: tuple[np.ndarray, ...],
        log10_backoffs: tuple[np.ndarray, ...],
    ) -> None:
        super().__init__(order, vocabulary)
        self.left_padding = order - 1
        self.keys = keys  # keys[n-1]: sorted int64 rank(prefix) * V + last word
        self.log10_probabilities = tuple(p.astype(np.float32, copy=False) for p in log10_probabilities)
        self.log10_backoffs = tuple(b.astype(np.float32, copy=False) for b in log10_backoffs)
        self._size = len(vocabulary)
        self._caches: list[dict[int, int]] | None = None

    @property
    def counts(self) -> tuple[int, ...]:
        """How many n-grams each order stores (the ARPA header)."""
        return tuple(int(k.size) for k in self.keys)

    # ------------------------------------------------------------------ batch queries

    def _positions(self, rows: np.ndarray) -> tuple[list[list[np.ndarray]], list[list[np.ndarray]]]:
        """Position and found flag of every span rows[:, a:b+1], chained left to right from each a."""
        m, n = rows.shape
        size = self._size
        positions = [[np.zeros(0, dtype=np.int64)] * n for _ in range(n)]
        found = [[np.zeros(0, dtype=bool)] * n for _ in range(n)]
        for a in range(n):
            position = rows[:, a].copy()
            ok = np.ones(m, dtype=bool)
            positions[a][a], found[a][a] = position, ok
            for b in range(a + 1, n):
                keys = self.keys[b - a]
                query = position * size + rows[:, b]
                place = np.minimum(np.searchsorted(keys, query), max(keys.size - 1, 0))
                ok = ok & (keys[place] == query) if keys.size else np.zeros(m, dtype=bool)
                position = np.where(ok, place, 0)
                positions[a][b], found[a][b] = position, ok
        return positions, found

    def log10_many(self, rows: np.ndarray) -> np.ndarray:
        """log10 p(w | h) for id rows (M, n), float32 as KenLM computes it, returned as float64."""
        m, n = rows.shape
        positions, found = self._positions(rows)
        last = n - 1
        # Longest suffix w_k..w reached one word at a time (k = last, last-1, ...).
        result = self.log10_probabilities[0][rows[:, last]]
        matched = np.ones(m, dtype=np.int64)  # its length
        still = np.ones(m, dtype=bool)
        for length in range(2, n + 1):
            start = n - length
            still &= found[start][last]
            if not still.any():
                break
            stored = self.log10_probabilities[length - 1][positions[start][last]]
            result = np.where(still, stored, result)
            matched = np.where(still, length, matched)
        # Backoffs of the contexts w_j..w_{n-1} longer than the matched suffix's context, shortest
        # first, while the contexts are stored.
        context_ok = np.ones(m, dtype=bool)
        for length in range(1, n):
            start = last - length
            context_ok &= found[start][last - 1]
            backoff = self.log10_backoffs[length - 1][positions[start][last - 1]]
            charge = context_ok & (length >= matched)
            result = np.where(charge, result + backoff, result)
        return result.astype(np.float64)

    def _probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 10.0 ** self.log10_many(rows)

    # ------------------------------------------------------------------ single queries

    def _dict_caches(self) -> list[dict[int, int]]:
        """key -> position per order, built once: a single query then costs a few dict lookups."""
        if self._caches is None:
            self._caches = [{}] + [dict(zip(k.tolist(), range(k.size), strict=True)) for k in self.keys[1:]]
            self._probability_lists = [p.tolist() for p in self.log10_probabilities]
            self._backoff_lists = [b.tolist() for b in self.log10_backoffs]
        return self._caches

    def log10_ids(self, ids: Sequence[int]) -> float:
        """log10 p(last id | the ids before it), one query in pure Python (same float32 result)."""
        caches, size = self._dict_caches(), self._size
        probabilities, backoffs = self._probability_lists, self._backoff_lists
        n = len(ids)
        last = n - 1
        # Contexts and suffixes, chained from each start a: position of ids[a:b+1] for b < n.
        context_positions: list[int | None] = [None] * n  # position of ids[a:last]
        suffix_positions: list[int | None] = [None] * n  # position of ids[a:n]
        for a in range(last, -1, -1):
            position: int | None = ids[a]
            for b in range(a + 1, n):
                if b == last:
                    context_positions[a] = position
                position = caches[b - a].get(position * size + ids[b])
                if position is None:
                    break
            if a == last:
                suffix_positions[a] = ids[a]
            elif position is not None:
                suffix_positions[a] = position
        result, matched = probabilities[0][ids[last]], 1
        for length in range(2, n + 1):
            position = suffix_positions[n - length]
            if position is None:
                break
            result, matched = probabilities[length - 1][position], length
        for length in range(1, n):
            position = context_positions[last - length]
            if position is None:
                break
            if length >= matched:
                result = _f32(result + backoffs[length - 1][position])
        return result

    def log10score(self, word: str, context: Sequence[str] = ()) -> float:
        """log10 p(word | context) as KenLM's query reports it; the context is cut to N-1 words."""
        if isinstance(context, str):
            context = (context,)
        keep = list(context)[max(0, len(context) - (self.order - 1)) :] if self.order > 1 else []
        get, unknown = self._index.get, self._unknown
        return self.log10_ids([get(w, unknown) for w in (*keep, word)])

    def logscore(self, word: str, context: Sequence[str] = ()) -> float:
        """log2 p(word | context)."""
        return self.log10score(word, context) * math.log2(10.0)

    def score(self, word: str, context: Sequence[str] = ()) -> float:
        """p(word | context)."""
        return 10.0 ** self.log10score(word, context)

    def full_scores(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> list[float]:
        """log10 p of each word (and of </s>), as ``kenlm.Model.full_scores`` yields them."""
        get, unknown = self._index.get, self._unknown
        history = [self._bos_id] if bos else []
        targets = [get(word, unknown) for word in words] + ([self._eos_id] if eos else [])
        scores = []
        for target in targets:
            context = history[max(0, len(history) - (self.order - 1)) :] if self.order > 1 else []
            scores.append(self.log10_ids([*context, target]))
            history.append(target)
        return scores

    def total_score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """The sentence's log10 probability summed in float32, as ``kenlm.Model.score``."""
        total = 0.0
        for value in self.full_scores(words, bos, eos):
            total = _f32(total + value)
        return total


# ---------------------------------------------------------------------- reading


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


def read_arpa_stream(handle: BinaryIO, name: str = "<arpa>") -> BackoffModel:
    """Parse an ARPA file from a binary stream into a ``BackoffModel``."""
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
    order = len(counts)
    vocabulary: list[str] = []
    index: dict[str, int] | None = None
    layout: KeyLayout | None = None
    keys: list[np.ndarray] = []
    probabilities: list[np.ndarray] = []
    backoffs: list[np.ndarray] = []
    lower_rows: np.ndarray | None = None
    for n in range(1, order + 1):
        if n > 1:
            number, line = next(lines, (0, b""))
            if line != f"\\{n}-grams:".encode():
                raise ValueError(
                    f"ARPA file {name!r} line {number}: expected \\{n}-grams:, got {line[:60]!r}"
                )
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
            words, ids, p, b = _section_rows(block, n, index, name, number - len(block) + 1)
            if n == 1:
                vocabulary.extend(words)
            else:
                blocks_ids.append(ids)
            blocks_p.append(p)
            blocks_b.append(b)
        p = np.concatenate(blocks_p) if blocks_p else np.zeros(0, dtype=np.float32)
        b = np.concatenate(blocks_b) if blocks_b else np.zeros(0, dtype=np.float32)
        if n == 1:
            if ARPA_UNK not in vocabulary:
                vocabulary.append(ARPA_UNK)
                p = np.append(p, np.float32(UNKNOWN_MISSING_LOG10))
                b = np.append(b, np.float32(0.0))
            index = {word: i for i, word in enumerate(vocabulary)}
            if len(index) != len(vocabulary):
                raise ValueError(f"ARPA file {name!r}: a word is listed twice among the 1-grams")
            if BOS not in index or EOS not in index:
                raise ValueError(f"ARPA file {name!r}: the 1-grams must include {BOS} and {EOS}")
            layout = KeyLayout(len(vocabulary))
            rows = layout.pack([np.arange(len(vocabulary), dtype=np.int64)])
            keys.append(np.arange(len(vocabulary), dtype=np.int64))
        else:
            assert layout is not None
            ids = np.concatenate(blocks_ids) if blocks_ids else np.zeros((0, n), dtype=np.int64)
            rows = layout.pack(list(ids.T))
            ordering = sort_rows(rows)
            rows, p, b = rows[ordering], p[ordering], b[ordering]
            if rows.shape[0] > 1 and np.any(np.all(rows[1:] == rows[:-1], axis=1)):
                raise ValueError(f"ARPA file {name!r}: an {n}-gram is listed twice")
            keys.append(trie_keys(rows, n, layout, lower_rows))
        lower_rows = rows
        probabilities.append(p)
        backoffs.append(b)
    number, line = next(lines, (0, b""))
    if line != b"\\end\\":
        raise ValueError(f"ARPA file {name!r} line {number}: expected \\end\\, got {line[:60]!r}")
    return BackoffModel(order, tuple(vocabulary), tuple(keys), tuple(probabilities), tuple(backoffs))


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


# ---------------------------------------------------------------------- writing


def format_float32(values: np.ndarray) -> list[str]:
    """The shortest decimal text that reads back as each float32, as lmplz (double-conversion) prints.

    Each distinct value is formatted once: %.7g when it round-trips, else %.8g, else %.9g; values
    under 1e-6 in magnitude use exponents (``-1.5e-7``), everything else positional notation.
    """
    values = np.asarray(values, dtype=np.float32)
    distinct, inverse = np.unique(values, return_inverse=True)
    doubles = distinct.astype(np.float64).tolist()
    texts = [f"{v:.7g}" for v in doubles]
    for digits in (8, 9):
        back = np.array([float(t) for t in texts], dtype=np.float64).astype(np.float32)
        wrong = np.flatnonzero(back != distinct)
        if not wrong.size:
            break
        for i in wrong.tolist():
            texts[i] = f"{doubles[i]:.{digits}g}"
    for i, (value, text) in enumerate(zip(doubles, texts, strict=True)):
        if "e" in text or ("." not in text and abs(value) >= 1e7):
            texts[i] = _lmplz_style(value, text)
    return [texts[i] for i in inverse.tolist()]


def _lmplz_style(value: float, text: str) -> str:
    """Reformat %g's exponent forms: positional from 1e-6 to 1e21, ``1.5e-7`` outside."""
    mantissa, _, exponent = text.partition("e")
    power = int(exponent) if exponent else 0
    if value != 0 and (abs(value) < 1e-6 or abs(value) >= 1e21):
        return f"{mantissa}e{power}"
    digits = mantissa.replace("-", "").replace(".", "")
    sign = "-" if value < 0 else ""
    point = (mantissa.lstrip("-").find(".") if "." in mantissa else len(mantissa.lstrip("-"))) + power
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


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


def write_arpa(model: BackoffModel, stream: io.TextIOBase | BinaryIO) -> None:
    """Write the model as an ARPA file, a block of n-grams at a time (text or binary stream)."""
    binary = not isinstance(stream, io.TextIOBase)

    def put(text: str) -> None:
        stream.write(text.encode("utf-8") if binary else text)  # type: ignore[arg-type]

    words = np.array(model.vocabulary, dtype=object)
    put("\\data\\\n" + "".join(f"ngram {n}={count}\n" for n, count in enumerate(model.counts, start=1)))
    for n in range(1, model.order + 1):
        put(f"\n\\{n}-grams:\n")
        total = model.counts[n - 1]
        for start in range(0, total, _BLOCK):
            stop = min(start + _BLOCK, total)
            columns = [words[column].tolist() for column in _columns(model, n, start, stop)]
            texts = columns[0] if n == 1 else list(map(" ".join, zip(*columns, strict=True)))
            probabilities = format_float32(model.log10_probabilities[n - 1][start:stop])
            if n == model.order:
                lines = map("\t".join, zip(probabilities, texts, strict=True))
            else:
                backoffs = format_float32(model.log10_backoffs[n - 1][start:stop])
                lines = map("\t".join, zip(probabilities, texts, backoffs, strict=True))
            put("\n".join(lines) + "\n")
    put("\n\\end\\\n")


def arpa_string(model: BackoffModel) -> str:
    """The whole ARPA text (small models; use ``write_arpa`` on a file for big ones)."""
    buffer = io.StringIO()
    write_arpa(model, buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    text = (
        "\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n-1\t<unk>\t0\n0\t<s>\t-0.3\n-0.5\ta\t-0.2\n"
        "-0.4\t</s>\t0\n\n\\2-grams:\n-0.1\t<s> a\n-0.2\ta </s>\n\n\\end\\\n"
    )
    lm = read_arpa_stream(io.BytesIO(text.encode()))
    print(lm.full_scores(["a"]), lm.total_score(["a", "b"]))
    print(arpa_string(lm))
