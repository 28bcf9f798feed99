"""Fit the learner's own FSRS parameters to their review log, without PyTorch.

FSRS ships 21 default parameters fitted to many people; a learner who forgets faster or slower
than that average gets reviews that are too late or too early. With enough reviews the log says
how this learner forgets: this module replays every card's history through FSRS-6's memory
model (the same formulas ``fsrs.Scheduler`` uses, vectorised over cards with NumPy, checked
against the scheduler in the tests) and minimises the log-loss of its predicted recall

    L(w) = -mean_i [ y_i log R_i(w) + (1 - y_i) log(1 - R_i(w)) ],
    R = (1 + F t / S) ^ (-w20),  F = 0.9 ^ (-1 / w20) - 1,

over every review at least a day after the card's previous one (y = rated above Again), with
SciPy's L-BFGS-B inside FSRS's own parameter bounds. ``fsrs``'s ``Optimizer`` needs PyTorch and
pandas; SciPy is an optional extra (``pip install 'seqml-glossary[fit]'``) and is imported only
here, only when a fit is asked for (~1 s, never on a lookup or a quiz).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from glossary.errors import Invalid
from glossary.settings import PARAMETERS_KEY

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    import numpy as np

MIN_REVIEWS = 300  # reviews a day or more after the previous one; fewer fit noise
S_MIN = 0.001
FIT_ITERATIONS = 40  # L-BFGS-B steps: most of the gain comes early (0.427 -> 0.394 at 40, 0.393 at 100)


@dataclass(frozen=True)
class Histories:
    """Every card's reviews as padded arrays: days since the first review, and ratings (0 = none)."""

    days: np.ndarray  # (cards, longest) float days
    ratings: np.ndarray  # (cards, longest) int 1-4, 0 past a card's last review

    @property
    def usable(self) -> int:
        """Reviews the loss can use: a day or more after the same card's previous review."""
        import numpy as np

        gaps = np.floor(np.diff(self.days, axis=1))
        return int(((gaps >= 1) & (self.ratings[:, 1:] > 0)).sum())


@dataclass(frozen=True)
class Fit:
    """A fit's outcome: how many reviews it used and the log-loss before and after."""

    reviews: int
    before: float
    after: float
    parameters: tuple[float, ...]
    needed: int = MIN_REVIEWS


def histories(rows: list[tuple[str, str, int]]) -> Histories:
    """(card id, reviewed_at ISO, rating) rows in time order -> padded per-card arrays."""
    import numpy as np

    by_card: dict[str, list[tuple[float, int]]] = {}
    for card, when, rating in rows:
        by_card.setdefault(card, []).append((datetime.fromisoformat(when).timestamp() / 86400, int(rating)))
    longest = max((len(v) for v in by_card.values()), default=1)
    days = np.zeros((len(by_card), longest))
    ratings = np.zeros((len(by_card), longest), dtype=int)
    ordered = sorted(by_card.values(), key=len, reverse=True)  # longest first: active cards are a prefix
    for index, reviews in enumerate(ordered):
        start = reviews[0][0]
        for step, (moment, rating) in enumerate(reviews):
            days[index, step], ratings[index, step] = moment - start, rating
        days[index, len(reviews) :] = days[index, len(reviews) - 1]
    return Histories(days, ratings)


def predictions(w: np.ndarray, log: Histories) -> tuple[np.ndarray, np.ndarray]:
    """FSRS-6's predicted recall before every usable review, and whether it was recalled.

    ``w`` is one parameter vector (21,) or a stack of them (P, 21): a stack is replayed in one
    pass, which is how ``loss_and_gradient`` gets all its finite differences at once. The
    predictions come back as (P, reviews) for a stack, (reviews,) for one vector.
    """
    import numpy as np

    single = np.ndim(w) == 1
    w = np.atleast_2d(np.asarray(w, dtype=float)).T[:, :, None]  # (21, P, 1): w[k] broadcasts over cards
    decay = -w[20]
    factor = 0.9 ** (1 / decay) - 1
    g = log.ratings
    first = np.clip(g[:, 0] - 1, 0, 3)
    stability = np.maximum(w[first, :, 0].T, S_MIN)  # (P, cards): the first rating's initial S
    difficulty = np.clip(w[4] - np.exp(w[5] * first) + 1, 1, 10)
    easy_difficulty = w[4] - np.exp(w[5] * 3) + 1
    predicted, recalled = [], []
    lengths = (g > 0).sum(axis=1)
    for step in range(1, g.shape[1]):
        live = int((lengths > step).sum())  # cards are sorted longest first: the first ``live`` go on
        stability, difficulty = stability[:, :live], difficulty[:, :live]
        rating = g[:live, step]
        active = rating > 0
        elapsed = np.floor(log.days[:live, step] - log.days[:live, step - 1])
        recall = (1 + factor * elapsed / stability) ** decay
        long_gap = active & (elapsed >= 1)
        predicted.append(recall[:, long_gap])
        recalled.append(rating[long_gap] > 1)
        short = np.exp(w[17] * (rating - 3 + w[18])) * stability ** -w[19]
        short = np.where(rating > 1, np.maximum(short, 1.0), short) * stability
        hard = np.where(rating == 2, w[15], 1.0)
        easy = np.where(rating == 4, w[16], 1.0)
        grow = np.exp(w[8]) * (11 - difficulty) * stability ** -w[9] * (np.exp((1 - recall) * w[10]) - 1)
        remembered = stability * (1 + grow * hard * easy)
        forgot = np.minimum(
            w[11] * difficulty ** -w[12] * ((stability + 1) ** w[13] - 1) * np.exp((1 - recall) * w[14]),
            stability / np.exp(w[17] * w[18]),
        )
        later = np.where(rating == 1, forgot, remembered)
        new_stability = np.maximum(np.where(elapsed >= 1, later, short), S_MIN)
        damped = difficulty + (10 - difficulty) * (-w[6] * (rating - 3)) / 9  # linear damping toward 10
        new_difficulty = np.clip(w[7] * easy_difficulty + (1 - w[7]) * damped, 1, 10)  # mean reversion
        stability = np.where(active, new_stability, stability)
        difficulty = np.where(active, new_difficulty, difficulty)
    shaped = np.concatenate(predicted, axis=1) if predicted else np.zeros((w.shape[1], 0))
    outcome = np.concatenate(recalled) if recalled else np.zeros(0, dtype=bool)
    return (shaped[0] if single else shaped), outcome


def _losses(stack: np.ndarray, log: Histories) -> np.ndarray:
    """The log-loss of every parameter vector of ``stack`` (P, 21)."""
    import numpy as np

    predicted, recalled = predictions(stack, log)
    p = np.clip(predicted, 1e-6, 1 - 1e-6)
    return -np.mean(np.where(recalled, np.log(p), np.log1p(-p)), axis=1)


def log_loss(w: np.ndarray, log: Histories) -> float:
    """The mean log-loss of FSRS's predicted recall with parameters ``w``."""
    import numpy as np

    return float(_losses(np.atleast_2d(np.asarray(w, dtype=float)), log)[0])


def loss_and_gradient(
    w: np.ndarray, log: Histories, lower: np.ndarray, upper: np.ndarray
) -> tuple[float, np.ndarray]:
    """The loss and its central-difference gradient, all 43 replays in one vectorised pass."""
    import numpy as np

    step = 1e-6 * np.maximum(1.0, np.abs(w))
    plus = np.minimum(w + step, upper)
    minus = np.maximum(w - step, lower)
    stack = np.vstack(
        [w, np.where(np.eye(len(w), dtype=bool), plus, w), np.where(np.eye(len(w), dtype=bool), minus, w)]
    )
    losses = _losses(stack, log)
    count = len(w)
    return float(losses[0]), (losses[1 : count + 1] - losses[count + 1 :]) / (plus - minus)


def fit(log: Histories, start: tuple[float, ...] | None = None, minimum: int = MIN_REVIEWS) -> Fit:
    """Minimise the log-loss inside FSRS's bounds, from ``start`` (FSRS's defaults)."""
    import numpy as np
    from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    usable = log.usable
    begin = np.asarray(start or DEFAULT_PARAMETERS, dtype=float)
    before = log_loss(begin, log) if usable else float("nan")
    if usable < minimum:
        return Fit(usable, before, before, tuple(begin), minimum)
    try:
        from scipy.optimize import minimize
    except ImportError:
        raise Invalid("fitting needs SciPy: pip install 'seqml-glossary[fit]'") from None
    lower, upper = np.array(LOWER_BOUNDS_PARAMETERS), np.array(UPPER_BOUNDS_PARAMETERS)
    bounds = list(zip(lower, upper, strict=True))
    result = minimize(loss_and_gradient, begin, args=(log, lower, upper), jac=True, method="L-BFGS-B",
                      bounds=bounds, options={"maxiter": FIT_ITERATIONS})  # fmt: skip
    after = float(result.fun)
    best = result.x if after < before else begin
    return Fit(usable, before, min(after, before), tuple(float(v) for v in best), minimum)


def review_rows(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """Every scheduled (not practice) answer, oldest first."""
    return conn.execute(
        "SELECT card_id, reviewed_at, rating FROM reviews WHERE practice = 0 ORDER BY reviewed_at, id"
    ).fetchall()


def fit_learner(conn: sqlite3.Connection, save: bool = False, minimum: int = MIN_REVIEWS) -> Fit:
    """Fit the learner's review log (see ``fit``), starting from FSRS's defaults; ``save`` keeps
    the parameters for scheduling when they lower the log-loss."""
    result = fit(histories(review_rows(conn)), minimum=minimum)
    if save and result.after < result.before:
        save_parameters(conn, result.parameters)
    return result


def save_parameters(conn: sqlite3.Connection, parameters: tuple[float, ...]) -> None:
    """Schedule with these parameters from now on (they travel with the learner's store)."""
    from glossary.schema import write_transaction

    with write_transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO settings VALUES (?, ?)", (PARAMETERS_KEY, json.dumps(parameters))
        )


def fit_store(path: str | Path, save: bool = False) -> Fit:
    """Open a store, fit its log and (``save``) keep the parameters when they lower the loss."""
    from glossary.store import Store

    store = Store.open(path)
    try:
        return fit_learner(store.conn, save)
    finally:
        store.close()
