"""The gradient-flow demo drawn: gradient norm against steps back as lines on a log axis, then
the numbers (a sampled table; ``--json`` has every one, ``--plot`` draws the same chart as a file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.charts import LogBarChart, sample_rows, scientific
from glossary.render.linechart import LogLineChart
from glossary.render.prose import Prose

if TYPE_CHECKING:
    from seqml.demos.gradient_flow import GradientFlowResult


GRADIENT_ROWS = 16  # rows of the gradient-flow chart before it samples k


def view(result: GradientFlowResult) -> RenderableType:
    """||dL/dh_(T-k)|| against k as bars on a log axis: RNN at several rho, and the LSTM."""
    rows = list(sample_rows(result.steps + 1, GRADIENT_ROWS))
    chart = LogBarChart(
        [str(k) for k in rows],
        [(curve.label, [float(curve.norms[k]) for k in rows]) for curve in result.curves],
        row_title="k",
    )
    title = Text(
        f"gradient norm ||dL/dh_(T-k)|| flowing k steps back (T={result.steps})",
        style="bold",
    )
    # No spaces inside a formula, so a narrow terminal wraps between formulas, never inside one.
    verdicts = Text(
        "verdict by the overall factor per step r=(norm_T/norm_0)^(1/T): vanishing if r<0.926, "
        "exploding if r>1.080 (tenfold within 30 steps)",
        style="dim",
    )
    width = max(len(curve.label) for curve in result.curves)
    for curve in result.curves:
        verdicts.append(f"\n  {curve.label:<{width}}  r={curve.per_step:.3f}  {curve.verdict}")
    linear = result.linear
    reference = Text(
        f"yardstick: a linear RNN with rho={result.rho:g} scales the gradient by exactly rho^k: "
        f"{result.rho:g}^{result.steps}={scientific(float(linear.norms[-1]))}, r={linear.per_step:.3f}, "
        f"{linear.verdict}",
        style="dim",
    )
    lines = LogLineChart([(curve.label, curve.norms.tolist()) for curve in result.curves], "k: steps back")
    parts: list[RenderableType] = [title, lines, Text(""), chart, Prose(verdicts), Prose(reference)]
    cell = next((curve for curve in result.curves if curve.label == "LSTM cell"), None)
    if cell is not None and cell.verdict == "vanishing":
        parts.append(
            Prose(
                "the LSTM cell still loses its gradient at this forget bias: "
                "try a larger --forget-bias (3 holds the forget gate near 0.95)"
            )
        )
    return Group(*parts)
