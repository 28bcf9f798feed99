"""View of the bidirectional demo: both directions' states per word, then what one swap moves.

The words are the learner's text, so each goes through ``plain``. Every number keeps all its
digits from 60 columns up: when the two state columns do not fit side by side, each word's
row shows f_t and b_t on two lines instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from glossary.render.charts import add_column, add_row, bar, decades, log_fraction, scientific, signed
from glossary.render.prose import Prose
from glossary.render.safe import plain

if TYPE_CHECKING:
    from seqml.demos.bidirectional import BidirectionalResult

WORD_WIDTH = 14  # longer words fold inside their cell; numbers never do
CHANGE_BAR = 8

EQUATIONS = (
    "f_t = tanh(W_ih x_t + b_ih + W_hh f_(t-1) + b_hh)",
    "b_t = tanh(V_ih x_t + c_ih + V_hh b_(t+1) + c_hh)",
    "output_t = [f_t ; b_t]",
)


def _table() -> Table:
    """A light table: header rule only, two spaces between columns, no padding at the edges.

    Titles go above as their own Text: a table title would wrap at the table's width.
    """
    return Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        collapse_padding=True,
    )


def _state(values: object) -> Text:
    """A state vector as signed numbers, green and red by sign like the other demos."""
    text = Text()
    for index, value in enumerate(values):  # type: ignore[call-overload]
        if index:
            text.append(" ")
        text.append_text(signed(float(value)))
    return text


def _change(value: float) -> str:
    """A change in a state's length: exactly 0 stays "0", tiny ones keep a digit in 1.2e-04 form."""
    if value == 0:
        return "0"
    return scientific(value) if value < 0.001 else f"{value:.3f}"


class StateTable:
    """One row per word: f_t and b_t side by side when they fit, else on two lines."""

    def __init__(self, result: BidirectionalResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Choose side by side or stacked from the width the console offers."""
        result = self.result
        hidden = result.forward_states.shape[1]
        cell = 7 * hidden - 1  # "+0.123" per unit, one space between
        word = min(WORD_WIDTH, max(len("word"), *(len(plain(w)) for w in result.words)))
        side_by_side = 2 + 2 + word + 2 + cell + 2 + cell <= options.max_width
        yield Text(f"a bidirectional RNN reads {len(result.words)} words both ways, one state each")
        table = _table()
        add_column(table, "t", justify="right", no_wrap=True)
        add_column(table, "word", overflow="fold", max_width=WORD_WIDTH)
        if side_by_side:
            add_column(table, "f_t  (left to right)", no_wrap=True, min_width=cell)
            add_column(table, "b_t  (right to left)", no_wrap=True, min_width=cell)
        else:
            add_column(table, "", no_wrap=True)
            add_column(table, "f_t: left to right, b_t: right to left", no_wrap=True)
        for t, text in enumerate(result.words):
            forward = _state(result.forward_states[t])
            backward = _state(result.backward_states[t])
            if side_by_side:
                add_row(table, str(t + 1), Text(plain(text)), forward, backward)
            else:
                add_row(table, str(t + 1), Text(plain(text)), "f\nb", Text("\n").join([forward, backward]))
        yield table


def _change_table(result: BidirectionalResult) -> Group:
    """How far each state moves when only the last word is swapped: log-scale bars and numbers."""
    last = plain(result.words[-1])
    title = Text(f"swap the last word '{last}' for '{plain(result.swap)}': how far each state moves")
    changes = [float(v) for v in (*result.forward_change, *result.backward_change)]
    low, high = decades(changes)  # the changes span decades: a linear bar would hide b_1's
    table = _table()
    add_column(table, "t", justify="right", no_wrap=True)
    add_column(table, "word", overflow="fold", max_width=WORD_WIDTH)
    add_column(table, "|change in f_t|", no_wrap=True)
    add_column(table, "|change in b_t|", no_wrap=True)
    for t, text in enumerate(result.words):
        cells = []
        for value in (float(result.forward_change[t]), float(result.backward_change[t])):
            fraction = log_fraction(value, low, high)
            cells.append(Text.assemble((bar(fraction, CHANGE_BAR), "cyan"), " ", _change(value)))
        add_row(table, str(t + 1), Text(plain(text)), *cells)
    scale = Text(f"bars on a log scale from 1e{low} to 1e{high}; 0 means exactly unchanged", style="dim")
    return Group(title, table, scale)


def view(result: BidirectionalResult) -> RenderableType:
    """States per word, the equations, and the swap experiment with its one-line reading."""
    steps = len(result.words)
    first = _change(float(result.backward_change[0]))
    if steps == 1:
        reading = "With one word both directions read the same single word: both states move."
    else:
        reading = (
            f"Only word {steps} changed. Left to right, f_t moves only at t={steps}: no earlier state "
            f"has read that word yet. Right to left, b_t moves at every t, and b_1 by {first}: "
            "the first word's output [f_1 ; b_1] already depends on the last word."
        )
    equations = [Text(line, no_wrap=True, overflow="ignore") for line in EQUATIONS]
    return Group(StateTable(result), *equations, Text(""), _change_table(result), Prose(reading))
