"""Training curves as one-line block-character sparklines, laid out for the console's width.

A curve of any length is cut into as many bins as there are columns; each bin is drawn as one of
eight block heights. Every row ends with its numbers, so the digits survive NO_COLOR and piping,
and no line ends in whitespace (a run that stopped early leaves blanks *inside* its line only).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

BLOCKS = "▁▂▃▄▅▆▇█"
MARK = "^"  # under a bin in which at least one step was clipped


def bins(count: int, columns: int) -> list[tuple[int, int]]:
    """Split steps 0..count-1 into at most ``columns`` contiguous, nearly equal [start, stop) bins."""
    columns = max(1, min(columns, count))
    edges = [round(j * count / columns) for j in range(columns + 1)]
    return [(edges[j], edges[j + 1]) for j in range(columns)]


def linear_scale(low: float, high: float) -> Callable[[float], float]:
    """Map a value to 0..1 between low and high (clamped; inf and NaN count as the top)."""

    def fraction(value: float) -> float:
        if not math.isfinite(value):
            return 1.0
        return min(max((value - low) / (high - low), 0.0), 1.0) if high > low else 1.0

    return fraction


def log_scale(values: Sequence[float]) -> tuple[Callable[[float], float], int, int]:
    """A log10 scale over whole decades covering the finite positive values, and those decades."""
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    low = math.floor(math.log10(min(positive))) if positive else 0
    high = math.ceil(math.log10(max(positive))) if positive else 1
    high = max(high, low + 1)

    def fraction(value: float) -> float:
        if math.isnan(value) or math.isinf(value):
            return 1.0
        if value <= 0:
            return 0.0
        return min(max((math.log10(value) - low) / (high - low), 0.0), 1.0)

    return fraction, low, high


def spark(
    values: Sequence[float],
    total: int,
    columns: int,
    fraction: Callable[[float], float],
    reduce: str = "mean",
) -> str:
    """``values`` (steps 0..len-1 of ``total``) as ``min(columns, total)`` block characters.

    A bin's height is the mean (or max) of its steps; a bin past the end of ``values`` is a space.
    A bin holding a non-finite value is drawn full height.
    """
    out = []
    for start, stop in bins(total, columns):
        chunk = [float(v) for v in values[start:stop]]
        if not chunk:
            out.append(" ")
            continue
        if any(not math.isfinite(v) for v in chunk):
            value = math.inf
        else:
            value = max(chunk) if reduce == "max" else sum(chunk) / len(chunk)
        level = math.ceil(fraction(value) * len(BLOCKS)) - 1
        out.append(BLOCKS[min(max(level, 0), len(BLOCKS) - 1)])
    return "".join(out)


def marks(flags: Sequence[bool], total: int, columns: int) -> str:
    """MARK under every bin with at least one True flag, spaces elsewhere."""
    return "".join(MARK if any(flags[start:stop]) else " " for start, stop in bins(total, columns))


@dataclass(frozen=True)
class SparkRow:
    """One line of a chart: a short label, the drawn curve (built per width) and trailing numbers."""

    label: str
    draw: Callable[[int], str]  # columns -> exactly min(columns, total) characters
    numbers: str


class SparkChart:
    """Rows of sparklines sharing one width, with a step axis under them.

    The curve width is what the console leaves after the labels and the longest numbers, capped
    at ``most`` columns; the numbers are never cut.
    """

    def __init__(
        self,
        rows: Sequence[SparkRow],
        total: int,
        axis: str = "step",
        most: int = 64,
        numbers_width: int = 0,
    ) -> None:
        self.rows = list(rows)
        self.total = total
        self.axis = axis
        self.most = most
        self.numbers_width = numbers_width  # reserve at least this much, so stacked charts align

    def columns(self, width: int) -> int:
        """How many curve columns fit beside the labels and numbers."""
        label = max((len(row.label) for row in self.rows), default=0)
        numbers = max([self.numbers_width, *(len(row.numbers) for row in self.rows)])
        return max(4, min(self.most, self.total, width - label - numbers - 2))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One Text per row, curve padded to the shared width so the numbers line up."""
        columns = self.columns(options.max_width)
        label = max((len(row.label) for row in self.rows), default=0)
        for row in self.rows:
            curve = row.draw(columns).ljust(min(columns, self.total))
            line = Text(row.label.ljust(label) + " ")
            line.append(curve, style="cyan")
            if row.numbers:
                line.append(" " + row.numbers)
            line.rstrip()
            yield line
        first, last = f"{self.axis} 1", str(self.total)
        drawn = min(columns, self.total)
        gap = drawn - len(first) - len(last)
        axis = first + " " * gap + last if gap >= 1 else f"{self.axis}s 1-{self.total}"
        yield Text(" " * (label + 1) + axis, style="dim")


class Formulas:
    """Formulas packed onto as few lines as fit, never breaking one in the middle."""

    def __init__(self, formulas: Sequence[str], separator: str = "    ", style: str = "dim") -> None:
        self.formulas = list(formulas)
        self.separator = separator
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Greedy packing; a formula wider than the console gets lines of its own, wrapped at spaces."""
        lines, line = [], ""
        for formula in self.formulas:
            joined = f"{line}{self.separator}{formula}" if line else formula
            if line and len(joined) > options.max_width:
                lines.append(line)
                joined = formula
            line = joined
        if line:
            lines.append(line)
        for text in lines:
            for wrapped in Text(text, style=self.style).wrap(console, options.max_width):
                wrapped.rstrip()
                yield wrapped
