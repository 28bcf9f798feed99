"""Modified Kneser-Ney over a streamed corpus, as ``lmplz`` builds it, with memory bounded by the model.

The corpus is read in chunks of whole lines (one sentence per line, words split at space, tab,
CR and NUL as lmplz splits them). Each chunk becomes word ids, padded ``<s>^(N-1) w_1 .. w_T </s>``,
and its counts are merged into the running tables:

    C_N   raw counts of the N-grams with at most one <s> (at the front)
    S_n   raw counts of the sentence starts <s> w_1 .. w_{n-1}, for 2 <= n < N

Both are sorted arrays of packed keys (``seqml.ngram.keys``), so a merge is one linear pass. The
next chunk is at most ``max(chunk_bytes, 8 bytes x the table size)``, so memory is the model plus one
chunk of the same order, whatever the corpus length. From the final tables the estimate follows
``seqml.ngram.kenlm`` exactly (adjusted counts, three discounts per order, interpolation):

    a(w_1..w_n) = C_N or S_n        (n = N, or w_1 = <s>)
                = |{x : a(x w_1..w_n) > 0}|                 otherwise
    p(w | h)    = (a(h w) - D(a(h w))) / sum_v a(h v) + gamma(h) p(w | h')

Ids follow the sorted vocabulary (``<unk>``, ``<s>``, ``</s>``, then the words), so a model built
from chunks equals one built in one piece, bit for bit. Two deliberate differences from lmplz: a
last line without a newline is still a sentence (lmplz drops its ``</s>``), and the lines of each
ARPA section are in sorted order (lmplz's follow its hash order).

References: Heafield, Pouzyrevsky, Clark & Koehn, "Scalable modified Kneser-Ney language model
estimation" (ACL 2013): streaming, sorting and merging counts; Chen & Goodman (TR-10-98).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import numpy as np

from seqml.files import open_binary
from seqml.ngram.arpa import BackoffModel, write_arpa
from seqml.ngram.base import BOS, EOS
from seqml.ngram.kenlm import DEFAULT_FALLBACK, KENLM_UNK, OrderStatistics, _checked_fallback, kenlm_discounts
from seqml.ngram.keys import KeyLayout, merge_counts, trie_keys, unique_rows

__all__ = [
    "CHUNK_BYTES",
    "Build",
    "NgramStreamCounter",
    "build_arpa",
    "estimate",
    "fit_streamed",
    "read_chunks",
]

CHUNK_BYTES = 1 << 22  # 4 MiB of text per chunk at the start
MAX_LINE_BYTES = 1 << 26  # 64 MiB: one sentence per line, so a longer line is no text corpus
Progress = Callable[[str, int, int], None]  # (stage, done, total)

_END = 2  # the id of </s>; ids 0 and 1 are <unk> and <s>, 3 marks the forbidden word "</s>"
_LMPLZ_SPACES = re.compile(rb"[\0\t\r ]+")


@dataclass(frozen=True)
class Build:
    """What ``build_arpa`` made: the model's size and what each order's discounts were."""

    order: int
    tokens: int
    sentences: int
    vocabulary_size: int
    counts: tuple[int, ...]
    statistics: tuple[OrderStatistics, ...]


class NgramStreamCounter:
    """Counts N-grams and sentence starts chunk by chunk into sorted tables (see module docstring)."""

    def __init__(self, order: int, marker: str | bytes) -> None:
        if isinstance(order, bool) or not isinstance(order, int) or order < 2:
            raise ValueError(f"modified-kneser-ney needs an integer order >= 2, got {order!r}")
        self.order = order
        self.marker = marker  # the token that ends a sentence in the chunks given to ``add``
        self.words: defaultdict[str | bytes, int] = defaultdict()
        self.words.default_factory = self.words.__len__  # a new word gets the next id, at C speed
        spell = (lambda s: s.encode()) if isinstance(marker, bytes) else (lambda s: s)
        for word in (KENLM_UNK, BOS):
            self.words[spell(word)]
        self.words[marker]
        self.words[spell(EOS)]  # id 3: a literal </s> in the text is refused
        self.layout = KeyLayout(1 << 16)
        empty = np.zeros((0, 1), dtype=np.uint64), np.zeros(0, dtype=np.int64)
        self.top: tuple[np.ndarray, np.ndarray] = empty
        self.starts: dict[int, tuple[np.ndarray, np.ndarray]] = {n: empty for n in range(2, order)}
        self.tokens = 0
        self.sentences = 0

    @property
    def table_size(self) -> int:
        """Rows held in the tables: the memory that a chunk may match."""
        return int(self.top[0].shape[0] + sum(rows.shape[0] for rows, _ in self.starts.values()))

    def _grow(self) -> None:
        """Repack the tables when the vocabulary outgrows the bits per word."""
        size = self.layout.vocabulary_size
        while len(self.words) > size:
            size <<= 4
        wider = KeyLayout(size)
        self.top = (self.layout.repack(self.top[0], self.order, wider), self.top[1])
        for n, (rows, counts) in self.starts.items():
            self.starts[n] = (self.layout.repack(rows, n, wider), counts)
        self.layout = wider

    def add(self, tokens: Sequence[str | bytes]) -> None:
        """Count one chunk: tokens of whole sentences, each sentence closed by the marker."""
        if not tokens:
            return
        ids = np.fromiter(map(self.words.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        forbidden = (ids == 0) | (ids == 1) | (ids == 3)
        if forbidden.any():
            word = tokens[int(np.flatnonzero(forbidden)[0])]
            shown = word.decode("utf-8", "replace") if isinstance(word, bytes) else word
            raise ValueError(f"the corpus may not contain the special word {shown!r}")
        if len(self.words) > self.layout.vocabulary_size:
            self._grow()
        is_end = ids == _END
        self.tokens += int(ids.size - np.count_nonzero(is_end))
        self.sentences += int(np.count_nonzero(is_end))
        pad = self.order - 1
        # Padded position of every token: each sentence s gets N-1 <s> before it.
        sentence = np.cumsum(is_end) - is_end
        place = np.arange(ids.size) + pad * (sentence + 1)
        narrow = np.int32 if len(self.words) < 2**31 else np.int64  # halves the n-gram columns
        padded = np.ones(int(place[-1]) + 1, dtype=narrow)  # <s> = 1 everywhere else
        padded[place] = ids
        count = ids.size
        del ids
        first = np.flatnonzero(np.r_[True, is_end[:-1]])  # each sentence's first token
        j = np.arange(count) - np.repeat(first, np.diff(np.r_[first, count]))
        del sentence, is_end, first
        ends = place[j >= self.order - 2]
        columns = [padded[ends - (pad - offset)] for offset in range(self.order)]
        self.top = merge_counts(*self.top, *unique_rows(self.layout.pack(columns)))
        del columns, ends
        for n in range(2, self.order):
            ends = place[j == n - 2]
            columns = [padded[ends - (n - 1 - offset)] for offset in range(n)]
            self.starts[n] = merge_counts(*self.starts[n], *unique_rows(self.layout.pack(columns)))

    def vocabulary(self) -> tuple[tuple[str, ...], np.ndarray]:
        """The sorted vocabulary (<unk>, <s>, </s>, words) and the map from counting ids to it."""
        spelled = list(self.words)
        if isinstance(self.marker, bytes):
            try:
                words = [w.decode("utf-8") for w in spelled[4:]]  # type: ignore[union-attr]
            except UnicodeDecodeError:
                raise ValueError("the corpus is not UTF-8 text") from None
        else:
            words = [str(w) for w in spelled[4:]]
        order = sorted(range(len(words)), key=words.__getitem__)
        remap = np.zeros(len(spelled), dtype=np.int64)
        remap[[0, 1, 2]] = [0, 1, 2]
        remap[4 + np.array(order, dtype=np.int64)] = np.arange(3, 3 + len(words))
        return (KENLM_UNK, BOS, EOS, *(words[i] for i in order)), remap


def _sentence_tokens(chunk: bytes) -> list[bytes]:
    """Whole lines of bytes -> tokens split as lmplz splits them, each line closed by b"\\0"."""
    if b"\x0b" in chunk or b"\x0c" in chunk:  # bytes.split() would split at VT and FF, lmplz does not
        return [t for line in chunk.split(b"\n") for t in (*_LMPLZ_SPACES.split(line), b"\0") if t]
    return chunk.replace(b"\0", b" ").replace(b"\n", b" \0 ").split()


def read_chunks(handle: BinaryIO, chunk_bytes: Callable[[], int]) -> Iterator[tuple[list[bytes], int]]:
    """Yield (tokens, bytes read so far) for chunks of whole lines, checked as UTF-8 on the way."""
    tail = b""
    offset = 0  # bytes before ``tail`` in the file
    while True:
        block = handle.read(chunk_bytes())
        data = tail + block
        cut = data.rfind(b"\n") + 1 if block else len(data)
        if not block and data.strip(b"\0\t\r \x0b\x0c"):
            data += b"\n"
            cut = len(data)
        whole, tail = data[:cut], data[cut:]
        if len(tail) > MAX_LINE_BYTES:
            raise ValueError(f"the corpus has a line longer than {MAX_LINE_BYTES:,} bytes; is it text?")
        try:
            whole.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"the corpus is not UTF-8 text (byte 0x{whole[error.start]:02x} at offset "
                f"{offset + error.start}); convert it, e.g. with iconv -f latin1 -t utf-8"
            ) from None
        offset += len(whole)
        if whole:
            yield _sentence_tokens(whole), offset
        if not block:
            return


def _log10_float32(probability: np.ndarray) -> np.ndarray:
    """log10 p capped at 0, computed in float64 in place, then stored as the model's float32."""
    with np.errstate(divide="ignore"):
        np.log10(probability, out=probability)
    np.minimum(probability, 0.0, out=probability)
    return probability.astype(np.float32)


def estimate(
    counter: NgramStreamCounter, discount_fallback: Sequence[float] | None = DEFAULT_FALLBACK
) -> tuple[BackoffModel, tuple[OrderStatistics, ...], tuple[np.ndarray, ...]]:
    """The modified Kneser-Ney model of the counted tables: model, discounts, adjusted counts."""
    fallback = _checked_fallback(discount_fallback)
    if counter.tokens == 0:
        raise ValueError("the corpus has no words")
    order = counter.order
    vocabulary, remap = counter.vocabulary()
    size = len(vocabulary)
    layout = KeyLayout(size)
    old = counter.layout

    def final(rows: np.ndarray, counts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        return unique_rows(old.repack(rows, n, layout, remap), counts)

    rows: list[np.ndarray] = [np.zeros(0)] * order
    adjusted: list[np.ndarray] = [np.zeros(0)] * order
    rows[order - 1], adjusted[order - 1] = final(*counter.top, order)
    for n in range(order - 1, 0, -1):
        suffixes = layout.pack(layout.unpack(rows[n], n + 1)[1:])
        suffix_rows, extensions = unique_rows(suffixes)
        del suffixes
        if n >= 2:
            start_rows, start_counts = final(*counter.starts[n], n)
            both = np.concatenate([suffix_rows, start_rows]), np.concatenate([extensions, start_counts])
        else:
            special = layout.pack([np.array([0, 1], dtype=np.int64)])  # <unk> and <s>: count 0
            both = np.concatenate([special, suffix_rows]), np.concatenate([[0, 0], extensions])
        rows[n - 1], adjusted[n - 1] = unique_rows(*both)
    if rows[0].shape[0] != size:
        raise AssertionError("every vocabulary word must be a stored unigram")

    statistics, tables = [], []
    for n in range(1, order + 1):
        tally = np.bincount(np.minimum(adjusted[n - 1], 5), minlength=6)
        count_of_counts = (int(tally[1]), int(tally[2]), int(tally[3]), int(tally[4]))
        discounts, fell_back = kenlm_discounts(count_of_counts, fallback)
        statistics.append(OrderStatistics(n, count_of_counts, discounts, fell_back))
        tables.append(np.array([0.0, *discounts]))

    keys = [trie_keys(rows[0], 1, layout, None)]
    for n in range(2, order + 1):
        keys.append(trie_keys(rows[n - 1], n, layout, rows[n - 2]))
        rows[n - 2] = np.zeros(0)
    del rows

    a = adjusted[0].astype(np.float64)
    discount = tables[0][np.minimum(adjusted[0], 3)]
    gamma = discount.sum() / a.sum()
    probability = (a - discount) / a.sum() + gamma / (size - 1)
    probability[1] = 1.0  # p(<s>) = 1: it is given, never predicted
    probabilities = [probability]  # float64 while the next order interpolates with it
    backoffs = [np.zeros(size, dtype=np.float32)]
    suffix = keys[0]  # position of each n-gram's suffix w_2..w_n in order n-1 (unigrams: the id)
    for n in range(2, order + 1):
        # p = (a - D(a)) / sum_v a(h v) + gamma(h) p(w | h'), in place: the same float64 steps.
        probability = adjusted[n - 1].astype(np.float64)
        probability -= tables[n - 1][np.minimum(adjusted[n - 1], 3)]
        prefix, last = np.divmod(keys[n - 1], size)
        starts = np.flatnonzero(np.r_[True, prefix[1:] != prefix[:-1]])
        group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, prefix.size]))
        denominators = np.add.reduceat(adjusted[n - 1], starts).astype(np.float64)
        context_gamma = np.add.reduceat(tables[n - 1][np.minimum(adjusted[n - 1], 3)], starts)
        context_gamma /= denominators
        probability /= denominators[group]
        if n == 2:
            suffix = last
        else:
            query = suffix[prefix]
            query *= size
            query += last
            suffix = np.searchsorted(keys[n - 2], query)
            if not np.array_equal(keys[n - 2][np.minimum(suffix, keys[n - 2].size - 1)], query):
                raise AssertionError("every suffix of a stored n-gram must be stored")
            del query
        del last
        lower = probabilities[n - 2][suffix]
        lower *= context_gamma[group]
        probability += lower
        del lower, group
        probabilities.append(probability)
        probabilities[n - 2] = _log10_float32(probabilities[n - 2])  # no longer interpolated with
        backoff = np.zeros(keys[n - 2].size, dtype=np.float32)
        backoff[prefix[starts]] = np.log10(context_gamma)
        del prefix
        below_last = keys[n - 2] % size
        backoff[(below_last == 0) | (below_last == _END)] = 0.0  # no context ends in <unk> or </s>
        backoffs[n - 2] = backoff
        backoffs.append(np.zeros(keys[n - 1].size, dtype=np.float32))
        del below_last, denominators, context_gamma
    probabilities[order - 1] = _log10_float32(probabilities[order - 1])
    log10_probabilities = tuple(probabilities)
    model = BackoffModel(order, vocabulary, tuple(keys), log10_probabilities, tuple(backoffs))
    model.name = "modified-kneser-ney"
    return model, tuple(statistics), tuple(adjusted)


def fit_streamed(
    sentences: Iterable[Sequence[str]],
    order: int,
    discount_fallback: Sequence[float] | None = DEFAULT_FALLBACK,
    sentences_per_chunk: int = 100_000,
) -> BackoffModel:
    """Modified Kneser-Ney of in-memory sentences through the chunked counter (no key-width limit)."""
    counter = NgramStreamCounter(order, "\0")
    batch: list[Sequence[str]] = []
    for sentence in chain(sentences, [None]):
        if sentence is not None:
            if isinstance(sentence, str):
                raise ValueError("sentences must be lists of tokens, not strings; use tokenize(text)")
            batch.append(sentence)
        if batch and (sentence is None or len(batch) == sentences_per_chunk):
            counter.add([t for s in batch for t in (*s, "\0")])
            batch = []
    return estimate(counter, discount_fallback)[0]


def build_arpa(
    corpus: str | Path,
    output: str | Path,
    order: int,
    progress: Progress | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    discount_fallback: Sequence[float] | None = DEFAULT_FALLBACK,
) -> Build:
    """Read a corpus file in chunks, estimate modified Kneser-Ney, write the ARPA file."""
    report = progress or (lambda stage, done, total: None)
    counter = NgramStreamCounter(order, b"\0")
    handle, total = open_binary(corpus, "corpus")
    with handle:
        report("counting", 0, total)
        for tokens, done in read_chunks(handle, lambda: max(chunk_bytes, 8 * counter.table_size)):
            counter.add(tokens)
            del tokens
            report("counting", done, total)
    report("estimating", 0, order)
    model, statistics, _ = estimate(counter, discount_fallback)
    report("estimating", order, order)
    report("writing", 0, sum(model.counts))
    with open(output, "wb") as stream:
        write_arpa(model, stream)
    report("writing", sum(model.counts), sum(model.counts))
    return Build(order, counter.tokens, counter.sentences, len(model.vocabulary), model.counts, statistics)


if __name__ == "__main__":
    lm = fit_streamed([["a", "a", "b", "a"], ["b", "a", "a", "b"]], 3)
    print(lm.counts, round(lm.log10score("a", ("<s>", "a")), 6))
