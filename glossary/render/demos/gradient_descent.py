"""View of the gradient-descent demo: per learning rate, each method's verdict and its loss curve.

Curves are block-character sparklines on one shared log10 axis, sampled to the console's width,
so a diverging run towers over the others and a crawling one visibly lags. Every number the
sparkline summarises (start, end, steps run) is printed beside it; the full curves stay in the
result for ``--json`` and for plots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from glossary.render.charts import decades, log_fraction
from glossary.render.grid import GAP, Grid, wrapped

if TYPE_CHECKING:
    from seqml.demos.gradient_descent import GradientDescentResult

LEVELS = "▁▂▃▄▅▆▇█"
MIN_SPARK = 12  # narrower than this, the curve goes on a line of its own


def loss_text(value: float) -> str:
    """A loss in four significant digits; inf stays inf."""
    if math.isinf(value):
        return "inf"
    return f"{value:.4g}"


def sparkline(values: Sequence[float], total_steps: int, width: int, low: int, high: int) -> str:
    """``width`` blocks for steps 0..total_steps on a log axis from 10**low to 10**high.

    The x axis is the full run length, so a curve stopped early (diverged) ends early.
    """
    if width < 1:
        return ""
    blocks = []
    for column in range(width):
        step = round(column * total_steps / (width - 1)) if width > 1 else total_steps
        if step >= len(values):
            break
        fraction = log_fraction(float(values[step]), low, high)
        blocks.append(LEVELS[min(int(fraction * len(LEVELS)), len(LEVELS) - 1)])
    return "".join(blocks)


class GradientDescentView:
    """The data's curvature and critical rate, then one block per learning rate."""

    def __init__(self, result: GradientDescentResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Header, a grid per rate (curves beside it when they fit, else below), formulas."""
        result = self.result
        width = options.max_width
        yield wrapped(
            f"least squares on {result.samples} samples: Hessian eigenvalues from "
            f"{result.lambda_min:.4g} to {result.lambda_max:.4g}, so the critical learning rate "
            f"2/lambda_max is {result.critical_lr:.4g}",
            width,
        )
        if result.automatic:
            multiples = ", ".join(f"{r.multiple:g}x" for r in result.runs[::2])
            yield wrapped(f"rates chosen as {multiples} of it (pass --lr to try your own)", width)
        # The axis runs from the best loss to ten times the start: a diverging curve tops out at
        # a full block instead of squashing every converging curve into the bottom levels.
        start = max(float(r.run.losses[0]) for r in result.runs)
        low, high = decades([result.optimum_loss, 10 * start])
        rows = []
        for rate_run in result.runs:
            run = rate_run.run
            method = "full batch" if rate_run.method == "gradient descent" else f"SGD b={run.batch}"
            rows.append(
                [
                    f"{run.lr:.4g}",
                    f"{rate_run.multiple:.3g}x",
                    method,
                    run.verdict,
                    loss_text(float(run.losses[-1])),
                    str(len(run.losses) - 1),
                ]
            )
        headers = ["lr", "of crit", "method", "verdict", "final loss", "steps"]
        left = [False, False, True, True, False, False]
        grid = Grid(headers, rows, left=left)
        spark_width = width - grid.width - GAP
        beside = spark_width >= MIN_SPARK
        if not beside:
            spark_width = width - 2
        curves = [sparkline(r.run.losses.tolist(), result.steps, spark_width, low, high) for r in result.runs]
        if beside:
            grid = Grid([*headers, "loss curve"], [[*row, c] for row, c in zip(rows, curves, strict=True)],
                        left=[*left, True])  # fmt: skip
            yield grid.text()
        else:
            lines = grid.text().plain.split("\n")
            text = Text(lines[0], style="bold")
            for line, curve in zip(lines[1:], curves, strict=True):
                text.append("\n" + line + "\n  " + curve)
            yield text
        yield wrapped(
            f"curves: log loss from 1e{low:+03d} ({LEVELS[0]}) to 1e{high:+03d} or more ({LEVELS[-1]}) "
            f"over {result.steps} steps; best possible loss {result.optimum_loss:.4g}",
            width,
            style="dim",
        )
        if any(r.run.diverged_at is not None for r in result.runs):
            yield wrapped(
                f"a diverging run stops once its loss passes {result.divergence_factor:g} times its start "
                "or turns inf: steps counts the updates made",
                width,
                style="dim",
            )
        yield Text("theta <- theta - lr * grad L(theta)", style="dim")
        yield Text("per step: error_i <- (1 - lr * lambda_i) * error_i", style="dim")
        yield Text("critical lr = 2 / lambda_max(Hessian of L)", style="dim")


def view(result: GradientDescentResult) -> RenderableType:
    """The gradient-descent demo for a terminal."""
    return GradientDescentView(result)
