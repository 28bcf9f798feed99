"""A progress bar for the training demos: steps done, the latest loss, time left.

Drawn on stderr and only on a terminal, so piped output and ``--json`` stay clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console


@contextmanager
def training_progress(title: str) -> Iterator[Callable[[int, int, float], None] | None]:
    """Yield ``report(done, total, loss)`` drawing a bar on a terminal's stderr, or None elsewhere."""
    console = Console(stderr=True, highlight=False)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} steps  loss {task.fields[loss]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(title, total=None, loss="-")

        def report(done: int, total: int, loss: float) -> None:
            bar.update(task, completed=done, total=total, loss=f"{loss:.3f}")

        yield report
