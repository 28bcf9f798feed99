"""The session loop: ask each planned card, read and grade the answer, record it at once.

The core never prints: a ``QuizIO`` (the terminal, a pipe, a test script) shows questions and
reads lines. Every answer is recorded in its own transaction as soon as it is given, with its
default rating, so q, end of input and Ctrl-C all stop cleanly with nothing already answered
lost. At a terminal a right answer then gets the rating screen: Enter keeps the default, another
key re-rates the answer (undone and recorded again in one transaction), ``u`` takes it back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from glossary.clock import now as clock_now
from glossary.quiz import make_question
from glossary.quiz.base import AGAIN
from glossary.quiz.grading import UNDO, grade, read_rating, read_reply
from glossary.quiz.teaching import explain_pick
from glossary.record import Recorded, preview_dues, record_answer, rerate_answer, undo_answer

if TYPE_CHECKING:
    import sqlite3

    from glossary.planning import PlannedCard
    from glossary.quiz.bank import Bank
    from glossary.quiz.base import Grade, Question, Reply, Rng
    from glossary.settings import Settings


@dataclass(frozen=True)
class Answered:
    """One question of a session and its verdict."""

    question: Question
    grade: Grade
    response_ms: int | None
    recorded: Recorded
    lesson: str = ""  # after a wrong pick: what the picked term is and how it relates to the answer

    @property
    def recalled(self) -> bool:
        return self.grade.recalled


@dataclass
class SessionResult:
    """Every question asked and how the session ended: done, quit, eof or interrupt."""

    answered: list[Answered] = field(default_factory=list)
    asked: list[Question] = field(default_factory=list)
    stopped: str = "done"

    @property
    def recalled(self) -> int:
        """Answers known without help (a peek is a miss, see ``Grade.recalled``)."""
        return sum(a.recalled for a in self.answered)


class QuizIO(Protocol):
    """The terminal (or pipe) a session talks to; the core never prints."""

    timed: bool  # response times mean something (a person at a terminal)
    rates: bool  # show the rating screen after a right answer (a person at a terminal)

    def question(self, question: Question, number: int, total: int) -> None: ...
    def ask(self, question: Question) -> str: ...  # raises EOFError or KeyboardInterrupt
    def hint(self, text: str) -> None: ...
    def card(self, slug: str) -> None: ...
    def feedback(self, answered: Answered, final: bool = True) -> None: ...
    def rate(self, answered: Answered, dues: dict[int, datetime], again: bool = False) -> str: ...
    def rated(self, answered: Answered) -> None: ...
    def undone(self, number: int) -> None: ...
    def last_word(self) -> str: ...  # after a last answer with no rating screen; raises EOFError


class _Stop(Exception):
    """The learner ended the session at the rating screen (``stopped`` says how)."""

    def __init__(self, stopped: str) -> None:
        super().__init__(stopped)
        self.stopped = stopped


@dataclass
class _Context:
    """What every answer of one session is recorded with."""

    conn: sqlite3.Connection
    bank: Bank
    io: QuizIO
    clock: Callable[[], datetime]
    session: str
    practice: bool
    settings: Settings
    rating_screen: bool = False  # whether the last answer was shown the rating screen (and its u)


def run_session(
    conn: sqlite3.Connection,
    bank: Bank,
    plan: Sequence[PlannedCard],
    io: QuizIO,
    rng: Rng,
    clock: Callable[[], datetime] = clock_now,
    session: str = "",
    practice: bool = False,
    settings: Settings | None = None,
) -> SessionResult:
    """Ask every planned card, recording each answer as it is given; q, EOF and Ctrl-C stop cleanly.

    Ctrl-C is honoured at any point, not only at the prompt: an answer whose transaction it
    interrupts is rolled back whole and left out of the result, every earlier one stays. ``u``
    at a question takes the last answer back and asks that question again. ``practice``
    (``--cram``) logs answers without moving any schedule.
    """
    from glossary import settings as learner_settings

    context = _Context(conn, bank, io, clock, session, practice, settings or learner_settings.load(conn))
    result = SessionResult()
    questions = [q for q in (make_question(bank, p.card_id, rng) for p in plan) if q is not None]
    position = 0
    try:
        while position < len(questions):
            question = questions[position]
            if not result.asked or result.asked[-1] is not question:
                result.asked.append(question)
            io.question(question, position + 1, len(questions))
            reply, peeked, response_ms = read_answer(io, question, context.bank.spellings)
            if reply is None:
                result.stopped = "eof" if peeked is None else "quit"
                return result
            if reply.kind == "undo":
                if _undo_last(context, result, position):
                    position -= 1
                continue
            if _answer(context, result, question, reply, bool(peeked), response_ms, position + 1):
                position += 1
                if position == len(questions) and _takes_back_the_last(context, result, position):
                    position -= 1
    except KeyboardInterrupt:
        result.stopped = "interrupt"
    except _Stop as stop:
        result.stopped = stop.stopped
    return result


def _takes_back_the_last(context: _Context, result: SessionResult, position: int) -> bool:
    """At a terminal, a last answer that had no rating screen (a wrong or peeked one, or practice)
    gets one more prompt, so ``u`` can undo it as it could at a next question; Enter finishes."""
    if not context.io.rates or context.rating_screen:
        return False
    try:
        word = context.io.last_word()
    except EOFError:
        return False
    return word.strip().casefold() in UNDO and _undo_last(context, result, position)


def _undo_last(context: _Context, result: SessionResult, position: int) -> bool:
    """Take back the session's last answer (at the next question's prompt); False if there is none."""
    if not result.answered:
        context.io.hint("Nothing to undo yet in this session.")
        return False
    undo_answer(context.conn, result.answered.pop().recorded.review_id)
    result.asked.pop()  # the question on screen was not answered; the one before is asked again
    context.io.undone(position)
    return True


def _answer(
    context: _Context,
    result: SessionResult,
    question: Question,
    reply: Reply,
    peeked: bool,
    response_ms: int | None,
    number: int,
) -> bool:
    """Grade, record at once, then let the learner rate a right answer; False when it was undone."""
    verdict = grade(question, reply, context.bank.spellings, response_ms, peeked)
    now = context.clock()
    screen = context.io.rates and not context.practice and verdict.rating > AGAIN and not reply.rating
    dues = preview_dues(context.conn, question.card_id, now, context.settings) if screen else {}
    recorded = record_answer(context.conn, question, verdict, now, response_ms, context.session,
                             context.settings, context.practice)  # fmt: skip
    lesson = "" if verdict.correct else explain_pick(context.bank, question, verdict.chosen_slug)
    answered = Answered(question, verdict, response_ms, recorded, lesson)
    result.answered.append(answered)
    context.io.feedback(answered, final=not screen)
    context.rating_screen = screen
    if not screen:
        return True
    choice = _read_rating(context.io, answered, dues)
    if choice == "undo":
        undo_answer(context.conn, recorded.review_id)
        result.answered.pop()
        context.io.undone(number)
        return False
    if isinstance(choice, int) and choice != verdict.rating:
        verdict = replace(verdict, rating=choice)
        recorded = rerate_answer(context.conn, recorded, question, verdict, response_ms, context.session,
                                 context.settings)  # fmt: skip
        answered = Answered(question, verdict, response_ms, recorded)
        result.answered[-1] = answered
    context.io.rated(answered)
    if isinstance(choice, str):
        raise _Stop(choice)
    return True


def _read_rating(io: QuizIO, answered: Answered, dues: dict[int, datetime]) -> int | str:
    """The rating the learner picks (the default on Enter), "undo", or "eof"/"quit" to stop there."""
    again = False
    while True:
        try:
            line = io.rate(answered, dues, again)
        except EOFError:
            return "eof"
        if line.strip().casefold() in ("q", "quit", ":q"):
            return "quit"
        choice = read_rating(line, answered.grade.rating)
        if choice != "":
            return choice
        again = True


def read_answer(
    io: QuizIO, question: Question, spellings: Mapping[str, str] | None = None
) -> tuple[Reply | None, bool | None, int | None]:
    """Prompt until a usable answer: (reply, peeked, ms), or (None, None, None) at EOF and
    (None, False, None) when the learner quits; an undo request comes back as a reply of its own.
    A pipe is never timed: its ms is None."""
    started = time.monotonic()
    peeked = False
    while True:
        try:
            line = io.ask(question)
        except EOFError:
            return None, None, None
        reply = read_reply(question, line, spellings)
        if reply.kind == "invalid":
            io.hint(reply.hint)
        elif reply.kind == "card":
            peeked = True
            io.card(question.slug)
        elif reply.kind == "quit":
            return None, False, None
        elif reply.kind == "undo":
            return reply, peeked, None
        else:
            response_ms = round((time.monotonic() - started) * 1000) if io.timed else None
            return reply, peeked, response_ms
