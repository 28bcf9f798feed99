"""The scheduling commands as a user runs them: config, quiz --cram, suspend, unsuspend, cards."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from glossary.schema import SCHEMA_VERSION, connect
from glossary.store import Store

NOW = {"GLOSSARY_NOW": "2026-03-01T09:00:00+01:00"}
LATER = {"GLOSSARY_NOW": "2026-03-01T11:00:00+01:00"}


def right_number(run, slug: str, qtype: str) -> int:
    """The number of the right option the CLI would show for this card with --seed 1."""
    asked = json.loads(
        run(
            "quiz", "--terms", slug, "--types", qtype, "--n", "1", "--seed", "1", "--json", input="", env=NOW
        ).stdout
    )["questions"][0]
    return next(o["number"] for o in asked["options"] if o["text"] == asked["answer"])


def rows(db_path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_config_lists_shows_and_sets_with_ranges_checked(run) -> None:
    listing = run("config")
    assert listing.exit_code == 0 and "desired-retention   0.90" in listing.output
    assert run("config", "desired-retention", "0.85").exit_code == 0
    assert run("config", "desired-retention").output == "0.85\n"
    bad = run("config", "desired-retention", "0.99")
    assert bad.exit_code == 2
    assert bad.output == "Error: desired-retention must be a number from 0.70 to 0.97; got 0.99\n"
    unknown = run("config", "speed", "3")
    assert (
        unknown.exit_code == 2
        and unknown.output.count("\n") == 1
        and "unknown setting 'speed'" in unknown.output
    )
    assert run("config", "new-cards-per-day", "ten").exit_code == 2


def test_the_scheduler_follows_desired_retention(run, db_path: Path) -> None:
    from datetime import datetime

    from glossary import record, settings
    from glossary.model import CardId

    def easy_due(retention: str) -> datetime:
        assert run("config", "desired-retention", retention).exit_code == 0
        store = Store.open(db_path)
        try:
            moment = datetime.fromisoformat(NOW["GLOSSARY_NOW"])
            return record.preview_dues(
                store.conn, CardId("bigram", "define"), moment, settings.load(store.conn)
            )[4]
        finally:
            store.close()

    assert easy_due("0.80") > easy_due("0.95")  # a lower retention spaces reviews further apart


def test_a_v3_store_migrates_to_v4_with_reps_lapses_and_a_settings_table(tmp_path: Path) -> None:
    import sqlite_utils

    from glossary.schema import MIGRATIONS

    path = tmp_path / "old.db"
    conn = connect(path)
    db = sqlite_utils.Database(conn)
    for step in (1, 2, 3):
        MIGRATIONS[step](db)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO cards VALUES ('bigram:define', 'bigram', 'define', '{}', '2026-01-09', '2026-01-01')"
    )
    for day, rating in ((1, 3), (3, 3), (8, 1)):
        conn.execute(
            "INSERT INTO reviews (reviewed_at, card_id, slug, qtype, rating, correct, chosen, chosen_slug, "
            "answer, response_ms) VALUES (?, 'bigram:define', 'bigram', 'define', ?, 1, '', '', '', 0)",
            (f"2026-01-0{day}T09:00:00+00:00", rating),
        )
    conn.close()
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert tuple(store.conn.execute("SELECT reps, lapses FROM cards").fetchone()) == (3, 1)
        assert store.conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
        assert store.conn.execute("SELECT practice, before FROM reviews").fetchall()[0][0] == 0
    finally:
        store.close()


def test_cram_drills_now_logs_practice_and_moves_no_due_date(run, db_path: Path) -> None:
    number = right_number(run, "bigram", "define")
    answered = run("quiz", "--terms", "bigram", "--types", "define", "--n", "1", "--seed", "1",
                   input=f"{number} easy\n", env=NOW)  # fmt: skip
    assert answered.exit_code == 0 and "Rated Easy" in answered.output
    cards_before = rows(db_path, "SELECT * FROM cards")
    refused = run("quiz", "--terms", "bigram", "--types", "define", "--n", "1", input="1\n", env=LATER)
    assert refused.exit_code == 1
    assert refused.output == (
        "Error: none of these cards is due; practise them anyway with: "
        "glossary quiz --cram --terms bigram --types define\n"
    )
    cram = run("quiz", "--cram", "--terms", "bigram", "--n", "3", "--seed", "2", input="1\n2\n3\n", env=LATER)
    assert cram.exit_code == 0 and "Practice: the schedule is unchanged." in cram.output
    assert rows(db_path, "SELECT * FROM cards") == cards_before
    assert rows(db_path, "SELECT practice FROM reviews ORDER BY id") == [(0,), (1,), (1,), (1,)]


def test_a_second_quiz_the_same_day_asks_no_sibling_of_a_studied_term(run, db_path: Path) -> None:
    first = run("quiz", "--n", "10", "--seed", "1", "--json", input="1\n" * 10, env=NOW)
    studied = {q["slug"] for q in json.loads(first.stdout)["questions"]}
    second = run("quiz", "--n", "10", "--seed", "2", "--json", input="1\n" * 10, env=LATER)
    again = json.loads(second.stdout)["questions"]
    studied_cards = {row[0] for row in rows(db_path, "SELECT card_id FROM reviews WHERE practice = 0")}
    for asked in again:
        assert asked["slug"] not in studied or asked["card"] in studied_cards


def test_piped_rating_words_set_the_rating(run, db_path: Path) -> None:
    right = right_number(run, "lstm", "define")
    args = ("quiz", "--terms", "lstm", "--types", "define", "--n", "1", "--seed", "1")
    result = run(*args, input=f"{right} easy\n", env=NOW)
    assert "Rated Easy; next review in 8 days (Mon 09 Mar 09:00 UTC+01:00)." in result.output
    assert rows(db_path, "SELECT rating FROM reviews") == [(4,)]


def test_suspend_and_unsuspend_a_term_or_one_card(run, db_path: Path) -> None:
    assert run("suspend", "LSTM:recall").output == "Suspended long-short-term-memory:recall.\n"
    assert run("suspend", "lstm:recall").output.startswith("Nothing changed")
    whole = run("suspend", "long short term memory")
    assert (
        whole.exit_code == 0
        and whole.output.startswith("Suspended ")
        and "cards of Long Short-Term" in whole.output
    )
    bad_type = run("suspend", "lstm:example")
    assert bad_type.exit_code == 2 and "has no 'example' card" in bad_type.output
    assert run("suspend", "lstn").exit_code == 1
    plan = run("quiz", "--terms", "lstm", "--n", "5", input="", env=NOW)
    assert plan.exit_code == 1 and "none of these cards is due" in plan.output
    assert run("unsuspend", "lstm").exit_code == 0
    assert rows(db_path, "SELECT count(*) FROM suspended") == [(0,)]


def test_cards_lists_state_due_memory_and_counts_as_text_and_json(run) -> None:
    number = right_number(run, "bigram", "define")
    run(
        "quiz",
        "--terms",
        "bigram",
        "--types",
        "define",
        "--n",
        "1",
        "--seed",
        "1",
        input=f"{number}\n",
        env=NOW,
    )
    run("suspend", "bigram:meaning")
    text = run("cards", "bigram", env=LATER)
    assert text.exit_code == 0
    assert (
        "bigram:define \u00b7 " in text.output
        and "bigram:meaning \u00b7 new \u00b7 suspended (manual)" in text.output
    )
    assert "reviews" in text.output or "review" in text.output
    assert all(line == line.rstrip() for line in text.output.splitlines())
    data = json.loads(run("cards", "bigram", "--json", env=LATER).stdout)
    define = next(c for c in data if c["card"] == "bigram:define")
    assert define["reviews"] == 1 and define["lapses"] == 0 and 0 < define["recall_now"] <= 1
    assert set(define) >= {"state", "due", "stability", "difficulty", "recall_now", "suspended", "leech"}
    assert [c["card"] for c in json.loads(run("cards", "--suspended", "--json").stdout)] == ["bigram:meaning"]
    due = json.loads(run("cards", "--due", "--json", env=LATER).stdout)
    assert [c["card"] for c in due] == ["bigram:define"]


def test_show_records_a_lookup_and_the_quiz_introduces_that_term_first(run, db_path: Path) -> None:
    assert run("show", "perplexity").exit_code == 0
    assert rows(db_path, "SELECT slug FROM lookups") == [("perplexity",)]
    first = json.loads(run("quiz", "--n", "3", "--json", input="", env=NOW).stdout)["questions"][0]
    assert first["slug"] == "perplexity"


def test_cards_suspended_lists_the_cards_of_a_term_suspended_before_any_answer(run) -> None:
    """`suspend lstm` on a fresh store, then `cards --suspended`: all six, not "No suspended cards"."""
    assert run("suspend", "lstm").exit_code == 0
    listing = run("cards", "--suspended", env=NOW)
    assert listing.exit_code == 0, listing.output
    assert "long-short-term-memory:define \u00b7 new \u00b7 suspended (manual)" in listing.output
    assert listing.output.splitlines()[-1] == "6 cards: 0 due now, 6 suspended, 0 leeches."
    assert len(json.loads(run("cards", "--json", env=NOW).stdout)) == 6


def test_cards_filters_that_find_nothing_say_so_in_plain_words(run) -> None:
    assert run("cards").output == "No recorded cards. Study some with: glossary quiz\n"
    assert run("cards", "--leeches").output == "No leeches.\n"
    assert run("cards", "--suspended").output == "No suspended cards.\n"
    assert run("cards", "--due", "--leeches").output == "No due leeches.\n"


def test_config_json_gives_every_setting_or_the_one_set_as_numbers(run) -> None:
    everything = json.loads(run("config", "--json").stdout)
    assert everything == {
        "new-cards-per-day": 20, "reviews-per-day": 200, "desired-retention": 0.9, "maximum-interval": 36500
    }  # fmt: skip
    assert json.loads(run("config", "new-cards-per-day", "7", "--json").stdout) == {"new-cards-per-day": 7}
    assert json.loads(run("config", "--json").stdout)["new-cards-per-day"] == 7
