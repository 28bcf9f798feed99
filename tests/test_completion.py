"""Completion offers a word wherever the command line takes one from a known set (issue 10).

Driven in-process through click's bash completer, as the shell script calls it; the tmux test
(test_terminal_tmux.py) proves the script itself works in a real bash.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import BashComplete
from click.testing import CliRunner

from cli import cli

BIN = Path(sys.executable).parent  # the venv's bin, where the glossary script lives

MY_PACK = """
[pack]
topic = "my-notes"
title = "My notes"

[[terms]]
slug = "zebra-crossing"
name = "zebra crossing"
summary = "A place to cross"
definition = "A striped place to cross the road."
source = "mine"
"""


def complete(db_path: Path, line: str) -> list[str]:
    """What Tab offers after ``glossary <line>`` (the last word is the one being completed)."""
    words = line.split(" ")
    completer = BashComplete(cli, {}, "glossary", "_GLOSSARY_COMPLETE")
    return [item.value for item in completer.get_completions(["--db", str(db_path), *words[:-1]], words[-1])]


def run_cli(db_path: Path, *args: str) -> str:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args]).output


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("export --topic seq", ["sequence-models"]),
        ("demo clipping --method glo", ["global-norm"]),
        ("demo attention --causal ", ["no", "yes"]),
        ("demo LSTM-Step --forget", ["--forget-bias"]),
        ("suspend long-short", ["long-short-term-memory"]),
        ("unsuspend lstm:rec", ["lstm:recall"]),
        ("cards long-short", ["long-short-term-memory"]),
        ("config desired", ["desired-retention"]),
    ],
)
def test_every_argument_from_a_known_set_completes(db_path: Path, line: str, expected: list[str]) -> None:
    assert complete(db_path, line) == expected


def test_packs_complete_to_your_own_packs_only(run, db_path: Path, tmp_path: Path) -> None:
    pack = tmp_path / "my-notes.toml"
    pack.write_text(MY_PACK, encoding="utf-8")
    assert run("import", str(pack)).exit_code == 0
    assert complete(db_path, "remove ") == ["my-notes"]
    assert complete(db_path, "export --pack ") == ["my-notes"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_the_second_of_comma_separated_terms(db_path: Path) -> None:
    script = run_cli(db_path, "completion", "fish")
    asks = [
        "complete -C 'glossary quiz --terms bigram,trig'",
        "complete -C 'glossary quiz --types define,rec'",
    ]
    probe = "\n".join([script, *asks])
    env = {**os.environ, "GLOSSARY_DB": str(db_path), "PATH": f"{BIN}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["fish", "--no-config", "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["bigram,trigram", "define,recall"], done.stderr


def test_a_term_spelt_like_a_demo_is_offered_once(db_path: Path) -> None:
    offered = complete(db_path, "demo gradient-d")
    assert offered.count("gradient-descent") == 1, offered
