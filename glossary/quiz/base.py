"""What every question type shares: the records (Option, Question, Reply, Grade), the ratings
and the shuffling helpers that work the same with a stdlib ``Random`` or a NumPy ``Generator``.

A question is plain data with a stable card identity (``CardId``: slug and type), so the
scheduler can remember how well the learner knows *that* fact about *that* term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from glossary.model import CardId

if TYPE_CHECKING:
    import random

    import numpy as np

    Rng = random.Random | np.random.Generator

QTYPES: tuple[str, ...] = ("define", "meaning", "recall", "relation", "example", "abbreviation", "computed")
MULTIPLE_CHOICE = 4  # options shown, when the graph can supply enough distinct wrong ones
MAX_ANSWER_CHARS = 200  # longer input is refused with a hint, never graded
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4  # FSRS ratings; RATING_NAMES (glossary.model) names them
MASK = "___"
# Types whose options are terms the learner takes for the answer: a wrong pick there is a
# confusion of two terms. A wrong relation pick misplaces a link instead; a computed option
# that names a term (vanishing / exploding) is a wrong result, not a mix-up of words.
TERM_ANSWER_TYPES = ("define", "meaning", "recall", "example", "abbreviation")


@dataclass(frozen=True)
class Option:
    """One choice as shown, and the term it stands for ("" when it is not a term)."""

    text: str
    slug: str = ""


@dataclass(frozen=True)
class Question:
    """One question about one term: what to show, the right answer and why it is right."""

    slug: str  # the term this card belongs to
    qtype: str
    prompt: str
    answer: str  # the right option's text, or the canonical spelling for typed recall
    answer_slug: str  # the term the answer stands for ("" when it is a number or a word)
    reason: str  # one line, shown after the answer
    options: tuple[Option, ...] = ()  # empty for typed recall
    accepted: tuple[str, ...] = ()  # typed recall: every spelling that counts as right
    detail: tuple[str, ...] = ()  # extra lines under the prompt (count tables, vectors)
    subject: str = ""  # the term's name, for headers (set by ``make_question``)

    @property
    def card_id(self) -> CardId:
        """The stable identity the scheduler keys on."""
        return CardId(self.slug, self.qtype)

    @property
    def typed(self) -> bool:
        """Typed recall has no options: the learner writes the term."""
        return not self.options

    @property
    def answer_index(self) -> int:
        """0-based position of the right option (-1 for typed questions)."""
        for index, option in enumerate(self.options):
            if option.text == self.answer:
                return index
        return -1


@dataclass(frozen=True)
class Reply:
    """What a line typed at the prompt means: an answer, a request for the card, quit, or a hint."""

    kind: str  # answer | card | quit | undo | invalid
    text: str = ""  # the answer as typed (for options: the option's text)
    index: int = -1  # chosen option, 0-based
    hint: str = ""
    rating: int = 0  # a rating word after the answer ("3 good"); 0: the default applies


@dataclass(frozen=True)
class Grade:
    """The verdict on one answer and the FSRS rating it earns."""

    correct: bool
    rating: int
    chosen: str
    chosen_slug: str
    note: str = ""  # "accepted: LSTM (you typed LTSM)"
    typo: bool = False
    peeked: bool = False

    @property
    def recalled(self) -> bool:
        """Known without help: right and without opening the card (rated above Again).

        A peek is a miss everywhere the learner is scored (session score, summary, retention,
        stats, clearing a confusion), whatever was picked after it.
        """
        return self.rating > AGAIN


def choice(rng: Rng, items: Sequence):
    """One item, with either a stdlib Random or a NumPy Generator."""
    return items[randrange(rng, len(items))]


def randrange(rng: Rng, n: int) -> int:
    """A draw from ``range(n)`` with either kind of rng."""
    if hasattr(rng, "integers"):
        return int(rng.integers(n))
    return rng.randrange(n)


def shuffled(rng: Rng, items: Iterable) -> list:
    """A shuffled copy (Fisher-Yates), identical for both rng kinds given the same draws."""
    result = list(items)
    for i in range(len(result) - 1, 0, -1):
        j = randrange(rng, i + 1)
        result[i], result[j] = result[j], result[i]
    return result


def fold_text(text: str) -> str:
    """Compare shown texts as a reader would: case, spacing and punctuation ignored."""
    return re.sub(r"[\W_]+", "", text.casefold())


def quoted(text: str) -> str:
    """Text in curly quotes, as prompts and reasons quote terms and examples."""
    return f"\u201c{text}\u201d"
