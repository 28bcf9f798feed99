"""The rnn-unroll demo drawn: one column per timestep, the word read and the state it leaves.

Functions return renderables and never print. Text that came from the user or from a file goes
through ``plain`` into ``rich.text.Text``, which never parses markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from glossary.render.charts import add_column, add_row, house_table, signed
from glossary.render.safe import plain

if TYPE_CHECKING:
    from seqml.demos.rnn_unroll import RNNUnrollResult


class UnrolledRNN:
    """The unrolled RNN, one column per timestep, continued below (like a board) when too wide."""

    label_width = 12  # "h_t[7]" plus padding, the column divider and the table's edges

    def __init__(self, result: RNNUnrollResult) -> None:
        self.result = result

    def _chunks(self, width: int) -> list[tuple[int, int]]:
        """Split timesteps 1..T into runs whose columns (plus the carried-in state) fit ``width``."""
        words = self.result.words
        # Each column: its widest cell ("+0.123", "t=12" or the word), padding 1 + 1 and a divider.
        cell = [max(6, len(f"t={t + 1}"), len(plain(word))) + 3 for t, word in enumerate(words)]
        available = max(width - self.label_width - 9, max(cell))  # 9: the carried-in state
        chunks, start, used = [], 0, 0
        for t, size in enumerate(cell):
            if used + size > available and t > start:
                chunks.append((start, t))
                start, used = t, 0
            used += size
        chunks.append((start, len(words)))
        return chunks

    def _table(self, start: int, stop: int, first: bool, last: bool) -> Table:
        """Columns t=start (the state carried in) to t=stop, rows x_t, h_t[unit] and |h_t|."""
        import numpy as np  # here, not at the top: listing demos must not load NumPy

        result = self.result
        states = np.vstack([result.h0[None, :], result.hidden_states])  # row t is h_t, h_0 first
        table = house_table(
            title="one RNN cell, run once per word: h_t = tanh(W_ih x_t + W_hh h_(t-1) + b)" if first else "",
            caption="each column's h_t is fed, with the next word, into the same cell (same weights)"
            if last
            else "continued below",
        )
        add_column(table, "", no_wrap=True)
        for t in range(start, stop + 1):
            add_column(table, f"t={t}", justify="right", no_wrap=True, overflow="fold")
        add_row(table, "x_t", "", *[Text(plain(word), style="bold") for word in result.words[start:stop]])
        add_row(table, "", f"h{start}", *["↓" for _ in range(start, stop)])
        for unit in range(states.shape[1]):
            add_row(table, f"h_t[{unit}]", *[signed(float(states[t, unit])) for t in range(start, stop + 1)])
        table.add_section()
        norms = np.sqrt((states[start : stop + 1] ** 2).sum(axis=1))
        add_row(table, "|h_t|", *[f"{float(n):.3f}" for n in norms])
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """As many timesteps per table as the width allows."""
        chunks = self._chunks(options.max_width)
        for index, (start, stop) in enumerate(chunks):
            yield self._table(start, stop, first=index == 0, last=index == len(chunks) - 1)


def view(result: RNNUnrollResult) -> RenderableType:
    """The unrolled RNN: one column per timestep, the word read and the hidden state it leaves."""
    steps = len(result.words)
    arrows = Text("h0 → " + " → ".join(f"[RNN: {plain(w)}]" for w in result.words) + f" → h{steps}")
    if not result.unread:
        return Group(arrows, UnrolledRNN(result))
    cut = Text(f"read the first {steps} words of the text; {result.unread} more left out (--steps caps it)")
    return Group(arrows, UnrolledRNN(result), cut)
