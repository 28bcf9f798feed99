"""Time quiz generation and session planning in-process: < 50 ms per 100 questions (issue 8).

    .venv/bin/python bench/bench_quiz.py [--repeats 20] [--copies 157]

Two stores are measured side by side: the bundled one (64 terms) and a large one built from
``--copies`` renamed copies of the bundled terms (157 copies = 10,048 terms), whose links stay
inside each copy and whose topics are spread over 20 names, so the graph has the same shape as
the bundled one but the per-question cost of anything that scans every term shows up.
Each store gets a learner record of 300 answered cards (so planning has due, known and new
cards to sort), and for each we time:
- building the question bank (once per session);
- planning a session of 100 cards (``plan_session``; the bank's introduction order warm);
- 100 questions over the word types, cycling through every card;
- 100 questions of the session mix (the cards ``plan_session`` picks);
- 100 computed questions (NumPy warm);
- recording 100 answers, one ``BEGIN IMMEDIATE`` transaction each (the database, not the goal).
CPU time of this process (the machine is shared and noisy), medians over repeats; the goal
rows compare the session mix and the plan with 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL_MS = 50.0
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def median_ms(action, repeats: int) -> float:
    """Median wall time of ``action()`` in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def copied_content(terms: list, links: list, copies: int) -> tuple[list, list]:
    """``copies`` renamed copies of the terms and their links (copy 0 keeps the bundled names)."""
    from glossary.model import Link

    if copies <= 1:
        return terms, links
    big_terms, big_links = [], []
    for copy in range(copies):
        suffix = "" if copy == 0 else f"-{copy}"
        for term in terms:
            big_terms.append(
                term._replace(
                    slug=term.slug + suffix,
                    name=term.name + (f" {copy}" if copy else ""),
                    abbreviation=term.abbreviation + (str(copy) if copy and term.abbreviation else ""),
                    aliases=tuple(a + (f" {copy}" if copy else "") for a in term.aliases),
                    topic=term.topic if copy == 0 else f"{term.topic}-{copy % 20}",
                )
            )
        big_links += [Link(link.source + suffix, link.relation, link.target + suffix) for link in links]
    return big_terms, big_links


def seed_record(conn, bank, cards: int) -> None:
    """A learner who answered ``cards`` cards over the last weeks, some right, some wrong."""
    from glossary.model import CardId
    from glossary.planning import new_card_order
    from glossary.quiz import make_question
    from glossary.quiz.grading import grade, read_reply
    from glossary.record import record_answer

    rng = random.Random(0)
    for index, card in enumerate(c for c in new_card_order(bank) if c.qtype != "computed"):
        if index == cards:
            break
        question = make_question(bank, CardId(*card), rng)
        if question is None:
            continue
        right = rng.random() < 0.8
        text = (question.answer if question.typed else str(question.answer_index + 1)) if right else "1"
        when = NOW - timedelta(days=rng.randrange(1, 30), minutes=index)
        record_answer(conn, question, grade(question, read_reply(question, text), bank.spellings), when, None)


def measure(store, bank, repeats: int) -> list[tuple[str, float]]:
    """The timed rows for one store."""
    from glossary.model import CardId
    from glossary.planning import plan_session
    from glossary.quiz import available, make_question
    from glossary.quiz.bank import Bank
    from glossary.quiz.grading import grade, read_reply
    from glossary.record import record_answer

    terms, links = list(bank.terms.values()), list(bank.links)
    some = list(bank.terms)[:400]
    word_cards = [CardId(s, q) for s in some for q in available(bank, s) if q != "computed"]
    computed_cards = [CardId(s, "computed") for s in some if "computed" in available(bank, s)]
    from glossary.settings import Settings

    unlimited = Settings(new_cards_per_day=9999)  # so the plan really holds 100 cards

    def plan(on: Bank = bank):
        return plan_session(store.conn, on, NOW, 100, settings=unlimited)

    def first_plan() -> None:  # a fresh bank: the plan pays for ordering the terms it reaches
        fresh = Bank.build(terms, links)
        start = time.process_time()
        plan(fresh)
        first.append((time.process_time() - start) * 1000)

    first: list[float] = []
    for _ in range(3):
        first_plan()

    session_cards = [p.card_id for p in plan()]
    # one card per term a day: the bundled 64 terms give a plan of at most 64 cards

    def hundred(cards) -> None:
        rng = random.Random(0)
        for index in range(100):
            make_question(bank, cards[index % len(cards)], rng)

    hundred(computed_cards)  # warm NumPy before timing the computed row
    rows = [
        ("build the bank", median_ms(lambda: Bank.build(terms, links), 3)),
        ("plan a session (100 cards; 64 bundled), first", statistics.median(first)),
        ("plan a session again (the bank warm)", median_ms(plan, repeats)),
        ("100 word questions (6 types)", median_ms(lambda: hundred(word_cards), repeats)),
        ("100 questions, session mix", median_ms(lambda: hundred(session_cards), repeats)),
        ("100 computed questions (NumPy warm)", median_ms(lambda: hundred(computed_cards), repeats)),
    ]  # fmt: skip
    answers = [make_question(bank, card, random.Random(i)) for i, card in enumerate(session_cards)]

    def record_all() -> None:
        for question in answers:
            if question is not None:
                reply = read_reply(question, "1" if question.options else question.answer)
                record_answer(store.conn, question, grade(question, reply, bank.spellings), NOW, None, "b")

    rows.append(("record 100 answers (100 transactions, WAL)", median_ms(record_all, 3)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--copies", type=int, default=157)
    args = parser.parse_args()

    from glossary.quiz.bank import Bank
    from glossary.store import Store

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, copies in (("bundled", 1), ("large", args.copies)):
            store = Store.open(Path(tmp) / f"{label}.db")
            terms, links = copied_content(store.terms(), store.all_links(), copies)
            bank = Bank.build(terms, links)
            seed_record(store.conn, bank, 300)
            results[label] = (len(bank.terms), measure(store, bank, args.repeats))
            store.close()

    names = [name for name, _ in results["bundled"][1]]
    width = max(len(n) for n in names)
    small, large = results["bundled"], results["large"]
    print(f"| {'step (median ms)':<{width}} | {small[0]:>6} terms | {large[0]:>6} terms |")
    print(f"|{'-' * (width + 2)}|{'-' * 14}|{'-' * 14}|")
    for index, name in enumerate(names):
        print(f"| {name:<{width}} | {small[1][index][1]:>12.2f} | {large[1][index][1]:>12.2f} |")
    for index, what in ((4, "100 questions of a session"), (1, "a first session plan")):
        value = large[1][index][1]
        verdict = "meets" if value < GOAL_MS else "MISSES"
        ratio = value / GOAL_MS
        print(f"{what} on {large[0]} terms: {value:.2f} ms = {ratio:.2f} x the 50 ms goal: {verdict}")


if __name__ == "__main__":
    os.environ.setdefault("GLOSSARY_NOW", NOW.isoformat())
    main()
