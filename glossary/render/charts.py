"""Text charts for demos: bars and gauges drawn with block characters, so they survive NO_COLOR.

Every chart prints its numbers next to its bars: colour and length only repeat what the digits say.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from glossary.render.prose import Prose

EIGHTHS = " ▏▎▍▌▋▊▉"


def add_column(table: Table, header: str | Text, **options: object) -> None:
    """Add a column whose header is plain Text: rich never parses it for markup or emoji codes."""
    table.add_column(Text(header) if isinstance(header, str) else header, **options)


def add_row(table: Table, *cells: str | Text) -> None:
    """Add a row of plain Text cells (a str cell would be parsed as markup, and loads emoji data)."""
    table.add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in cells))


def bar(fraction: float, width: int) -> str:
    """A left-aligned bar filling ``fraction`` of ``width`` cells, in eighths of a cell."""
    if not math.isfinite(fraction):
        fraction = 1.0 if fraction > 0 else 0.0
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text.ljust(width)


def gauge(value: float, width: int = 8) -> Text:
    """A gate value in [0, 1] as a bar and two decimals; colour marks near-closed and near-open."""
    style = "red" if value < 0.25 else "green" if value > 0.75 else "yellow"
    if width <= 0:  # too narrow for bars: the digits alone
        return Text(f"{value:.2f}", style=style)
    return Text.assemble((bar(value, width), style), f" {value:.2f}")


def signed(value: float, digits: int = 3) -> Text:
    """A signed number, green when positive and red when negative (the sign is always printed)."""
    style = "green" if value > 0 else "red" if value < 0 else ""
    return Text(f"{value:+.{digits}f}", style=style)


def signed_bar(value: float, scale: float, width: int = 8) -> Text:
    """A value as a bar proportional to ``|value| / scale`` plus its signed digits."""
    fraction = abs(value) / scale if scale > 0 else 0.0
    style = "green" if value > 0 else "red" if value < 0 else ""
    if width <= 0:
        return signed(value, 2)
    return Text.assemble((bar(fraction, width), style), " ", signed(value, 2))


def scientific(value: float) -> str:
    """A positive magnitude in a fixed-width form: 1.2e-03, inf or 0."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf"
    if value == 0:
        return "0"
    return f"{value:.1e}"


def decades(values: Sequence[float]) -> tuple[int, int]:
    """The whole powers of ten that bracket every finite positive value (at least one decade)."""
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return (0, 1)
    low = math.floor(math.log10(min(positive)))
    high = math.ceil(math.log10(max(positive)))
    return (low, high if high > low else low + 1)


def log_fraction(value: float, low: int, high: int) -> float:
    """Where ``value`` sits between 10**low and 10**high on a log axis, as 0..1."""
    if math.isnan(value) or value <= 0:
        return 0.0
    if math.isinf(value):
        return 1.0
    return (math.log10(value) - low) / (high - low)


class LogBarChart:
    """Horizontal bars on one shared log10 axis: one row per label, one column per series."""

    def __init__(
        self,
        row_labels: Sequence[str],
        series: Sequence[tuple[str, Sequence[float]]],
        row_title: str = "",
        max_bar: int = 16,
    ) -> None:
        self.row_labels = list(row_labels)
        self.series = [(name, list(values)) for name, values in series]
        self.row_title = row_title
        self.max_bar = max_bar

    def _bar_width(self, total_width: int) -> int:
        """Share what the console leaves after labels and numbers among the series."""
        label_width = max([len(self.row_title), *map(len, self.row_labels)]) + 2
        per_series = (total_width - label_width) // max(len(self.series), 1)
        width = min(self.max_bar, per_series - 10)  # 10: " 1.2e-03" and the column gap
        return width if width >= 3 else 0  # bars under 3 cells say nothing: numbers only

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Lay the chart out for the width actually available."""
        width = self._bar_width(options.max_width)
        low, high = decades([v for _, values in self.series for v in values])
        table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False)
        add_column(table, self.row_title, justify="right", no_wrap=True)
        for name, _ in self.series:
            add_column(table, name, overflow="fold", min_width=7 + (width + 1 if width else 0))
        for row, label in enumerate(self.row_labels):
            cells: list[Text | str] = [label]
            for _, values in self.series:
                value = values[row]
                number = f"{scientific(value):>7}"
                if width:
                    cells.append(
                        Text.assemble((bar(log_fraction(value, low, high), width), "cyan"), " ", number)
                    )
                else:
                    cells.append(Text(number))
            add_row(table, *cells)
        yield table
        if width:
            yield Text(f"log scale: an empty bar is 1e{low:+03d}, a full bar 1e{high:+03d}", style="dim")


def sample_rows(count: int, most: int) -> Iterator[int]:
    """At most ``most`` evenly spread indices of ``count`` rows, always the first and last."""
    if count <= most:
        yield from range(count)
        return
    seen: set[int] = set()
    for position in range(most):
        index = round(position * (count - 1) / (most - 1))
        if index not in seen:
            seen.add(index)
            yield index


def house_table(title: str = "", caption: str = "") -> Table:
    """The house table: a light frame, titles on the left, nothing that needs colour to read."""
    return Table(
        # Prose, not str: never parsed as markup, and never broken inside a formula (rich draws any
        # renderable as a title or caption, though its annotations say Text)
        title=Prose(title) if title else None,
        caption=Prose(caption) if caption else None,  # type: ignore[arg-type]
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
