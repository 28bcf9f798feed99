"""The question types read off the words and links of the glossary.

    define        definition -> term, multiple choice
    meaning       term -> summary, multiple choice
    recall        type the term for its definition (any spelling; small typos accepted with a note)
    relation      "Which of these mitigates the exploding gradient problem?" (from the links)
    example       "“the bell tolls” is which kind of N-gram?" (from labelled examples)
    abbreviation  "What does LSTM stand for?"

Each maker is a pure function of (bank, slug, rng) and returns None when the content cannot
support the question (too few distinct wrong options in a tiny glossary).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from glossary.model import Term, lookup_key
from glossary.quiz.bank import Bank, spellings_of
from glossary.quiz.base import MASK, MULTIPLE_CHOICE, Option, Question, choice, fold_text, quoted, shuffled
from glossary.wording import active_clause, bare, noun_phrase, sentence

if TYPE_CHECKING:
    from glossary.quiz.base import Rng


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
    for part in sentences[1:]:
        if len(result) + 1 + len(part) > limit:
            break
        result += " " + part
    return result if len(result) <= limit + 80 else result[:limit].rsplit(" ", 1)[0] + " …"


# --------------------------------------------------------------------------- question makers


def _multiplechoice(
    bank: Bank,
    rng: Rng,
    answer_slug: str,
    show: Callable[[str], str],
    exclude: set[str] | None = None,
    preferred: Iterable[str] = (),
) -> tuple[Option, ...] | None:
    """Shuffled options: the answer plus graph-chosen wrong ones; None when no wrong one exists."""
    wrong: list[str] = []
    texts = {fold_text(show(answer_slug))}
    answer_keys = bank.keys_of(answer_slug)
    blocked = {answer_slug} | (exclude or set())
    for slug in shuffled(rng, sorted(set(preferred) - blocked)):
        text = fold_text(show(slug))
        room = len(wrong) < MULTIPLE_CHOICE - 1
        if room and text and text not in texts and lookup_key(show(slug)) not in answer_keys:
            wrong.append(slug)
            texts.add(text)
    if len(wrong) < MULTIPLE_CHOICE - 1:
        wrong += bank.distractors(
            answer_slug, rng, blocked | set(wrong), MULTIPLE_CHOICE - 1 - len(wrong), show
        )
        wrong = _unique_by_text(wrong, show, texts_taken={fold_text(show(answer_slug))})
    if not wrong:
        return None
    slugs = shuffled(rng, [answer_slug, *wrong])
    return tuple(Option(show(slug), slug) for slug in slugs)


def _unique_by_text(slugs: list[str], show: Callable[[str], str], texts_taken: set[str]) -> list[str]:
    result = []
    for slug in slugs:
        text = fold_text(show(slug))
        if text and text not in texts_taken:
            texts_taken.add(text)
            result.append(slug)
    return result


def _name(bank: Bank) -> Callable[[str], str]:
    return lambda slug: bank.terms[slug].name


def _summary(bank: Bank) -> Callable[[str], str]:
    return lambda slug: bank.terms[slug].summary


def make_define(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Definition -> term: the summary with the term's spellings hidden, pick the term."""
    term = bank.terms[slug]
    options = _multiplechoice(bank, rng, slug, _name(bank))
    if options is None:
        return None
    clue = mask(term.summary, term)
    return Question(
        slug,
        "define",
        f"Which term is this? {quoted(clue)}",
        term.name,
        slug,
        f"{term.name}: {term.summary}.",
        options,
    )


def make_meaning(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Term -> summary: pick the right one-line definition."""
    term = bank.terms[slug]
    options = _multiplechoice(bank, rng, slug, _summary(bank))
    if options is None:
        return None
    return Question(
        slug,
        "meaning",
        f"What is {quoted(term.name)}?",
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
        f"Type the term: {quoted(clue)}",
        term.name,
        slug,
        f"{term.name}{extra}: {term.summary}.",
        (),
        accepted,
    )


# Relation questions, by key as read from the subject; {s} is the subject's noun phrase ("an LSTM").
RELATION_WORDING: dict[str, str] = {
    "is-a": "What is {s} a kind of?",
    "has-kind": "Which of these is a kind of {s_bare}?",
    "part-of": "What is {s} part of?",
    "has-part": "Which of these is part of {s}?",
    "mitigates": "What does {s} mitigate?",
    "mitigated-by": "Which of these mitigates {s}?",
    "addresses": "Which problem does {s} address?",
    "addressed-by": "Which of these addresses {s}?",
    "used-in": "Where is {s} used?",
    "uses": "What does {s} use?",
    "compare": "Which term is {s} usually compared with?",
    "contrast": "Which term is {s} contrasted with?",
}


def relation_facts(bank: Bank, slug: str) -> list[tuple[str, str]]:
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
    facts = relation_facts(bank, slug)
    near_subject = set().union(*bank.graph_tiers(slug))
    # defining links first (kind, part, what it fixes), then compare/contrast, then "uses"
    ordered = sorted(shuffled(rng, facts), key=lambda fact: RELATION_PRIORITY.get(fact[0], 2))
    for key, answer in ordered:
        also_right = _closure(bank, slug, SAME_ANSWER_KEYS[key])  # all parts of LSTM are right
        also_right |= _arguably_right(bank, slug, key, answer)
        near = near_subject | set().union(*bank.graph_tiers(answer)[:3])
        options = _multiplechoice(
            bank,
            rng,
            answer,
            _name(bank),
            exclude=also_right | {slug},
            preferred=bank.same_role(key, near, besides=slug),  # terms in the answer's role
        )
        if options is None:
            continue
        subject = bank.terms[slug]
        prompt = RELATION_WORDING[key].format(s=noun_phrase(subject), s_bare=bare(subject))
        return Question(
            slug,
            "relation",
            prompt[:1].upper() + prompt[1:],
            bank.terms[answer].name,
            answer,
            sentence(active_clause(key, subject, bank.terms[answer])),
            options,
        )
    return None


def _label_key(label: str) -> str:
    return re.sub(r"\s+", "", label.casefold())


def example_facts(bank: Bank, slug: str) -> list[tuple[str, str, str]]:
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
    folded = fold_text(item)
    labels = [e.label for e in bank.terms[parent].examples if any(fold_text(i) == folded for i in e.items)]
    if len(labels) != 1:
        return False
    return not any(fold_text(s) in folded for s in spellings_of(bank.terms[kind]) if len(s) > 2)


def make_example(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Example -> kind: "“the bell tolls” is which kind of N-gram?"; the other kinds are the decoys."""
    facts = example_facts(bank, slug)
    if not facts:
        return None
    item, parent, kind = choice(rng, facts)
    siblings = bank.related(parent, "has-kind") - {kind}
    options = _multiplechoice(bank, rng, kind, _name(bank), exclude={parent}, preferred=siblings)
    if options is None:
        return None
    label = next(e.label for e in bank.terms[parent].examples if item in e.items)
    name, parent_name = bank.terms[kind].name, bank.terms[parent].name
    return Question(
        slug,
        "example",
        f"{quoted(item)} is which kind of {parent_name}?",
        name,
        kind,
        f"{quoted(item)} has {len(item.split())} words ({label}): a {name}.",
        options,
    )


def make_abbreviation(bank: Bank, slug: str, rng: Rng) -> Question | None:
    """Abbreviation -> full name; wrong names come from the graph like any other decoy."""
    term = bank.terms[slug]
    if not term.abbreviation:
        return None
    options = _multiplechoice(bank, rng, slug, _name(bank))
    if options is None:
        return None
    return Question(
        slug,
        "abbreviation",
        f"What does {quoted(term.abbreviation)} stand for?",
        term.name,
        slug,
        f"{term.abbreviation} is short for {term.name}.",
        options,
    )
