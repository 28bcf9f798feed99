"""Output that behaves (issue 10): source never wrapped, formulas never broken, prose capped."""

from __future__ import annotations

import io
import textwrap

from rich.console import Console

from glossary.render.demos import code_view
from glossary.render.trim import trimming
from seqml.demos import DEMOS, code_sources


def _functions(listing: str) -> list[tuple[str, str]]:
    """The listing split at its '# seqml.module:function' headers."""
    found: list[tuple[str, list[str]]] = []
    for line in listing.split("\n"):
        if line.startswith("# seqml."):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return [(name, "\n".join(lines)) for name, lines in found]


def test_piped_code_is_never_wrapped_and_every_function_compiles(run) -> None:
    result = run("demo", "lstm-step", "--code", env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    functions = _functions(result.output)
    assert [name for name, _ in functions] == [name for name, _ in code_sources(DEMOS["lstm-step"])]
    for name, source in functions:
        compile(textwrap.dedent(source), name, "exec")
    longest = max(len(line) for _, source in code_sources(DEMOS["lstm-step"]) for line in source.splitlines())
    assert longest > 40  # the listing really is wider than the pipe's columns
    assert max(len(line) for line in result.output.split("\n")) == longest


def test_on_a_terminal_a_long_source_line_is_cut_with_an_ellipsis_not_wrapped() -> None:
    source = "def f(x):\n    return x + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11\n"
    console = trimming(Console(width=30, file=io.StringIO(), color_system=None))
    console.print(code_view([("m:f", source)]))
    lines = console.file.getvalue().split("\n")
    assert lines[:3] == ["# m:f", "def f(x):", "    return x + 1 + 2 + 3 + 4 …"]
    assert all(len(line) <= 30 for line in lines)
