"""Trimmed: any renderable drawn without trailing whitespace, its text and styles kept."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from glossary.render.trim import Trimmed, trimming


def render(renderable, width: int = 40, color: bool = False) -> str:
    console = Console(
        width=width, file=io.StringIO(), color_system="standard" if color else None, force_terminal=color
    )
    console.print(renderable)
    return console.file.getvalue()


def padded_table() -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(Text("name"))
    table.add_column(Text("value"))
    table.add_row(Text("a"), Text("1"))
    table.add_row(Text("a longer name"), Text(""))  # an empty last cell: the line ends in padding
    return table


def test_a_padded_table_loses_its_trailing_spaces_and_nothing_else():
    raw = render(padded_table())
    assert any(line != line.rstrip() for line in raw.splitlines())  # the problem being fixed
    trimmed = render(Trimmed(padded_table()))
    assert trimmed.splitlines() == [line.rstrip() for line in raw.splitlines()]


def test_styles_of_the_kept_text_survive_trimming():
    output = render(Trimmed(Text("red words   ", style="red")), color=True)
    assert "\x1b[31mred words\x1b[0m" in output
    assert not output.rstrip("\n").endswith(" ")


def test_blank_lines_stay_as_empty_lines():
    output = render(Trimmed(Text("a\n   \nb")))
    assert output == "a\n\nb\n"


def test_an_open_last_line_keeps_its_space_so_a_prompt_reads_right():
    console = trimming(Console(width=40, file=io.StringIO(), color_system=None))
    console.print("Answer (1-4): ", end="")
    console.print(Text("padded   \nnext"))
    assert console.file.getvalue() == "Answer (1-4): padded\nnext\n"


def test_a_trimming_console_trims_every_print_without_wrapping_the_renderable():
    console = trimming(Console(width=40, file=io.StringIO(), color_system=None))
    console.print(padded_table())
    console.print("words   ")
    table_lines = [line.rstrip() for line in render(padded_table()).split("\n")][:-1]
    assert console.file.getvalue().split("\n") == [*table_lines, "words", ""]


def test_a_line_cropped_at_the_console_width_does_not_end_in_the_space_it_was_cut_at():
    formula = Text("x_t + " * 7 + "b", no_wrap=True, overflow="ignore")  # column 40 is a space
    output = render(Trimmed(formula), width=40)
    assert output == "x_t + " * 6 + "x_t\n"
