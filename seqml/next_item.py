"""Next-item prediction on synthetic watch histories: a smoothed item bigram against popularity.

A *sequence model* uses the order of what a person watched. We simulate that order: a catalogue
of ``V`` items is cut into series of consecutive ids (episodes 1, 2, 3 ... of a show), and item
popularity follows a Zipf law. Each history starts with a popular item; at every step the viewer
continues the current series (item ``j`` -> ``j + 1``) with probability ``p_continue`` and
otherwise picks a new item by popularity:

    x_1 ~ Pop,    x_{t+1} = x_t + 1          with probability p_continue (if x_t is not a finale),
                  x_{t+1} ~ Pop              otherwise,
    Pop(j) ∝ (rank_j) ** (-s)                (Zipf with exponent s; ranks shuffled over the ids).

Two rankers predict each history's held-out last item from the item before it:

    popularity:  score(j)     = c(j)                                   (ignores the order)
    bigram:      P(j | i)     = (c(i, j) + alpha) / (c(i) + alpha * V)  (add-alpha smoothing)

where ``c(j)`` counts training occurrences and ``c(i, j)`` counts training transitions ``i -> j``.
Add-alpha never changes the order within one context, so the bigram breaks ties (all unseen
successors share one probability) by popularity, i.e. it backs off to the baseline.

Both are scored on the held-out items with

    Recall@k = mean_u [rank_u <= k]          MRR = mean_u 1 / rank_u

where ``rank_u`` is the 1-based position of user ``u``'s true last item in the full ranking.

References: Rendle et al., "Factorizing personalized Markov chains for next-basket
recommendation", WWW 2010 (first-order Markov chains for next items); Jurafsky & Martin,
*Speech and Language Processing*, ch. 3 (add-alpha smoothing); Voorhees, "The TREC-8 question
answering track report", 1999 (mean reciprocal rank).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Histories:
    """Synthetic watch histories: one row per user, one column per position in time."""

    sequences: np.ndarray  # (users, length) int64 item ids in [0, items)
    items: int
    series_length: int
    popularity: np.ndarray  # (items,) the true probability each item is picked afresh


@dataclass(frozen=True)
class BigramModel:
    """Transition counts over item ids, plus the popularity counts used to break ties."""

    transition_counts: np.ndarray  # (items, items) int64: c(i, j)
    item_counts: np.ndarray  # (items,) int64: c(j), occurrences in the training prefixes
    alpha: float

    def probabilities(self, previous: np.ndarray) -> np.ndarray:
        """P(j | i) for every candidate j, one row per context item i (rows sum to 1)."""
        counts = self.transition_counts[previous].astype(np.float64)  # (N, V)
        vocabulary = counts.shape[1]
        totals = counts.sum(axis=1, keepdims=True)
        return (counts + self.alpha) / (totals + self.alpha * vocabulary)


@dataclass(frozen=True)
class Prediction:
    """One user's held-out item and what each ranker put first."""

    user: int
    history: tuple[int, ...]
    target: int
    bigram_top: tuple[int, ...]
    popularity_top: tuple[int, ...]
    bigram_rank: int
    popularity_rank: int


@dataclass(frozen=True)
class NextItemResult:
    """Recall@k and MRR for both rankers on held-out last items, with a few worked examples."""

    users: int
    items: int
    k: int
    recall_at_k: dict[str, float]
    mrr: dict[str, float]
    examples: tuple[Prediction, ...]


def generate_histories(
    users: int,
    items: int,
    length: int,
    rng: np.random.Generator,
    *,
    series_length: int = 5,
    p_continue: float = 0.7,
    zipf_exponent: float = 1.0,
) -> Histories:
    """Simulate viewers who binge series and else follow popularity, so order carries signal."""
    if users < 1 or items < 2 or length < 2:
        raise ValueError("need users >= 1, items >= 2 and length >= 2")
    if series_length < 1:
        raise ValueError("series_length must be >= 1")
    if not 0.0 <= p_continue <= 1.0:
        raise ValueError("p_continue must be in [0, 1]")
    ranks = rng.permutation(items) + 1  # which id gets which popularity rank
    weights = ranks.astype(np.float64) ** -zipf_exponent
    popularity = weights / weights.sum()
    cumulative = np.cumsum(popularity)
    cumulative[-1] = 1.0  # guard the last bucket against round-off

    def draw(size: int) -> np.ndarray:
        picks = np.searchsorted(cumulative, rng.random(size), side="right")
        return np.minimum(picks, items - 1)

    sequences = np.empty((users, length), dtype=np.int64)
    sequences[:, 0] = draw(users)
    for t in range(1, length):
        current = sequences[:, t - 1]
        is_finale = (current % series_length == series_length - 1) | (current == items - 1)
        continues = (rng.random(users) < p_continue) & ~is_finale
        fresh = draw(users)  # drawn for everyone so the random stream does not depend on outcomes
        sequences[:, t] = np.where(continues, current + 1, fresh)
    return Histories(sequences, items, series_length, popularity)


def fit_bigram(train: np.ndarray, items: int, alpha: float = 0.1) -> BigramModel:
    """Count item-to-item transitions in the training prefixes with one bincount."""
    if alpha <= 0:
        raise ValueError("alpha must be > 0 so unseen transitions keep some probability")
    previous = train[:, :-1].ravel()
    following = train[:, 1:].ravel()
    flat = np.bincount(previous * items + following, minlength=items * items)
    transition_counts = flat.reshape(items, items)
    item_counts = np.bincount(train.ravel(), minlength=items)
    return BigramModel(transition_counts, item_counts, alpha)


def ranking_keys(model: BigramModel, previous: np.ndarray) -> dict[str, np.ndarray]:
    """Integer sort keys per ranker: higher is better, equal only for truly tied items."""
    popularity = model.item_counts.astype(np.int64)
    popularity_keys = np.broadcast_to(popularity, (previous.shape[0], popularity.shape[0]))
    # Lexicographic (transition count, popularity): add-alpha is monotone in c(i, j) within a row.
    bigram_keys = model.transition_counts[previous] * (popularity.max() + 1) + popularity
    return {"bigram": bigram_keys, "popularity": popularity_keys}


def ranks_of(keys: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """1-based rank of each target in the total order of ``top_items`` (ties: lower id first)."""
    target_keys = keys[np.arange(keys.shape[0]), targets][:, None]
    ids = np.arange(keys.shape[1])
    ahead = (keys > target_keys) | ((keys == target_keys) & (ids < targets[:, None]))
    return ahead.sum(axis=1) + 1


def top_items(keys: np.ndarray, k: int) -> np.ndarray:
    """The k highest-keyed items per row, best first, ties by lower id (stable)."""
    order = np.argsort(-keys, axis=1, kind="stable")
    return order[:, :k]


def recall_and_mrr(ranks: np.ndarray, k: int) -> tuple[float, float]:
    """Recall@k and mean reciprocal rank from 1-based ranks."""
    return float(np.mean(ranks <= k)), float(np.mean(1.0 / ranks))


def evaluate_next_item(
    users: int,
    items: int,
    k: int,
    rng: np.random.Generator,
    *,
    length: int = 12,
    alpha: float = 0.1,
    examples: int = 3,
    series_length: int = 5,
    p_continue: float = 0.7,
    zipf_exponent: float = 1.0,
) -> NextItemResult:
    """Hold out every user's last item, train both rankers on the rest, and compare them."""
    if not 1 <= k <= items:
        raise ValueError(f"k must be between 1 and the number of items ({items})")
    histories = generate_histories(
        users,
        items,
        length,
        rng,
        series_length=series_length,
        p_continue=p_continue,
        zipf_exponent=zipf_exponent,
    )
    train = histories.sequences[:, :-1]
    targets = histories.sequences[:, -1]
    model = fit_bigram(train, items, alpha)
    keys = ranking_keys(model, train[:, -1])
    recall: dict[str, float] = {}
    mrr: dict[str, float] = {}
    ranks: dict[str, np.ndarray] = {}
    tops: dict[str, np.ndarray] = {}
    for name, key in keys.items():
        ranks[name] = ranks_of(key, targets)
        recall[name], mrr[name] = recall_and_mrr(ranks[name], k)
        tops[name] = top_items(key[:examples], k)
    shown = tuple(
        Prediction(
            user=int(u),
            history=tuple(int(x) for x in train[u]),
            target=int(targets[u]),
            bigram_top=tuple(int(x) for x in tops["bigram"][u]),
            popularity_top=tuple(int(x) for x in tops["popularity"][u]),
            bigram_rank=int(ranks["bigram"][u]),
            popularity_rank=int(ranks["popularity"][u]),
        )
        for u in range(min(examples, users))
    )
    return NextItemResult(users, items, k, recall, mrr, shown)


if __name__ == "__main__":
    result = evaluate_next_item(users=500, items=100, k=5, rng=np.random.default_rng(0))
    for ranker in ("bigram", "popularity"):
        print(
            f"{ranker:>10}: Recall@{result.k} = {result.recall_at_k[ranker]:.3f}"
            f"  MRR = {result.mrr[ranker]:.3f}"
        )
