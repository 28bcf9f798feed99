"""The gradient-descent runs as a chart: loss above the optimum per step, one line per rate."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.gradient_descent import GradientDescentResult


def figure(result: GradientDescentResult) -> Figure:
    """Excess loss L - L* on a log axis: full-batch solid, SGD dashed, a cross where a run diverged."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 5.5), layout="constrained")
    axes = fig.add_subplot()
    colours: dict[float, str] = {}
    for rate_run in result.runs:
        run = rate_run.run
        colour = colours.setdefault(rate_run.multiple, f"C{len(colours)}")
        excess = np.maximum(run.losses - result.optimum_loss, 1e-16)
        style = "-" if rate_run.method == "gradient descent" else "--"
        label = f"{rate_run.method}, lr = {rate_run.multiple:g} x 2/lambda_max ({run.verdict})"
        axes.plot(np.arange(len(excess)), excess, style, color=colour, label=label)
        if run.diverged_at is not None:
            axes.plot(len(excess) - 1, excess[-1], "X", color=colour, markersize=10)
    axes.set_yscale("log")
    axes.set_xlabel("step")
    axes.set_ylabel("loss above the optimum, L - L*")
    axes.set_title(
        f"Gradient descent on least squares: critical rate 2/lambda_max = {result.critical_lr:.4g}"
    )
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower left", fontsize=9)
    return fig
