"""The gradient-flow run as a chart: gradient norm against steps back, on a log axis."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.gradient_flow import GradientFlowResult


def figure(result: GradientFlowResult) -> Figure:
    """One line per RNN rho and per LSTM path; the exact rho^k yardstick dashed."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 5.5), layout="constrained")
    axes = fig.add_subplot()
    tiny = np.finfo(float).tiny  # a norm of exactly 0 still has a place on the log axis
    for curve in result.curves:
        steps_back = np.arange(len(curve.norms))
        axes.plot(steps_back, np.maximum(curve.norms, tiny), marker="o", markersize=3,
                  label=f"{curve.label} ({curve.verdict}, r={curve.per_step:.3f})")  # fmt: skip
    linear = result.linear
    axes.plot(np.arange(len(linear.norms)), np.maximum(linear.norms, tiny), linestyle="--", color="grey",
              label=f"{linear.label} (exactly rho^k)")  # fmt: skip
    axes.set_yscale("log")
    axes.set_xlabel("k: steps back from the last timestep")
    axes.set_ylabel("gradient norm ||dL/dh_(T-k)||")
    axes.set_title(
        f"Gradient flowing back through time (T={result.steps}, LSTM forget bias {result.forget_bias:g})"
    )
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="best")
    return fig
