"""The gradient-flow demo drawn: gradient norm against steps back, as bars on a log axis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.charts import LogBarChart, sample_rows

if TYPE_CHECKING:
    from seqml.demos.gradient_flow import GradientFlowResult


GRADIENT_ROWS = 16  # rows of the gradient-flow chart before it samples k


def view(result: GradientFlowResult) -> RenderableType:
    """||dL/dh_(T-k)|| against k as bars on a log axis: RNN at several rho, and the LSTM."""
    shown = [curve for curve in result.curves if not curve.label.startswith("linear")]
    rows = list(sample_rows(result.steps + 1, GRADIENT_ROWS))
    chart = LogBarChart(
        [str(k) for k in rows],
        [(curve.label, [float(curve.norms[k]) for k in rows]) for curve in shown],
        row_title="k",
    )
    title = Text(
        f"gradient norm ||dL/dh_(T-k)|| flowing k steps back (T={result.steps})",
        style="bold",
    )
    verdicts = Text(
        "; ".join(f"{curve.label}: {curve.verdict}" for curve in result.curves),
        style="dim",
    )
    parts: list[RenderableType] = [title, chart, verdicts]
    cell = next((curve for curve in result.curves if curve.label.startswith("LSTM cell")), None)
    if cell is not None and cell.verdict == "vanishing":
        parts.append(
            Text(
                "the LSTM cell still loses its gradient at this forget bias: "
                "try --forget-bias 3 to hold the forget gate near 1"
            )
        )
    return Group(*parts)
