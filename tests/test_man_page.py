"""The man page shipped in the wheel is generated from the commands and is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("make_man_page", ROOT / "tools" / "make_man_page.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_man_page_matches_the_commands() -> None:
    committed = (ROOT / "data" / "glossary.1").read_text(encoding="utf-8")
    assert committed == _generator().man_page(), "run: python tools/make_man_page.py"


def test_the_man_page_covers_every_command_and_ships_in_the_wheel() -> None:
    page = (ROOT / "data" / "glossary.1").read_text(encoding="utf-8")
    from cli import cli

    for name in cli.commands:
        assert f'.SS "glossary {name}' in page.replace("\\-", "-")
    assert "glossary.1" in (ROOT / "setup.cfg").read_text(encoding="utf-8")


def test_prose_is_filled_by_man_and_only_examples_keep_their_lines() -> None:
    """Help paragraphs are filled to the reader's width; only click's \\b blocks (examples, lists)
    stay line for line, so an 80-column man page has no prose running past its edge."""
    page = _generator().man_page()
    kept, inside = [], False
    for line in page.splitlines():
        if line in (".nf", ".fi"):
            inside = line == ".nf"
        elif inside:
            kept.append(line)
    assert any("glossary demo lstm" in line for line in kept)  # examples are kept as written
    assert all(len(line) <= 90 for line in kept), [line for line in kept if len(line) > 90]
    assert "Any word that is not a command is looked up" not in "\n".join(kept)
