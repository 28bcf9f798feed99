"""View of the attention demo: the weight matrix as a heatmap of numbers, rows = queries.

Each cell prints its weight to two decimals (".42", "1.0"); masked cells print "-". When the
width allows, a shade character in front of each number repeats, relative to the row's largest
weight, what the digits say, and a last column names the key each query looks at most. Narrower
consoles drop the shades, then shorten the row labels, then number the rows and list the words
below: the digits are never cut. The view only lays out what ``run`` computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from glossary.render.safe import plain

if TYPE_CHECKING:
    from seqml.demos.attention import AttentionResult

SHADES = " ░▒▓█"  # weight / row maximum in fifths
WORD_CELLS = 10  # longest word shown in a row label before it is cut with an ellipsis
MIN_WORD_CELLS = 3


def weight_text(value: float) -> str:
    """A weight in three cells: ".42", ".00" for a tiny but allowed weight, "1.0" from 0.995 up."""
    if value >= 0.995:
        return "1.0"
    return f"{value:.2f}".removeprefix("0")


def shade(value: float, row_max: float) -> str:
    """One block character for the weight's share of the row's largest weight."""
    if row_max <= 0:
        return SHADES[0]
    return SHADES[min(len(SHADES) - 1, int(value / row_max * len(SHADES)))]


class AttentionHeatmap:
    """The (queries x keys) grid, laid out for the console width it is drawn at."""

    def __init__(self, result: AttentionResult) -> None:
        self.result = result

    def _layout(self, width: int) -> tuple[bool, int, bool]:
        """(shaded cells?, cells for each row's word, 'looks most at' column?) that fit ``width``."""
        words = [plain(word) for word in self.result.words]
        count = len(words)
        index = len(str(count)) + 1  # "12 "
        longest = min(WORD_CELLS, max(cell_len(word) for word in words))
        arrow = 3 + longest  # " → word"
        for shaded in (True, False):
            grid = count * (5 if shaded else 4)
            if index + longest + grid + arrow <= width:
                return shaded, longest, True
            if index + longest + grid <= width:
                return shaded, longest, False
        room = width - index - count * 4
        if room >= MIN_WORD_CELLS:
            return False, room, False
        return False, 0, False  # numbers only; the words are listed below the grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Header of key numbers, then one line per query, then the legend when labels were dropped."""
        result = self.result
        shaded, word_cells, arrows = self._layout(options.max_width)
        count = len(result.words)
        index = len(str(count))
        label = index + 1 + word_cells if word_cells else index
        cell = 4 if shaded else 3
        header = Text(" " * label)
        for key in range(count):
            header.append(" " + f"{key + 1}".rjust(cell), style="bold")
        yield header
        weights = result.shown
        for query in range(count):
            row = Text(f"{query + 1}".rjust(index), style="bold")
            if word_cells:
                word = Text(" " + plain(result.words[query]))
                word.truncate(1 + word_cells, overflow="ellipsis", pad=True)
                row.append_text(word)
            row_max = max(float(w) for w in weights[query])
            for key in range(count):
                row.append(" ")
                if result.causal and key > query:
                    row.append("-".rjust(cell), style="dim")
                    continue
                value = float(weights[query, key])
                if shaded:
                    row.append(shade(value, row_max), style="cyan")
                row.append(weight_text(value), style="bold" if key == result.strongest[query] else "")
            if arrows:
                strongest = Text(" → " + plain(result.words[result.strongest[query]]))
                strongest.truncate(3 + WORD_CELLS, overflow="ellipsis")
                row.append_text(strongest)
            yield row
        if not word_cells:
            numbered = [f"{number} {plain(word)}" for number, word in enumerate(result.words, start=1)]
            yield from wrap_chunks(numbered, options.max_width, separator="  ")


def wrap_chunks(chunks: list[str], width: int, separator: str = " ", style: str = "") -> list[Text]:
    """Unbreakable chunks packed greedily into lines of ``width`` cells, none ending in a space.

    rich's own wrapping leaves the space at each break and could split a formula; here a chunk
    ("softmax(Q K^T / sqrt(d_k)),") only ever moves whole to the next line. A chunk wider than
    the console is cut with an ellipsis.
    """
    width = max(width, 1)
    lines: list[Text] = []
    line = Text(style=style)
    for chunk in chunks:
        piece = Text(chunk)
        piece.truncate(width, overflow="ellipsis")
        if line.plain and line.cell_len + len(separator) + piece.cell_len > width:
            lines.append(line)
            line = Text(style=style)
        if line.plain:
            line.append(separator)
        line.append_text(piece)
    lines.append(line)
    return lines


class Wrapped:
    """Chunks of text wrapped by ``wrap_chunks`` at whatever width the console gives."""

    def __init__(self, chunks: list[str], separator: str = " ", style: str = "") -> None:
        self.chunks = chunks
        self.separator = separator
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One Text per line."""
        yield from wrap_chunks(self.chunks, options.max_width, self.separator, self.style)


def view(result: AttentionResult) -> RenderableType:
    """Title, the heatmap, and the equation and the reading instructions below it."""
    which = (
        f"average of {result.heads} heads" if result.head == 0 else f"head {result.head} of {result.heads}"
    )
    mask = "causal mask on" if result.causal else "no mask"
    lines = [
        Wrapped(["self-attention weights,", f"{which},", mask], style="bold"),
        AttentionHeatmap(result),
        Wrapped(["rows: query words;", "columns: key words by number"]),
        Wrapped(
            [
                "weights = softmax(Q K^T / sqrt(d_k)),",
                f"d_k = {result.head_dim},",
                f"E = {result.embed_dim}",
            ]
        ),
        Wrapped(["each row sums to 1;", "untrained weights:", "favourites are chance"]),
    ]
    if result.causal:
        lines.append(Wrapped(["causal: keys right of the diagonal", "score -inf:", "weight 0 (-)"]))
    if result.truncated:
        lines.append(Wrapped([f"showing the first {len(result.words)}", f"of {result.total_words} words"]))
    return Group(*lines)
