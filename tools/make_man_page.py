"""Write ``data/glossary.1``, the man page, from the click commands' own help.

The page ships in the wheel (``glossary/data/glossary.1``, via package_data) and is committed;
``tests/test_man_page.py`` fails when it no longer matches the commands, so after changing a
command's help run ``python tools/make_man_page.py`` and commit the result.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli import cli  # noqa: E402  (the repository root must be importable first)
from glossary import __version__  # noqa: E402
from glossary.guide import TASKS  # noqa: E402

ENVIRONMENT = (
    ("GLOSSARY_DB", "The store to use, as --db."),
    (
        "GLOSSARY_PAGER",
        "The pager for long output; empty, cat, 0, false, no, off or never turns paging off. "
        "Overrides PAGER. A pager that is not installed is not run.",
    ),
    ("PAGER", "The pager when GLOSSARY_PAGER is not set (default: less -FRX)."),
    ("NO_COLOR", "Set to any value: no colour, even on a terminal."),
    ("FORCE_COLOR", "Set to any value: colour even when output is piped."),
    ("COLUMNS", "The width to draw to, instead of the terminal's."),
    ("GLOSSARY_NOW", "The quiz clock, as an ISO-8601 time (for testing and demos)."),
)


def roff(text: str) -> str:
    """Escape text for roff: backslashes, hyphens and a leading dot or quote."""
    lines = []
    for line in text.replace("\\", "\\e").replace("-", "\\-").splitlines():
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def help_roff(command: click.Command) -> list[str]:
    """A command's help as roff: each paragraph filled to the reader's width, and what click keeps
    line for line (a block after \\b: examples, lists) kept so here too."""
    text = inspect.cleandoc(command.help or "")
    lines: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        rows = block.splitlines()
        if rows and rows[0].strip() == "\b":
            lines += [".PP", ".nf", roff("\n".join(rows[1:])), ".fi"]
        elif rows:
            lines += [".PP", roff(" ".join(row.strip() for row in rows))]
    return lines


def options(command: click.Command, ctx: click.Context) -> list[str]:
    lines = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
        if record:
            lines += [".TP", f"\\fB{roff(record[0])}\\fR", roff(record[1])]
    return lines


def command_section(name: str, command: click.Command, parent: click.Context) -> list[str]:
    ctx = command.make_context(name, [], parent=parent, resilient_parsing=True)
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines = [f'.SS "{roff(ctx.command_path)} {roff(usage)}"', *help_roff(command)]
    lines += options(command, ctx)
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            lines += command_section(sub, command.get_command(ctx, sub), ctx)
    return lines


def man_page() -> str:
    """The whole page, commands in the help's task order."""
    root = cli.make_context("glossary", [], resilient_parsing=True)  # with the context settings (-h)
    lines = [
        f'.TH GLOSSARY 1 "" "seqml-glossary {__version__}" "User Commands"',
        ".SH NAME",
        "glossary \\- a terminal glossary of sequence\\-model ML: cards, live NumPy demos, quizzes",
        ".SH SYNOPSIS",
        ".B glossary",
        "[OPTIONS] [COMMAND | TERM] [ARGS]...",
        ".SH DESCRIPTION",
        *help_roff(cli),
        ".SH OPTIONS",
        *options(cli, root),
    ]
    for title, names in TASKS:
        lines.append(f'.SH "COMMANDS: {title.upper()}"')
        for name in names:
            lines += command_section(name, cli.commands[name], root)
    lines.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT:
        lines += [".TP", f"\\fB{name}\\fR", roff(meaning)]
    lines += [".SH SEE ALSO", "glossary help packs (the format of a pack of your own terms)"]
    return "\n".join(lines) + "\n"


def main() -> None:
    target = ROOT / "data" / "glossary.1"
    target.write_text(man_page(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
