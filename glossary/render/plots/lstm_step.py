"""The lstm-step run as a chart: every gate's value, unit by unit, on the 0-1 scale they live on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.lstm_step import LSTMStepResult


def figure(result: LSTMStepResult) -> Figure:
    """Grouped bars per hidden unit: input, forget and output gates, and the tanh candidate."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 5.5), layout="constrained")
    axes = fig.add_subplot()
    units = np.arange(len(result.c))
    series = (("input gate i", result.input_gate), ("forget gate f", result.forget_gate),
              ("candidate g (tanh)", result.candidate), ("output gate o", result.output_gate))  # fmt: skip
    width = 0.8 / len(series)
    for index, (label, values) in enumerate(series):
        axes.bar(units + (index - 1.5) * width, values, width, label=label)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.axhline(1, color="grey", linewidth=0.8, linestyle=":")
    axes.set_xticks(units, [f"unit {unit}" for unit in units])
    axes.set_ylim(-1.05, 1.05)
    axes.set_xlabel("hidden unit")
    axes.set_ylabel("gate value (sigmoids in 0..1, candidate in -1..1)")
    axes.set_title(
        f"One LSTM step: how much each unit forgets, writes and shows (forget bias {result.forget_bias:g})"
    )
    axes.legend(loc="lower right", ncols=2)
    return fig
