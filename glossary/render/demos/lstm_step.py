"""The lstm-step demo drawn: each gate per unit as a gauge, then the new cell and hidden state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult

from glossary.render.charts import add_column, add_row, gauge, house_table, signed, signed_bar
from glossary.render.prose import Prose

if TYPE_CHECKING:
    from seqml.demos.lstm_step import LSTMStepResult


class LSTMStepTable:
    """Gate gauges per unit; below ~78 columns the bars give way to the digits they repeat."""

    def __init__(self, result: LSTMStepResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Draw with 3-cell gauges when they fit, digits only when they do not."""
        result = self.result
        narrow = options.max_width < 78
        bars = 0 if narrow else 3
        table = house_table(
            title="one LSTM step: c = f*c_prev + i*g,  h = o*tanh(c)",
            caption=(
                "i input gate, f forget gate, o output gate: sigmoids in (0, 1), 0 shuts and 1 lets "
                "everything through; g candidate: a tanh in (-1, 1)"
            ),
        )
        if narrow:  # no frame: every cell keeps its digits
            table.box = None
        for name in ("unit", "c_prev", "i", "f", "g", "o", "c", "h"):
            add_column(table, name, justify="right" if name == "unit" else "left", no_wrap=True)
        for unit in range(result.h.shape[0]):
            add_row(
                table,
                str(unit),
                signed(float(result.c_prev[unit])),
                gauge(float(result.input_gate[unit]), bars),
                gauge(float(result.forget_gate[unit]), bars),
                signed_bar(float(result.candidate[unit]), 1.0, bars),
                gauge(float(result.output_gate[unit]), bars),
                signed(float(result.c[unit])),
                signed(float(result.h[unit])),
            )
        yield table


def view(result: LSTMStepResult) -> RenderableType:
    """Gate values per unit as gauges, then how they combine into the new cell and hidden state."""
    kept = float(result.forget_gate.mean())
    bias = result.forget_bias
    if bias > 0:
        effect = f"a bias of +{bias:g} pushes every forget gate toward 1, so the cell starts out remembering"
    elif bias < 0:
        effect = f"a bias of {bias:g} pushes every forget gate toward 0, so the cell starts out forgetting"
    else:
        effect = "a bias of 0 centres the forget gates on 0.5, so about half of the cell fades each step"
    note = Prose(
        f"--forget-bias={bias:g}: the forget gate averages {kept:.2f}, so each unit keeps "
        f"about {kept:.0%} of its old cell state ({effect})."
    )
    return Group(LSTMStepTable(result), note)
