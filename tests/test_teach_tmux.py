"""The paced tour and the ``?`` screen in a real terminal (tmux) at 80 and 140 columns.

Uses the ``Terminal`` of ``test_quiz_tmux`` (its own tmux socket per test, killed afterwards).
Skipped only when tmux is not installed.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_quiz_tmux import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
FINISH = "Enter finishes; u undoes this answer:"


@pytest.fixture
def terminal(db_path: Path) -> Iterator:
    opened: list[Terminal] = []

    def start(*args: str, width: int = 90, height: int = 50, pager: str = "") -> Terminal:
        command = [sys.executable, "-c", "from cli import main; main()", "--db", str(db_path), *args]
        command = ["env", "GLOSSARY_NOW=2026-03-01T08:00:00+00:00", f"GLOSSARY_PAGER={pager}", *command]
        opened.append(Terminal(command, width, height))
        return opened[-1]

    yield start
    for term in opened:
        term.close()


def answer(screen: Terminal, text: str, next_text: str) -> None:
    """Type an answer; accept the default on the rating screen, or finish at the prompt after a last
    unrated answer, if one comes; wait for ``next_text``."""
    screen.type_line(text)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        shown = screen.screen()
        if next_text in shown:
            return
        last = shown.rstrip().splitlines()[-1]
        if (last.endswith("]:") and "Rating [" in last) or last.startswith(FINISH):
            screen.type_line("")
        time.sleep(0.1)
    raise AssertionError(f"{next_text!r} never came:\n{screen.screen()}")


def assert_fits(screen: str, width: int) -> None:
    wide = [line for line in screen.splitlines() if len(line.rstrip()) > width]
    assert not wide, wide


@pytest.mark.parametrize("width", [80, 140])
def test_the_tour_waits_for_enter_between_card_demo_and_questions(terminal, width: int) -> None:
    screen = terminal("tour", width=width)
    first = screen.wait_for("Press Enter for its live demo.")
    assert "Long Short-Term Memory (LSTM)" in first and "Notice:" not in first and "Question" not in first
    screen.type_line("")
    second = screen.wait_for("Press Enter for three questions on Long Short-Term Memory.")
    assert "Notice:" in second and "Question 1/3" not in second
    screen.type_line("")
    third = screen.wait_for("Answer [1-4]:")
    assert "Question 1/3  · Long Short-Term Memory · how it links to other terms" in third
    answer(screen, "1", "Question 2/3")
    screen.wait_for("Answer [1-4]:", after=1)
    answer(screen, "1", "Question 3/3")
    screen.wait_for("Your answer:")
    answer(screen, "lstm", "Next steps")
    final = screen.wait_for("EXIT=")
    assert "EXIT=0" in final and "Traceback" not in final
    for step in (
        "glossary quiz",
        "glossary show TERM",
        "glossary demos",
        "Practice: the schedule is unchanged.",
    ):
        assert step in final
    assert_fits(final, width)


@pytest.mark.parametrize("width", [80, 140])
def test_question_mark_shows_the_card_then_the_question_again(terminal, width: int) -> None:
    screen = terminal(
        "quiz", "--terms", "bigram", "--types", "meaning", "--n", "1", "--seed", "3", width=width
    )
    screen.wait_for("Answer [1-4]:")
    screen.type_line("?")
    shown = screen.wait_for("Answer [1-4]:", after=1)
    lines = shown.splitlines()
    card_end = max(i for i, line in enumerate(lines) if line.startswith("Source"))
    after = "\n".join(lines[card_end:])
    assert "What is \u201cbigram\u201d?" in after and "  4. " in after
    assert "Question 1/1  · bigram · what it means" in after
    assert_fits(shown, width)
    screen.type_line("1")
    screen.wait_for(FINISH)  # the last answer had no rating screen: u could still undo it
    screen.type_line("")
    final = screen.wait_for("EXIT=")
    assert "You opened the card" in final and "EXIT=0" in final


@pytest.mark.skipif(shutil.which("less") is None, reason="less is not installed")
def test_the_tour_pages_a_card_taller_than_the_screen_and_q_goes_on(terminal) -> None:
    screen = terminal("tour", width=80, height=20, pager="less -FRX")
    screen.wait_for("Long Short-Term Memory (LSTM)")
    time.sleep(0.5)
    paged = screen.screen()
    assert paged.rstrip().splitlines()[-1] == ":", paged  # less holds the card's first screen
    assert "Press Enter for its live demo." not in paged
    screen.send("q")
    screen.wait_for("Press Enter for its live demo.")
