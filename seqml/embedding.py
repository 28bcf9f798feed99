"""From tokens to vectors: vocabulary with an unknown token, one-hot codes, embeddings, bags of words.

A vocabulary numbers the word types ``0 .. V-1``; index 0 is the out-of-vocabulary token ``<unk>``,
which every word below the count cut-off (or outside the ``max_size`` most frequent) maps to.

    one-hot:      onehot(i) = e_i in {0, 1}^V               (a single 1, at column i)
    embedding:    E in R^{V x D};  embed(i) = E[i] = onehot(i) @ E
    backward:     y = E[ids]  =>  dL/dE = onehot(ids)^T @ dL/dy   (rows of repeated ids add up)
    cosine:       cos(a, b) = (a / max(||a||, eps)) . (b / max(||b||, eps))   (0 for a zero vector)
    bag of words: bag(s)[v] = |{t : s_t = v}|      (order forgotten: a permutation keeps the bag)
    bigrams:      big(s)[(u, v)] = |{t : s_t = u, s_{t+1} = v}|          (order kept)

The product ``onehot(ids) @ E`` equals ``E[ids]`` exactly, not just to rounding, for a finite
table: each output entry is ``1 * E[i, d]`` plus products ``0 * E[j, d] = +-0``, and every one of
those products and sums is exact in IEEE arithmetic. (An inf or NaN anywhere in ``E`` breaks it:
``0 * inf`` is NaN.) That is why frameworks implement an embedding as a row lookup, never as the
product: the same numbers at O(T D) instead of O(T V D).

Embeddings with meaningful neighbours come from co-occurrence counts (a seeded random table has
neighbours that mean nothing). ``cooccurrence_embeddings`` counts each word's neighbours within a
window, reweights the counts by positive pointwise mutual information and keeps the top singular
directions:

    C[u, v] = |{(t, t') : |t - t'| <= window, t != t', s_t = u, s_t' = v}|    (within sentences)
    PPMI[u, v] = max(0, log2( C[u, v] C[., .] / (C[u, .] C[., v]) ))          (0 where C[u, v] = 0)
    PPMI = U S V^T;   E = U[:, :D] S[:D]                                        (truncated SVD)

Conventions: cosine follows PyTorch's ``F.cosine_similarity`` (each norm clamped below at
``eps = 1e-8``), so a zero vector has cosine 0 with everything; nearest-neighbour search skips
zero vectors, which have no direction. The vocabulary lists ``<unk>`` first, then words by
falling count, ties alphabetically.

References: Jurafsky & Martin, *Speech and Language Processing*, ch. 6 (vector semantics, PPMI,
cosine) and ch. 2 (tokens, types, vocabularies); Levy, Goldberg & Dagan, "Improving distributional
similarity with lessons learned from word embeddings" (TACL 2015); Harris, "Distributional
structure" (1954); PyTorch ``nn.Embedding``, ``F.one_hot`` and ``F.cosine_similarity`` docs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

__all__ = [
    "COSINE_EPS",
    "UNK",
    "BagComparison",
    "Neighbour",
    "Vocabulary",
    "bag_of_words",
    "bigram_counts",
    "build_vocabulary",
    "compare_bag_and_bigrams",
    "cooccurrence_counts",
    "cooccurrence_embeddings",
    "cosine_similarity",
    "embedding_backward",
    "embedding_lookup",
    "nearest_neighbours",
    "one_hot",
    "one_hot_lookup",
    "ppmi",
]

UNK = "<unk>"
COSINE_EPS = 1e-8  # PyTorch's default: norms below it are clamped, so 0-vectors give cosine 0


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """Word types numbered 0..V-1, ``<unk>`` first; ``counts`` are the training counts of all types."""

    tokens: tuple[str, ...]  # index -> token; tokens[0] is the unknown token
    counts: Mapping[str, int]  # every type seen in training, kept or not (so a demo can say why)
    min_count: int
    max_size: int | None
    unk: str = UNK
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {token: i for i, token in enumerate(self.tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._index

    def index(self, token: str) -> int:
        """The id of ``token``, or of ``<unk>`` when the token is out of vocabulary."""
        return self._index.get(token, 0)

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Ids of a token sequence, unknown tokens mapped to ``<unk>`` (id 0)."""
        get = self._index.get
        return np.fromiter((get(token, 0) for token in tokens), dtype=np.int64, count=len(tokens))

    def map_tokens(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """The tokens as the model sees them: each out-of-vocabulary token replaced by ``<unk>``."""
        return tuple(token if token in self._index else self.unk for token in tokens)


def _flat(tokens: Iterable[str] | Iterable[Sequence[str]]) -> list[str]:
    """Accept a flat token list or sentences of tokens (as ``ngram.tokenize`` returns)."""
    flat: list[str] = []
    for item in tokens:
        if isinstance(item, str):
            flat.append(item)
        else:
            flat.extend(item)
    return flat


def build_vocabulary(
    tokens: Iterable[str] | Iterable[Sequence[str]],
    min_count: int = 1,
    max_size: int | None = None,
    unk: str = UNK,
) -> Vocabulary:
    """Keep the types seen at least ``min_count`` times (at most ``max_size`` of them); the rest is <unk>.

    Rare words get too few examples to learn anything from, and a closed vocabulary needs one
    id for every word never seen: both go to ``<unk>``. ``max_size`` counts real words only;
    ``<unk>`` is always added at index 0. A corpus token equal to ``unk`` is counted as ``<unk>``.
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be an integer >= 1, got {min_count!r}")
    if max_size is not None and (isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 0):
        raise ValueError(f"max_size must be None or an integer >= 0, got {max_size!r}")
    counts = Counter(_flat(tokens))
    kept = sorted(
        (token for token, count in counts.items() if count >= min_count and token != unk),
        key=lambda token: (-counts[token], token),
    )
    if max_size is not None:
        kept = kept[:max_size]
    return Vocabulary((unk, *kept), dict(counts), min_count, max_size, unk)


# --------------------------------------------------------------------------- one-hot and lookup


def _ids(ids: Sequence[int] | np.ndarray, size: int, what: str) -> np.ndarray:
    """Integer ids checked to lie in [0, size), so a bad id fails loudly instead of wrapping."""
    array = np.asarray(ids)
    if array.size == 0:
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise ValueError(f"ids must be integers, got dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() >= size):
        raise ValueError(f"ids must lie in [0, {size}) for {what}, got {array.min()}..{array.max()}")
    return array.astype(np.int64, copy=False)


def one_hot(ids: Sequence[int] | np.ndarray, V: int, dtype: type | np.dtype = np.float64) -> np.ndarray:
    """(..., V) rows with a single 1 at each id: the input a linear layer needs to pick a row."""
    if isinstance(V, bool) or not isinstance(V, int | np.integer) or V < 1:
        raise ValueError(f"V must be a positive integer, got {V!r}")
    array = _ids(ids, int(V), f"a vocabulary of size {V}")
    codes = np.zeros((*array.shape, int(V)), dtype=dtype)
    np.put_along_axis(codes, array[..., None], 1, axis=-1)
    return codes


def _table(E: np.ndarray) -> np.ndarray:
    if not isinstance(E, np.ndarray) or E.ndim != 2:
        raise ValueError(f"the embedding table must be a 2-D array (V, D), got shape {np.shape(E)}")
    return E


def embedding_lookup(E: np.ndarray, ids: Sequence[int] | np.ndarray) -> np.ndarray:
    """E[ids]: (..., D), one table row per id, in the table's dtype."""
    E = _table(E)
    return E[_ids(ids, E.shape[0], f"a table of {E.shape[0]} rows")]


def one_hot_lookup(E: np.ndarray, ids: Sequence[int] | np.ndarray) -> np.ndarray:
    """onehot(ids) @ E: the same rows as ``embedding_lookup`` through a matrix product (for the proof).

    A table holding inf or NaN is refused: there ``0 * inf = NaN`` and the product is not the lookup.
    """
    E = _table(E)
    if not np.all(np.isfinite(E)):
        raise ValueError("the table holds inf or NaN: 0 * inf = NaN, so onehot @ E would differ from E[ids]")
    return one_hot(ids, E.shape[0], dtype=E.dtype) @ E


def embedding_backward(dL_dy: np.ndarray, ids: Sequence[int] | np.ndarray, V: int) -> np.ndarray:
    """dL/dE for y = E[ids]: each id's row receives the sum of its gradient rows (= onehot^T @ dL/dy).

    Only rows of ids that occur get a gradient, which is why embedding gradients are sparse.
    """
    dL_dy = np.asarray(dL_dy)
    array = _ids(ids, V, f"a table of {V} rows")
    if dL_dy.shape[: array.ndim] != array.shape or dL_dy.ndim != array.ndim + 1:
        raise ValueError(f"dL_dy must have shape {(*array.shape, 'D')}, got {dL_dy.shape}")
    if not np.all(np.isfinite(dL_dy)):
        raise ValueError("dL_dy holds inf or NaN: the embedding gradient would be poisoned")
    grad = np.zeros((V, dL_dy.shape[-1]), dtype=dL_dy.dtype)
    np.add.at(grad, array.reshape(-1), dL_dy.reshape(-1, dL_dy.shape[-1]))  # repeated ids add up
    return grad


# --------------------------------------------------------------------------- cosine and neighbours


def _norms(x: np.ndarray) -> np.ndarray:
    """||x||_2 along the last axis without overflow or underflow (scaled by the largest entry)."""
    scale = np.max(np.abs(x), axis=-1, keepdims=True)
    safe = np.where(scale > 0, scale, 1.0)
    return (scale * np.sqrt(np.sum((x / safe) ** 2, axis=-1, keepdims=True)))[..., 0]


def cosine_similarity(a: np.ndarray, b: np.ndarray, eps: float = COSINE_EPS) -> np.ndarray:
    """cos(a, b) along the last axis (broadcast), in [-1, 1]; 0 when either vector is zero.

    Cosine compares directions only, so a frequent word's long vector and a rare word's short one
    can still be neighbours. A zero vector has no direction: its norm is clamped to ``eps``.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-1]:
        raise ValueError(f"vectors must share their last dimension, got shapes {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("cosine similarity of vectors holding inf or NaN is undefined")
    unit_a = a / np.maximum(_norms(a), eps)[..., None]
    unit_b = b / np.maximum(_norms(b), eps)[..., None]
    return np.clip(np.sum(unit_a * unit_b, axis=-1), -1.0, 1.0)


@dataclass(frozen=True)
class Neighbour:
    """A row of the table and its cosine with the query."""

    index: int
    cosine: float


def nearest_neighbours(E: np.ndarray, query: int, k: int = 5) -> tuple[Neighbour, ...]:
    """The k rows of E most similar by cosine to row ``query``, itself and zero rows left out.

    Ties go to the lower index, so results do not depend on the sort's whims. A zero query row has
    no direction and so no neighbours: the result is empty.
    """
    E = _table(E)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    query = int(_ids([query], E.shape[0], f"a table of {E.shape[0]} rows")[0])
    norms = _norms(E)
    if norms[query] == 0:
        return ()
    cosines = cosine_similarity(E, E[query][None, :])
    candidates = np.flatnonzero((norms > 0) & (np.arange(E.shape[0]) != query))
    order = candidates[np.lexsort((candidates, -cosines[candidates]))][:k]
    return tuple(Neighbour(int(i), float(cosines[i])) for i in order)


# --------------------------------------------------------------------------- co-occurrence embeddings


def cooccurrence_counts(sentences: Sequence[np.ndarray | Sequence[int]], V: int, window: int) -> np.ndarray:
    """C[u, v]: how often id v occurs within ``window`` positions of id u, inside one sentence."""
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    counts = np.zeros((V, V), dtype=np.int64)
    for sentence in sentences:
        ids = _ids(sentence, V, f"a vocabulary of size {V}")
        for offset in range(1, min(window, len(ids) - 1) + 1):
            np.add.at(counts, (ids[:-offset], ids[offset:]), 1)  # the word `offset` places later
            np.add.at(counts, (ids[offset:], ids[:-offset]), 1)  # and the one before: symmetric
    return counts


def ppmi(counts: np.ndarray) -> np.ndarray:
    """Positive pointwise mutual information in bits; 0 where a pair was never seen."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total == 0:
        return np.zeros_like(counts)
    rows, columns = counts.sum(axis=1, keepdims=True), counts.sum(axis=0, keepdims=True)
    seen = counts > 0
    expected = np.where(seen, rows * columns, 1.0)  # > 0 wherever the pair was seen
    ratio = np.where(seen, counts * total / expected, 1.0)
    return np.maximum(np.log2(ratio), 0.0)


def cooccurrence_embeddings(
    sentences: Sequence[np.ndarray | Sequence[int]], V: int, dim: int, window: int = 2
) -> np.ndarray:
    """(V, dim) vectors: the top ``dim`` singular directions of the PPMI matrix, scaled by S.

    Words used in the same company get similar PPMI rows, so their vectors point the same way.
    Singular vectors have an arbitrary sign; each column is flipped so its largest entry is
    positive, which makes the table the same on every machine.
    """
    if dim < 1:
        raise ValueError(f"dim must be >= 1, got {dim}")
    matrix = ppmi(cooccurrence_counts(sentences, V, window))
    U, S, _ = np.linalg.svd(matrix, hermitian=True)  # PPMI is symmetric: an eigh underneath, ~2x faster
    keep = min(dim, V)
    E = U[:, :keep] * S[:keep]
    signs = np.sign(E[np.argmax(np.abs(E), axis=0), np.arange(keep)])
    E = E * np.where(signs == 0, 1.0, signs)
    if keep < dim:  # fewer types than dimensions: the extra directions are empty
        E = np.hstack([E, np.zeros((V, dim - keep))])
    return E


# --------------------------------------------------------------------------- bag of words and bigrams


def bag_of_words(tokens: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    """(V,) counts of each vocabulary word in ``tokens``: order is forgotten, only counts remain.

    Tokens outside ``vocabulary`` raise; map them to ``<unk>`` first (``Vocabulary.map_tokens``).
    """
    index = {token: i for i, token in enumerate(vocabulary)}
    if len(index) != len(vocabulary):
        raise ValueError("the vocabulary lists a token twice")
    missing = [token for token in tokens if token not in index]
    if missing:
        raise ValueError(f"token {missing[0]!r} is not in the vocabulary; map it to <unk> first")
    bag = np.zeros(len(vocabulary), dtype=np.int64)
    np.add.at(bag, np.fromiter((index[t] for t in tokens), dtype=np.int64, count=len(tokens)), 1)
    return bag


def bigram_counts(tokens: Sequence[str]) -> dict[tuple[str, str], int]:
    """How often each adjacent pair (u, v) occurs, in order of first appearance."""
    return dict(Counter(pairwise(tokens)))


@dataclass(frozen=True)
class BagComparison:
    """Two token sequences seen as bags of words and as bigrams."""

    first: tuple[str, ...]
    second: tuple[str, ...]
    vocabulary: tuple[str, ...]  # the words of both, alphabetically: the bag's columns
    first_bag: np.ndarray  # (V,)
    second_bag: np.ndarray  # (V,)
    first_bigrams: tuple[tuple[tuple[str, str], int], ...]  # ((u, v), count), first seen first
    second_bigrams: tuple[tuple[tuple[str, str], int], ...]

    @property
    def same_bag(self) -> bool:
        """Bags equal: the two are permutations of each other."""
        return bool(np.array_equal(self.first_bag, self.second_bag))

    @property
    def same_bigrams(self) -> bool:
        """Bigram counts equal."""
        return dict(self.first_bigrams) == dict(self.second_bigrams)

    @property
    def shared_bigrams(self) -> tuple[tuple[str, str], ...]:
        """Bigrams that occur in both (in the first's order)."""
        second = dict(self.second_bigrams)
        return tuple(pair for pair, _ in self.first_bigrams if pair in second)


def compare_bag_and_bigrams(first: Sequence[str], second: Sequence[str]) -> BagComparison:
    """Bags of words and bigram counts of two sequences, over the words of both."""
    first, second = tuple(first), tuple(second)
    vocabulary = tuple(sorted(set(first) | set(second)))
    return BagComparison(
        first,
        second,
        vocabulary,
        bag_of_words(first, vocabulary),
        bag_of_words(second, vocabulary),
        tuple(bigram_counts(first).items()),
        tuple(bigram_counts(second).items()),
    )


# --------------------------------------------------------------------------- quiz facts

QUIZ_WORDS = ("truly", "madly", "deeply", "the", "cat", "dog", "sat", "ran", "big", "red", "old", "mat")


@dataclass(frozen=True)
class SharedBagQuestion:
    """Four pairs of phrases; exactly one shares its bag of words but not its bigrams."""

    pairs: tuple[tuple[str, str], ...]
    answer: int  # index into pairs
    comparisons: tuple[BagComparison, ...]

    def reason(self) -> str:
        """Why the answer is right, in one line."""
        right = self.comparisons[self.answer]
        second = dict(right.second_bigrams)
        lost = next(pair for pair, _ in right.first_bigrams if pair not in second)
        return (
            f"Both hold the same words the same number of times (one bag), but "
            f"{' '.join(lost)!r} is a bigram of the first only: a bag forgets order, bigrams keep it."
        )


def shared_bag_question(rng: np.random.Generator, words: Sequence[str] = QUIZ_WORDS) -> SharedBagQuestion:
    """Draw a phrase and four variants: its reversal (the answer), a copy, two with another bag.

    Every label is computed with ``compare_bag_and_bigrams``: the copy shares bag and bigrams; a
    new last word, or the first word repeated in its place, changes the bag.
    """
    if len(set(words)) < 4:
        raise ValueError("need at least 4 distinct words")
    pool = list(dict.fromkeys(words))
    length = int(rng.integers(2, 4))
    chosen = [str(w) for w in rng.choice(pool, size=length + 1, replace=False)]
    phrase, spare = chosen[:length], chosen[length]
    reordered = phrase[::-1]  # distinct words: no bigram survives the reversal
    swapped = [*phrase[:-1], spare]
    variants = [reordered, list(phrase), swapped, [*phrase[:-1], phrase[0]]]
    order = rng.permutation(len(variants))
    pairs, comparisons = [], []
    for position in order:
        variant = variants[int(position)]
        pairs.append((" ".join(phrase), " ".join(variant)))
        comparisons.append(compare_bag_and_bigrams(phrase, variant))
    answers = [i for i, c in enumerate(comparisons) if c.same_bag and not c.same_bigrams]
    if len(answers) != 1:  # cannot happen with distinct words; guard the invariant anyway
        raise RuntimeError("the drawn phrases do not give exactly one answer")
    return SharedBagQuestion(tuple(pairs), answers[0], tuple(comparisons))


if __name__ == "__main__":
    comparison = compare_bag_and_bigrams(["truly", "madly"], ["madly", "truly"])
    print("same bag:", comparison.same_bag, " same bigrams:", comparison.same_bigrams)
    vocabulary = build_vocabulary(["the", "cat", "sat", "on", "the", "mat", "the", "dog", "sat"], min_count=2)
    print("vocabulary:", vocabulary.tokens, " 'cat' ->", vocabulary.map_tokens(["cat"]))
    table = np.random.default_rng(0).normal(size=(len(vocabulary), 3))
    ids = vocabulary.encode(["the", "cat", "sat"])
    print("one-hot @ E == E[ids]:", np.array_equal(one_hot_lookup(table, ids), embedding_lookup(table, ids)))
    print("cos(E[1], E[2]) =", round(float(cosine_similarity(table[1], table[2])), 4))
