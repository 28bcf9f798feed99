"""The README documents every command, and its Quickstart is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented_in_the_readme() -> None:
    missing = [name for name in cli.commands if f"glossary {name}" not in README]
    assert missing == []


def test_quickstart_has_exactly_two_commands_run_and_test() -> None:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", section)
    assert len(commands) == 2
    assert "glossary" in commands[0] and "pip install ." in commands[0]
    assert "[test]" in commands[1] and "pytest" in commands[1]
