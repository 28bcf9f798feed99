"""English sentences about terms and their links: articles, agreement, either end of a relation.

The quiz's teaching feedback ("Gradient clipping mitigates the exploding gradient problem; an
LSTM addresses the vanishing gradient problem") and any view that words a link call this one
pure module, so every sentence about the graph is grammatical in the same way.

A term is written as a noun phrase with the article English gives it in a general statement:

- a countable thing takes "a"/"an" by sound, not spelling: "an LSTM", "an N-gram", "a unigram";
- a thing there is one of in its setting takes "the": "the vanishing gradient problem", "the
  forget gate", "the learning rate";
- a mass noun or a method takes none: "gradient clipping", "backpropagation", "attention".

The rules read the term's name; ``_OVERRIDES`` holds the few bundled terms English treats
otherwise ("an embedding" although it ends in -ing). A title-case name with an abbreviation is
written by its abbreviation ("an LSTM", not "a Long Short-Term Memory"). No I/O here.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from glossary.model import INVERSE_KEYS, RELATION_BY_KEY, Term

A, THE, NONE = "a", "the", ""

# How general statements name a term, where the rules below would get it wrong.
_OVERRIDES: dict[str, str] = {
    "embedding": A,  # an embedding: a countable vector, though it ends in -ing
    "sigmoid": THE,
    "tanh": THE,
    "softmax": THE,
    "start-of-sentence-token": THE,
    "end-of-sentence-token": THE,
}
_MASS_ENDINGS = ("ing", "tion", "sion", "ment", "descent", "backoff", "entropy", "perplexity", "search")
_COUNT_NOUNS = ("function", "embedding", "position", "station")
_PREPOSITIONS = ("of", "through", "in", "for", "with", "over", "to", "by", "on")
_DEFINITE_ENDINGS = ("problem", "assumption", "gate", "state", "radius", "norm", "rate")
_VOWEL_LETTERS = set("AEFHILMNORSX")  # letters whose names start with a vowel sound: "an F1", "an RNN"
_CONSONANT_SOUND = ("uni", "use", "usu", "one", "once", "eu", "ur")  # "a unigram", "a one-hot ..."
_VOWEL_SOUND = ("hour", "honest", "honour", "heir")


class Grammar(NamedTuple):
    """How sentences name a term: its words, its article and whether it is plural."""

    words: str
    article: str  # "a" (a/an chosen by sound), "the", or "" (mass noun, method, name)
    plural: bool = False


def grammar(term: Term, plural: bool = False) -> Grammar:
    """The noun phrase rules for ``term`` (``plural`` for a term named in the plural)."""
    return named(term.name, term.slug, term.abbreviation, plural)


def named(name: str, slug: str = "", abbreviation: str | None = None, plural: bool = False) -> Grammar:
    """The noun phrase rules for a term known only by its name (and slug): a linked term."""
    words = name
    if abbreviation and _title_case(name):
        words = abbreviation  # "an LSTM", not "a Long Short-Term Memory"
    if slug in _OVERRIDES:
        return Grammar(words, _OVERRIDES[slug], plural)
    head = head_noun(name)
    if head in _DEFINITE_ENDINGS:
        return Grammar(words, THE, plural)
    if head.endswith(_MASS_ENDINGS) and head not in _COUNT_NOUNS:
        return Grammar(words, NONE, plural)
    return Grammar(words, A, plural)


def head_noun(name: str) -> str:
    """The noun a name is about: the last word before a preposition ("bag" of "bag of words",
    "backpropagation" of "backpropagation through time"), else the last word, lower case."""
    words = name.casefold().split()
    for index, word in enumerate(words[1:], start=1):
        if word in _PREPOSITIONS:
            words = words[:index]
            break
    return re.split(r"-", words[-1])[-1] if words else ""


def _title_case(name: str) -> bool:
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    return len(words) > 1 and all(w[:1].isupper() for w in words)


def indefinite_article(words: str) -> str:
    """ "a" or "an" by the sound of the first word: "an LSTM", "an N-gram", "a unigram", "an hour"."""
    first = words.split()[0] if words.split() else ""
    head = re.split(r"[\-/]", first)[0]
    letters = re.sub(r"[^A-Za-z]", "", head)
    if letters and (letters.isupper() or len(letters) == 1):  # read letter by letter: "an RNN"
        return "an" if letters[0].upper() in _VOWEL_LETTERS else "a"
    lower = first.casefold()
    if lower.startswith(_VOWEL_SOUND):
        return "an"
    if lower.startswith(_CONSONANT_SOUND):
        return "a"
    return "an" if lower[:1] in tuple("aeiou") else "a"


def noun_phrase(term: Term | Grammar) -> str:
    """The term as the subject or object of a general statement: "an LSTM", "the forget gate"."""
    shape = term if isinstance(term, Grammar) else grammar(term)
    if shape.article == THE:
        return f"the {shape.words}"
    if shape.article == A and not shape.plural:
        return f"{indefinite_article(shape.words)} {shape.words}"
    return shape.words


def bare(term: Term | Grammar) -> str:
    """The term after "a kind of": no article ("a kind of N-gram", "a kind of smoothing")."""
    shape = term if isinstance(term, Grammar) else grammar(term)
    return shape.words


# A link read from its subject's end: (template, singular verb, plural verb). {s} the subject's
# noun phrase, {o} the other term's, {o_bare} the other's bare words, {its} its/their, {kind}
# "a kind" or "kinds" ("both are kinds of N-gram").
_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "is-a": ("{s} {v} {kind} of {o_bare}", "is", "are"),
    "has-kind": ("{s} {v} {o} as one of {its} kinds", "has", "have"),
    "part-of": ("{s} {v} part of {o}", "is", "are"),
    "has-part": ("{s} {v} {o} as one of {its} parts", "has", "have"),
    "mitigates": ("{s} {v} {o}", "mitigates", "mitigate"),
    "mitigated-by": ("{s} {v} mitigated by {o}", "is", "are"),
    "addresses": ("{s} {v} {o}", "addresses", "address"),
    "addressed-by": ("{s} {v} addressed by {o}", "is", "are"),
    "used-in": ("{s} {v} used in {o}", "is", "are"),
    "uses": ("{s} {v} {o}", "uses", "use"),
    "compare": ("{s} {v} often compared with {o}", "is", "are"),
    "contrast": ("{s} {v} contrasted with {o}", "is", "are"),
    "see-also": ("{s} {v} related to {o}", "is", "are"),
}
READABLE_KEYS: tuple[str, ...] = tuple(_TEMPLATES)


def link_clause(key: str, subject: Term | Grammar, other: Term | Grammar) -> str:
    """One link as a clause read from ``subject``'s end, ``key`` as written from that end.

    ``key`` is a canonical relation key or its inverse (``mitigated-by``), so a link reads from
    either term: "gradient clipping mitigates the exploding gradient problem" and "the exploding
    gradient problem is mitigated by gradient clipping". Lower case; see ``sentence``.
    """
    if key not in _TEMPLATES:
        raise KeyError(f"no wording for relation {key!r}")
    template, singular, plural = _TEMPLATES[key]
    shape = subject if isinstance(subject, Grammar) else grammar(subject)
    return template.format(
        s=noun_phrase(shape),
        v=plural if shape.plural else singular,
        o=noun_phrase(other),
        o_bare=bare(other),
        its="their" if shape.plural else "its",
        kind="kinds" if shape.plural else "a kind",
    )


def active_clause(key: str, subject: Term | Grammar, other: Term | Grammar) -> str:
    """The same link in its canonical direction, which reads actively: "gradient clipping
    mitigates the exploding gradient problem", not "... is mitigated by gradient clipping"."""
    if key in INVERSE_KEYS:
        return link_clause(INVERSE_KEYS[key].key, other, subject)
    return link_clause(key, subject, other)


def reverse_key(key: str) -> str:
    """The key that reads the same link from the other end (``mitigates`` <-> ``mitigated-by``)."""
    if key in RELATION_BY_KEY:
        return RELATION_BY_KEY[key].inverse_key
    if key in INVERSE_KEYS:
        return INVERSE_KEYS[key].key
    raise KeyError(key)


def definition_clause(term: Term) -> str:
    """What a term is, from its summary: "a bigram is an N-gram with N = 2: ...".

    Summaries are written as noun phrases or gerunds ("The multiplier that ...", "Capping the
    gradient's values ..."), so "<term> is <summary>" reads as a sentence.
    """
    summary = term.summary.strip().rstrip(".")
    first = summary.split(" ", 1)[0]
    if first[:1].isupper() and not _keeps_capital(first):
        summary = summary[:1].lower() + summary[1:]
    shape = grammar(term)
    return f"{noun_phrase(shape)} {'are' if shape.plural else 'is'} {summary}"


def _keeps_capital(word: str) -> bool:
    """Acronyms and names keep their capital mid-sentence ("BPTT", "N-gram", "Kneser-Ney")."""
    letters = re.sub(r"[^A-Za-z]", "", word)
    return any(c.isupper() for c in letters[1:]) or (len(word.split("-", 1)[0]) == 1 and "-" in word)


def sentence(*clauses: str) -> str:
    """Clauses joined by semicolons into one sentence: a capital first letter and a full stop."""
    text = "; ".join(c.strip().rstrip(".") for c in clauses if c.strip())
    if not text:
        return ""
    return text[:1].upper() + text[1:] + "."
