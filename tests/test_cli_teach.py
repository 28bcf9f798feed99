"""The teaching screens as a user meets them: the paced tour, the sentence after a wrong pick,
headers in words, ``?`` re-showing the question, and stats that line up."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

NOW = {"GLOSSARY_NOW": "2026-03-01T08:00:00+00:00"}


def rows(db_path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_tour_shows_card_demo_three_questions_then_the_next_steps_in_order(run, db_path: Path) -> None:
    result = run("tour", input="1\n1\nlstm\n", env=NOW)
    assert result.exit_code == 0 and result.exception is None, result.output
    out = result.output
    steps = ["Long Short-Term Memory (LSTM)", "Notice:", "Now three questions on Long Short-Term Memory",
             "Question 1/3  · Long Short-Term Memory · how it links to other terms",
             "Question 2/3  · Long Short-Term Memory · work it out with numbers",
             "Question 3/3  · Type the term for a definition", "Next steps", "glossary quiz",
             "glossary show TERM", "glossary demos"]  # fmt: skip
    positions = [out.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), dict(zip(steps, positions, strict=True))
    assert "Press Enter" not in out  # piped: the pauses are skipped, every line is an answer


def test_the_tour_records_practice_and_schedules_no_card(run, db_path: Path) -> None:
    run("tour", input="1\n1\nlstm\n", env=NOW)
    assert rows(db_path, "SELECT practice FROM reviews") == [(1,), (1,), (1,)]
    assert rows(db_path, "SELECT count(*) FROM cards WHERE due IS NOT NULL AND reps > 0") == [(0,)]
    review = run("review", env=NOW)
    assert "Nothing to review yet" in review.output


def test_a_wrong_relation_pick_is_taught_in_one_sentence_with_articles(run) -> None:
    result = run("quiz", "--terms", "vanishing-gradient-problem", "--types", "relation", "--n", "1",
                 "--seed", "0", "--json", input="")  # fmt: skip
    question = json.loads(result.stdout)["questions"][0]
    wrong = next(i for i, o in enumerate(question["options"], 1) if o["text"] != question["answer"])
    answered = run("quiz", "--terms", "vanishing-gradient-problem", "--types", "relation", "--n", "1",
                   "--seed", "0", "--json", input=f"{wrong}\n")  # fmt: skip
    lesson = json.loads(answered.stdout)["questions"][0]["result"]["lesson"]
    assert lesson.endswith("the vanishing gradient problem.") and "; " in lesson
    assert " vanishing gradient problem" not in lesson.replace("the vanishing gradient problem", "")


def test_question_headers_name_the_term_and_kind_in_words_not_card_ids(run) -> None:
    result = run("quiz", "--terms", "forget-gate", "--types", "meaning", "--n", "1", input="1\n", env=NOW)
    assert "Question 1/1  · forget gate · what it means" in result.output
    assert "forget-gate:meaning" not in result.output
    hidden = run("quiz", "--terms", "bigram", "--types", "define", "--n", "1", input="1\n", env=NOW)
    header = next(line for line in hidden.output.splitlines() if line.startswith("Question 1/1"))
    assert "bigram" not in header  # a define question's header must not give the answer away


def test_question_mark_shows_the_card_then_the_question_and_options_again(run) -> None:
    result = run("quiz", "--terms", "bigram", "--types", "meaning", "--n", "1", "--seed", "3", input="?\n1\n")
    out = result.output
    card_at = out.find("Links")
    assert card_at > 0
    assert (
        out.count("What is \u201cbigram\u201d?") == 2 and out.rfind("What is \u201cbigram\u201d?") > card_at
    )
    assert out.rfind("  1. ") > card_at


def test_stats_align_strips_and_names_and_explain_the_marks(run) -> None:
    run("quiz", "--n", "6", "--seed", "1", input="1\n" * 6, env=NOW)
    out = run("stats", env=NOW).output.splitlines()
    assert any("one mark per term" in line for line in out)
    assert any("\u00b7 not yet seen" in line for line in out)
    strips = [line for line in out if " seen" in line and "/" in line]
    starts = {min(line.find(mark) for mark in "\u00b7\u2591\u2592\u2588" if mark in line) for line in strips}
    assert len(strips) == 3 and len(starts) == 1, strips
    bars = [line for line in out if line.startswith("  ") and line.endswith("%")]
    assert bars and len({len(line) for line in bars}) == 1, bars  # names padded to one width
    assert not [line for line in out if line != line.rstrip()]


def test_a_peek_in_practice_counts_as_missed_without_promising_the_card_comes_back(run) -> None:
    """The tour and --cram move no schedule, so after `?` they do not say the card 'comes back soon'."""
    tour = run("tour", input="1\n?\n1\nlstm\n", env=NOW)
    assert "(You opened the card, so it counts as missed.)" in tour.output
    assert "comes back soon" not in tour.output
    quiz = run("quiz", "--terms", "bigram", "--types", "meaning", "--n", "1", input="?\n1\n", env=NOW)
    assert "counts as missed and comes back soon.)" in " ".join(quiz.output.split())
