"""The ngram demo drawn: top next words per smoothing model side by side, perplexity below.

Functions return renderables and never print. Text that came from the user or from a file goes
through ``plain`` into ``rich.text.Text``, which never parses markup.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.text import Text

from glossary.render.charts import add_column, add_row, house_table
from glossary.render.prose import Prose
from glossary.render.safe import plain

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.table import Table

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
    caption = (
        (
            f"model: {plain(result.source)} (ARPA), vocabulary {result.vocabulary_size}. "
            if result.source
            else f"corpus: {result.corpus_sentences} sentences, {result.corpus_tokens} tokens, "
            f"vocabulary {result.vocabulary_size}. "
        )
        + f"PP: perplexity of the typed text '{plain(result.text)}' as a sentence; "
        + "inf means a zero probability somewhere."
    )
    # one model (an ARPA file) is one narrow column: inside the table its title and caption were
    # wrapped to 23 columns, so they go above and below it at the screen's width
    alone = len(result.predictions) == 1
    table = house_table(title="" if alone else title, caption="" if alone else caption)
    add_column(table, "#", justify="right", no_wrap=True, min_width=2)
    for prediction in result.predictions:
        # at least as wide as a probability ("0.800", "2e-04"), so a narrow screen puts it under
        # its word instead of splitting it; only a long word or header folds
        add_column(table, MODEL_HEADERS.get(prediction.model, prediction.model), overflow="fold", min_width=5)
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
    if alone:
        shown: RenderableType = Group(Prose(title), table, Prose(caption))
    else:
        shown = _SideBySide(table, title, Prose(caption), result)
    if not notes:
        return shown
    return Group(shown, Text("\n".join(notes), style="dim"))


class _SideBySide:
    """The table where its columns fit; on a screen too narrow for them, each model in turn, its
    words in a wrapped line: a column squeezed below a probability's width split "0.800" in two."""

    def __init__(self, table: Table, title: str, caption: object, result: NgramResult) -> None:
        self.table, self.title, self.caption, self.result = table, title, caption, result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = list(Segment.split_lines(console.render(self.table, options)))
        if max(map(Segment.get_line_length, lines), default=0) <= options.max_width:
            for line in lines:
                yield from line
                yield Segment.line()
            return
        yield Prose(self.title)
        yield Text()
        for prediction in self.result.predictions:
            yield Text(" ".join(MODEL_HEADERS.get(prediction.model, prediction.model).split()), style="bold")
            words = [
                Text.assemble(f"{rank} ", (plain(word), "bold"), f" {_probability(probability)}")
                for rank, (word, probability) in enumerate(prediction.top, 1)
            ]
            yield from _filled(words or [Text("-")], options.max_width, indent=2)
            yield Text(f"  PP {_perplexity(prediction.perplexity)}")
        yield Text()
        yield self.caption


def _filled(items: list[Text], width: int, indent: int) -> list[Text]:
    """``items`` on lines of at most ``width`` columns, three spaces apart, each line indented;
    an item is never split (one wider than the line stands alone and is cut by the console)."""
    lines: list[Text] = []
    line = Text(" " * indent)
    for item in items:
        if line.cell_len > indent and line.cell_len + 3 + item.cell_len > width:
            lines.append(line)
            line = Text(" " * indent)
        line.append_text(Text("   ") if line.cell_len > indent else Text())
        line.append_text(item)
    return [*lines, line]


def _perplexity(value: float) -> str:
    """Perplexity to two decimals; inf stays inf, and no value (NaN) is a dash."""
    if math.isnan(value):
        return "-"
    return "inf" if math.isinf(value) else f"{value:.2f}"
