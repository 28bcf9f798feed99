"""The learner's commands compared with golden output, on a seeded store at fixed times.

``GLOSSARY_NOW`` fixes the clock (and the zone days are counted in), ``--seed`` fixes the
questions and options, and piped answers carry no response time (a pipe is never timed), so
each run is the same to the byte. After an intended change, regenerate with
``GLOSSARY_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_learner.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "learner"

DAY_ONE = "2026-03-01T09:00:00+01:00"
DAY_ONE_LATER = "2026-03-01T09:00:20+01:00"  # before the first card falls due (a minute after)
DAY_TWO = "2026-03-02T20:30:00+01:00"
DAY_TWO_LATER = "2026-03-02T21:00:00+01:00"

FIRST_QUIZ = ("quiz", "--n", "5", "--seed", "7")
# wrong, wrong, open the card then wrong, right, an unusable answer then right
FIRST_ANSWERS = "1\n2\n?\n3\n4\nLSTM\n2\n"
SECOND_QUIZ = ("quiz", "--n", "6", "--seed", "8")
SECOND_ANSWERS = "4\n1\n2\n3\nq\n"


def at(run, moment: str, *args: str, input: str | None = None):
    """Run a command as if the clock read ``moment``; it must succeed."""
    result = run(*args, input=input, env={"GLOSSARY_NOW": moment})
    assert result.exit_code == 0 and result.exception is None, result.output
    return result


def matches_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GLOSSARY_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def first_session(run) -> None:
    """A learner's first quiz, on the morning of day one."""
    at(run, DAY_ONE, *FIRST_QUIZ, input=FIRST_ANSWERS)


@pytest.fixture
def two_sessions(run, first_session) -> None:
    """The first quiz, then a second one on the evening of day two (due cards first)."""
    at(run, DAY_TWO, *SECOND_QUIZ, input=SECOND_ANSWERS)


def test_a_piped_quiz_prints_the_golden_text(run) -> None:
    matches_golden("quiz_piped.txt", at(run, DAY_ONE, *FIRST_QUIZ, input=FIRST_ANSWERS).output)


def test_a_piped_quiz_as_json_matches_its_golden(run) -> None:
    result = at(run, DAY_ONE, *FIRST_QUIZ, "--json", input=FIRST_ANSWERS)
    matches_golden("quiz_piped.json", result.stdout)


def test_review_with_nothing_due_says_when_the_next_card_is(run, first_session) -> None:
    matches_golden("review_nothing_due.txt", at(run, DAY_ONE_LATER, "review").output)


def test_review_a_day_later_asks_the_due_cards(run, first_session) -> None:
    result = at(run, DAY_TWO, "review", "--seed", "3", input="2\n1\n4\n3\n2\n")
    matches_golden("review_due.txt", result.output)


def test_stats_after_two_sessions_on_two_days(run, two_sessions) -> None:
    matches_golden("stats_two_days.txt", at(run, DAY_TWO_LATER, "stats").output)


def test_stats_json_after_two_sessions_on_two_days(run, two_sessions) -> None:
    matches_golden("stats_two_days.json", at(run, DAY_TWO_LATER, "stats", "--json").stdout)
