"""A backoff n-gram model (the content of an ARPA file), queried as KenLM queries it.

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
on first use (a dict lookup instead of a NumPy call per step). Reading and writing ARPA files:
``seqml.ngram.arpa`` and ``seqml.ngram.arpa_write``.

Reference: Heafield, "KenLM: faster and smaller language model queries" (WMT 2011).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

import numpy as np

from seqml.ngram.base import LanguageModel

__all__ = ["ARPA_UNK", "UNKNOWN_MISSING_LOG10", "BackoffModel"]

ARPA_UNK = "<unk>"
UNKNOWN_MISSING_LOG10 = -100.0  # KenLM's log10 p(<unk>) when the file has no <unk>
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


if __name__ == "__main__":
    bigram = BackoffModel(
        2,
        ("<unk>", "<s>", "</s>", "a"),
        (np.arange(4), np.array([1 * 4 + 3, 3 * 4 + 2])),
        (np.array([-1.0, 0.0, -0.4, -0.5]), np.array([-0.1, -0.2])),
        (np.array([0.0, -0.3, 0.0, -0.2]), np.zeros(2)),
    )
    print(bigram.full_scores(["a"]), bigram.total_score(["a", "b"]))
