"""The next-item demo drawn: Recall@k and MRR side by side, then a few viewers' guesses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.charts import add_column, add_row, bar, house_table

if TYPE_CHECKING:
    from seqml.next_item import NextItemResult


EXAMPLE_ITEMS = 5  # predicted items shown per viewer in the next-item examples


def _items(items: Sequence[int], target: int) -> str:
    """Item ids with the true next item starred, so a hit shows without colour."""
    return " ".join(f"*{item}*" if item == target else str(item) for item in items)


def view(result: NextItemResult) -> RenderableType:
    """Recall@k and MRR side by side, then a few viewers with each ranker's guesses."""
    scores = house_table(
        title=f"next-item prediction: {result.users} viewers, {result.items} items, last item held out",
    )
    add_column(scores, "metric", no_wrap=True)
    add_column(scores, "bigram (order-aware)", no_wrap=True)
    add_column(scores, "popularity (no order)", no_wrap=True)
    for label, values in ((f"Recall@{result.k}", result.recall_at_k), ("MRR", result.mrr)):
        add_row(
            scores,
            label,
            *[
                Text.assemble((bar(values[name], 10), "cyan"), f" {values[name]:.3f}")
                for name in ("bigram", "popularity")
            ],
        )
    shown = min(result.k, EXAMPLE_ITEMS)
    more = " …" if result.k > shown else ""
    examples = house_table(
        caption="*n* marks the item actually watched next; rank is its place in the full ranking"
    )
    add_column(examples, "last watched", no_wrap=True)
    add_column(examples, "next", justify="right", min_width=4, no_wrap=True)
    add_column(examples, f"bigram top {result.k}", overflow="fold")
    add_column(examples, "rank", justify="right", min_width=4, no_wrap=True)
    add_column(examples, f"popularity top {result.k}", overflow="fold")
    add_column(examples, "rank", justify="right", min_width=4, no_wrap=True)
    for example in result.examples:
        add_row(
            examples,
            "… " + " ".join(str(item) for item in example.history[-3:]),
            str(example.target),
            _items(example.bigram_top[:shown], example.target) + more,
            str(example.bigram_rank),
            _items(example.popularity_top[:shown], example.target) + more,
            str(example.popularity_rank),
        )
    return Group(scores, examples)
