"""Drive the real ``glossary quiz`` in a terminal (tmux), type as a person would, read the screen.

Each test runs tmux on its own socket, so it never touches the user's tmux server, and kills only
that server afterwards. Skipped only when tmux is not installed.
"""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux pane running a command, with keys in and screen text out."""

    def __init__(self, command: list[str], width: int = 90, height: int = 50) -> None:
        self.socket = f"glossary-test-{uuid.uuid4().hex[:8]}"
        script = f"cd {shlex.quote(str(REPO))} && NO_COLOR=1 {shlex.join(command)}; echo EXIT=$?; sleep 60"
        self.tmux("new-session", "-d", "-s", "quiz", "-x", str(width), "-y", str(height), script)

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "quiz")

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "quiz", *keys)

    def type_line(self, text: str) -> None:
        self.send("-l", text)
        self.send("Enter")

    def wait_for(self, text: str, timeout: float = 30.0, after: int = 0) -> str:
        """Poll the screen until ``text`` appears at least ``after + 1`` times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) > after:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def terminal(db_path: Path) -> Iterator:
    opened: list[Terminal] = []

    def start(*args: str, width: int = 90) -> Terminal:
        command = [sys.executable, "-c", "from cli import main; main()", "--db", str(db_path), *args]
        opened.append(Terminal(command, width))
        return opened[-1]

    yield start
    for term in opened:
        term.close()


def review_count(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def test_a_person_answers_peeks_mistypes_and_presses_ctrl_c(terminal, db_path: Path) -> None:
    screen = terminal("quiz", "--n", "3", "--seed", "1")
    screen.wait_for("Answer [1-4]:")
    assert "Question 1/3" in screen.screen()
    screen.type_line("5")
    screen.wait_for("There is no option 5.")
    screen.type_line("")
    screen.wait_for("No answer given.")
    screen.type_line("?")
    screen.wait_for("Source  ")  # the card, down to its source line
    screen.type_line("1")
    shown = screen.wait_for("Rated Again")  # after peeking, right or wrong, the card comes back soon
    assert "You opened the card" in shown or "Not quite" in shown
    screen.wait_for("Question 2/3")
    screen.send("C-c")
    final = screen.wait_for("EXIT=")
    assert "Interrupted. Every answer you gave is saved." in final
    assert "Traceback" not in final and "EXIT=130" in final
    assert review_count(db_path) == 1


def test_a_person_types_a_term_with_a_typo_and_quits(terminal, db_path: Path) -> None:
    screen = terminal("quiz", "--terms", "lstm,rnn", "--types", "recall", "--n", "2", "--seed", "2")
    first = screen.wait_for("Your answer:")
    lstm_first = "long-short-term-memory:recall" in first
    screen.type_line("LTSM" if lstm_first else "rnn")
    if lstm_first:
        screen.wait_for("Accepted: LSTM (you typed LTSM)")
    screen.wait_for("Rating [Hard]:" if lstm_first else "Rating [Good]:")  # a typo defaults to Hard
    screen.type_line("")
    screen.wait_for("Question 2/2")
    screen.wait_for("Your answer:", after=1)
    if not lstm_first:
        screen.type_line("LTSM")
        screen.wait_for("Accepted: LSTM (you typed LTSM)")
        screen.wait_for("Rating [Hard]:")
        screen.type_line("")
        screen.wait_for("Score: 2/2 right.")
        assert review_count(db_path) == 2
        return
    screen.type_line("q")
    final = screen.wait_for("EXIT=0")
    assert "Stopped at your request. Every answer you gave is saved." in final
    assert "Score: 1/1 right." in final
    assert review_count(db_path) == 1


def test_ctrl_d_ends_the_session_cleanly(terminal, db_path: Path) -> None:
    screen = terminal("quiz", "--n", "2", "--seed", "3")
    screen.wait_for("Answer [1-4]:")
    screen.send("C-d")
    final = screen.wait_for("EXIT=")
    assert "Input ended." in final and "EXIT=0" in final and "Traceback" not in final
    assert review_count(db_path) == 0


def test_the_rating_screen_at_80_columns_shows_intervals_and_takes_a_key(terminal, db_path: Path) -> None:
    from glossary.store import Store

    store = Store.open(db_path)
    try:
        from learner_support import bank_of, question

        asked = question(bank_of(store), "bigram:define", seed=4)
    finally:
        store.close()
    screen = terminal("quiz", "--terms", "bigram", "--types", "define", "--n", "1", "--seed", "4", width=80)
    screen.wait_for("Answer [1-4]:")
    screen.type_line(str(asked.answer_index + 1))
    shown = screen.wait_for("Rating [Good]:")
    rating_line = next(line for line in shown.splitlines() if "[Good " in line)
    assert rating_line.strip().startswith("Again ") and "Hard " in rating_line and "Easy " in rating_line
    assert len(rating_line.rstrip()) <= 80
    assert "Enter keeps Good; 1-4 or a/h/g/e picks another; u undoes this answer." in shown
    screen.type_line("x")
    screen.wait_for("Press Enter for Good")
    screen.type_line("e")
    final = screen.wait_for("EXIT=")
    assert "Rated Easy; next review in" in final and "EXIT=0" in final
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT rating FROM reviews").fetchall() == [(4,)]
    finally:
        conn.close()


def test_u_at_the_next_prompt_undoes_the_last_answer(terminal, db_path: Path) -> None:
    screen = terminal("quiz", "--types", "define", "--n", "2", "--seed", "5", width=80)
    screen.wait_for("Answer [1-4]:")
    screen.type_line("1")
    screen.wait_for("Question 2/2")
    if "Rating [" in screen.screen():
        screen.type_line("")
    screen.wait_for("Question 2/2")
    screen.type_line("u")
    screen.wait_for("Undone: the answer to question 1 is removed")
    assert review_count(db_path) == 0
    screen.send("C-d")
    screen.wait_for("EXIT=")
