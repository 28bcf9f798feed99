"""Teaching feedback: after a wrong pick, one sentence on what the picked term is and how it
relates to the answer, worded by ``glossary.wording`` from the link graph.

"The answer is LSTM" says nothing about why "gradient clipping" was wrong; "Gradient clipping
mitigates the exploding gradient problem; an LSTM addresses the vanishing gradient problem" does.
The picked term's clause is chosen in this order: a link in the same role as the question's
(what else it mitigates), a direct link to the answer or the question's term, a shared parent,
and last what the term is (its summary).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary.quiz.words import RELATION_WORDING, SAME_ANSWER_KEYS
from glossary.wording import active_clause, definition_clause, link_clause, noun_phrase, reverse_key, sentence

if TYPE_CHECKING:
    from glossary.quiz.bank import Bank
    from glossary.quiz.base import Question

_ORDER = ("is-a", "part-of", "mitigates", "addresses", "used-in", "uses", "has-kind", "has-part",
          "mitigated-by", "addressed-by", "contrast", "compare", "see-also")  # fmt: skip


def question_key(bank: Bank, question: Question) -> str:
    """The relation a relation question asks about, read from its term's end ("" if none)."""
    links = bank.neighbours.get(question.slug, {})
    for key in RELATION_WORDING:
        if question.answer_slug in links.get(key, ()):
            return key
    return ""


def _direct(bank: Bank, picked: str, others: tuple[str, ...]) -> str:
    """A clause for a link from ``picked`` straight to one of ``others``, in ``_ORDER``."""
    links = bank.neighbours.get(picked, {})
    for other in others:
        for key in _ORDER:
            if other in links.get(key, ()):
                return link_clause(key, bank.terms[picked], bank.terms[other])
    return ""


def _same_role(bank: Bank, picked: str, key: str, near: str) -> str:
    """What ``picked`` does in the role the question asked about ("mitigates the exploding ...")."""
    links = bank.neighbours.get(picked, {})
    for same in map(reverse_key, SAME_ANSWER_KEYS.get(key, (key,))):  # the answer's end of the link
        others = sorted(links.get(same, ()), key=lambda slug: (slug != near, bank.position.get(slug, 0)))
        if others:
            return link_clause(same, bank.terms[picked], bank.terms[others[0]])
    return ""


def _shared_parent(bank: Bank, picked: str, answer: str) -> str:
    """ "a trigram and a bigram are both kinds of N-gram" when the two share a parent."""
    for key, noun in (("is-a", "kinds"), ("part-of", "parts")):
        shared = sorted(bank.related(picked, key) & bank.related(answer, key))
        if shared:
            parent = bank.terms[shared[0]]
            both = f"{noun_phrase(bank.terms[picked])} and {noun_phrase(bank.terms[answer])}"
            return f"{both} are both {noun} of {noun_phrase(parent) if key == 'part-of' else parent.name}"
    return ""


def explain_pick(bank: Bank, question: Question, picked: str) -> str:
    """One sentence on the wrong pick ``picked`` (a slug) and the answer; "" when there is nothing
    to teach (the pick is no term, or is the answer)."""
    if not picked or picked not in bank.terms or picked == question.answer_slug:
        return ""
    if question.qtype == "computed":
        return ""  # a wrong result, explained by the question's reason
    answer = question.answer_slug
    if question.qtype == "relation" and answer in bank.terms:
        key = question_key(bank, question)
        right = active_clause(key, bank.terms[question.slug], bank.terms[answer]) if key else ""
        mine = _same_role(bank, picked, key, question.slug) if key else ""
        mine = mine or _direct(bank, picked, (question.slug, answer))
        mine = mine or definition_clause(bank.terms[picked])
        return sentence(mine, right)
    if answer not in bank.terms:
        return sentence(definition_clause(bank.terms[picked]))
    relation = _direct(bank, picked, (answer,)) or _shared_parent(bank, picked, answer)
    return sentence(definition_clause(bank.terms[picked]), relation)
