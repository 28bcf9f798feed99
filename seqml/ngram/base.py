"""What every N-gram model shares: tokens, padding, integer n-gram keys, counts and scoring.

An N-gram model predicts a word from the N-1 words before it (the Markov assumption):

    P(w_1 .. w_T) ~= prod_t P(w_t | w_{t-N+1} .. w_{t-1})
    perplexity(s) = 2 ** (-(1/M) sum_t log2 P(w_t | w_{t-N+1} .. w_{t-1}))   over M scored tokens

The smoothed estimates of ``P(w | h)`` live in ``seqml.ngram.counted`` (NLTK's conventions) and
``seqml.ngram.kenlm`` (KenLM's modified Kneser-Ney); this module gives them their common ground.

Conventions (NLTK's, so results match ``nltk.lm`` to 1e-10; see tests/reference):
- training sentences are padded with N-1 ``<s>`` and N-1 ``</s>`` and every 1..N-gram inside a
  padded sentence is counted (``padded_everygram_pipeline``); the padding symbols are words of the
  vocabulary, and words seen fewer than ``unk_cutoff`` times become ``<UNK>``;
- ``logscore`` is log base 2 and ``perplexity = 2 ** (-mean log2 P)``. Perplexity pads each test
  sentence with N-1 ``<s>`` and one ``</s>`` and scores every word and the ``</s>``; at N = 1 there
  is no ``</s>`` (training had none to count); a zero probability gives an explicit ``inf``
  (never NaN, never a warning).
- contexts longer than N-1 words are cut to their last N-1 words (NLTK does so for its
  interpolated models; its MLE and Lidstone would treat the longer context as unseen).

Counting is vectorised: words become integer ids, an n-gram becomes the base-V integer
``sum_i id_i V^(n-1-i)``, and ``np.unique`` over the N-gram keys gives the top-order counts. Lower
orders need no further sort: each n-gram of a padded sentence is the prefix (``key // V``) of the
(n+1)-gram starting at the same place, except the sentence's trailing run of ``</s>``, so their
counts are run-length sums over the already sorted prefixes. Lookups are ``np.searchsorted`` into
the sorted keys, so ``score_many`` scores a whole batch of n-grams in a few array passes.

References: Jurafsky & Martin, *Speech and Language Processing*, ch. 3 (N-grams, perplexity);
NLTK ``nltk.lm`` documentation (``padded_everygram_pipeline``, ``Vocabulary``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import numpy as np

__all__ = ["BOS", "EOS", "UNK", "LanguageModel", "NgramCounts", "count_ngrams", "tokenize"]

BOS = "<s>"
EOS = "</s>"
UNK = "<UNK>"

_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_MAX_KEY = 2**63 - 1


def tokenize(text: str) -> list[list[str]]:
    """Split text into sentences of lowercase words: a sentence ends at a line break or . ! ? ;"""
    sentences = []
    for chunk in _SENTENCE_END.split(text):
        words = _WORD.findall(chunk.casefold())
        if words:
            sentences.append(words)
    return sentences


# --------------------------------------------------------------------------- vocabulary and keys


def _as_sentences(sentences: str | Iterable[Sequence[str]]) -> list[list[str]]:
    """Accept raw text or sentences of tokens, so a demo can pass either."""
    if isinstance(sentences, str):
        return tokenize(sentences)
    result = sentences if isinstance(sentences, list) else list(sentences)
    if all(type(sentence) is list for sentence in result):
        return result  # the common case, checked at C speed
    for number, sentence in enumerate(result):
        if isinstance(sentence, str):
            raise ValueError("sentences must be lists of tokens, not strings; use tokenize(text)")
        if not isinstance(sentence, list):
            if result is sentences:
                result = list(result)  # never modify the caller's list
            result[number] = list(sentence)
    return result


def _check_order(order: int) -> int:
    """Reject orders that are not positive integers before any counting happens."""
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise ValueError(f"order must be an integer >= 1, got {order!r}")
    if order < 1:
        raise ValueError(f"order must be >= 1, got {order}")
    return int(order)


def _check_corpus(sentences: list[list[str]], order: int) -> None:
    """Refuse a corpus without words; sentences shorter than N are fine, padding fills them.

    NLTK and lmplz both train on them: ``<s> <s> a b </s> </s>`` holds trigrams though
    ``a b`` is only two words long.
    """
    if not any(sentences):
        raise ValueError("the corpus has no words")


def _check_key_room(vocabulary_size: int, order: int) -> None:
    """Base-V keys must fit in int64: V ** N < 2 ** 63."""
    if vocabulary_size**order > _MAX_KEY:
        raise ValueError(
            f"a vocabulary of {vocabulary_size} words is too large for order {order} "
            "(n-gram keys need V ** N < 2 ** 63); lower the order or raise unk_cutoff"
        )


def _encode(ids: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """Rows of ids (M, n) -> base-V int64 keys (M,); n = 0 gives key 0 (the empty context)."""
    keys = np.zeros(ids.shape[0], dtype=np.int64)
    for column in range(ids.shape[1]):
        keys = keys * vocabulary_size + ids[:, column]
    return keys


def _lookup(sorted_keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``queries`` in ``sorted_keys`` and whether each one is there."""
    position = np.searchsorted(sorted_keys, queries)
    inside = position < sorted_keys.size
    position = np.where(inside, position, 0)
    found = inside & (sorted_keys[position] == queries) if sorted_keys.size else inside
    return position, found


def _values(sorted_keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Values stored under ``queries`` (0 where a key is absent)."""
    position, found = _lookup(sorted_keys, queries)
    if not sorted_keys.size:
        return np.zeros(queries.shape, dtype=values.dtype)
    return np.where(found, values[position], 0)


def _group_by_prefix(
    keys: np.ndarray, weights: np.ndarray, vocabulary_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For sorted n-gram keys: each distinct context (first n-1 words), its weight sum and size."""
    prefixes = keys // vocabulary_size
    if not prefixes.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    starts = np.flatnonzero(np.r_[True, prefixes[1:] != prefixes[:-1]])
    sums = np.add.reduceat(weights, starts)
    sizes = np.diff(np.r_[starts, prefixes.size])
    return prefixes[starts], sums, sizes


def _window_keys(ids: np.ndarray, ends: np.ndarray, n: int, vocabulary_size: int) -> np.ndarray:
    """Keys of every n-gram that lies inside one padded sentence (none crosses a boundary)."""
    starts = np.ones(max(ids.size - n + 1, 0), dtype=bool)
    for back in range(1, n):  # the last n-1 starts of each sentence would run into the next
        crossing = ends - n + back
        starts[crossing[(crossing >= 0) & (crossing < starts.size)]] = False
    keys = np.zeros(starts.size, dtype=np.int64)
    for offset in range(n):
        keys = keys * vocabulary_size + ids[offset : offset + starts.size]
    return keys[starts]


# --------------------------------------------------------------------------- counting


@dataclass(frozen=True)
class NgramCounts:
    """Counts of every 1..N-gram of a padded corpus, as sorted base-V keys and counts per order."""

    order: int
    vocabulary: tuple[str, ...]  # id -> word; sorted, so ids follow alphabetical order
    unk_cutoff: int
    keys: tuple[np.ndarray, ...]  # keys[n-1]: sorted int64 keys of the distinct n-grams
    counts: tuple[np.ndarray, ...]  # counts[n-1][i]: how often keys[n-1][i] occurs

    @property
    def vocabulary_size(self) -> int:
        """V, the base of the n-gram keys (includes <s>, </s> and <UNK>)."""
        return len(self.vocabulary)

    @cached_property
    def index(self) -> dict[str, int]:
        """word -> id, built on first use (counting itself never needs it)."""
        return {word: i for i, word in enumerate(self.vocabulary)}

    def ids(self, words: Sequence[str]) -> np.ndarray:
        """Word ids, with every word outside the vocabulary mapped to <UNK>."""
        index = self.index
        unknown = index[UNK]
        return np.asarray([index.get(word, unknown) for word in words], dtype=np.int64)

    def count(self, ngram: Sequence[str]) -> int:
        """How often this n-gram occurs in the padded training text (0 if never)."""
        n = len(ngram)
        if not 1 <= n <= self.order:
            raise ValueError(f"n-gram length must be between 1 and {self.order}, got {n}")
        key = _encode(self.ids(ngram)[None, :], self.vocabulary_size)
        return int(_values(self.keys[n - 1], self.counts[n - 1], key)[0])

    def ngrams(self, n: int) -> list[tuple[tuple[str, ...], int]]:
        """Every distinct n-gram with its count, in key order (for display and tests)."""
        keys = self.keys[n - 1]
        digits = np.empty((keys.size, n), dtype=np.int64)
        rest = keys.copy()
        for column in range(n - 1, -1, -1):
            digits[:, column] = rest % self.vocabulary_size
            rest //= self.vocabulary_size
        words = self.vocabulary
        return [
            (tuple(words[i] for i in row), int(count))
            for row, count in zip(digits.tolist(), self.counts[n - 1].tolist(), strict=True)
        ]


def count_ngrams(sentences: str | Iterable[Sequence[str]], order: int, unk_cutoff: int = 1) -> NgramCounts:
    """Count all 1..N-grams with NLTK's padding (N-1 <s> and </s> per sentence) and <UNK> cutoff."""
    order = _check_order(order)
    if isinstance(unk_cutoff, bool) or not isinstance(unk_cutoff, (int, np.integer)):
        raise ValueError(f"unk_cutoff must be an integer >= 1, got {unk_cutoff!r}")
    if unk_cutoff < 1:
        raise ValueError(f"unk_cutoff must be >= 1, got {unk_cutoff}")
    sentences = _as_sentences(sentences)
    _check_corpus(sentences, order)
    pad = order - 1

    # Words -> ids: the C-level set, sort and map do the string work; the rest is NumPy.
    flat = list(chain.from_iterable(sentences))
    distinct = set(flat)
    distinct.update((BOS, EOS, UNK))
    words = sorted(distinct)
    index = dict(zip(words, range(len(words)), strict=True))
    raw = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    frequency = np.bincount(raw, minlength=len(words))
    frequency[index[BOS]] += pad * len(sentences)
    frequency[index[EOS]] += pad * len(sentences)

    # The vocabulary: words at or above the cutoff (padding symbols included, as NLTK counts
    # them) and <UNK>. Dropped words map to <UNK>; sorted order survives the filtering.
    keep = frequency >= unk_cutoff
    keep[index[UNK]] = True
    vocabulary = tuple(word for word, kept in zip(words, keep.tolist(), strict=True) if kept)
    size = len(vocabulary)
    _check_key_room(size, order)
    unknown = vocabulary.index(UNK)
    remap = np.where(keep, np.cumsum(keep) - 1, unknown)
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    bos, eos = int(remap[index[BOS]]), int(remap[index[EOS]])
    ids, ends = _pad_arrays(remap[raw], lengths, pad, pad, bos, eos)

    # Top order: one sort of the N-gram keys. Every n-gram of a padded sentence is the prefix of
    # the (n+1)-gram that starts where it starts, except one per sentence: the last n tokens,
    # all </s> padding. So lower orders are run-length sums over sorted prefixes, no sort.
    window = _window_keys(ids, ends, order, size)
    top_keys, top_counts = np.unique(window, return_counts=True)
    keys, counts = [top_keys], [top_counts.astype(np.int64)]
    for n in range(order - 1, 0, -1):
        prefix_keys, prefix_counts, _ = _group_by_prefix(keys[0], counts[0], size)
        padding_key = eos * sum(size**k for k in range(n))
        position, found = _lookup(prefix_keys, np.array([padding_key]))
        extra = len(sentences)
        if found[0]:
            prefix_counts[position[0]] += extra
        else:
            prefix_keys = np.insert(prefix_keys, position[0], padding_key)
            prefix_counts = np.insert(prefix_counts, position[0], extra)
        keys.insert(0, prefix_keys)
        counts.insert(0, prefix_counts)
    return NgramCounts(order, vocabulary, unk_cutoff, tuple(keys), tuple(counts))


def _pad_arrays(
    tokens: np.ndarray, lengths: np.ndarray, left: int, right: int, bos: int, eos: int
) -> tuple[np.ndarray, np.ndarray]:
    """Insert ``left`` <s> before and ``right`` </s> after every sentence of a flat id array."""
    padded_lengths = lengths + left + right
    ends = np.cumsum(padded_lengths)
    starts = ends - padded_lengths
    ids = np.empty(int(ends[-1]) if ends.size else 0, dtype=np.int64)
    is_word = np.ones(ids.size, dtype=bool)
    for offset in range(left):
        ids[starts + offset] = bos
        is_word[starts + offset] = False
    for offset in range(1, right + 1):
        ids[ends - offset] = eos
        is_word[ends - offset] = False
    ids[is_word] = tokens
    return ids, ends


# --------------------------------------------------------------------------- scoring


class LanguageModel:
    """Shared scoring, ranking, perplexity and sampling; subclasses give P(w | h) for id rows."""

    name = "base"
    convention = ""
    bos = BOS
    eos = EOS
    unk = UNK
    left_padding: int  # how many <s> perplexity and generation put before a sentence

    def __init__(self, order: int, vocabulary: tuple[str, ...]) -> None:
        self.order = order
        self.vocabulary = vocabulary
        self._index = {word: i for i, word in enumerate(vocabulary)}
        self._unknown = self._index[self.unk]
        self._bos_id = self._index.get(self.bos, self._unknown)
        self._eos_id = self._index.get(self.eos, self._unknown)

    # Subclasses implement this on id rows (M, n), 1 <= n <= order; the last column is the word.
    def _probabilities(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} order={self.order} vocabulary={len(self.vocabulary)}>"

    def lookup(self, words: Sequence[str]) -> np.ndarray:
        """Ids of words, with words outside the vocabulary mapped to the unknown token."""
        get, unknown = self._index.get, self._unknown
        return np.fromiter((get(word, unknown) for word in words), dtype=np.int64, count=len(words))

    def _rows(self, ngrams: Sequence[Sequence[str]] | np.ndarray) -> np.ndarray:
        """Turn n-grams (word tuples or an id array) into id rows cut to the model's order."""
        if isinstance(ngrams, np.ndarray) and ngrams.dtype.kind in "iu":
            rows = ngrams.astype(np.int64, copy=False)
            if rows.ndim != 2 or rows.shape[1] < 1:
                raise ValueError("id n-grams must be a 2-D array with at least one column")
            if rows.size and (rows.min() < 0 or rows.max() >= len(self.vocabulary)):
                raise ValueError("an id is outside the vocabulary")
        else:
            ngrams = [tuple(ngram) for ngram in ngrams]
            lengths = {len(ngram) for ngram in ngrams}
            if len(lengths) > 1:
                raise ValueError("all n-grams passed to score_many must have the same length")
            n = lengths.pop() if lengths else 1
            if n < 1:
                raise ValueError("an n-gram needs at least the word being scored")
            flat = self.lookup([word for ngram in ngrams for word in ngram])
            rows = flat.reshape(len(ngrams), n)
        return rows[:, -self.order :]

    def score_many(self, ngrams: Sequence[Sequence[str]] | np.ndarray) -> np.ndarray:
        """P(last word | the words before it) for many n-grams of one length, in one pass."""
        rows = self._rows(ngrams)
        if rows.shape[0] == 0:
            return np.zeros(0)
        return self._probabilities(rows)

    def score(self, word: str, context: Sequence[str] = ()) -> float:
        """P(word | context); the context is cut to its last N-1 words."""
        if isinstance(context, str):
            context = (context,)
        return float(self.score_many([(*context, word)])[0])

    def logscore(self, word: str, context: Sequence[str] = ()) -> float:
        """log2 P(word | context), as NLTK reports it; -inf for probability 0."""
        probability = self.score(word, context)
        return math.log2(probability) if probability > 0 else -math.inf

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """P(w | context) for every vocabulary id w, in one vectorised call."""
        keep = min(len(context), self.order - 1)
        context_ids = self.lookup(list(context)[len(context) - keep :] if keep else [])
        size = len(self.vocabulary)
        rows = np.empty((size, context_ids.size + 1), dtype=np.int64)
        rows[:, :-1] = context_ids
        rows[:, -1] = np.arange(size)
        return self._probabilities(rows)

    def top_k(self, context: Sequence[str] = (), k: int = 5) -> list[tuple[str, float]]:
        """The k likeliest next words after ``context`` (never <s>), best first, ties by word."""
        if isinstance(context, str):
            context = (context,)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        probabilities = self.distribution(tuple(context))
        candidates = np.array(
            [i for i, word in enumerate(self.vocabulary) if word != self.bos], dtype=np.int64
        )
        # Sort by probability (descending), then by the word itself (ids follow the vocabulary).
        ranked = candidates[np.lexsort((candidates, -probabilities[candidates]))][:k]
        return [(self.vocabulary[i], float(probabilities[i])) for i in ranked]

    def evaluation_ngrams(self, sentences: str | Iterable[Sequence[str]]) -> np.ndarray:
        """The id n-grams that perplexity scores: each word and one </s> (none at N = 1).

        A unigram model is trained without padding (N-1 = 0 symbols), so it never saw </s>:
        scoring one would make every MLE or Witten-Bell perplexity infinite. NLTK pads test
        sentences the same way (``pad_both_ends(sentence, n=1)`` adds nothing).
        """
        sentences = _as_sentences(sentences)
        n = self.order
        if not sentences:
            return np.zeros((0, n), dtype=np.int64)
        tokens = self.lookup(list(chain.from_iterable(sentences)))
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        left, right = n - 1, min(n - 1, 1)
        ids, ends = _pad_arrays(tokens, lengths, left, right, self._bos_id, self._eos_id)
        # Every position after the left padding ends one scored n-gram.
        is_target = np.ones(ids.size, dtype=bool)
        starts = ends - (lengths + left + right)
        for offset in range(left):
            is_target[starts + offset] = False
        targets = np.flatnonzero(is_target)
        windows = targets[:, None] + np.arange(-n + 1, 1)[None, :]
        return ids[windows]

    def entropy(self, ngrams: Sequence[Sequence[str]] | np.ndarray) -> float:
        """Cross-entropy in bits, -mean log2 P, over explicit n-grams (NLTK's ``entropy``)."""
        rows = self._rows(ngrams)
        if rows.shape[0] == 0:
            raise ValueError("entropy needs at least one n-gram")
        probabilities = self._probabilities(rows)
        if np.any(probabilities <= 0.0):
            return math.inf
        return float(-np.mean(np.log2(probabilities)))

    def ngram_perplexity(self, ngrams: Sequence[Sequence[str]] | np.ndarray) -> float:
        """2 ** entropy over explicit n-grams, as NLTK's ``perplexity(text_ngrams)``."""
        return float(2.0 ** self.entropy(ngrams))

    def perplexity(self, sentences: str | Iterable[Sequence[str]]) -> float:
        """2 ** (-mean log2 P) over every word and </s>; inf when any probability is 0."""
        rows = self.evaluation_ngrams(sentences)
        if rows.shape[0] == 0:
            raise ValueError("perplexity needs at least one sentence")
        return self.ngram_perplexity(rows)

    def generate(self, num_words: int, rng: np.random.Generator, context: Sequence[str] = ()) -> list[str]:
        """Sample up to num_words words after ``context``; stops early when </s> is drawn.

        Never draws <s> or the unknown token. A context the model gives no mass to (MLE on an
        unseen context) is shortened from the left until it has some, as NLTK does.
        """
        if num_words < 0:
            raise ValueError(f"num_words must be >= 0, got {num_words}")
        history = [self.bos] * (self.order - 1) + [str(word) for word in context]
        banned = np.array([self._bos_id, self._unknown])
        generated: list[str] = []
        for _ in range(num_words):
            window = history[len(history) - (self.order - 1) :] if self.order > 1 else []
            while True:
                weights = self.distribution(window)
                weights[banned] = 0.0
                total = weights.sum()
                if total > 0 or not window:
                    break
                window = window[1:]
            if total <= 0:
                break
            cumulative = np.cumsum(weights)
            drawn = np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")
            choice = min(int(drawn), len(self.vocabulary) - 1)
            if choice == self._eos_id:
                break
            word = self.vocabulary[choice]
            generated.append(word)
            history.append(word)
        return generated


if __name__ == "__main__":
    counted = count_ngrams(tokenize("Three blind mice.\nThree blind men."), 2)
    for bigram, count in counted.ngrams(2):
        print(" ".join(bigram), count)
