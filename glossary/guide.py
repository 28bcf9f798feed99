"""The words that orient a newcomer: the start-here screen, commands by task, the pack format.

Plain text, no click: the CLI prints these; ``glossary help packs`` reads the pack format from
the ``README.md`` that ships inside the package (``glossary/data``), so a wheel install has it.
"""

from __future__ import annotations

import os

from glossary.paths import data_root

START_HERE = """\
glossary: a terminal glossary of sequence-model ML, with live NumPy demos and
quizzes.

Start here:
  glossary tour          a guided first run: a card, its demo, three questions
  glossary lstm          look up a term (any spelling: LSTMs, "forget gates")
  glossary search WORDS  full-text search over every card
  glossary demo lstm     run a term's live NumPy demo
  glossary quiz          practise with spaced repetition

More: glossary help (every command, by task), glossary help COMMAND,
glossary help packs."""

# The help lists commands by what the learner is doing, in this order; anything unlisted follows.
TASKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Start", ("tour", "help")),
    ("Look up", ("show", "search", "list", "links", "compare", "path")),
    ("Demos", ("demo", "demos", "lm")),
    ("Learn", ("quiz", "review", "stats", "cards", "suspend", "unsuspend", "config")),
    ("Your data", ("import", "export", "remove", "backup", "restore", "doctor", "completion")),
)

HELP_TOPICS = {"packs": "the format of a TOML pack of your own terms (for glossary import)"}

_PACK_SECTIONS = ("## A pack", "## A term", "## Links", "## Demos", "## A complete example")


def packs_text() -> str:
    """The pack format: the sections of the shipped data/README.md a pack author needs."""
    with open(os.path.join(data_root(), "README.md"), encoding="utf-8") as file:
        lines = file.read().splitlines()
    kept: list[str] = []
    keep = False
    for line in lines:
        if line.startswith("## "):
            keep = line.startswith(_PACK_SECTIONS)
        if keep:
            kept.append(line.rstrip())
    intro = [
        "Your own terms: `glossary import my-terms.toml` (re-import the file to update them).",
        "",
        "A pack of your own follows the format of the bundled packs, with three differences: its",
        "topic need not match its file name, description may be left out, and while its links may",
        "point at bundled terms, its slugs, names, abbreviations and aliases may not reuse a",
        "bundled term's.",
        "",
    ]
    return "\n".join(intro + kept).rstrip() + "\n"
