"""The next-item demo: predict the next video from the last one watched, against popularity.

    bigram:      P(j | i) = (c(i, j) + alpha) / (c(i) + alpha V)      popularity: score(j) = c(j)
    Recall@k = mean_u [rank_u <= k]                                  MRR = mean_u 1 / rank_u

The simulation and both rankers are ``seqml.next_item``'s; this module checks the parameters and
hands them on. NumPy is imported inside ``run``, so listing the demos stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

    from seqml.next_item import NextItemResult

NOTICE = (
    "The bigram, which knows the last item watched, finds the next one far more often "
    "than popularity, which ignores the order."
)


def run(params: dict[str, Any], rng: np.random.Generator) -> NextItemResult:
    """Simulate watch histories and score the bigram and popularity rankers on last items."""
    from seqml.next_item import evaluate_next_item

    if params["k"] > params["items"]:
        raise ParamError(f"k must be at most items ({params['items']}), got {params['k']}", "k")
    return evaluate_next_item(params["users"], params["items"], params["k"], rng)


DEMO = Demo(
    name="next-item",
    title="Next-item prediction: a sequence model against popularity",
    summary="Predict the next video from the last one watched: item bigram vs popularity.",
    terms=("sequence-model",),
    params=(
        Param("users", "int", 500, 10, 5000, help="simulated viewers"),
        Param("items", "int", 100, 10, 500, help="catalogue size (series of 5)"),
        Param("k", "int", 5, 1, 50, help="cut-off for Recall@k"),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.next_item:generate_histories",
        "seqml.next_item:fit_bigram",
        "seqml.next_item:evaluate_next_item",
    ),
)


if __name__ == "__main__":
    import numpy as np

    result = run(DEMO.defaults(), np.random.default_rng(0))
    print(f"Recall@{result.k}: {result.recall_at_k}  MRR: {result.mrr}")
