"""The activations run as a chart: each function and its slope, saturated stretches shaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.activations import ActivationsResult


def figure(result: ActivationsResult) -> Figure:
    """Values on the left, slopes on the right; softmax at each temperature below."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 8), layout="constrained")
    value_axes, slope_axes, soft_axes = fig.subplot_mosaic(
        [["value", "slope"], ["softmax", "softmax"]]
    ).values()
    for index, curve in enumerate(result.curves):
        colour = f"C{index}"
        value_axes.plot(result.x, curve.values, "o-", color=colour, markersize=3, label=curve.name)
        slope_axes.plot(result.x, curve.slopes, "o-", color=colour, markersize=3, label=f"{curve.name}'")
        flat = np.asarray(curve.flat, dtype=bool)
        slope_axes.plot(result.x[flat], curve.slopes[flat], "x", color=colour, markersize=8)
    slope_axes.plot([], [], "x", color="black", label="slope < 1% of its peak")
    value_axes.set_title("Activation f(x)")
    slope_axes.set_title("Slope f'(x): where learning signal passes")
    for axes, label in ((value_axes, "f(x)"), (slope_axes, "f'(x)")):
        axes.set_xlabel("x (pre-activation)")
        axes.set_ylabel(label)
        axes.grid(True, alpha=0.3)
        axes.legend(loc="best")
    classes = np.arange(len(result.logits))
    width = 0.8 / max(len(result.temperatures), 1)
    for index, row in enumerate(result.temperatures):
        offset = (index - (len(result.temperatures) - 1) / 2) * width
        soft_axes.bar(classes + offset, row.probabilities, width,
                      label=f"T = {row.temperature:g} (entropy {row.entropy:.2f} nats)")  # fmt: skip
    soft_axes.set_xticks(classes, [f"logit {value:g}" for value in result.logits])
    soft_axes.set_ylabel("probability")
    soft_axes.set_title("softmax(logits / T): higher temperature flattens the distribution")
    soft_axes.grid(True, axis="y", alpha=0.3)
    soft_axes.legend(loc="upper right")
    return fig
