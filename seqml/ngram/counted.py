"""The NLTK-style N-gram models over counted n-grams: MLE, Lidstone/Laplace, Witten-Bell, Kneser-Ney.

Write ``c(h w)`` for the count of context ``h`` followed by ``w``, ``c(h) = sum_w c(h w)``,
``N1+(h .) = |{w : c(h w) > 0}|``, ``V`` for the vocabulary size (with ``<UNK>``) and ``h'`` for
``h`` without its first word. The models, in the conventions of NLTK's ``nltk.lm``:

    MLE:           P(w | h) = c(h w) / c(h)                      (0 when c(h) = 0)
    Lidstone:      P(w | h) = (c(h w) + gamma) / (c(h) + V gamma)     Laplace: gamma = 1
    Witten-Bell:   P(w | h) = (1 - l_h) c(h w) / c(h) + l_h P(w | h'),
                   l_h = N1+(h .) / (N1+(h .) + c(h)),          P(w) = c(w) / sum_v c(v)
    Kneser-Ney:    P(w | h) = max(k(h w) - d, 0) / k(h .) + d N1+(h .) / k(h .) P(w | h')
                   k(h w) = c(h w) at the top order N, else the continuation count
                   N1+(. h w) = |{x : c(x h w) > 0}|; k(h .) = sum_w k(h w); P(w) = N1+(. w) / N1+(. .)

An interpolated model whose context ``h`` was never seen uses ``P(w | h')`` unchanged, as NLTK does.
Words never seen (``<UNK>``, unless ``unk_cutoff`` sent training words there) get probability 0
under Witten-Bell and Kneser-Ney, so a text holding one has infinite perplexity. ``<s>`` is a
counted word (N-1 per training sentence): Witten-Bell gives it mass in every context, and
Kneser-Ney, whose unigrams count the words a word follows, gives it 0 in a bigram model (it follows
nothing) but some mass from N = 3, where it follows ``<s>``; NLTK 3.10 computes the same.
Kneser-Ney's discount ``d`` defaults to 0.1. Counting, padding and scoring are
``seqml.ngram.base``'s; KenLM's modified Kneser-Ney is in ``seqml.ngram.kenlm``.

References: Jurafsky & Martin, *Speech and Language Processing*, ch. 3 (smoothing); Chen & Goodman,
"An empirical study of smoothing techniques for language modeling" (1998); Witten & Bell, IEEE
Trans. Inf. Theory 37(4), 1991; Kneser & Ney, ICASSP 1995; NLTK ``nltk.lm`` documentation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from seqml.ngram.base import (
    LanguageModel,
    NgramCounts,
    _encode,
    _group_by_prefix,
    _lookup,
    _values,
    count_ngrams,
)

__all__ = [
    "COUNTED_MODELS",
    "KneserNeyModel",
    "LidstoneModel",
    "MLEModel",
    "WittenBellModel",
    "fit_counted",
]

COUNTED_MODELS = ("mle", "lidstone", "laplace", "witten-bell", "kneser-ney")


class _CountedModel(LanguageModel):
    """A model over NLTK-style counts: keeps per-order keys, counts and context totals."""

    left_padding = 0

    def __init__(self, counts: NgramCounts) -> None:
        super().__init__(counts.order, counts.vocabulary)
        self.counts = counts
        self.left_padding = counts.order - 1
        size = counts.vocabulary_size
        self._size = size
        self._unigram_total = int(counts.counts[0].sum())
        # Per order n >= 2: distinct contexts h, c(h) = sum_w c(h w) and N1+(h .).
        self._contexts: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = [None]
        for n in range(2, counts.order + 1):
            self._contexts.append(_group_by_prefix(counts.keys[n - 1], counts.counts[n - 1], size))

    def _count(self, rows: np.ndarray) -> np.ndarray:
        """c(row) for id rows of one length."""
        n = rows.shape[1]
        return _values(self.counts.keys[n - 1], self.counts.counts[n - 1], _encode(rows, self._size))

    def _context_stats(self, context_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For contexts of length n-1: whether seen, c(h) and N1+(h .)."""
        keys, totals, sizes = self._contexts[context_rows.shape[1]]
        position, found = _lookup(keys, _encode(context_rows, self._size))
        if not keys.size:
            zero = np.zeros(context_rows.shape[0], dtype=np.int64)
            return found, zero, zero
        return found, np.where(found, totals[position], 0), np.where(found, sizes[position], 0)


class MLEModel(_CountedModel):
    """Maximum likelihood: relative frequency, 0 for anything unseen (nltk.lm.MLE)."""

    name = "mle"
    convention = "NLTK nltk.lm.MLE"

    def _probabilities(self, rows: np.ndarray) -> np.ndarray:
        word_counts = self._count(rows).astype(np.float64)
        if rows.shape[1] == 1:
            return word_counts / self._unigram_total
        _, totals, _ = self._context_stats(rows[:, :-1])
        safe = np.where(totals > 0, totals, 1)
        return np.where(totals > 0, word_counts / safe, 0.0)


class LidstoneModel(_CountedModel):
    """Add-gamma smoothing: (c(h w) + gamma) / (c(h) + V gamma) (nltk.lm.Lidstone / Laplace)."""

    name = "lidstone"
    convention = "NLTK nltk.lm.Lidstone"

    def __init__(self, counts: NgramCounts, gamma: float) -> None:
        super().__init__(counts)
        if not (isinstance(gamma, (int, float)) and math.isfinite(gamma) and gamma > 0):
            raise ValueError(f"gamma must be a finite number > 0, got {gamma!r}")
        self.gamma = float(gamma)
        if self.gamma == 1.0:
            self.name, self.convention = "laplace", "NLTK nltk.lm.Laplace"

    def _probabilities(self, rows: np.ndarray) -> np.ndarray:
        word_counts = self._count(rows).astype(np.float64)
        if rows.shape[1] == 1:
            totals = np.full(rows.shape[0], float(self._unigram_total))
        else:
            _, totals, _ = self._context_stats(rows[:, :-1])
        return (word_counts + self.gamma) / (totals + len(self.vocabulary) * self.gamma)


class WittenBellModel(_CountedModel):
    """Interpolated Witten-Bell: trust a context by how few new words follow it."""

    name = "witten-bell"
    convention = "NLTK nltk.lm.WittenBellInterpolated"

    def _probabilities(self, rows: np.ndarray) -> np.ndarray:
        n = rows.shape[1]
        probability = self._count(rows[:, -1:]).astype(np.float64) / self._unigram_total
        for k in range(2, n + 1):
            suffix = rows[:, n - k :]
            found, totals, types = self._context_stats(suffix[:, :-1])
            word_counts = self._count(suffix)
            safe = np.where(found, totals, 1)
            weight = types / (types + safe)  # lambda_h: the mass kept for unseen words
            interpolated = (1.0 - weight) * word_counts / safe + weight * probability
            probability = np.where(found, interpolated, probability)
        return probability


class KneserNeyModel(_CountedModel):
    """Interpolated Kneser-Ney with one discount d, as nltk.lm.KneserNeyInterpolated computes it."""

    name = "kneser-ney"
    convention = "NLTK nltk.lm.KneserNeyInterpolated (discount 0.1 default; unknown words 0)"

    def __init__(self, counts: NgramCounts, discount: float = 0.1) -> None:
        if counts.order < 2:
            raise ValueError("kneser-ney needs order >= 2 (its unigrams come from bigram types)")
        if not (isinstance(discount, (int, float)) and 0.0 <= discount <= 1.0):
            raise ValueError(f"discount must be between 0 and 1, got {discount!r}")
        super().__init__(counts)
        self.discount = float(discount)
        size = self._size
        # Continuation counts for orders below N: k(h w) = N1+(. h w), from the (n+1)-gram types.
        self._continuation: list[tuple[np.ndarray, np.ndarray]] = []
        self._continuation_contexts: list[tuple[np.ndarray, np.ndarray] | None] = []
        for n in range(1, counts.order):
            suffixes = counts.keys[n] % size**n
            if n == 1:  # word ids are small: count without sorting
                dense = np.bincount(suffixes, minlength=size)
                keys = np.flatnonzero(dense)
                extensions = dense[keys]
            else:
                keys, extensions = np.unique(suffixes, return_counts=True)
            self._continuation.append((keys, extensions.astype(np.int64)))
            if n == 1:
                self._continuation_contexts.append(None)
            else:
                context_keys, sums, _ = _group_by_prefix(keys, extensions.astype(np.int64), size)
                self._continuation_contexts.append((context_keys, sums))
        self._bigram_types = int(counts.keys[1].size)

    def _probabilities(self, rows: np.ndarray) -> np.ndarray:
        n, d, size = rows.shape[1], self.discount, self._size
        keys, extensions = self._continuation[0]
        probability = _values(keys, extensions, rows[:, -1]) / self._bigram_types
        for k in range(2, n + 1):
            suffix = rows[:, n - k :]
            found, totals, types = self._context_stats(suffix[:, :-1])
            if k == self.order:
                numerator = self._count(suffix).astype(np.float64)
            else:
                keys, extensions = self._continuation[k - 1]
                numerator = _values(keys, extensions, _encode(suffix, size)).astype(np.float64)
                context_keys, sums = self._continuation_contexts[k - 1]
                totals = _values(context_keys, sums, _encode(suffix[:, :-1], size))
                found = found & (totals > 0)
            safe = np.where(found, totals, 1)
            alpha = np.maximum(numerator - d, 0.0) / safe
            gamma = d * types / safe
            probability = np.where(found, alpha + gamma * probability, probability)
        return probability


def fit_counted(
    sentences: str | Iterable[Sequence[str]],
    order: int,
    model: str = "kneser-ney",
    unk_cutoff: int = 1,
    gamma: float = 0.1,
    discount: float = 0.1,
) -> LanguageModel:
    """Count a corpus once and build one NLTK-style model; ``seqml.ngram.fit`` checks the options."""
    if model not in COUNTED_MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(COUNTED_MODELS)}")
    counts = count_ngrams(sentences, order, unk_cutoff=unk_cutoff)
    if model == "mle":
        return MLEModel(counts)
    if model == "lidstone":
        return LidstoneModel(counts, gamma)
    if model == "laplace":
        return LidstoneModel(counts, 1.0)
    if model == "witten-bell":
        return WittenBellModel(counts)
    return KneserNeyModel(counts, discount)


if __name__ == "__main__":
    from seqml.ngram.base import tokenize

    corpus = tokenize("Three blind mice ran.\nThree blind men walked.\nThe bell tolls.")
    for kind in COUNTED_MODELS:
        lm = fit_counted(corpus, 3, kind)
        best = ", ".join(f"{w} {p:.3f}" for w, p in lm.top_k(("three", "blind"), 3))
        print(f"{kind:>12}: {best} | perplexity {lm.perplexity([['three', 'blind', 'mice']]):.3f}")
