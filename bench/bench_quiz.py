"""Time quiz generation in-process: 100 questions must take < 50 ms (issue 4).

    .venv/bin/python bench/bench_quiz.py [--repeats 20]

Measured in one process against the bundled content (a fresh store in a temp dir):
- building the question bank from the store (once per session);
- 100 questions over the word types (define, meaning, recall, relation, example, abbreviation),
  cycling through every card the content supports;
- 100 questions of the session mix (the first 100 cards ``plan_session`` picks for a new learner);
- 100 computed questions (NumPy warm), and the one-off cost of the first (imports NumPy + seqml);
- recording 100 answers, one ``BEGIN IMMEDIATE`` transaction each (the database, not the goal).
Medians over repeats; the goal row compares the 100-question session mix with 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL_MS = 50.0


def median_ms(action, repeats: int) -> float:
    """Median wall time of ``action()`` in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cold_first_computed_ms(db: Path) -> float:
    """The first computed question in a fresh interpreter: NumPy and seqml imports included."""
    code = (
        "import random, time\n"
        "from glossary.store import Store\n"
        "from glossary.quiz import Bank, make_question\n"
        f"store = Store.open({str(db)!r})\n"
        "bank = Bank.build(store.terms(), store.all_links())\n"
        "start = time.perf_counter()\n"
        "make_question(bank, 'gradient-clipping:computed', random.Random(0))\n"
        "print((time.perf_counter() - start) * 1000)\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    from glossary.quiz import Bank, grade, make_question, read_reply
    from glossary.schedule import plan_session, record
    from glossary.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        os.environ["GLOSSARY_DB"] = str(db)
        store = Store.open(db)
        terms, links = store.terms(), store.all_links()
        bank = Bank.build(terms, links)
        word_cards = [
            f"{slug}:{qtype}" for slug in bank.terms for qtype in bank.available(slug) if qtype != "computed"
        ]
        computed_cards = [f"{slug}:computed" for slug in bank.terms if "computed" in bank.available(slug)]
        now = datetime.now(timezone.utc)
        session_cards = [p.card_id for p in plan_session(store.conn, bank, now, 100)]

        def hundred(cards: list[str]) -> None:
            rng = random.Random(0)
            for index in range(100):
                make_question(bank, cards[index % len(cards)], rng)

        cold = cold_first_computed_ms(db)
        hundred(computed_cards)  # warm NumPy before timing the computed row
        repeats = args.repeats
        rows = [
            (f"build bank ({len(bank.terms)} terms, {len(bank.links)} links)",
             median_ms(lambda: Bank.build(terms, links), repeats)),
            ("plan a session of 100 new cards",
             median_ms(lambda: plan_session(store.conn, bank, now, 100), repeats)),
            ("100 word questions (6 types, all cards)", median_ms(lambda: hundred(word_cards), repeats)),
            ("100 questions, session mix", median_ms(lambda: hundred(session_cards), repeats)),
            ("100 computed questions (NumPy warm)", median_ms(lambda: hundred(computed_cards), repeats)),
            ("first computed question, cold (imports NumPy)", cold),
        ]  # fmt: skip

        answers = [make_question(bank, card, random.Random(i)) for i, card in enumerate(session_cards)]

        def record_all() -> None:
            for question in answers:
                if question is not None:
                    reply = read_reply(question, "1" if question.options else question.answer)
                    record(store.conn, question, grade(question, reply, bank.spellings), now, None, "bench")

        rows.append(("record 100 answers (100 transactions, WAL)", median_ms(record_all, 3)))
        store.close()

    width = max(len(name) for name, _ in rows)
    print(f"{'step':<{width}}  {'median ms':>10}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10.2f}")
    session = rows[3][1]
    verdict = "meets" if session < GOAL_MS else "MISSES"
    ratio = session / GOAL_MS
    print(
        f"\n100 questions of a session: {session:.2f} ms = {ratio:.2f} x the {GOAL_MS:.0f} ms goal: {verdict}"
    )


if __name__ == "__main__":
    main()
