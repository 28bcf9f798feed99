"""Sentences about terms: articles by sound and by kind of noun, agreement, every relation from
either end, every bundled term; and the teaching sentence after a wrong pick."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from glossary.model import RELATIONS, CardId, Term
from glossary.quiz import available, make_question
from glossary.quiz.bank import Bank
from glossary.quiz.base import Question
from glossary.quiz.teaching import explain_pick
from glossary.store import Store
from glossary.wording import (
    READABLE_KEYS,
    Grammar,
    active_clause,
    definition_clause,
    indefinite_article,
    link_clause,
    noun_phrase,
    reverse_key,
    sentence,
)


@pytest.fixture(scope="module")
def bank(built_db: Path) -> Bank:
    store = Store.open(built_db)
    try:
        return Bank.build(store.terms(), store.all_links())
    finally:
        store.close()


def term(name: str, slug: str = "", abbreviation: str = "") -> Term:
    return Term(slug or name.lower().replace(" ", "-"), name, "A thing", "", "", "t", abbreviation)


# The phrase English uses in a general statement, for every bundled term (written by hand).
EXPECTED = {
    "gradient-descent": "gradient descent", "stochastic-gradient-descent": "stochastic gradient descent",
    "backpropagation": "backpropagation", "learning-rate": "the learning rate",
    "hidden-layer": "a hidden layer", "deep-neural-network": "a deep neural network",
    "activation-function": "an activation function", "sigmoid": "the sigmoid", "tanh": "the tanh",
    "rectified-linear-unit": "a rectified linear unit", "softmax": "the softmax",
    "loss-function": "a loss function", "cross-entropy": "cross-entropy",
    "maximum-likelihood-estimation": "maximum likelihood estimation",
    "spectral-radius": "the spectral radius", "gradient-norm": "the gradient norm",
    "embedding": "an embedding", "one-hot-encoding": "one-hot encoding",
    "language-model": "a language model", "perplexity": "perplexity", "smoothing": "smoothing",
    "add-one-smoothing": "add-one smoothing", "add-k-smoothing": "add-k smoothing",
    "kneser-ney-smoothing": "Kneser-Ney smoothing", "backoff": "backoff",
    "linear-interpolation": "linear interpolation", "out-of-vocabulary-token": "an out-of-vocabulary token",
    "start-of-sentence-token": "the start-of-sentence token",
    "end-of-sentence-token": "the end-of-sentence token",
    "token": "a token", "tokenization": "tokenization", "vocabulary": "a vocabulary", "corpus": "a corpus",
    "unigram": "a unigram", "markov-assumption": "the Markov assumption",
    "greedy-decoding": "greedy decoding",
    "beam-search": "beam search", "bag-of-words": "a bag of words",
    "natural-language-understanding": "natural language understanding", "sequence-model": "a sequence model",
    "n-gram": "an N-gram", "bigram": "a bigram", "trigram": "a trigram",
    "n-gram-language-model": "an N-gram language model",
    "recurrent-neural-network": "a recurrent neural network", "long-short-term-memory": "an LSTM",
    "forget-gate": "the forget gate", "timestep": "a timestep",
    "exploding-gradient-problem": "the exploding gradient problem",
    "vanishing-gradient-problem": "the vanishing gradient problem", "gradient-clipping": "gradient clipping",
    "hidden-state": "the hidden state", "cell-state": "the cell state", "input-gate": "the input gate",
    "output-gate": "the output gate", "recurrent-cell": "a recurrent cell",
    "gated-recurrent-unit": "a gated recurrent unit",
    "backpropagation-through-time": "backpropagation through time",
    "truncated-backpropagation-through-time": "truncated backpropagation through time",
    "bidirectional-recurrent-neural-network": "a bidirectional recurrent neural network",
    "sequence-to-sequence": "a sequence-to-sequence model", "encoder-decoder": "an encoder-decoder",
    "attention": "attention", "transformer": "a Transformer", "teacher-forcing": "teacher forcing",
}  # fmt: skip


def test_every_bundled_term_gets_the_article_english_gives_it(bank: Bank) -> None:
    wrong = {slug: noun_phrase(t) for slug, t in bank.terms.items() if noun_phrase(t) != EXPECTED.get(slug)}
    assert not wrong


@pytest.mark.parametrize(
    ("words", "article"),
    [("LSTM", "an"), ("RNN", "an"), ("GRU", "a"), ("N-gram", "an"), ("unigram", "a"), ("hour", "an"),
     ("encoder-decoder", "an"), ("one-hot vector", "a"), ("HMM", "an"), ("token", "a"), ("use case", "a")],
)  # fmt: skip
def test_a_or_an_follows_the_sound_not_the_letter(words: str, article: str) -> None:
    assert indefinite_article(words) == article


def test_a_title_case_name_is_written_by_its_abbreviation() -> None:
    assert noun_phrase(term("Long Short-Term Memory", abbreviation="LSTM")) == "an LSTM"
    assert noun_phrase(term("gated recurrent unit", abbreviation="GRU")) == "a gated recurrent unit"


def test_a_plural_subject_takes_a_plural_verb_and_no_article() -> None:
    gates = Grammar("gates", "a", plural=True)
    assert link_clause("mitigates", gates, term("vanishing gradient problem")) == (
        "gates mitigate the vanishing gradient problem"
    )
    assert link_clause("has-part", gates, term("bias")) == "gates have a bias as one of their parts"


def test_every_relation_reads_from_both_ends_with_articles(bank: Bank) -> None:
    keys = {key for relation in RELATIONS for key in (relation.key, relation.inverse_key)}
    assert keys == set(READABLE_KEYS)
    for slug, links in bank.neighbours.items():
        for key, others in links.items():
            for other in others:
                clause = link_clause(key, bank.terms[slug], bank.terms[other])
                back = link_clause(reverse_key(key), bank.terms[other], bank.terms[slug])
                for text, first, second in ((clause, slug, other), (back, other, slug)):
                    assert text.startswith(noun_phrase(bank.terms[first])), text
                    assert noun_phrase(bank.terms[second]) in text or bank.terms[second].name in text
                    assert "  " not in text and not re.search(r"\b(a|an) (a|an|the)\b", text), text


def test_the_active_clause_reads_the_canonical_way() -> None:
    clipping, exploding = term("gradient clipping"), term("exploding gradient problem")
    assert active_clause("mitigated-by", exploding, clipping) == (
        "gradient clipping mitigates the exploding gradient problem"
    )
    assert sentence(active_clause("mitigates", clipping, exploding), "an LSTM addresses it") == (
        "Gradient clipping mitigates the exploding gradient problem; an LSTM addresses it."
    )


def test_a_definition_keeps_acronyms_and_names_capitalised() -> None:
    assert definition_clause(term("unigram")._replace(summary="An N-gram with N = 1")) == (
        "a unigram is an N-gram with N = 1"
    )
    assert definition_clause(
        term("truncated backpropagation")._replace(summary="BPTT that stops early.")
    ) == ("truncated backpropagation is BPTT that stops early")


def test_a_wrong_relation_pick_says_what_the_pick_does_and_what_the_answer_does(bank: Bank) -> None:
    question = Question("vanishing-gradient-problem", "relation", "Which of these addresses ...?",
                        "Long Short-Term Memory", "long-short-term-memory", "")  # fmt: skip
    assert explain_pick(bank, question, "gradient-clipping") == (
        "Gradient clipping mitigates the exploding gradient problem; "
        "an LSTM addresses the vanishing gradient problem."
    )


def test_every_wrong_pick_of_every_card_gets_one_grammatical_sentence(bank: Bank) -> None:
    rng = random.Random(3)
    count = 0
    for slug in bank.terms:
        for qtype in available(bank, slug):
            question = make_question(bank, CardId(slug, qtype), rng)
            for option in question.options if question else ():
                if not option.slug or option.slug == question.answer_slug:
                    continue
                lesson = explain_pick(bank, question, option.slug)
                if qtype == "computed":
                    assert lesson == ""
                    continue
                count += 1
                assert lesson[:1].isupper() and lesson.endswith(".") and lesson.count(". ") <= 2, lesson
                assert noun_phrase(bank.terms[option.slug]).casefold() in lesson.casefold(), lesson
    assert count > 300
