"""No line of any command's output ends in whitespace, piped at 80 columns (issue 10).

Every command runs here once: lookups, lists, every demo with its defaults (the two training demos
with few steps), the source listing, a piped quiz and tour, the learner's views, and the help of
every command and demo. The trimming lives in one place (``cli._console``), so a new view is
covered without remembering to wrap it; this test is what proves it.
"""

from __future__ import annotations

import pytest

from seqml.demos import DEMOS

SHORT = {"train": ("--steps", "20"), "seq2seq": ("--steps", "20", "--test", "20")}

COMMANDS = [
    ("show", "lstm"),
    ("show", "bigram", "--demo"),
    ("search", "gradient"),
    ("list",),
    ("list", "--topic", "sequence-models"),
    ("links", "rnn", "--depth", "2"),
    ("compare", "bigram", "trigram"),
    ("path", "bigram", "vanishing gradient problem"),
    ("demos",),
    *[("demo", name, *SHORT.get(name, ())) for name in DEMOS],
    ("demo", "lstm-step", "--code"),
    ("review",),
    ("stats",),
    ("cards",),
    ("config",),
    ("config", "desired-retention"),
    ("--help",),
    *[(name, "--help") for name in ("show", "search", "list", "quiz", "demo", "tour", "stats", "config")],
    *[("demo", name, "--help") for name in DEMOS],
]


def _bad_lines(output: str) -> list[str]:
    return [repr(line) for line in output.split("\n") if line != line.rstrip()]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_output_line_ends_in_whitespace(run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.output.strip()
    assert _bad_lines(result.output) == []


def test_a_piped_quiz_a_review_and_the_tour_leave_no_trailing_whitespace(run) -> None:
    outputs = [
        run("quiz", "--n", "4", "--seed", "3", input="1\n2 good\nlstm\n?\n").output,
        run("review").output,
        run("tour", "--seed", "1", input="1\n2\n3\n").output,
        run("cards").output,
    ]
    for output in outputs:
        assert output.strip()
        assert _bad_lines(output) == []


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_a_demo_on_a_40_column_pipe_leaves_no_trailing_whitespace_where_lines_are_cut(run, name: str) -> None:
    result = run("demo", name, *SHORT.get(name, ()), env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert _bad_lines(result.output) == []


def _every_command_path() -> list[tuple[str, ...]]:
    import click

    from cli import cli

    paths: list[tuple[str, ...]] = [()]
    groups = [((), cli)]
    while groups:
        prefix, group = groups.pop()
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            paths.append((*prefix, name))
            if isinstance(command, click.Group):
                groups.append(((*prefix, name), command))
    return paths


@pytest.mark.parametrize("columns", ["40", "80"])
def test_the_help_of_every_command_and_demo_has_no_line_ending_in_whitespace(db_path, columns: str) -> None:
    """Run as installed: CliRunner fixes click's help width at 80, and the usage line of
    ``glossary demo lstm-step`` wraps, leaving a space, only on a narrower terminal."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    command = Path(sys.executable).with_name("glossary")
    env = {**os.environ, "COLUMNS": columns, "GLOSSARY_DB": str(db_path)}
    paths = _every_command_path()
    assert ("demo", "lstm-step") in paths and ("lm", "build") in paths
    for path in paths:
        done = subprocess.run([str(command), *path, "--help"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, (path, done.stderr)
        assert _bad_lines(done.stdout) == [], path
