"""A simulated learner studying daily for 90 days through the real session code.

The learner's true memory is a seeded model of its own, not FSRS: every card has a hidden
stability S drawn log-normally when it is first seen (median 15 days; a wrong first answer
halves it), recall after t days is exp(-t / S) (exponential forgetting, where FSRS assumes a
power law; S here is the e-folding time, not FSRS's 90% time), a success a day or more later
multiplies S by 1 + (g - 1)(2 - p) with the card's hidden growth g (log-normal around 2.5) and
p the recall it just made (a hard recall strengthens more), and a lapse cuts S to 40% (at least 8 days).
A new card is answered right with a hidden first-sight probability (Beta(3, 2)).

Each simulated day has four sessions (08:00, 12:00, 16:00 and 20:00 UTC). Each plans with
``glossary.planning.plan_session`` and runs with ``glossary.session.run_session`` on the
injected clock, answering as a pipe would: ``"<n> good"`` when the learner recalls (with its
true probability), a wrong option otherwise. Reported per desired retention: the measured
recall at review time (answers to cards last seen at least a day before: the reviews FSRS
schedules for the desired retention), reviews and new cards per day, sibling repeats (two
cards of one term answered on one day) and the in-process time per answer (plan + session).

    PYTHONPATH=. .venv/bin/python bench/bench_learner.py            # 90 days at 0.90 and 0.80
    PYTHONPATH=. .venv/bin/python bench/bench_learner.py --days 30 --no-refit
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

START = datetime(2026, 3, 2, tzinfo=timezone.utc)
SESSION_HOURS = (8, 12, 16, 20)
SECONDS_PER_ANSWER = 20
LAPSE_FLOOR = 8.0  # days: even a lapsed card is recalled with 0.88 the next day
REFIT_EVERY = 7  # days between fits of the learner's own parameters (when refitting)


@dataclass
class Memory:
    """The learner's hidden memory of one card."""

    stability: float  # days
    growth: float
    last: datetime


@dataclass
class Learner:
    """True recall follows this model, whatever FSRS believes."""

    rng: random.Random
    cards: dict[str, Memory] = field(default_factory=dict)
    log: list[tuple[str, datetime, float, bool]] = field(default_factory=list)  # card, when, elapsed, right

    def answer(self, card: str, now: datetime) -> bool:
        """Recall (or not) with the true probability, then update the hidden memory."""
        memory = self.cards.get(card)
        if memory is None:
            right = self.rng.random() < self.rng.betavariate(3, 2)
            stability = math.exp(self.rng.gauss(math.log(15), 0.6)) * (1.0 if right else 0.5)
            growth = math.exp(self.rng.gauss(math.log(2.5), 0.3))
            self.cards[card] = Memory(stability, growth, now)
            self.log.append((card, now, -1.0, right))
            return right
        elapsed = (now - memory.last).total_seconds() / 86400
        recall = math.exp(-elapsed / memory.stability)
        right = self.rng.random() < recall
        if right:
            memory.stability *= 1 + (memory.growth - 1) * (1 + (1 - recall)) if elapsed >= 0.5 else 1.0
        else:
            memory.stability = max(LAPSE_FLOOR, memory.stability * 0.4)
        memory.last = now
        self.log.append((card, now, elapsed, right))
        return right


class ScriptedIO:
    """A pipe that answers as the simulated learner would (no rating screen, no timing)."""

    timed = False
    rates = False

    def __init__(self, learner: Learner, clock) -> None:
        self.learner, self.clock = learner, clock

    def question(self, question, number: int, total: int) -> None:
        return None

    def ask(self, question) -> str:
        right = self.learner.answer(str(question.card_id), self.clock.now)
        if question.typed:
            return f"{question.answer} good" if right else "no idea"
        if right:
            return f"{question.answer_index + 1} good"
        wrong = next(i for i in range(len(question.options)) if i != question.answer_index)
        return str(wrong + 1)

    def hint(self, text: str) -> None:
        raise AssertionError(f"the scripted learner typed something unusable: {text}")

    def card(self, slug: str) -> None: ...
    def feedback(self, answered, final: bool = True) -> None: ...
    def rate(self, answered, dues, again: bool = False) -> str:
        return ""

    def rated(self, answered) -> None: ...
    def undone(self, number: int) -> None: ...


class Clock:
    """The injected clock: each answer takes SECONDS_PER_ANSWER of simulated time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=SECONDS_PER_ANSWER)
        return self.now


@dataclass(frozen=True)
class Report:
    """What one simulated run measured."""

    retention: float
    days: int
    recall_at_review: float
    scheduled_reviews: int
    reviews_per_day: float
    new_per_day: float
    most_new_in_a_day: int
    new_limit: int
    sibling_repeats: int
    ms_per_answer: float
    db_path: Path
    refit: bool = False
    cpu_ms_per_answer: float = 0.0
    fits: tuple = ()  # (day, Fit) for each refit


def simulate(
    retention: float, days: int = 90, seed: int = 0, directory: Path | None = None, refit: bool = False
) -> Report:
    """Study ``days`` days at ``retention`` and measure what the learner really recalled.

    ``refit``: every REFIT_EVERY days, once the log holds enough reviews, fit the learner's own
    FSRS parameters (``glossary.fitting``) and schedule with them from then on, as
    ``glossary stats --fit --save`` would.
    """
    from glossary import settings as learner_settings
    from glossary.fitting import fit_learner, save_parameters
    from glossary.planning import plan_session
    from glossary.quiz.bank import Bank
    from glossary.session import run_session
    from glossary.store import Store

    directory = directory or Path(tempfile.mkdtemp())
    db_path = directory / f"learner-{retention:.2f}{'-refit' if refit else ''}.db"
    store = Store.open(db_path)
    conn = store.conn
    learner_settings.store(conn, "desired-retention", f"{retention}")
    settings = learner_settings.load(conn)
    bank = Bank.build(store.terms(), store.all_links())
    learner, rng = Learner(random.Random(seed)), random.Random(seed + 1)
    spent, cpu, answers, fits = 0.0, 0.0, 0, []
    for day in range(days):
        if refit and day and day % REFIT_EVERY == 0:
            fitted = fit_learner(conn)
            if fitted.after < fitted.before:
                save_parameters(conn, fitted.parameters)
                settings = learner_settings.load(conn)
            fits.append((day, fitted))
        for hour in SESSION_HOURS:
            clock = Clock(START + timedelta(days=day, hours=hour))
            started, started_cpu = time.perf_counter(), time.process_time()
            plan = plan_session(conn, bank, clock.now, 100, tz=timezone.utc, settings=settings)
            result = run_session(conn, bank, plan, ScriptedIO(learner, clock), rng, clock, f"d{day}h{hour}",
                                 settings=settings)  # fmt: skip
            spent += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
            answers += len(result.answered)
    store.close()
    report = _report(learner, retention, days, settings.new_cards_per_day, spent, answers, db_path)
    return replace(report, refit=refit, cpu_ms_per_answer=1000 * cpu / max(answers, 1), fits=tuple(fits))


def _report(learner: Learner, retention: float, days: int, limit: int, spent: float, answers: int,
            db_path: Path) -> Report:  # fmt: skip
    per_day: dict[int, int] = defaultdict(int)
    new_per_day: dict[int, int] = defaultdict(int)
    cards_of_term: dict[tuple[int, str], set[str]] = defaultdict(set)
    scheduled = [right for _, _, elapsed, right in learner.log if elapsed >= 1.0]
    for card, when, elapsed, _right in learner.log:
        day = (when - START).days
        per_day[day] += 1
        new_per_day[day] += elapsed < 0
        cards_of_term[(day, card.rsplit(":", 1)[0])].add(card)
    return Report(
        retention=retention,
        days=days,
        recall_at_review=sum(scheduled) / len(scheduled) if scheduled else float("nan"),
        scheduled_reviews=len(scheduled),
        reviews_per_day=sum(per_day.values()) / days,
        new_per_day=sum(new_per_day.values()) / days,
        most_new_in_a_day=max(new_per_day.values(), default=0),
        new_limit=limit,
        sibling_repeats=sum(len(cards) > 1 for cards in cards_of_term.values()),
        ms_per_answer=1000 * spent / max(answers, 1),
        db_path=db_path,
    )


def table(reports: list[Report]) -> str:
    """The README's table."""
    lines = [
        "| desired retention | FSRS parameters | recall at review (n) | reviews/day "
        "| new/day (max, limit) | sibling repeats | ms/answer wall (CPU) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        lines.append(
            f"| {r.retention:.2f} | {'refit weekly' if r.refit else 'defaults'} "
            f"| {r.recall_at_review:.3f} ({r.scheduled_reviews}) "
            f"| {r.reviews_per_day:.1f} | "
            f"{r.new_per_day:.1f} ({r.most_new_in_a_day}, {r.new_limit}) | {r.sibling_repeats} | "
            f"{r.ms_per_answer:.2f} ({r.cpu_ms_per_answer:.2f}) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--retention", type=float, nargs="*", default=[0.90, 0.80])
    parser.add_argument("--no-refit", action="store_true", help="only FSRS's default parameters")
    args = parser.parse_args()
    variants = (False,) if args.no_refit else (False, True)
    reports = [simulate(r, args.days, args.seed, refit=refit) for r in args.retention for refit in variants]
    print(f"{args.days} simulated days, seed {args.seed}\n")
    print(table(reports))
    for report in reports:
        for day, fitted in report.fits:
            print(f"retention {report.retention:.2f}, day {day}: {fitted.reviews} reviews, "
                  f"log-loss {fitted.before:.4f} -> {fitted.after:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
