"""The quiz commands as a user runs them: quiz, review, stats and tour, piped and as JSON."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console

import cli
from glossary.model import CardId
from glossary.quiz.base import Option, Question

REPO = Path(__file__).resolve().parent.parent


def reviews(db_path: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()


def one_question(run, card: str, seed: int = 1) -> dict:
    """The question the CLI would ask for a card (via --json with no answers)."""
    slug, qtype = CardId.parse(card)
    result = run(
        "quiz", "--terms", slug, "--types", qtype, "--n", "1", "--seed", str(seed), "--json", input=""
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["questions"][0]


# --------------------------------------------------------------------------- every question type


@pytest.mark.parametrize(
    "card",
    [
        "bigram:define",
        "long-short-term-memory:meaning",
        "forget-gate:relation",
        "trigram:example",
        "recurrent-neural-network:abbreviation",
        "gradient-clipping:computed",
        "bigram:computed",
        "n-gram-language-model:computed",
        "vanishing-gradient-problem:computed",
        "forget-gate:computed",
    ],
)
def test_each_multiple_choice_type_is_asked_answered_and_recorded(run, db_path: Path, card: str) -> None:
    asked = one_question(run, card)
    number = next(o["number"] for o in asked["options"] if o["text"] == asked["answer"])
    slug, qtype = CardId.parse(card)
    result = run("quiz", "--terms", slug, "--types", qtype, "--n", "1", "--seed", "1", input=f"{number}\n")
    assert result.exit_code == 0 and result.exception is None, result.output
    assert (
        "Question 1/1" in result.output and f"Answer [1-{len(asked['options'])}]: {number}" in result.output
    )
    assert "\u2713 Right." in result.output and "Score: 1/1 right." in result.output
    assert [r["card_id"] for r in reviews(db_path)] == [card]


def test_typed_recall_accepts_a_typo_with_a_note(run, db_path: Path) -> None:
    result = run("quiz", "--terms", "lstm", "--types", "recall", "--n", "1", input="LTSM\n")
    assert result.exit_code == 0, result.output
    assert "Type the term:" in result.output
    assert "\u2713 Right. Accepted: LSTM (you typed LTSM)" in result.output
    row = reviews(db_path)[0]
    assert (row["rating"], row["flags"], row["chosen"]) == (2, "typo", "LTSM")


def test_a_wrong_answer_shows_the_answer_the_reason_and_the_card(run) -> None:
    asked = one_question(run, "forget-gate:relation")
    wrong = next(o["number"] for o in asked["options"] if o["text"] != asked["answer"])
    result = run(
        "quiz", "--terms", "forget-gate", "--types", "relation", "--n", "1", "--seed", "1", input=f"{wrong}\n"
    )
    assert f"\u2717 Not quite. The answer is {asked['answer']}." in result.output
    # the reason, or a lesson that ends with it: "The cell state ...; the forget gate is part of ..."
    assert asked["reason"].rstrip(".").casefold() in result.output.replace("\n", " ").casefold()
    assert f"glossary show {asked['answer_slug']}" in result.output


# --------------------------------------------------------------------------- input and interruption


def test_bad_input_re_asks_with_a_hint_and_records_once(run, db_path: Path) -> None:
    answers = ["", "9", "abc", "x" * 5000, "2"]
    result = run("quiz", "--n", "1", "--seed", "3", input="\n".join(answers) + "\n")
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "No answer given. Type a number from 1 to 4" in result.output
    assert "There is no option 9." in result.output
    assert "\u201cabc\u201d is not one of the options." in result.output
    assert "That answer is 5000 characters long." in result.output
    assert len(reviews(db_path)) == 1


def test_question_mark_shows_the_full_card_then_re_asks(run, db_path: Path) -> None:
    result = run("quiz", "--terms", "bigram", "--types", "meaning", "--n", "1", input="?\n1\n")
    assert result.exit_code == 0, result.output
    assert "bigram \u00b7 sequence-models" in result.output and "Links" in result.output
    assert "You opened the card" in result.output and reviews(db_path)[0]["flags"] == "peeked"


def test_q_stops_and_keeps_the_answers_given(run, db_path: Path) -> None:
    result = run("quiz", "--n", "5", "--seed", "2", input="1\n2\nq\n")
    assert result.exit_code == 0, result.output
    assert "Stopped at your request. Every answer you gave is saved." in result.output
    assert len(reviews(db_path)) == 2


def test_end_of_input_stops_and_keeps_the_answers_given(run, db_path: Path) -> None:
    result = run("quiz", "--n", "5", "--seed", "2", input="1\n")
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "Input ended. Every answer you gave is saved." in result.output
    assert len(reviews(db_path)) == 1


def test_ctrl_c_stops_with_130_and_keeps_the_answers_given(run, db_path: Path, monkeypatch) -> None:
    from glossary.render.quiz import TerminalIO

    real_ask = TerminalIO.ask
    calls = []

    def ask_then_interrupt(self, question):
        calls.append(question)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_ask(self, question)

    monkeypatch.setattr(TerminalIO, "ask", ask_then_interrupt)
    result = run("quiz", "--n", "5", "--seed", "2", input="1\n1\n1\n1\n")
    assert result.exit_code == 130, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Interrupted. Every answer you gave is saved." in result.output
    assert len(reviews(db_path)) == 2


def test_two_quiz_processes_at_once_lose_nothing(db_path: Path) -> None:
    command = [
        sys.executable,
        "-c",
        "from cli import main; main()",
        "--db",
        str(db_path),
        "quiz",
        "--n",
        "15",
    ]
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    processes = [
        subprocess.Popen(
            [*command, "--seed", str(seed)],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    outputs = [p.communicate("1\n" * 15, timeout=120) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "Score:" in out
    assert len(reviews(db_path)) == 30


# --------------------------------------------------------------------------- options and JSON


def test_json_lists_questions_and_results_only(run) -> None:
    result = run("quiz", "--n", "2", "--seed", "4", "--json", input="1\n2\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stopped"] == "done" and data["summary"]["answered"] == 2
    first = data["questions"][0]
    assert {"card", "type", "prompt", "options", "answer", "reason", "result"} <= set(first)
    assert first["result"]["chosen"] == first["options"][0]["text"]
    assert first["result"]["rating"] in ("Again", "Good")


def test_same_seed_same_questions(run) -> None:
    first = run("quiz", "--n", "3", "--seed", "11", "--json", input="")
    second = run("quiz", "--n", "3", "--seed", "11", "--json", input="")
    assert json.loads(first.stdout)["questions"] == json.loads(second.stdout)["questions"]


def test_unknown_type_topic_or_term_is_a_clear_error(run) -> None:
    result = run("quiz", "--types", "essay")
    assert result.exit_code == 2 and "unknown type 'essay'" in result.output
    result = run("quiz", "--topic", "cooking")
    assert result.exit_code == 2 and "unknown topic" in result.output
    result = run("quiz", "--terms", "lstm,zzzzzz")
    assert result.exit_code == 1 and "no term matches 'zzzzzz'" in result.output
    assert isinstance(result.exception, SystemExit)


def test_topic_limits_the_terms(run) -> None:
    result = run("quiz", "--topic", "language-models", "--n", "4", "--json", input="")
    topics = {q["slug"] for q in json.loads(result.stdout)["questions"]}
    assert topics and all(slug for slug in topics)


# --------------------------------------------------------------------------- review, stats, tour


def test_review_with_nothing_reviewed_says_how_to_start(run) -> None:
    result = run("review")
    assert result.exit_code == 0 and "Nothing to review yet" in result.output


def test_review_says_when_the_next_card_is_due(run) -> None:
    run("quiz", "--terms", "bigram", "--types", "define", "--n", "1", input="1\n")
    result = run("review")
    assert result.exit_code == 0 and "Nothing is due. The next card is due" in result.output


def test_review_asks_only_due_cards(run, db_path: Path) -> None:
    run("quiz", "--terms", "bigram", "--types", "define", "--n", "1", input="1\n")
    conn = sqlite3.connect(db_path)
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    conn.execute("UPDATE cards SET due = ?", (past,))
    conn.commit()
    conn.close()
    result = run("review", "--json", input="1\n")
    data = json.loads(result.stdout)
    assert [q["card"] for q in data["questions"]] == ["bigram:define"]


def test_stats_for_a_new_learner_point_to_the_tour(run) -> None:
    result = run("stats")
    assert result.exit_code == 0 and "No reviews yet. Start with: glossary tour" in result.output
    assert "Due in the next 7 days" in result.output and "0/" in result.output


def test_stats_draw_mastery_and_name_confusions(run) -> None:
    asked = one_question(run, "bigram:define", seed=5)
    trigram = next((o["number"] for o in asked["options"] if o["slug"] == "trigram"), None)
    assert trigram is not None, asked
    run("quiz", "--terms", "bigram", "--types", "define", "--n", "1", "--seed", "5", input=f"{trigram}\n")
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert "Reviews 1 (1 today)   Retention 0%   Streak 1 day" in result.output
    assert "you confuse bigram and trigram (1x)" in result.output
    assert "\u2591" in result.output  # a weak term's block
    data = json.loads(run("stats", "--json").stdout)
    assert data["confusions"] == [{"terms": ["bigram", "trigram"], "count": 1}]
    assert data["forecast"][0]["due"] == 1 and len(data["forecast"]) == 7


def test_tour_shows_the_card_the_demo_and_three_questions(run, db_path: Path) -> None:
    result = run("tour", input="1\n1\n1\n")
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "Long Short-Term Memory (LSTM)" in result.output
    assert "Now three questions on Long Short-Term Memory." in result.output
    assert "Question 3/3" in result.output
    assert len(reviews(db_path)) == 3


def test_every_quiz_command_has_help_with_an_example(run) -> None:
    for command in ("quiz", "review", "stats", "tour"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output, command


def test_quiz_commands_do_not_load_numpy_at_import() -> None:
    assert "numpy" not in sys.modules or cli is not None  # import cli happened above; see test_imports
    code = "import cli, sys; print('numpy' in sys.modules, 'fsrs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- hostile content


def test_stored_markup_and_control_characters_are_shown_inert() -> None:
    from glossary.render.quiz import question_view

    hostile = Question(
        "x",
        "define",
        "Which term is this? [bold red]boo[/] \x1b[2J",
        "a[/]",
        "x",
        "r",
        (Option("a[/]", "x"), Option("\u202egnp.exe", "y")),
    )
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(question_view(hostile, 1, 1))
    text = out.getvalue()
    assert "[bold red]boo[/]" in text and "\\x1b[2J" in text and "\x1b" not in text
    assert "\u202e" not in text and "\\u202e" in text


EVIL_PACK = r'''[pack]
topic = "evil"
title = "[bold]Evil[/] \u001b]0;owned\u0007"
description = "x"

[[terms]]
slug = "evil-term"
name = "[red]pwn[/] \u001b[2J"
abbreviation = "E\u009bX"
summary = "summary [link=https://evil.example]x[/link] with \u0000 nul and \u202e override"
definition = """[/] and \u001b[31mred and [[x]]."""
source = "src"
[terms.links]
compare = ["long-short-term-memory"]
'''


def test_an_imported_terms_markup_and_escapes_stay_inert_in_quiz_and_stats(run, tmp_path: Path) -> None:
    pack = tmp_path / "evil.toml"
    pack.write_text(EVIL_PACK, encoding="utf-8")
    assert run("import", str(pack)).exit_code == 0
    for qtype in ("define", "meaning", "recall", "relation", "abbreviation"):
        args = ("quiz", "--cram", "--terms", "evil-term", "--types", qtype, "--n", "1", "--seed", "1")
        result = run(*args, input="?\n1\n")
        assert result.exit_code == 0 and result.exception is None, (qtype, result.output)
        assert "\x1b" not in result.output and "\x9b" not in result.output and "\u202e" not in result.output
        assert "\x00" not in result.output
    assert "[red]pwn[/] \\x1b[2J" in result.output  # shown literally, escape made visible
    stats = run("stats")
    assert stats.exit_code == 0 and "\x1b" not in stats.output
    assert "[bold]Evil[/] \\x1b]0;owned\\x07" in stats.output


def test_the_quiz_and_stats_views_import_no_quiz_engine_at_run_time() -> None:
    core = ["glossary.quiz", "glossary.planning", "glossary.session", "glossary.progress", "glossary.record"]
    code = (
        "import sys, glossary.render.quiz, glossary.render.stats, glossary.render.json; "
        f"print([m for m in {core!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_peek_is_a_miss_in_the_summary_and_the_json(run) -> None:
    asked = one_question(run, "bigram:define")
    number = next(o["number"] for o in asked["options"] if o["text"] == asked["answer"])
    args = ("quiz", "--terms", "bigram", "--types", "define", "--n", "1", "--seed", "1")
    result = run(*args, input=f"?\n{number}\n")
    assert "\u2713 Right." in result.output and "Score: 0/1 right." in result.output
    assert "Review these cards:\n  glossary show bigram" in result.output
    next_day = {"GLOSSARY_NOW": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()}
    data = json.loads(run(*args, "--json", input=f"?\n{number}\n", env=next_day).stdout)
    assert data["summary"]["correct"] == 0 and data["questions"][0]["result"]["recalled"] is False


def test_stats_show_a_wrong_relation_pick_as_a_relation_error(run) -> None:
    asked = one_question(run, "forget-gate:relation")
    wrong = next(o for o in asked["options"] if o["text"] != asked["answer"] and o["slug"])
    args = ("quiz", "--terms", "forget-gate", "--types", "relation", "--n", "1", "--seed", "1")
    run(*args, input=f"{wrong['number']}\n")
    result = run("stats")
    assert "No confusions recorded." in result.output and "Relation errors" in result.output
    line = f"  forget gate: you picked {wrong['text']}, the answer is {asked['answer']} (1x)"
    assert line in result.output.splitlines()
    data = json.loads(run("stats", "--json").stdout)
    assert data["confusions"] == []
    assert data["relation_errors"] == [
        {"term": "forget gate", "picked": wrong["text"], "answer": asked["answer"], "count": 1}
    ]
