from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from seqml import ngram
from seqml.decoding import (
    EOS,
    beam_search,
    exhaustive_search,
    greedy_beam_question,
    greedy_decode,
    language_model_scorer,
    table_scorer,
)

NURSERY = (Path(__file__).resolve().parent.parent / "data" / "corpora" / "nursery.txt").read_text("utf-8")
VOCABULARY = ("a", "b", "c", EOS)


def random_model(seed: int, vocabulary: tuple[str, ...] = VOCABULARY, zeros: bool = False):
    """A random next-token distribution for every context, fixed per context (a toy language model)."""
    cache: dict[tuple[str, ...], np.ndarray] = {}

    def next_log_probs(context: tuple[str, ...]) -> np.ndarray:
        if context not in cache:
            digest = sum((i + 1) * 7919 ** (k + 1) for k, i in enumerate(map(vocabulary.index, context)))
            g = np.random.default_rng([seed, digest % (2**32), len(context)])
            probabilities = g.dirichlet(np.full(len(vocabulary), 0.7))
            if zeros:
                probabilities[g.random(len(vocabulary)) < 0.3] = 0.0
                probabilities /= probabilities.sum() or 1.0
            with np.errstate(divide="ignore"):
                cache[context] = np.log2(probabilities)
        return cache[context]

    return next_log_probs


def brute_force(next_log_probs, vocabulary, max_length, banned=(), alpha=0.0):
    """Every token sequence up to max_length, scored independently of seqml.decoding's search."""
    results = []
    allowed = [t for t in vocabulary if t not in banned]
    for length in range(1, max_length + 1):
        for sequence in itertools.product(allowed, repeat=length):
            if EOS in sequence[:-1]:
                continue
            if sequence[-1] != EOS and length < max_length:
                continue
            total = 0.0
            for t, token in enumerate(sequence):
                total += float(next_log_probs(sequence[:t])[vocabulary.index(token)])
            if total > -math.inf:
                results.append((sequence, total))
    return results


# --------------------------------------------------------------------------- the oracles


@pytest.mark.parametrize("seed", range(8))
def test_exhaustive_search_finds_every_sequence_brute_force_scores(seed: int) -> None:
    model = random_model(seed)
    found = exhaustive_search(model, VOCABULARY, max_length=4)
    expected = dict(brute_force(model, VOCABULARY, 4))
    assert {h.tokens: h.log_probability for h in found} == pytest.approx(expected, rel=1e-12)
    assert found[0].log_probability == max(expected.values())


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_beam_as_wide_as_all_hypotheses_is_exhaustive_search(seed: int, alpha: float) -> None:
    model = random_model(seed, zeros=seed % 2 == 1)
    everything = exhaustive_search(model, VOCABULARY, max_length=4, length_alpha=alpha)
    wide = beam_search(model, VOCABULARY, width=len(everything), max_length=4, length_alpha=alpha)
    assert wide.hypotheses == everything
    wider = beam_search(model, VOCABULARY, width=10 * len(everything), max_length=4, length_alpha=alpha)
    assert wider.hypotheses == everything


@pytest.mark.parametrize("seed", range(12))
def test_greedy_is_beam_search_of_width_one(seed: int) -> None:
    model = random_model(seed, zeros=seed % 3 == 0)
    for length in (1, 3, 6):
        greedy = greedy_decode(model, VOCABULARY, max_length=length)
        beam = beam_search(model, VOCABULARY, width=1, max_length=length)
        assert beam.hypotheses == (greedy,)


def test_narrow_beam_can_miss_the_best_sentence_a_wider_one_finds() -> None:
    table = {
        (): {"a": 0.6, "b": 0.4},
        ("a",): {"a": 0.5, EOS: 0.5},
        ("a", "a"): {EOS: 1.0},
        ("b",): {EOS: 1.0},
    }
    scorer = table_scorer(table, ("a", "b", EOS))
    greedy = greedy_decode(scorer, ("a", "b", EOS), max_length=3)
    best = beam_search(scorer, ("a", "b", EOS), width=2, max_length=3).best
    assert greedy.tokens == ("a", "a", EOS)  # tie 0.5/0.5 after "a": the lower id wins
    assert greedy.log_probability == pytest.approx(math.log2(0.3))
    assert best.tokens == ("b", EOS)
    assert best.log_probability == pytest.approx(math.log2(0.4))


# --------------------------------------------------------------------------- on the n-gram model


@pytest.fixture(scope="module")
def nursery_model():
    return ngram.fit(ngram.tokenize(NURSERY), 3, model="kneser-ney")


def test_log_probabilities_are_sums_of_the_models_log2_scores(nursery_model) -> None:
    vocabulary, scorer = language_model_scorer(nursery_model)
    start = (ngram.BOS, ngram.BOS, "we")
    result = beam_search(scorer, vocabulary, start, width=4, max_length=8, banned=(ngram.BOS, ngram.UNK))
    for hypothesis in (*result.hypotheses, greedy_decode(scorer, vocabulary, start, 8)):
        history = list(start)
        expected = 0.0
        for token in hypothesis.tokens:
            expected += nursery_model.logscore(token, tuple(history))
            history.append(token)
        assert hypothesis.log_probability == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert hypothesis.log_probability == pytest.approx(sum(hypothesis.step_log_probs), rel=1e-12)


def test_on_the_nursery_corpus_the_beam_finds_three_blind_mice_greedy_misses(nursery_model) -> None:
    vocabulary, scorer = language_model_scorer(nursery_model)
    start, banned = (ngram.BOS, ngram.BOS), (ngram.BOS, ngram.UNK)
    greedy = greedy_decode(scorer, vocabulary, start, 12, banned=banned)
    best = beam_search(scorer, vocabulary, start, 3, 12, banned=banned).best
    assert greedy.tokens[0] == nursery_model.top_k(start, 1)[0][0] == "the"
    assert best.tokens == ("three", "blind", "mice", EOS)
    assert best.log_probability > greedy.log_probability


def test_banned_tokens_are_never_generated(nursery_model) -> None:
    vocabulary, scorer = language_model_scorer(nursery_model)
    banned = (ngram.BOS, ngram.UNK, "the", "a")
    result = beam_search(scorer, vocabulary, (ngram.BOS, ngram.BOS), 5, 6, banned=banned)
    assert all(not set(h.tokens) & set(banned) for step in result.steps for h in step)


# --------------------------------------------------------------------------- length handling


def test_decoding_stops_at_end_token_or_cuts_at_max_length() -> None:
    table = {(): {"a": 1.0}, ("a",): {"a": 1.0}, ("a", "a"): {"a": 1.0}}
    scorer = table_scorer(table, VOCABULARY)
    cut = greedy_decode(scorer, VOCABULARY, max_length=2)
    assert cut.tokens == ("a", "a") and not cut.finished
    done = greedy_decode(table_scorer({(): {EOS: 1.0}}, VOCABULARY), VOCABULARY, max_length=5)
    assert done.tokens == (EOS,) and done.finished and done.log_probability == 0.0


def test_a_context_with_no_allowed_continuation_ends_the_hypothesis_unfinished() -> None:
    scorer = table_scorer({(): {"a": 1.0}}, VOCABULARY)  # nothing after "a"
    greedy = greedy_decode(scorer, VOCABULARY, max_length=4)
    assert greedy.tokens == ("a",) and not greedy.finished
    assert beam_search(scorer, VOCABULARY, width=3, max_length=4).hypotheses == (greedy,)
    assert exhaustive_search(scorer, VOCABULARY, max_length=4) == (greedy,)


def test_length_normalisation_is_off_by_default_and_favours_longer_sentences_when_on() -> None:
    table = {
        (): {EOS: 0.4, "a": 0.6},
        ("a",): {"b": 1.0},
        ("a", "b"): {"c": 1.0},
        ("a", "b", "c"): {EOS: 0.6, "a": 0.4},  # "a b c a" is cut at 4 tokens: P 0.24
    }
    scorer = table_scorer(table, VOCABULARY)
    plain = beam_search(scorer, VOCABULARY, width=2, max_length=4).best
    assert plain.tokens == (EOS,) and plain.score == plain.log_probability
    normalised = beam_search(scorer, VOCABULARY, width=2, max_length=4, length_alpha=1.0).best
    assert normalised.tokens == ("a", "b", "c", EOS)
    assert normalised.score == pytest.approx(math.log2(0.6 * 0.6) / 4)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"width": 0}, "width"),
        ({"max_length": 0}, "max_length"),
        ({"end": "<end>"}, "end token"),
    ],
)
def test_bad_arguments_are_refused(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        beam_search(random_model(0), VOCABULARY, **options)


def test_a_model_returning_the_wrong_shape_or_nan_is_refused() -> None:
    with pytest.raises(ValueError, match="shape"):
        greedy_decode(lambda context: np.zeros(2), VOCABULARY)
    with pytest.raises(ValueError, match="NaN"):
        greedy_decode(lambda context: np.full(4, np.nan), VOCABULARY)


# --------------------------------------------------------------------------- quiz facts


@pytest.mark.parametrize("seed", range(20))
def test_greedy_beam_question_has_greedy_pick_the_likeliest_first_word_and_lose(seed: int) -> None:
    question = greedy_beam_question(np.random.default_rng(seed))
    first_line = question.lines[0].removeprefix("start: ").split(", ")
    first_words = {w: float(p) for w, p in (item.split(" ") for item in first_line)}
    assert question.greedy_first == max(first_words, key=first_words.get)
    # Recompute every two-word sentence's probability from the printed tree.
    rows = {
        line.split(":")[0].removeprefix("after "): dict(
            (w, float(p)) for w, p in (item.split(" ") for item in line.split(": ")[1].split(", "))
        )
        for line in question.lines[1:]
    }
    sentences = {(w, v): first_words[w] * p for w, row in rows.items() for v, p in row.items()}
    best = max(sentences, key=sentences.get)
    assert question.beam.tokens == (*best, EOS)
    assert question.beam_probability == pytest.approx(sentences[best], rel=1e-12)
    greedy_second = max(rows[question.greedy_first], key=rows[question.greedy_first].get)
    assert question.greedy.tokens == (question.greedy_first, greedy_second, EOS)
    assert question.greedy_probability < question.beam_probability
