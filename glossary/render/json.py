"""Every ``--json`` shape in one place: records in, plain JSON-ready data out, then ASCII text.

The field names are a promise to scripts (the README lists them), so they are written out here
rather than derived from the records: renaming a field of a record never changes the output.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from glossary.model import RATING_NAMES, Card
from glossary.results import Comparison, LinkTree, Route, SearchResults, TermList

if TYPE_CHECKING:
    from glossary.backup import BackupMade, Restored
    from glossary.deck import CardList
    from glossary.doctor import DoctorReport
    from glossary.formats.export import Export
    from glossary.importing import Removed
    from glossary.progress import Stats
    from glossary.quiz.base import Question
    from glossary.session import Answered, SessionResult


def dumps(data: Any) -> str:
    """Stable, ASCII-only JSON: no control character or bidi override can reach the terminal."""
    import json  # not at module level: only --json pays for it

    return json.dumps(shape(data), indent=2, ensure_ascii=True).replace("\x7f", "\\u007f")


def shape(data: Any) -> Any:
    """The JSON form of a command's record; plain data (dicts, lists) passes through unchanged."""
    maker = _SHAPES.get(type(data)) or _SHAPES_BY_NAME.get(type(data).__name__)
    return data if maker is None else maker(data)


# ---- lookup


def card_json(card: Card) -> dict:
    """``glossary show --json``: the term, its links from its own end, and how the query matched."""
    term = card.term
    data = {
        "slug": term.slug,
        "name": term.name,
        "abbreviation": term.abbreviation,
        "aliases": list(term.aliases),
        "topic": term.topic,
        "summary": term.summary,
        "definition": term.definition,
        "examples": [{"label": e.label, "items": list(e.items)} for e in term.examples],
        "links": [
            {
                "relation": view.relation,
                "label": view.label,
                "direction": "out" if view.outgoing else "in",
                "slug": view.other_slug,
                "name": view.other_name,
            }
            for view in card.links
        ],
        "demo": term.demo,
        "demo_params": term.demo_params,
        "source": term.source,
        "origin": card.origin,
    }
    if card.query:
        data["matched"] = {"query": card.query, "kind": card.kind}
    return data


def comparison_json(comparison: Comparison) -> dict:
    """``glossary compare --json``: the linking words, the links both share, and both cards."""
    from glossary.model import shared_links

    shared = shared_links(comparison.left.links, comparison.right.links)
    return {
        "relation": list(comparison.relation),
        "shared": [
            {"relation": v.relation, "label": v.label, "slug": v.other_slug, "name": v.other_name}
            for v in shared
        ],
        "terms": [card_json(comparison.left), card_json(comparison.right)],
    }


def term_list_json(listing: TermList) -> list:
    """``glossary list --json``: topics in pack order, each with its terms."""
    return [
        {
            "topic": group.topic.topic,
            "title": group.topic.title,
            "terms": [
                {"slug": t.slug, "name": t.name, "abbreviation": t.abbreviation, "summary": t.summary}
                for t in group.terms
            ],
        }
        for group in listing.groups
    ]


def link_tree_json(tree: LinkTree) -> dict:
    """``glossary links --json``: the tree as nested ``links`` lists."""

    def node(slug: str, name: str) -> dict:
        return {
            "slug": slug,
            "name": name,
            "links": [
                {"relation": view.relation, "label": view.label, **node(view.other_slug, view.other_name)}
                for view in tree.children.get(slug, [])
            ],
        }

    return node(tree.root.slug, tree.root.name)


def route_json(route: Route) -> list | None:
    """``glossary path --json``: the steps by name and slug, or null when the terms are not connected."""
    if route.steps is None:
        return None
    return [
        {
            "from": step.source,
            "label": step.label,
            "to": step.target,
            "from_slug": step.source_slug,
            "to_slug": step.target_slug,
        }
        for step in route.steps
    ]


def search_json(results: SearchResults) -> list:
    """``glossary search --json``: ranked hits, snippets without their highlight markers."""
    from glossary.model import HIT_END, HIT_START

    return [
        {
            "slug": hit.slug,
            "name": hit.name,
            "summary": hit.summary,
            "score": round(hit.score, 6),
            "snippet": hit.snippet.replace(HIT_START, "").replace(HIT_END, ""),
        }
        for hit in results.hits
    ]


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
        "lesson": answered.lesson,
        "peeked": answered.grade.peeked,
        "response_ms": answered.response_ms,
        "due": _utc_iso(answered.recorded.due) if answered.recorded.due else None,
        "practice": answered.recorded.practice,
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


def export_json(export: Export) -> dict:
    """``glossary export --format json``: the topics, and each term as ``glossary show --json`` gives it."""
    return {
        "topics": [
            {"topic": info.topic, "title": info.title, "description": info.description, "count": count}
            for info in export.topics
            for count in [sum(card.term.topic == info.topic for card in export.cards)]
        ],
        "terms": [card_json(card) for card in export.cards],
    }


_SHAPES = {
    Card: card_json,
    Comparison: comparison_json,
    TermList: term_list_json,
    LinkTree: link_tree_json,
    Route: route_json,
    SearchResults: search_json,
}


def card_list_json(listing: CardList) -> list:
    """``glossary cards --json``: each card's state, times (UTC), memory and counts."""
    return [
        {
            "card": str(card.card_id),
            "slug": card.card_id.slug,
            "type": card.card_id.qtype,
            "name": card.name,
            "state": card.state,
            "suspended": card.suspended,
            "leech": card.leech,
            "due": _utc_iso(card.due) if card.due else None,
            "ready": _utc_iso(card.ready) if card.ready else None,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "recall_now": card.recall_now,
            "reviews": card.reviews,
            "lapses": card.lapses,
        }
        for card in listing.cards
    ]


# ---- the store's upkeep (records of core modules a view may not import: matched by name)


def doctor_json(report: DoctorReport) -> dict:
    """``glossary doctor --json``: each check and its status (ok, repaired, problem)."""
    return {
        "store": report.store,
        "healthy": report.healthy,
        "repaired": report.repaired,
        "checks": [{"check": f.check, "status": f.status, "detail": f.detail} for f in report.findings],
    }


def backup_json(made: BackupMade) -> dict:
    """``glossary backup --json``."""
    return {"store": made.store, "backup": made.path, "bytes": made.size}


def restore_json(restored: Restored) -> dict:
    """``glossary restore --json``: ``saved_as`` holds what the store held before (null if nothing)."""
    return {"store": restored.store, "restored_from": restored.source, "saved_as": restored.saved_as or None}


def removed_json(removed: Removed) -> dict:
    """``glossary remove --json``."""
    return {
        "pack": removed.topic,
        "title": removed.title,
        "terms_removed": removed.terms,
        "archived_cards": removed.archived_cards,
    }


_SHAPES_BY_NAME = {
    "DoctorReport": doctor_json,
    "BackupMade": backup_json,
    "Restored": restore_json,
    "Removed": removed_json,
}
