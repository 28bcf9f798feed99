"""The ngram demo drawn: top next words per smoothing model side by side, perplexity below.

Functions return renderables and never print. Text that came from the user or from a file goes
through ``plain`` into ``rich.text.Text``, which never parses markup.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.charts import add_column, add_row, house_table
from glossary.render.safe import plain

if TYPE_CHECKING:
    from seqml.demos.ngram import NgramResult


def _probability(value: float) -> str:
    """Probabilities to three decimals, tiny ones in scientific notation so they never read 0."""
    if value == 0:
        return "0"
    if value < 0.001:
        return f"{value:.0e}"
    return f"{value:.3f}"


MODEL_HEADERS = {
    "mle": "MLE",
    "laplace": "Laplace\nadd-one",
    "witten-bell": "Witten-Bell\nNLTK",
    "kneser-ney": "Kneser-Ney\nNLTK d=0.1",
    "modified-kneser-ney": "mod. KN\nKenLM",
}


def view(result: NgramResult) -> RenderableType:
    """Top next words per smoothing model, side by side, with each model's perplexity below."""
    if result.context and set(result.context) == {"<s>"}:
        title = (
            f"at the start of a sentence ({' '.join(result.context)}, n={result.order}) the next word is ..."
        )
    elif result.context:
        title = f"after '{plain(' '.join(result.context))}' (n={result.order}) the next word is ..."
    else:
        title = "unigram (n=1): the likeliest words, whatever came before"
    table = house_table(
        title=title,
        caption=(
            (
                f"model: {plain(result.source)} (ARPA), vocabulary {result.vocabulary_size}. "
                if result.source
                else f"corpus: {result.corpus_sentences} sentences, {result.corpus_tokens} tokens, "
                f"vocabulary {result.vocabulary_size}. "
            )
            + f"PP: perplexity of the typed text "
            f"'{plain(result.text)}' as a sentence; inf means a zero probability somewhere."
        ),
    )
    add_column(table, "#", justify="right", no_wrap=True, min_width=2)
    for prediction in result.predictions:
        add_column(table, MODEL_HEADERS.get(prediction.model, prediction.model), overflow="fold")
    depth = max([1, *(len(p.top) for p in result.predictions)])
    for rank in range(depth):
        cells: list[Text | str] = [str(rank + 1)]
        for prediction in result.predictions:
            if rank < len(prediction.top):
                word, probability = prediction.top[rank]
                cells.append(Text.assemble((plain(word), "bold"), f" {_probability(probability)}"))
            else:
                cells.append("-" if rank == 0 else "")
        add_row(table, *cells)
    table.add_section()
    add_row(table, "PP", *[_perplexity(p.perplexity) for p in result.predictions])
    notes = [f"{p.model}: {plain(p.note)}" for p in result.predictions if p.note]
    if not notes:
        return table
    return Group(table, Text("\n".join(notes), style="dim"))


def _perplexity(value: float) -> str:
    """Perplexity to two decimals; inf stays inf, and no value (NaN) is a dash."""
    if math.isnan(value):
        return "-"
    return "inf" if math.isinf(value) else f"{value:.2f}"
