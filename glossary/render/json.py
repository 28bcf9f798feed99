"""Every ``--json`` shape in one place: plain data, stable keys, nothing that needs a terminal.

The CLI dumps these with ``ensure_ascii`` (see ``cli._emit_json``), so stored text cannot reach
the terminal as control characters. The core's records are imported for types only.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from glossary.model import RATING_NAMES

if TYPE_CHECKING:
    from glossary.progress import Stats
    from glossary.quiz.base import Question
    from glossary.session import Answered, SessionResult


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- learner


def question_json(question: Question) -> dict:
    """A question as plain JSON data (options numbered from 1, as on screen)."""
    return {
        "card": str(question.card_id),
        "slug": question.slug,
        "type": question.qtype,
        "prompt": question.prompt,
        "detail": list(question.detail),
        "options": [
            {"number": i + 1, "text": o.text, "slug": o.slug} for i, o in enumerate(question.options)
        ],
        "answer": question.answer,
        "answer_slug": question.answer_slug,
        "accepted": list(question.accepted),
        "reason": question.reason,
    }


def answered_json(answered: Answered) -> dict:
    """One answer: what was chosen, whether it was right, the rating and the next due date."""
    return {
        "card": str(answered.question.card_id),
        "chosen": answered.grade.chosen,
        "chosen_slug": answered.grade.chosen_slug,
        "correct": answered.grade.correct,
        "recalled": answered.grade.recalled,
        "rating": RATING_NAMES[answered.grade.rating],
        "note": answered.grade.note,
        "peeked": answered.grade.peeked,
        "response_ms": answered.response_ms,
        "due": _utc_iso(answered.recorded.due),
    }


def session_json(result: SessionResult, next_due: datetime | None) -> dict:
    """A whole session: each question asked with its result (null when not answered)."""
    answers = {a.question.card_id: answered_json(a) for a in result.answered}
    return {
        "stopped": result.stopped,
        "questions": [{**question_json(q), "result": answers.get(q.card_id)} for q in result.asked],
        "summary": {"answered": len(result.answered), "correct": result.recalled},
        "next_due": next_due.isoformat() if next_due else None,
    }


def stats_json(result: Stats) -> dict:
    """The learner's statistics."""
    return {
        "reviews": result.reviews,
        "correct": result.correct,
        "retention": result.retention,
        "streak_days": result.streak,
        "reviewed_today": result.reviewed_today,
        "next_due": result.next_due,
        "forecast": [{"date": day, "due": count} for day, count in result.forecast],
        "mastery": [
            {
                "topic": topic,
                "title": title,
                "terms": [
                    {
                        "slug": t.slug,
                        "name": t.name,
                        "retrievability": t.retrievability,
                        "cards": t.cards,
                        "last_failed": t.last_failed,
                    }
                    for t in terms
                ],
            }
            for topic, title, terms in result.mastery
        ],
        "confusions": [{"terms": [a, b], "count": count} for a, b, count in result.confusions],
        "relation_errors": [
            {"term": term, "picked": picked, "answer": answer, "count": count}
            for term, picked, answer, count in result.relation_errors
        ],
    }
