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
