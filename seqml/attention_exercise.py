"""A toy attention to work by hand: which key does a query weight most, and by how much?

    weights = softmax(q K^T / sqrt(d))

Small integer queries and keys with d = 4 (so sqrt(d) = 2 and the scores come out in halves),
drawn until one key leads clearly, so that rounding never decides the answer. The quiz asks for
the favourite key and its weight; the two usual slips (forgetting 1/sqrt(d), and taking a raw
score for a weight) are kept as wrong options.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from seqml.attention import scaled_dot_product_attention


@dataclass(frozen=True)
class AttentionQuizItem:
    """A toy attention by hand: which key does one query weight most, and by how much?"""

    queries: np.ndarray  # (n, d) small integers
    keys: np.ndarray  # (n, d) small integers
    query_index: int  # the row asked about
    scores: np.ndarray  # (n,) q . k_j / sqrt(d) for that query
    weights: np.ndarray  # (n,) softmax of the scores
    best_key: int  # argmax of the weights (unique, with a clear margin)
    best_weight: float
    unscaled_weight: float  # the same key's weight without the 1/sqrt(d): a typical slip
    raw_score: float  # q . k_best, unscaled: another slip (a score is not a weight)


def attention_quiz_item(
    rng: np.random.Generator, tokens: int = 3, dim: int = 4, low: int = -2, high: int = 2
) -> AttentionQuizItem:
    """Draw integer Q and K until one query has a clear favourite key; d = 4 keeps sqrt(d) = 2."""
    if tokens < 2 or dim < 1 or low >= high:
        raise ValueError(f"need tokens >= 2, dim >= 1 and low < high, got {tokens}, {dim}, {low}, {high}")
    scale = 1.0 / math.sqrt(dim)
    while True:
        queries = rng.integers(low, high + 1, size=(tokens, dim))
        keys = rng.integers(low, high + 1, size=(tokens, dim))
        query_index = int(rng.integers(tokens))
        raw = keys @ queries[query_index]  # (n,) integer dot products
        ranked = np.sort(raw)
        if ranked[-1] - ranked[-2] >= 2:  # a clear winner, so rounding never decides the answer
            break
    query = queries[query_index][None].astype(np.float64)  # (1, d): the one row asked about
    weights = scaled_dot_product_attention(query, keys.astype(np.float64), np.eye(tokens)).weights[0]
    best = int(np.argmax(weights))
    unscaled = np.exp(raw - raw.max()) / np.exp(raw - raw.max()).sum()
    return AttentionQuizItem(
        queries=queries,
        keys=keys,
        query_index=query_index,
        scores=raw * scale,
        weights=weights,
        best_key=best,
        best_weight=float(weights[best]),
        unscaled_weight=float(unscaled[best]),
        raw_score=float(raw[best]),
    )


if __name__ == "__main__":
    item = attention_quiz_item(np.random.default_rng(0))
    print(f"query {item.query_index} looks most at key {item.best_key}: weight {item.best_weight:.3f}")
