"""Question types: which can be asked about a term, and the maker of each.

A new question type is a maker ``(bank, slug, rng) -> Question | None`` in a module of this
package, registered in ``MAKERS`` (and, for a computed one, in ``COMPUTED``). The modules:
``base`` (records, ratings, shuffling), ``bank`` (the content indexed), ``words`` (questions on
words and links), ``computed`` (numbers from a live ``seqml`` model; NumPy is imported inside
each maker, so quizzing on words never loads it) and ``grading`` (reading and judging answers).
Modules here import ``glossary.model`` and each other (``base`` first, never this package's
``__init__``), and ``seqml`` lazily; never the store, click or rich.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from glossary.quiz import computed, computed_models, words
from glossary.quiz.base import QTYPES

if TYPE_CHECKING:
    from glossary.model import CardId
    from glossary.quiz.bank import Bank
    from glossary.quiz.base import Question, Rng

    Maker = Callable[[Bank, str, Rng], Question | None]

# The terms with a computed question, and its maker: the one list of them.
COMPUTED: dict[str, Maker] = {
    "gradient-clipping": computed.computed_clipping,
    "bigram": computed.computed_bigram_count,
    "n-gram-language-model": computed.computed_next_word,  # a model predicts; an N-gram is words
    "vanishing-gradient-problem": computed.computed_spectral,
    "forget-gate": computed.computed_forget_gate,
    "long-short-term-memory": computed.computed_forget_gate,  # the gate an LSTM adds, worked out
    "softmax": computed_models.computed_temperature,
    "attention": computed_models.computed_attention,
    "beam-search": computed_models.computed_beam,
    "gated-recurrent-unit": computed_models.computed_update_gate,
    "learning-rate": computed_models.computed_divergence,
}
COMPUTED_SLUGS = frozenset(COMPUTED)


def make_computed(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Numbers from a live computation, fresh from the rng each time."""
    maker = COMPUTED.get(slug)
    return maker(bank, slug, rng) if maker else None


MAKERS: dict[str, Maker] = {
    "define": words.make_define,
    "meaning": words.make_meaning,
    "recall": words.make_recall,
    "relation": words.make_relation,
    "example": words.make_example,
    "abbreviation": words.make_abbreviation,
    "computed": make_computed,
}


def available(bank: Bank, slug: str) -> list[str]:
    """The question types that can be asked about ``slug`` with this content, in QTYPES order."""
    cached = bank.kinds.get(slug)
    if cached is not None:
        return cached
    term = bank.terms[slug]
    types = {"define", "meaning", "recall"}
    if words.relation_facts(bank, slug):
        types.add("relation")
    if words.example_facts(bank, slug):
        types.add("example")
    if term.abbreviation:
        types.add("abbreviation")
    if slug in COMPUTED_SLUGS:
        types.add("computed")
    bank.kinds[slug] = [t for t in QTYPES if t in types]
    return bank.kinds[slug]


def make_question(bank: Bank, card: CardId, rng: Rng) -> Question | None:
    """The question for a card, or None when the content no longer supports it."""
    if card.slug not in bank.terms or card.qtype not in MAKERS:
        return None
    question = MAKERS[card.qtype](bank, card.slug, rng)
    return None if question is None else replace(question, subject=bank.terms[card.slug].name)
