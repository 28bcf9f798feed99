"""View of the activations demo: values and slopes over x, where each flattens, softmax at each T.

Every number is printed; a ``*`` (not colour) marks a slope below 1% of its peak, so the
saturated and dead regions read the same piped or with NO_COLOR.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from glossary.render.charts import bar
from glossary.render.grid import Grid, wrapped

if TYPE_CHECKING:
    from seqml.demos.activations import ActivationCurve, ActivationsResult

PROBABILITY_BAR = 6  # cells of the bar beside each probability, when the console has room


def number(value: float) -> str:
    """Four decimals, or two significant digits in e-notation when that would read 0.0000."""
    if value == 0:
        return "0"
    if abs(value) < 1e-3:
        return f"{value:.1e}"
    return f"{value:.4f}"


def probability(value: float) -> str:
    """Three decimals, or e-notation for tiny probabilities so they never read 0.000."""
    if value == 0:
        return "0"
    return f"{value:.1e}" if value < 1e-3 else f"{value:.3f}"


def _x(value: float) -> str:
    """x as typed: -6, 0.5, -2.25 (up to 4 decimals, no trailing zeros)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _curve_grid(result: ActivationsResult, with_values: bool) -> Grid:
    """One row per x: for each function its value (optional) and its slope, flat slopes starred."""
    headers = ["x"]
    for curve in result.curves:
        if with_values:
            headers.append(curve.name)
        headers.append(f"{curve.name}'" if with_values else f"{curve.name}'(x)")
    rows = []
    for index, x in enumerate(result.x.tolist()):
        row = [_x(x)]
        for curve in result.curves:
            if with_values:
                row.append(number(float(curve.values[index])))
            star = "*" if curve.flat[index] else " "
            row.append(number(float(curve.slopes[index])) + star)
        rows.append(row)
    return Grid(headers, rows)


def _saturation_line(curve: ActivationCurve, fraction: float) -> str:
    """Where the slope is flat, in words and numbers."""
    if curve.name == "relu":
        return "relu: slope 1 for every x>0 (never saturates), 0 for every x<=0: a dead unit learns nothing"
    return (
        f"{curve.name}: slope peaks at {curve.peak_slope:g} (x=0) and falls below {fraction:.0%} "
        f"of that for |x|>{curve.saturation:.2f}"
    )


def _temperature_grid(result: ActivationsResult, bars: int) -> Grid:
    """One row per class (its logit, then its probability at each T), then top p and entropy."""
    headers = ["logit", *(f"T={row.temperature:g}" for row in result.temperatures)]
    rows = []
    for index, logit in enumerate(result.logits.tolist()):
        cells = [f"{logit:g}"]
        for row in result.temperatures:
            p = float(row.probabilities[index])
            prefix = bar(p, bars) + " " if bars else ""
            cells.append(prefix + probability(p))
        rows.append(cells)
    rows.append(["top p", *(f"{row.top_probability:.3f}" for row in result.temperatures)])
    rows.append(["H nats", *(f"{row.entropy:.3f}" for row in result.temperatures)])
    return Grid(headers, rows)


class ActivationsView:
    """Lays the two tables out for the console's width: values drop out before digits do."""

    def __init__(self, result: ActivationsResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Curves, the saturation summary, then the temperature table and its formula."""
        result = self.result
        width = options.max_width
        fraction = result.saturation_fraction
        low, high = _x(float(result.x[0])), _x(float(result.x[-1]))
        yield Text(f"activations on [{low}, {high}]: value and slope f'(x)", style="bold")
        curves = _curve_grid(result, with_values=True)
        if curves.width > width:
            curves = _curve_grid(result, with_values=False)  # the slopes are the lesson
        yield curves.text()
        yield wrapped(
            f"* slope below {fraction:.0%} of its peak: saturated (sigmoid, tanh) or dead (relu)", width
        )
        for curve in result.curves:
            yield wrapped(_saturation_line(curve, fraction), width)
        yield Text("")
        yield Text("softmax(logits / T): the same scores at several temperatures", style="bold")
        grid = _temperature_grid(result, PROBABILITY_BAR)
        if grid.width > width:
            grid = _temperature_grid(result, 0)
        yield grid.text()
        chosen = next(row for row in result.temperatures if row.temperature == result.chosen_temperature)
        coldest, hottest = result.temperatures[0], result.temperatures[-1]
        uniform = math.log(len(result.logits))
        yield wrapped(
            f"T={chosen.temperature:g}: top p {chosen.top_probability:.3f}, entropy "
            f"{chosen.entropy:.3f} nats (uniform: {uniform:.3f}); from T={coldest.temperature:g} to "
            f"T={hottest.temperature:g} the top p falls {coldest.top_probability:.3f} -> "
            f"{hottest.top_probability:.3f}",
            width,
        )
        yield Text("p_j = exp(z_j / T) / sum_k exp(z_k / T)", style="dim")
        yield Text("H = -sum_j p_j log p_j", style="dim")


def view(result: ActivationsResult) -> RenderableType:
    """The activations demo for a terminal."""
    return ActivationsView(result)
