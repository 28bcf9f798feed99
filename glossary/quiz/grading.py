"""Reading and judging answers: what a typed line means, typo-tolerant recall, FSRS ratings.

The default rating: wrong (or right only after opening the card with ``?``) -> Again; right but
slow (over 25 s), or typed with a typo -> Hard; right -> Good. Easy is never a default: speed
says little (a lucky guess among four options is fast too), and Easy skips the learning steps,
so only the learner gives it. The learner owns the rating of a right answer: a rating word after
the answer (``3 good``, ``lstm easy``, ``2 again``), or a key on the rating screen, replaces the
default. A wrong or peeked answer is Again whatever is asked (undo with ``u`` to answer again).
Answers read from a pipe carry no time, so they are never rated Hard for speed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from glossary.model import lookup_key
from glossary.quiz.base import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    MAX_ANSWER_CHARS,
    Grade,
    Question,
    Reply,
    fold_text,
    quoted,
)

SLOW_MS = 25000
RATING_WORDS = {"again": AGAIN, "hard": HARD, "good": GOOD, "easy": EASY}
RATING_KEYS = {"1": AGAIN, "2": HARD, "3": GOOD, "4": EASY, "a": AGAIN, "h": HARD, "g": GOOD, "e": EASY}
UNDO = ("u", "undo")


def split_rating(text: str) -> tuple[str, int]:
    """``"3 good"`` -> ``("3", GOOD)``: a trailing rating word, when something precedes it."""
    head, _, last = text.rpartition(" ")
    rating = RATING_WORDS.get(last.casefold(), 0)
    return (head.strip(), rating) if rating and head.strip() else (text, 0)


def read_rating(line: str, default: int) -> int | str:
    """A line at the rating prompt: Enter keeps ``default``; 1-4, a/h/g/e or a word pick one;
    ``u`` undoes the answer (returns "undo"); anything else is "" (ask again)."""
    text = line.strip().casefold()
    if not text:
        return default
    if text in UNDO:
        return "undo"
    return RATING_KEYS.get(text) or RATING_WORDS.get(text) or ""


def read_reply(question: Question, line: str, spellings: Mapping[str, str] | None = None) -> Reply:
    """Interpret one line from the prompt; anything unusable becomes a hint, never an error.

    An option may be picked by its number, its text, or any spelling of its term in
    ``spellings`` (folded spelling -> slug): "seq2seq" picks "sequence-to-sequence model"."""
    text = line.strip()
    count = len(question.options)
    choices = f"a number from 1 to {count}" if count else "the term"
    usage = f"Type {choices}, ? to see the card, u to undo the last answer, or q to quit."
    if len(text) > MAX_ANSWER_CHARS:
        return Reply("invalid", hint=f"That answer is {len(text)} characters long. {usage}")
    if not text:
        return Reply("invalid", hint=f"No answer given. {usage}")
    if text == "?":
        return Reply("card")
    if text.casefold() in ("q", "quit", ":q"):
        return Reply("quit")
    if text.casefold() in UNDO:
        return Reply("undo")
    text, rating = split_rating(text)
    if question.typed:
        return Reply("answer", text=text, rating=rating)
    if re.fullmatch(r"[+-]?\d+", text):
        number = int(text)
        if 1 <= number <= count:
            return Reply("answer", text=question.options[number - 1].text, index=number - 1, rating=rating)
        return Reply("invalid", hint=f"There is no option {text}. {usage}")
    folded = fold_text(text)
    for index, option in enumerate(question.options):
        if folded and folded == fold_text(option.text):
            return Reply("answer", text=option.text, index=index, rating=rating)
    slug = (spellings or {}).get(lookup_key(text))
    for index, option in enumerate(question.options):
        if slug and option.slug == slug:
            return Reply("answer", text=option.text, index=index, rating=rating)
    return Reply("invalid", hint=f"{quoted(text[:40])} is not one of the options. {usage}")


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (a swap of two neighbours counts once), capped at ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def typo_allowance(key: str) -> int:
    """How many edits still count as a typo: none for 3 letters, one up to 8, two beyond."""
    if len(key) <= 3:
        return 0
    return 1 if len(key) <= 8 else 2


def match_typed(question: Question, text: str, spellings: dict[str, str]) -> tuple[bool, str, str, bool]:
    """Grade typed recall: (correct, matched spelling, slug the text names, typo?).

    Exact matches of any spelling (case, spaces and hyphens ignored) are right; a near miss is
    right with a note, unless it is exactly, or at least as nearly, another term's spelling: then
    it is wrong and names that term for the misconception log.
    """
    key = lookup_key(text)
    accepted = {lookup_key(s): s for s in question.accepted}
    if key in accepted:
        return True, accepted[key], question.answer_slug, False
    named = spellings.get(key, "")
    if named:
        return False, "", named, False
    best, best_spelling = 99, ""
    for candidate, spelling in accepted.items():
        distance = edit_distance(key, candidate)
        if distance <= typo_allowance(candidate) and distance < best:
            best, best_spelling = distance, spelling
    if not best_spelling:
        return False, "", _nearest_other(key, spellings, question.answer_slug), False
    for other_key, other_slug in spellings.items():
        if other_slug != question.answer_slug and edit_distance(key, other_key, best) <= best:
            return False, "", other_slug, False
    return True, best_spelling, question.answer_slug, True


def _nearest_other(key: str, spellings: dict[str, str], answer_slug: str) -> str:
    """The term a wrong typed answer is a near miss of, if any (for the misconception log)."""
    for other_key, slug in spellings.items():
        if slug != answer_slug and edit_distance(key, other_key, 1) <= typo_allowance(other_key):
            return slug
    return ""


def grade(
    question: Question,
    reply: Reply,
    spellings: dict[str, str],
    response_ms: int | None = None,
    peeked: bool = False,
) -> Grade:
    """Judge an answer and choose its FSRS rating (see the module docstring for the rules)."""
    typo = False
    note = ""
    if question.typed:
        correct, matched, chosen_slug, typo = match_typed(question, reply.text, spellings)
        if typo:
            note = f"accepted: {matched} (you typed {reply.text})"
    else:
        correct = reply.index == question.answer_index
        chosen_slug = question.options[reply.index].slug if 0 <= reply.index < len(question.options) else ""
    if not correct or peeked:
        rating = AGAIN
    elif reply.rating:
        rating = reply.rating  # the learner's own rating of a right answer
    elif typo or (response_ms is not None and response_ms > SLOW_MS):
        rating = HARD
    else:
        rating = GOOD
    return Grade(correct, rating, reply.text, chosen_slug if chosen_slug != question.answer_slug else "",
                 note, typo, peeked)  # fmt: skip
