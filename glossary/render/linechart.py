"""A line chart on a log axis drawn with characters: many decades on one screen, as lines.

The gradient-flow lesson spans thirteen decades (1e+02 down to 1e-09). Bars five characters
long flatten that into "long" and "short"; a real chart with one row per decade or so shows a
straight line for a geometric decay, and the slope is the rate. Each series has its own ASCII
mark (and colour, where there is colour), so the chart reads the same piped or in NO_COLOR.

Terminal plotting libraries were measured for this: plotext costs ~320 ms to import on this
machine (rich.console, the whole of our view layer's import, ~75 ms), to draw one chart. This
module is ~100 lines and imports nothing beyond rich.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

MARKS = "ox+*#@%&"
COLOURS = ("cyan", "yellow", "red", "green", "magenta", "blue", "bright_red", "bright_green")
LABEL_WIDTH = 7  # "1e+02 ┤"


class LogLineChart:
    """Series of positive values against 0..n-1, drawn on a log10 y axis ``height`` rows tall."""

    def __init__(
        self, series: Sequence[tuple[str, Sequence[float]]], x_title: str, height: int = 20, widest: int = 64
    ) -> None:
        self.series = [(label, [float(v) for v in values]) for label, values in series]
        self.x_title = x_title
        self.height = height
        self.widest = widest

    def _range(self) -> tuple[int, int]:
        """Whole decades that hold every positive value."""
        logs = [math.log10(v) for _, values in self.series for v in values if v > 0 and math.isfinite(v)]
        if not logs:
            return 0, 1
        low, high = math.floor(min(logs)), math.ceil(max(logs))
        return low, max(high, low + 1)

    def _grid(self, columns: int) -> list[list[int]]:
        """For each row and column, the index of the series drawn there (-1: empty)."""
        low, high = self._range()
        grid = [[-1] * columns for _ in range(self.height)]

        def row_of(log_value: float) -> int:
            return round((high - log_value) / (high - low) * (self.height - 1))

        # The first series is drawn last, on top: callers list the lesson's main lines first.
        for index, (_, values) in reversed(list(enumerate(self.series))):
            count = len(values)
            points = [
                (round(k / max(count - 1, 1) * (columns - 1)), math.log10(v))
                for k, v in enumerate(values)
                if v > 0 and math.isfinite(v)
            ]
            for (col_a, log_a), (col_b, log_b) in zip(points, points[1:] or points, strict=False):
                previous = row_of(log_a)
                for column in range(col_a, max(col_b, col_a) + 1):
                    share = 0.0 if col_b == col_a else (column - col_a) / (col_b - col_a)
                    row = row_of(log_a + share * (log_b - log_a))
                    for filled in range(min(row, previous), max(row, previous) + 1):  # steep: join rows
                        grid[filled][column] = index
                    previous = row
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The plot rows with decade labels, the x axis, its ticks, and the legend."""
        columns = max(min(options.max_width - LABEL_WIDTH - len(self.x_title) - 3, self.widest), 10)
        low, high = self._range()
        grid = self._grid(columns)
        every = max(1, math.ceil((high - low) / max(self.height // 2, 1)))
        labelled = {
            round((high - decade) / (high - low) * (self.height - 1)): decade
            for decade in range(high, low - 1, -every)
        }
        for row, cells in enumerate(grid):
            line = Text(f"1e{labelled[row]:+03d} ┤" if row in labelled else "      │", style="dim")
            for cell in cells:
                line.append(
                    MARKS[cell % len(MARKS)] if cell >= 0 else " ",
                    style=COLOURS[cell % len(COLOURS)] if cell >= 0 else "",
                )
            line.rstrip()
            yield line
        count = max(len(values) for _, values in self.series)
        yield Text("      └" + "─" * columns, style="dim")
        ticks = [0, (count - 1) // 2, count - 1]
        axis = [" "] * (columns + LABEL_WIDTH)
        for tick in ticks:
            label = str(tick)
            start = LABEL_WIDTH + round(tick / max(count - 1, 1) * (columns - 1)) - len(label) // 2
            start = min(max(start, LABEL_WIDTH - 1), len(axis) - len(label))
            axis[start : start + len(label)] = list(label)
        yield Text("".join(axis).rstrip() + f"  {self.x_title}", style="dim")
        legend = Text("      ")
        for index, (label, _) in enumerate(self.series):
            legend.append(f"{MARKS[index % len(MARKS)]} ", style=COLOURS[index % len(COLOURS)])
            legend.append(label + ("   " if index < len(self.series) - 1 else ""))
        yield legend
