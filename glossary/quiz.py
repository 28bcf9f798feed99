"""Question generation and grading: pure functions of (terms, links, rng).

A question is plain data with a stable card identity ``"<slug>:<qtype>"``, so the scheduler can
remember how well the learner knows *that* fact about *that* term. Wrong options come from the
link graph first (contrast and compare partners, siblings under the same parent, neighbours), so a
mistake says something: picking "trigram" for "bigram" is a confusion worth logging, picking a
random word is not. Computed questions draw fresh numbers from the rng and compute the answer
with ``seqml`` (imported lazily, so quizzing on words never loads NumPy).

Question types (``QTYPES``):
    define        definition -> term, multiple choice
    meaning       term -> summary, multiple choice
    recall        type the term for its definition (any spelling; small typos accepted with a note)
    relation      "Which of these mitigates the exploding gradient problem?" (from the links)
    example       "“the bell tolls” is which kind of N-gram?" (from labelled examples)
    abbreviation  "What does LSTM stand for?"
    computed      numbers from a live demo: clip a gradient, count bigrams, pick the next word,
                  vanishing or exploding for a spectral radius, the forget gate for a bias

Grading maps to FSRS ratings: wrong (or right only after opening the card with ``?``) -> Again;
right but slow, or typed with a typo -> Hard; right -> Good; right and fast -> Easy. Answers read
from a pipe carry no meaningful time, so they are never rated Hard or Easy for speed.
"""

from __future__ import annotations

import heapq
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from glossary.model import RELATION_BY_KEY, Link, Term, lookup_key

if TYPE_CHECKING:
    import random

    import numpy as np

    Rng = random.Random | np.random.Generator

QTYPES: tuple[str, ...] = ("define", "meaning", "recall", "relation", "example", "abbreviation", "computed")
MULTIPLE_CHOICE = 4  # options shown, when the graph can supply enough distinct wrong ones
MAX_ANSWER_CHARS = 200  # longer input is refused with a hint, never graded
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
FAST_MS = {"recall": 6000}  # typed answers take longer than a key press
FAST_MS_DEFAULT = 3000
SLOW_MS = 25000
MASK = "___"
# Terms with a computed question; glossary.computed maps each to its maker (a test checks they agree).
COMPUTED_SLUGS = frozenset(
    {"gradient-clipping", "bigram", "n-gram", "vanishing-gradient-problem", "forget-gate"}
)


# --------------------------------------------------------------------------- data


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

    @property
    def card_id(self) -> str:
        """The stable identity the scheduler keys on."""
        return f"{self.slug}:{self.qtype}"

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

    kind: str  # answer | card | quit | invalid
    text: str = ""  # the answer as typed (for options: the option's text)
    index: int = -1  # chosen option, 0-based
    hint: str = ""


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


# --------------------------------------------------------------------------- the bank


def _choice(rng: Rng, items: Sequence):
    """One item, with either a stdlib Random or a NumPy Generator."""
    return items[_randrange(rng, len(items))]


def _randrange(rng: Rng, n: int) -> int:
    if hasattr(rng, "integers"):
        return int(rng.integers(n))
    return rng.randrange(n)


def _shuffled(rng: Rng, items: Iterable) -> list:
    """A shuffled copy (Fisher-Yates), identical for both rng kinds given the same draws."""
    result = list(items)
    for i in range(len(result) - 1, 0, -1):
        j = _randrange(rng, i + 1)
        result[i], result[j] = result[j], result[i]
    return result


@dataclass
class Bank:
    """Terms and links indexed for question making: neighbours, siblings, spellings, intro order."""

    terms: dict[str, Term]
    links: tuple[Link, ...]
    neighbours: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # slug -> key -> slugs
    spellings: dict[str, str] = field(default_factory=dict)  # folded spelling -> slug
    position: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, terms: Iterable[Term], links: Iterable[Link]) -> Bank:
        """Index once per session; every question after that is a few dictionary look-ups."""
        bank = cls({t.slug: t for t in terms}, tuple(links))
        bank.position = {slug: i for i, slug in enumerate(bank.terms)}
        for slug in bank.terms:
            bank.neighbours[slug] = {}
        for link in bank.links:
            if link.source not in bank.terms or link.target not in bank.terms:
                continue
            relation = RELATION_BY_KEY[link.relation]
            bank.neighbours[link.source].setdefault(relation.key, set()).add(link.target)
            bank.neighbours[link.target].setdefault(relation.inverse_key, set()).add(link.source)
        for term in bank.terms.values():
            for spelling in spellings_of(term):
                bank.spellings.setdefault(lookup_key(spelling), term.slug)
        return bank

    def related(self, slug: str, *keys: str) -> set[str]:
        """Terms linked to ``slug`` by any of the relation keys (written from ``slug``'s end)."""
        found: set[str] = set()
        for key in keys:
            found |= self.neighbours.get(slug, {}).get(key, set())
        return found

    def tiers(self, slug: str) -> list[set[str]]:
        """Candidate wrong answers for ``slug``, most instructive first."""
        rivals = self.related(slug, "contrast", "compare")
        parents = self.related(slug, "is-a", "part-of")
        siblings = set()
        for parent in parents:
            siblings |= self.related(parent, "has-kind", "has-part")
        family = siblings | parents | self.related(slug, "has-kind", "has-part")
        near = set().union(*self.neighbours.get(slug, {}).values()) if self.neighbours.get(slug) else set()
        far = set()
        for other in near:
            far |= set().union(*self.neighbours[other].values())
        topic = {s for s, t in self.terms.items() if t.topic == self.terms[slug].topic}
        rest = set(self.terms)
        return [rivals, family, near, far, topic, rest]

    def distractors(
        self, answer: str, rng: Rng, exclude: set[str], count: int, show: Callable[[str], str]
    ) -> list[str]:
        """Up to ``count`` wrong terms, graph first, whose shown text is unique among the options."""
        chosen: list[str] = []
        seen_text = {_fold_text(show(answer))}
        used = {answer} | exclude
        for tier in self.tiers(answer):
            for slug in _shuffled(rng, sorted(tier - used)):
                if len(chosen) == count:
                    return chosen
                text = _fold_text(show(slug))
                if not text or text in seen_text or lookup_key(show(slug)) in self._keys_of(answer):
                    continue
                seen_text.add(text)
                used.add(slug)
                chosen.append(slug)
            used |= tier
        return chosen

    def _keys_of(self, slug: str) -> set[str]:
        return {lookup_key(s) for s in spellings_of(self.terms[slug])}

    def introduction_order(self) -> list[str]:
        """Terms in an order that respects the links: N-gram before bigram, RNN before LSTM.

        A term waits for its prerequisites: the kind it is a kind of, the whole it is part of, the
        problem it addresses or mitigates, the thing it is used in. Among the terms ready, the most
        linked comes first (the hubs a learner needs most), then pack order, so the result is stable.
        """
        before: dict[str, set[str]] = {slug: set() for slug in self.terms}
        for link in self.links:
            known = link.source in before and link.target in before and link.source != link.target
            if known and link.relation in ("is-a", "part-of", "addresses", "mitigates", "used-in"):
                before[link.source].add(link.target)
        waiting = {slug: set(prereqs) for slug, prereqs in before.items()}
        dependants: dict[str, list[str]] = {slug: [] for slug in self.terms}
        for slug, prereqs in before.items():
            for prereq in prereqs:
                dependants[prereq].append(slug)
        degree = {slug: sum(len(v) for v in self.neighbours[slug].values()) for slug in self.terms}

        def rank(slug: str) -> tuple[int, int]:
            return (-degree[slug], self.position[slug])

        ready = [(rank(s), s) for s, w in waiting.items() if not w]
        heapq.heapify(ready)
        order: list[str] = []
        placed: set[str] = set()
        while len(order) < len(self.terms):
            if not ready:  # a cycle: release the earliest waiting term in pack order
                slug = min((s for s in self.terms if s not in placed), key=self.position.__getitem__)
                heapq.heappush(ready, (rank(slug), slug))
            _, slug = heapq.heappop(ready)
            if slug in placed:
                continue
            placed.add(slug)
            order.append(slug)
            for dependant in dependants[slug]:
                waiting[dependant].discard(slug)
                if not waiting[dependant] and dependant not in placed:
                    heapq.heappush(ready, (rank(dependant), dependant))
        return order

    def available(self, slug: str) -> list[str]:
        """The question types that can be asked about ``slug`` with this content."""
        term = self.terms[slug]
        types = ["define", "meaning", "recall"]
        if _relation_facts(self, slug):
            types.append("relation")
        if _example_facts(self, slug):
            types.append("example")
        if term.abbreviation:
            types.append("abbreviation")
        if slug in COMPUTED_SLUGS:
            types.append("computed")
        return [t for t in QTYPES if t in types]


def spellings_of(term: Term) -> list[str]:
    """Every way to write a term: name, abbreviation, aliases and the slug."""
    return [s for s in (term.name, term.abbreviation, *term.aliases, term.slug.replace("-", " ")) if s]


def _fold_text(text: str) -> str:
    """Compare shown texts as a reader would: case, spacing and punctuation ignored."""
    return re.sub(r"[\W_]+", "", text.casefold())


def mask(text: str, term: Term) -> str:
    """Hide every spelling of ``term`` in ``text`` so the clue does not give the answer away."""
    spellings = sorted({s for s in spellings_of(term) if len(s) > 1}, key=len, reverse=True)
    for spelling in spellings:
        words = [re.escape(w) for w in re.split(r"[\s\-]+", spelling) if w]
        pattern = r"(?<!\w)" + r"[\s\-]*".join(words) + r"(?:s|es)?(?!\w)"
        text = re.sub(pattern, MASK, text, flags=re.IGNORECASE)
    # "An ___" would tell a vowel from a consonant
    return re.sub(r"(?<!\w)([Aa])n? (?=" + re.escape(MASK) + ")", r"\1(n) ", text)


def first_sentences(text: str, limit: int = 260) -> str:
    """The opening of a definition, whole sentences up to ``limit`` characters."""
    flat = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“(])", flat)
    result = sentences[0]
    for sentence in sentences[1:]:
        if len(result) + 1 + len(sentence) > limit:
            break
        result += " " + sentence
    return result if len(result) <= limit + 80 else result[:limit].rsplit(" ", 1)[0] + " …"


# --------------------------------------------------------------------------- question makers


def _multiple_choice(
    bank: Bank,
    rng: Rng,
    answer_slug: str,
    show: Callable[[str], str],
    exclude: set[str] | None = None,
    preferred: Iterable[str] = (),
) -> tuple[Option, ...] | None:
    """Shuffled options: the answer plus graph-chosen wrong ones; None when no wrong one exists."""
    wrong: list[str] = []
    texts = {_fold_text(show(answer_slug))}
    answer_keys = bank._keys_of(answer_slug)
    blocked = {answer_slug} | (exclude or set())
    for slug in _shuffled(rng, sorted(set(preferred) - blocked)):
        text = _fold_text(show(slug))
        room = len(wrong) < MULTIPLE_CHOICE - 1
        if room and text and text not in texts and lookup_key(show(slug)) not in answer_keys:
            wrong.append(slug)
            texts.add(text)
    if len(wrong) < MULTIPLE_CHOICE - 1:
        wrong += bank.distractors(
            answer_slug, rng, blocked | set(wrong), MULTIPLE_CHOICE - 1 - len(wrong), show
        )
        wrong = _unique_by_text(wrong, show, texts_taken={_fold_text(show(answer_slug))})
    if not wrong:
        return None
    slugs = _shuffled(rng, [answer_slug, *wrong])
    return tuple(Option(show(slug), slug) for slug in slugs)


def _unique_by_text(slugs: list[str], show: Callable[[str], str], texts_taken: set[str]) -> list[str]:
    result = []
    for slug in slugs:
        text = _fold_text(show(slug))
        if text and text not in texts_taken:
            texts_taken.add(text)
            result.append(slug)
    return result


def _name(bank: Bank) -> Callable[[str], str]:
    return lambda slug: bank.terms[slug].name


def _summary(bank: Bank) -> Callable[[str], str]:
    return lambda slug: bank.terms[slug].summary


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def make_define(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Definition -> term: the summary with the term's spellings hidden, pick the term."""
    term = bank.terms[slug]
    options = _multiple_choice(bank, rng, slug, _name(bank))
    if options is None:
        return None
    clue = mask(term.summary, term)
    return Question(
        slug,
        "define",
        f"Which term is this? {_quoted(clue)}",
        term.name,
        slug,
        f"{term.name}: {term.summary}.",
        options,
    )


def make_meaning(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Term -> summary: pick the right one-line definition."""
    term = bank.terms[slug]
    options = _multiple_choice(bank, rng, slug, _summary(bank))
    if options is None:
        return None
    return Question(
        slug,
        "meaning",
        f"What is {_quoted(term.name)}?",
        term.summary,
        slug,
        f"{term.name}: {term.summary}.",
        options,
    )


def make_recall(bank: Bank, slug: str, rng: Rng) -> Question:
    """Typed recall: the definition with the term hidden; any spelling of the term counts."""
    term = bank.terms[slug]
    clue = mask(first_sentences(term.definition), term)
    if MASK not in clue and clue.count(" ") < 6:
        clue = mask(term.summary, term)
    accepted = tuple(dict.fromkeys(spellings_of(term)))
    extra = f" (or {term.abbreviation})" if term.abbreviation else ""
    return Question(
        slug,
        "recall",
        f"Type the term: {_quoted(clue)}",
        term.name,
        slug,
        f"{term.name}{extra}: {term.summary}.",
        (),
        accepted,
    )


# Relation questions: (key as read from the subject, question, reason). {s} subject, {a} answer.
RELATION_WORDING: dict[str, tuple[str, str]] = {
    "is-a": ("What is {s} a kind of?", "{s} is a kind of {a}."),
    "has-kind": ("Which of these is a kind of {s}?", "{a} is a kind of {s}."),
    "part-of": ("What is {s} part of?", "{s} is part of {a}."),
    "has-part": ("Which of these is part of {s}?", "{a} is part of {s}."),
    "mitigates": ("What does {s} mitigate?", "{s} mitigates {a}."),
    "mitigated-by": ("Which of these mitigates {s}?", "{a} mitigates {s}."),
    "addresses": ("Which problem does {s} address?", "{s} addresses {a}."),
    "addressed-by": ("Which of these addresses {s}?", "{a} addresses {s}."),
    "used-in": ("Where is {s} used?", "{s} is used in {a}."),
    "uses": ("What does {s} use?", "{a} is used in {s}."),
    "compare": ("Which term is {s} usually compared with?", "{s} is compared with {a}."),
    "contrast": ("Which term is {s} contrasted with?", "{s} is contrasted with {a}."),
}


def _relation_facts(bank: Bank, slug: str) -> list[tuple[str, str]]:
    """(key, other) pairs for every link of ``slug`` a question can be made of."""
    facts = []
    for key, others in sorted(bank.neighbours.get(slug, {}).items()):
        if key in RELATION_WORDING:
            facts.extend((key, other) for other in sorted(others))
    return facts


# Keys that answer the same question in other words: LSTM "addresses" the vanishing gradient
# problem, so it cannot be a wrong answer to "which of these mitigates it?".
SAME_ANSWER_KEYS: dict[str, tuple[str, ...]] = {
    "is-a": ("is-a", "part-of"),
    "part-of": ("is-a", "part-of"),
    "has-kind": ("has-kind", "has-part"),
    "has-part": ("has-kind", "has-part"),
    "mitigates": ("mitigates", "addresses"),
    "addresses": ("mitigates", "addresses"),
    "mitigated-by": ("mitigated-by", "addressed-by"),
    "addressed-by": ("mitigated-by", "addressed-by"),
    "used-in": ("used-in",),
    "uses": ("uses",),
    "compare": ("compare", "contrast"),
    "contrast": ("compare", "contrast"),
}


DEFINING_KEYS = ("is-a", "has-kind", "part-of", "has-part", "addresses", "addressed-by", "mitigates")
RELATION_PRIORITY = dict.fromkeys((*DEFINING_KEYS, "mitigated-by"), 0) | {"compare": 1, "contrast": 1}
UP_KEYS = ("is-a", "part-of")


def _closure(bank: Bank, slug: str, keys: tuple[str, ...], depth: int = 4) -> set[str]:
    """Terms reachable from ``slug`` along ``keys`` (kinds of kinds, parts of parts)."""
    found: set[str] = set()
    frontier = {slug}
    for _ in range(depth):
        frontier = {other for s in frontier for other in bank.related(s, *keys)} - found - {slug}
        found |= frontier
    return found


def _arguably_right(bank: Bank, slug: str, key: str, answer: str) -> set[str]:
    """Terms a careful reader could defend as right, kept out of the options.

    The forget gate is part of an LSTM, an LSTM is a recurrent cell, a cell is part of an RNN: so
    "RNN" is not a wrong answer to "what is the forget gate part of?". Likewise a hidden state is
    part of an RNN, which the LSTM is compared with, so it is no decoy for "part of the LSTM".
    """
    if key in UP_KEYS:
        return _closure(bank, answer, UP_KEYS)
    if key in ("has-kind", "has-part"):
        relatives = _closure(bank, slug, UP_KEYS) | bank.related(slug, "compare", "contrast")
        return {part for other in relatives for part in bank.related(other, "has-kind", "has-part")}
    return set()


def make_relation(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """A question read off one of the term's links; every term that also fits is kept out."""
    facts = _relation_facts(bank, slug)
    near_subject = set().union(*bank.tiers(slug)[:4])
    # defining links first (kind, part, what it fixes), then compare/contrast, then "uses"
    ordered = sorted(_shuffled(rng, facts), key=lambda fact: RELATION_PRIORITY.get(fact[0], 2))
    for key, answer in ordered:
        also_right = _closure(bank, slug, SAME_ANSWER_KEYS[key])  # all parts of LSTM are right
        also_right |= _arguably_right(bank, slug, key, answer)
        same_role = {other for s in bank.terms if s != slug for other in bank.related(s, key)}
        options = _multiple_choice(
            bank,
            rng,
            answer,
            _name(bank),
            exclude=also_right | {slug},
            preferred=same_role & (near_subject | set().union(*bank.tiers(answer)[:3])),
        )
        if options is None:
            continue
        subject, answer_name = bank.terms[slug].name, bank.terms[answer].name
        question, reason = RELATION_WORDING[key]
        return Question(
            slug,
            "relation",
            question.format(s=_quoted(subject), a=answer_name),
            answer_name,
            answer,
            _sentence(reason.format(s=subject, a=answer_name)),
            options,
        )
    return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label_key(label: str) -> str:
    return re.sub(r"\s+", "", label.casefold())


def _example_facts(bank: Bank, slug: str) -> list[tuple[str, str, str]]:
    """(item, parent, kind) for examples of a parent labelled with one of its kinds, e.g. N = 3 -> trigram.

    ``slug`` is the kind: "“the bell tolls” is which kind of N-gram?" is a card of trigram.
    Items that appear under two labels, or that spell out their term, are left out.
    """
    facts = []
    for parent in bank.related(slug, "is-a"):
        for example in bank.terms[parent].examples:
            if _kind_for_label(bank, parent, example.label) != slug:
                continue
            for item in example.items:
                if _unambiguous_example(bank, parent, item, slug):
                    facts.append((item, parent, slug))
    return facts


def _kind_for_label(bank: Bank, parent: str, label: str) -> str:
    """The kind of ``parent`` an example label names: "N = 3" names the kind whose text says N = 3."""
    key = _label_key(label)
    if not key:
        return ""
    exact = bank.spellings.get(lookup_key(label), "")
    if exact in bank.related(parent, "has-kind"):
        return exact
    pattern = re.compile(re.escape(key) + r"(?![\w.])")
    matches = [
        kind
        for kind in sorted(bank.related(parent, "has-kind"))
        if any(pattern.search(_label_key(text)) for text in (bank.terms[kind].summary, bank.terms[kind].name))
    ]
    return matches[0] if len(matches) == 1 else ""


def _unambiguous_example(bank: Bank, parent: str, item: str, kind: str) -> bool:
    folded = _fold_text(item)
    labels = [e.label for e in bank.terms[parent].examples if any(_fold_text(i) == folded for i in e.items)]
    if len(labels) != 1:
        return False
    return not any(_fold_text(s) in folded for s in spellings_of(bank.terms[kind]) if len(s) > 2)


def make_example(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Example -> kind: "“the bell tolls” is which kind of N-gram?"; the other kinds are the decoys."""
    facts = _example_facts(bank, slug)
    if not facts:
        return None
    item, parent, kind = _choice(rng, facts)
    siblings = bank.related(parent, "has-kind") - {kind}
    options = _multiple_choice(bank, rng, kind, _name(bank), exclude={parent}, preferred=siblings)
    if options is None:
        return None
    label = next(e.label for e in bank.terms[parent].examples if item in e.items)
    name, parent_name = bank.terms[kind].name, bank.terms[parent].name
    return Question(
        slug,
        "example",
        f"{_quoted(item)} is which kind of {parent_name}?",
        name,
        kind,
        f"{_quoted(item)} has {len(item.split())} words ({label}): a {name}.",
        options,
    )


def make_abbreviation(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Abbreviation -> full name; wrong names come from the graph like any other decoy."""
    term = bank.terms[slug]
    if not term.abbreviation:
        return None
    options = _multiple_choice(bank, rng, slug, _name(bank))
    if options is None:
        return None
    return Question(
        slug,
        "abbreviation",
        f"What does {_quoted(term.abbreviation)} stand for?",
        term.name,
        slug,
        f"{term.abbreviation} is short for {term.name}.",
        options,
    )


def make_computed(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Numbers from a live computation (``glossary.computed``), fresh from the rng each time."""
    from glossary.computed import COMPUTED

    maker = COMPUTED.get(slug)
    return maker(bank, slug, rng) if maker else None


MAKERS: dict[str, Callable[[Bank, str, Rng], Question | None]] = {
    "define": make_define,
    "meaning": make_meaning,
    "recall": make_recall,
    "relation": make_relation,
    "example": make_example,
    "abbreviation": make_abbreviation,
    "computed": make_computed,
}


def make_question(bank: Bank, card_id: str, rng: Rng) -> Question | None:
    """The question for a card, or None when the content no longer supports it."""
    slug, _, qtype = card_id.rpartition(":")
    if slug not in bank.terms or qtype not in MAKERS:
        return None
    return MAKERS[qtype](bank, slug, rng)


def card_id(slug: str, qtype: str) -> str:
    """``"<slug>:<qtype>"``, the identity of a card."""
    return f"{slug}:{qtype}"


def stable_int(text: str) -> int:
    """A stable integer for a card id (FSRS cards want an int id; crc32 is deterministic)."""
    return zlib.crc32(text.encode())


# --------------------------------------------------------------------------- answering


def read_reply(question: Question, line: str) -> Reply:
    """Interpret one line from the prompt; anything unusable becomes a hint, never an error."""
    text = line.strip()
    count = len(question.options)
    choices = f"a number from 1 to {count}" if count else "the term"
    usage = f"Type {choices}, ? to see the card, or q to quit."
    if len(text) > MAX_ANSWER_CHARS:
        return Reply("invalid", hint=f"That answer is {len(text)} characters long. {usage}")
    if not text:
        return Reply("invalid", hint=f"No answer given. {usage}")
    if text == "?":
        return Reply("card")
    if text.casefold() in ("q", "quit", ":q"):
        return Reply("quit")
    if question.typed:
        return Reply("answer", text=text)
    if re.fullmatch(r"[+-]?\d+", text):
        number = int(text)
        if 1 <= number <= count:
            return Reply("answer", text=question.options[number - 1].text, index=number - 1)
        return Reply("invalid", hint=f"There is no option {text}. {usage}")
    folded = _fold_text(text)
    for index, option in enumerate(question.options):
        if folded and folded == _fold_text(option.text):
            return Reply("answer", text=option.text, index=index)
    return Reply("invalid", hint=f"{_quoted(text[:40])} is not one of the options. {usage}")


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
    """Judge an answer and choose its FSRS rating (see the module docstring for the mapping)."""
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
    elif typo or (response_ms is not None and response_ms > SLOW_MS):
        rating = HARD
    elif response_ms is not None and response_ms < FAST_MS.get(question.qtype, FAST_MS_DEFAULT):
        rating = EASY
    else:
        rating = GOOD
    return Grade(correct, rating, reply.text, chosen_slug if chosen_slug != question.answer_slug else "",
                 note, typo, peeked)  # fmt: skip


def question_json(question: Question) -> dict:
    """A question as plain JSON data (options numbered from 1, as on screen)."""
    return {
        "card": question.card_id,
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


if __name__ == "__main__":
    import random as _random

    from glossary.model import Link as _Link

    demo_terms = [
        Term("n-gram", "N-gram", "N words in order", "An N-gram is N words in order.", "x", "lm"),
        Term("bigram", "bigram", "An N-gram with N = 2", "A bigram is two words.", "x", "lm"),
        Term("trigram", "trigram", "An N-gram with N = 3", "A trigram is three words.", "x", "lm"),
    ]
    demo_bank = Bank.build(
        demo_terms, [_Link("bigram", "is-a", "n-gram"), _Link("trigram", "is-a", "n-gram")]
    )
    print(make_question(demo_bank, "bigram:define", _random.Random(1)))
