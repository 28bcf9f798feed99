"""Hostile content stays text: no rich markup and no terminal control sequence reaches the screen."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from glossary.model import HIT_END, HIT_START
from glossary.render.cards import search_results, term_card
from glossary.render.safe import clean, plain

HOSTILE = r'''[pack]
topic = "evil"
title = "[bold]Evil[/] \u001b]0;owned\u0007"
description = "x"

[[terms]]
slug = "hostile-term"
name = "[red]pwn[/] [link=https://evil.example]click[/link] \u001b[2J"
aliases = ["zz\u009b31mzz"]
summary = "summary [/] with \u0000 nul and \u007f del and \u202e override"
definition = """Escapes: \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 and \u001b[31mred.

[link=javascript:alert(1)]js[/link] and [/] and [[x]] and \u2066isolate\u2069."""
source = "\u001b[1mbold source"
[[terms.examples]]
label = "\u001b[5m"
items = ["[blink]x[/blink]"]
[terms.links]
see-also = ["long-short-term-memory"]
'''

UNSAFE = re.compile("[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def assert_inert(output: str) -> None:
    """Only rich's own colour codes may carry ESC; nothing else may reach the terminal."""
    without_styles = SGR.sub("", output)
    assert "\x1b" not in without_styles, repr(without_styles)
    assert not UNSAFE.search(without_styles), repr(UNSAFE.findall(without_styles))
    assert "\x1b]8;" not in output  # no hyperlink escape


@pytest.fixture
def hostile_run(run, tmp_path):
    pack = tmp_path / "evil.toml"
    pack.write_text(HOSTILE, encoding="utf-8")
    result = run("import", str(pack))
    assert result.exit_code == 0, result.output
    return run


def test_plain_makes_every_control_character_visible() -> None:
    text = "a\x1b[31m\x9b\x00\x7f\u202e\u2066b\tc\nd"
    assert plain(text) == "a\\x1b[31m\\x9b\\x00\\x7f\\u202e\\u2066b\tc\nd"


def test_clean_escapes_markup_tags_but_keeps_ordinary_brackets_readable() -> None:
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(clean("[/] [link=x]y[/link] [b]z arr[0] [[w]] \\[i]"))
    assert console.file.getvalue() == "[/] [link=x]y[/link] [b]z arr[0] [[w]] \\[i]\n"


@pytest.mark.parametrize(
    "args",
    [
        ("show", "hostile-term"),
        ("show", "zz\x9b31mzz"),
        ("search", "nul"),
        ("search", "override"),
        ("list",),
        ("links", "hostile-term"),
        ("links", "lstm"),
        ("compare", "hostile-term", "lstm"),
        ("path", "hostile-term", "forget gate"),
        ("show", "hostile-term", "--json"),
        ("list", "--json"),
    ],
)
def test_hostile_terms_render_as_inert_text_in_every_command(hostile_run, args) -> None:
    result = hostile_run(*args)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert_inert(result.output)


def test_hostile_markup_is_shown_literally_on_the_card(hostile_run) -> None:
    output = hostile_run("show", "hostile-term").output
    assert "[red]pwn[/] [link=https://evil.example]click[/link]" in output
    assert "\\x1b[2J" in output


def test_hostile_json_round_trips_the_original_text(hostile_run) -> None:
    data = json.loads(hostile_run("show", "hostile-term", "--json").output)
    assert data["summary"] == "summary [/] with \x00 nul and \x7f del and \u202e override"


def test_hostile_card_on_a_colour_terminal_has_no_hyperlink_or_foreign_escape(store, tmp_path) -> None:
    pack = tmp_path / "evil.toml"
    pack.write_text(HOSTILE, encoding="utf-8")
    store.import_pack(pack)
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="truecolor")
    term = store.term("hostile-term")
    console.print(term_card(term, store.links_of(term.slug), "zz", "alias", imported=True))
    console.print(search_results("nul", store.search("nul"), HIT_START, HIT_END))
    assert_inert(console.file.getvalue())


# ---- the same hostile text through the other import formats (CSV, Markdown) and every export

HOSTILE_NAME = "[red]pwn[/] \x1b]52;c;b3duZWQ=\x07 \x1b[2J"
HOSTILE_DEFINITION = (
    "Def \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 [link=javascript:x]js[/link] \u202e \x9b31m."
)


def _hostile_csv(path) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["term", "definition", "summary", "aliases", "slug"])
        writer.writerow(
            [HOSTILE_NAME, HOSTILE_DEFINITION, "sum \x00 \x7f [/]", "zz\x9b31mzz;\u2066iso", "hostile-term"]
        )


def _hostile_markdown(path) -> None:
    path.write_text(
        f"# [bold]T[/] \x1b]0;owned\x07\n\n## {HOSTILE_NAME}\n\n- Slug: `hostile-term`\n"
        f"- Aliases: zz\x9b31mzz; \u2066iso\n- Summary: sum \x00 \x7f [/]\n\n{HOSTILE_DEFINITION}\n",
        encoding="utf-8",
    )


@pytest.fixture(params=["csv", "md"])
def hostile_other_run(request, run, tmp_path):
    path = tmp_path / f"evil.{request.param}"
    (_hostile_csv if request.param == "csv" else _hostile_markdown)(path)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    return run


@pytest.mark.parametrize(
    "args",
    [
        ("show", "hostile-term"),
        ("show", "zz\x9b31mzz"),
        ("search", "link"),
        ("list",),
        ("links", "hostile-term"),
        ("show", "hostile-term", "--json"),
        ("export", "--format", "markdown"),
        ("export", "--format", "json"),
        ("export", "--format", "toml", "--topic", "evil"),
    ],
)
def test_hostile_csv_and_markdown_terms_stay_inert_in_every_view_and_export(hostile_other_run, args) -> None:
    result = hostile_other_run(*args)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert_inert(result.output)


def test_hostile_csv_term_keeps_its_exact_text_in_the_store(hostile_other_run) -> None:
    data = json.loads(hostile_other_run("show", "hostile-term", "--json").output)
    assert data["name"] == HOSTILE_NAME
    assert data["definition"] == HOSTILE_DEFINITION


def test_hostile_markdown_export_reads_back_to_the_exact_text(hostile_other_run, tmp_path) -> None:
    from glossary.formats.reader import parse_file

    exported = tmp_path / "back.md"
    assert hostile_other_run("export", "--topic", "evil", "-o", str(exported)).exit_code == 0
    (term,) = parse_file(exported).pack.terms
    assert (term.name, term.definition) == (HOSTILE_NAME, HOSTILE_DEFINITION)
    assert term.aliases == ("zz\x9b31mzz", "\u2066iso")


def test_hostile_terms_reach_the_anki_deck_as_inert_html(hostile_other_run, tmp_path) -> None:
    import sqlite3
    import zipfile

    apkg = tmp_path / "deck.apkg"
    assert hostile_other_run("export", "--format", "anki", "--topic", "evil", "-o", str(apkg)).exit_code == 0
    with zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki2", tmp_path)
    conn = sqlite3.connect(tmp_path / "collection.anki2")
    for (fields,) in conn.execute("SELECT flds FROM notes"):
        for value in fields.split("\x1f"):
            assert not UNSAFE.search(value.replace("\x1b", "")), repr(value)
            assert "\x1b" not in value and "<script" not in value and "{{c2" not in value
    conn.close()
