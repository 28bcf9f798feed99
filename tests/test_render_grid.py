"""Grid and wrapped: aligned numbers and prose with no trailing spaces and no split words."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from glossary.render.grid import Grid, wrapped


def test_grid_right_aligns_numbers_left_aligns_marked_columns_and_strips_line_ends():
    grid = Grid(["name", "value"], [["a", "1.5"], ["long", "-10.25"]], left=[True, False])
    assert grid.text().plain.split("\n") == ["name   value", "a        1.5", "long  -10.25"]
    assert grid.width == len("long  -10.25")
    last_left = Grid(["x", "note"], [["1", ""], ["2", "ok"]], left=[False, True])
    assert [line for line in last_left.text().plain.split("\n")] == ["x  note", "1", "2  ok"]


def test_grid_without_headers_and_with_indent():
    grid = Grid(None, [["+1.0", "-2.0"]], indent=4)
    assert grid.text().plain == "    +1.0  -2.0" and grid.width == 14


def test_grid_refuses_ragged_rows():
    with pytest.raises(ValueError, match="one cell per column"):
        Grid(["a", "b"], [["1"]])


def test_wrapped_breaks_only_at_spaces_and_leaves_no_trailing_space():
    console = Console(width=40, file=io.StringIO(), color_system=None)
    console.print(wrapped("alpha beta gamma 2/lambda_max=0.9229 delta", 12))
    lines = console.file.getvalue().split("\n")
    assert lines == ["alpha beta", "gamma", "2/lambda_ma…", "delta", ""]
