"""View of the gru-step demo: gates per unit, then how z mixes the old state and the candidate.

Every number is printed with all its digits at any width from 60 columns: below 72 the gauge
bars give way to the digits they repeat, and the headers shrink to the symbols of the equations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from glossary.render.charts import add_column, add_row, gauge, signed
from glossary.render.prose import Prose

if TYPE_CHECKING:
    from seqml.demos.gru_step import GRUStepResult

WIDE = 72  # from here on the gates get gauge bars and the headers their names

# The key equations, one per line: each fits in 60 columns, so none is ever broken.
EQUATIONS = (
    "r  = sigmoid(W_ir x + b_ir + W_hr h + b_hr)",
    "z  = sigmoid(W_iz x + b_iz + W_hz h + b_hz)",
    "n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))",
    "h' = (1 - z) * n + z * h",
)

# (symbol, name) per column: the name joins the header when there is room.
COLUMNS = (
    ("unit", ""),
    ("h", "old"),
    ("r", "reset"),
    ("z", "update"),
    ("n", "candidate"),
    ("z*h", "copied"),
    ("(1-z)*n", "written"),
    ("h'", "new"),
)


class GRUStepTable:
    """One row per unit: old state, gates, candidate, the two parts of h' and h' itself."""

    def __init__(self, result: GRUStepResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Gauges and named headers when wide; symbols and digits only when narrow."""
        result = self.result
        wide = options.max_width >= WIDE
        bars = 3 if wide else 0
        table = Table(
            title=Text("one GRU step, unit by unit"),
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
            collapse_padding=True,  # two spaces between columns, not three: 60 columns fit
        )
        for symbol, name in COLUMNS:
            header = f"{symbol}\n{name}" if wide and name else symbol
            add_column(table, header, justify="right" if symbol == "unit" else "left", no_wrap=True)
        for unit in range(result.h.shape[0]):
            add_row(
                table,
                str(unit),
                signed(float(result.h_prev[unit])),
                gauge(float(result.reset_gate[unit]), bars),
                gauge(float(result.update_gate[unit]), bars),
                signed(float(result.candidate[unit])),
                signed(float(result.copied[unit])),
                signed(float(result.written[unit])),
                Text.assemble(signed(float(result.h[unit])), style="bold"),
            )
        yield table


def view(result: GRUStepResult) -> RenderableType:
    """The gate table, the equations it follows, and how much of the old state survived."""
    kept = result.mean_update
    summary = Prose(
        f"update_bias={result.update_bias:g}: z averages {kept:.2f}, so the new state is about "
        f"{kept:.0%} copied old state and {1 - kept:.0%} candidate. r and z are sigmoids between "
        "0 and 1, n is a tanh between -1 and 1. As in PyTorch, z multiplies the old state."
    )
    equations = [Text(line, no_wrap=True, overflow="ignore") for line in EQUATIONS]
    return Group(GRUStepTable(result), *equations, Text(""), summary)
