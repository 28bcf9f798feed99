"""Modified Kneser-Ney against KenLM lmplz: the toy ARPA numbers, discounts, backoff queries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seqml import ngram
from seqml.ngram import fit, tokenize
from seqml.ngram.kenlm import (
    ModifiedKneserNeyModel,
    arpa_text,
    fit_modified_kneser_ney,
    kenlm_discounts,
    read_arpa,
)

# The corpora of KenLM's lm/common/test_data/generate.sh (lmplz --discount_fallback -o 3).
TOY0 = [["a", "a", "b", "a"], ["b", "a", "a", "b"]]
TOY1 = [["a", "a", "b", "b", "b", "b", "b", "b", "b"], ["c"]]

# log10 probability and log10 backoff of every n-gram in KenLM's toy0.arpa and toy1.arpa.
TOY0_ARPA = {
    ("<unk>",): (-0.90309, 0.0),
    ("<s>",): (0.0, -0.30103),
    ("a",): (-0.46943438, -0.30103),
    ("</s>",): (-0.5720968, 0.0),
    ("b",): (-0.5720968, -0.30103),
    ("<s>", "a"): (-0.37712017, -0.30103),
    ("a", "a"): (-0.37712017, -0.30103),
    ("b", "a"): (-0.2984526, -0.30103),
    ("a", "</s>"): (-0.58682007, 0.0),
    ("b", "</s>"): (-0.5220179, 0.0),
    ("<s>", "b"): (-0.41574955, -0.30103),
    ("a", "b"): (-0.58682007, -0.30103),
    ("<s>", "a", "a"): (-0.14885087, 0.0),
    ("b", "a", "a"): (-0.33741078, 0.0),
    ("<s>", "b", "a"): (-0.124077894, 0.0),
    ("a", "b", "a"): (-0.2997394, 0.0),
    ("b", "a", "</s>"): (-0.42082912, 0.0),
    ("a", "b", "</s>"): (-0.397617, 0.0),
    ("a", "a", "b"): (-0.20102891, 0.0),
}
TOY1_ARPA = {
    ("<unk>",): (-1.0, 0.0),
    ("<s>",): (0.0, -0.30103),
    ("a",): (-0.6146491, -0.30103),
    ("</s>",): (-0.6146491, 0.0),
    ("c",): (-0.7659168, -0.30103),
    ("b",): (-0.6146491, -0.30103),
    ("<s>", "a"): (-0.4301247, -0.30103),
    ("a", "a"): (-0.4301247, -0.30103),
    ("c", "</s>"): (-0.20660876, 0.0),
    ("b", "</s>"): (-0.5404639, 0.0),
    ("<s>", "c"): (-0.4740302, -0.30103),
    ("a", "b"): (-0.4301247, -0.30103),
    ("b", "b"): (-0.3422159, -0.47712123),
    ("<s>", "a", "a"): (-0.1638568, 0.0),
    ("<s>", "c", "</s>"): (-0.09113217, 0.0),
    ("b", "b", "</s>"): (-0.7462621, 0.0),
    ("a", "a", "b"): (-0.1638568, 0.0),
    ("a", "b", "b"): (-0.13823806, 0.0),
    ("b", "b", "b"): (-0.13375957, 0.0),
}
TOYS = [pytest.param(TOY0, TOY0_ARPA, id="toy0"), pytest.param(TOY1, TOY1_ARPA, id="toy1")]


@pytest.mark.parametrize(("corpus", "expected"), TOYS)
def test_arpa_matches_kenlm_lmplz_on_its_toy_corpora_to_1e_6(corpus, expected) -> None:
    model = fit_modified_kneser_ney(corpus, 3)
    ours = read_arpa(arpa_text(model))
    assert set(ours) == set(expected)
    for gram, (log10_probability, log10_backoff) in expected.items():
        assert ours[gram][0] == pytest.approx(log10_probability, abs=1e-6), gram
        assert ours[gram][1] == pytest.approx(log10_backoff, abs=1e-6), gram


@pytest.mark.parametrize(("corpus", "expected"), TOYS)
def test_arpa_header_counts_ngrams_per_order(corpus, expected) -> None:
    text = ngram.to_arpa(fit(corpus, 3, model="modified-kneser-ney"))
    for n in (1, 2, 3):
        assert f"ngram {n}={sum(len(g) == n for g in expected)}" in text
    assert text.startswith("\\data\\\n") and text.endswith("\\end\\\n")


def test_arpa_top_order_lines_have_no_backoff_column() -> None:
    text = arpa_text(fit_modified_kneser_ney(TOY0, 3))
    trigram_section = text.split("\\3-grams:\n")[1].split("\n\n")[0]
    assert all(line.count("\t") == 1 for line in trigram_section.splitlines())


@pytest.mark.parametrize(("corpus", "expected"), TOYS)
def test_queries_of_stored_ngrams_return_their_arpa_probability(corpus, expected) -> None:
    model = fit_modified_kneser_ney(corpus, 3)
    for gram, (log10_probability, _) in expected.items():
        if gram == ("<s>",):
            continue
        assert model.log10score(gram[-1], gram[:-1]) == pytest.approx(log10_probability, abs=1e-6)


def test_unseen_trigram_backs_off_through_the_context_backoff() -> None:
    model = fit_modified_kneser_ney(TOY1, 3)
    # "c b" is no bigram: p(b | a c) = b(a c)? no such context -> p(b | c) = b(c) p(b)
    expected = TOY1_ARPA[("c",)][1] + TOY1_ARPA[("b",)][0]
    assert model.log10score("b", ("a", "c")) == pytest.approx(expected, abs=1e-6)
    # "b b a" is unseen but "b b" is a context: b(b b) + b(b) + p(a)
    expected = TOY1_ARPA[("b", "b")][1] + TOY1_ARPA[("b",)][1] + TOY1_ARPA[("a",)][0]
    assert model.log10score("a", ("b", "b")) == pytest.approx(expected, abs=1e-6)


def test_unknown_word_gets_the_uniform_floor_times_the_backoffs() -> None:
    model = fit_modified_kneser_ney(TOY0, 3)
    # p(<unk>) = gamma() / |V| = 0.5 / 4 with |V| counting <unk> but not <s>
    assert model.log10score("zebra") == pytest.approx(math.log10(0.125), abs=1e-12)
    expected = TOY0_ARPA[("a", "b")][1] + TOY0_ARPA[("b",)][1] + math.log10(0.125)
    assert model.log10score("zebra", ("a", "b")) == pytest.approx(expected, abs=1e-6)
    assert model.score("zebra", ("a", "b")) == pytest.approx(10**expected)


def test_logscore_is_log2_of_score() -> None:
    model = fit_modified_kneser_ney(TOY0, 3)
    assert model.logscore("a", ("<s>", "a")) == pytest.approx(math.log2(model.score("a", ("<s>", "a"))))


@pytest.mark.parametrize("order", [2, 3, 4])
def test_probabilities_over_the_vocabulary_sum_to_one(order: int) -> None:
    corpus = tokenize("the cat sat on the mat\nthe dog sat on the log\na cat and a dog met")
    model = fit_modified_kneser_ney(corpus, order)
    start = model.vocabulary.index("<s>")
    for context in [(), ("the",), ("on", "the"), ("sat", "on", "the"), ("zebra", "cat"), ("<s>",)]:
        probabilities = np.delete(model.distribution(context), start)
        assert probabilities.sum() == pytest.approx(1.0, abs=1e-12)


def test_interpolated_probability_equals_the_backoff_query_for_unseen_words() -> None:
    corpus = tokenize("the cat sat on the mat\nthe dog sat on the log")
    model = fit_modified_kneser_ney(corpus, 3)
    # "on the cat" never occurs; the query must equal gamma(on the) * p(cat | the).
    stored = read_arpa(arpa_text(model))
    expected = stored[("on", "the")][1] + stored[("the", "cat")][0]
    assert model.log10score("cat", ("on", "the")) == pytest.approx(expected, abs=1e-7)


def test_adjusted_counts_are_left_extensions_except_at_sentence_start() -> None:
    model = fit_modified_kneser_ney(TOY0, 3)
    grams = read_arpa(arpa_text(model))
    counts = {}
    for n in (1, 2, 3):
        ngram_list = [g for g in grams if len(g) == n]
        index = {w: i for i, w in enumerate(model.vocabulary)}
        size = len(model.vocabulary)
        for gram in ngram_list:
            key = 0
            for word in gram:
                key = key * size + index[word]
            position = int(np.searchsorted(model.keys[n - 1], key))
            counts[gram] = int(model.adjusted_counts[n - 1][position])
    assert counts[("a",)] == 3  # <s> a, a a, b a
    assert counts[("b",)] == 2  # a b, <s> b
    assert counts[("<s>",)] == 0 and counts[("<unk>",)] == 0
    assert counts[("a", "a")] == 2  # <s> a a, b a a
    assert counts[("<s>", "a")] == 1  # raw count: sentence starts
    assert counts[("a", "a", "b")] == 2  # top order: raw count


def test_count_of_counts_and_fallback_discounts_on_toy0() -> None:
    model = fit_modified_kneser_ney(TOY0, 3)
    assert [s.count_of_counts for s in model.statistics] == [
        (0, 2, 1, 0),
        (5, 2, 0, 0),
        (6, 1, 0, 0),
    ]
    assert all(s.fell_back and s.discounts == (0.5, 1.0, 1.5) for s in model.statistics)


def test_discounts_follow_chen_and_goodman_when_count_of_counts_allow() -> None:
    t1, t2, t3, t4 = 100, 40, 20, 10
    discounts, fell_back = kenlm_discounts((t1, t2, t3, t4))
    y = t1 / (t1 + 2 * t2)
    assert not fell_back
    assert discounts[0] == pytest.approx(1 - 2 * y * t2 / t1, rel=1e-6)
    assert discounts[1] == pytest.approx(2 - 3 * y * t3 / t2, rel=1e-6)
    assert discounts[2] == pytest.approx(3 - 4 * y * t4 / t3, rel=1e-6)


def test_discounts_fall_back_when_a_discount_leaves_its_range() -> None:
    # Far more n-grams seen 3 times than twice makes D(2) = 2 - 3 Y t3 / t2 negative.
    assert kenlm_discounts((10, 1, 100, 1)) == ((0.5, 1.0, 1.5), True)
    assert kenlm_discounts((10, 1, 100, 1), fallback=(0.4, 0.8, 1.2)) == ((0.4, 0.8, 1.2), True)
    with pytest.raises(ValueError, match="out of range"):
        kenlm_discounts((10, 1, 100, 1), fallback=None)


def test_a_short_fallback_repeats_its_last_discount_like_lmplz() -> None:
    model = fit(TOY0, 3, model="modified-kneser-ney", discount_fallback=(0.7,))
    assert all(s.discounts == (0.7, 0.7, 0.7) for s in model.statistics)


def test_without_fallback_unusable_count_of_counts_raise_like_lmplz() -> None:
    with pytest.raises(ValueError, match="discount_fallback"):
        fit(TOY0, 3, model="modified-kneser-ney", discount_fallback=None)


def test_real_discounts_are_used_on_a_larger_corpus() -> None:
    words = np.array([f"w{i}" for i in range(2000)])
    zipf = 1.0 / np.arange(1, words.size + 1)
    rng = np.random.default_rng(3)
    corpus = [list(rng.choice(words, size=12, p=zipf / zipf.sum())) for _ in range(400)]
    model = fit_modified_kneser_ney(corpus, 3, discount_fallback=None)
    assert all(not s.fell_back for s in model.statistics)
    assert all(0 < d <= k for s in model.statistics for k, d in enumerate(s.discounts, 1))


def test_perplexity_is_finite_with_unknown_words() -> None:
    model = fit_modified_kneser_ney(TOY1, 3)
    value = model.perplexity([["a", "zebra", "c"]])
    assert math.isfinite(value) and value > 1


def test_perplexity_scores_each_word_and_the_sentence_end() -> None:
    model = fit_modified_kneser_ney(TOY0, 3)
    total = model.log10score("a", ("<s>",)) + model.log10score("b", ("<s>", "a"))
    total += model.log10score("</s>", ("a", "b"))
    assert model.perplexity([["a", "b"]]) == pytest.approx(10 ** (-total / 3))


def test_modified_kneser_ney_is_a_language_model_with_the_shared_api() -> None:
    model = fit(tokenize("three blind mice\nthree blind men"), 3, model="modified-kneser-ney")
    assert isinstance(model, ModifiedKneserNeyModel)
    assert model.top_k(("three", "blind"), 2)[0][0] in {"mice", "men"}
    assert model.generate(3, np.random.default_rng(0), ("three",))[0] == "blind"


@pytest.mark.parametrize(
    ("corpus", "order", "options", "message"),
    [
        (TOY0, 1, {}, "needs order >= 2"),
        (TOY0, 3, {"unk_cutoff": 2}, "unk_cutoff must be 1"),
        ([["a", "<unk>"]], 2, {}, "special word '<unk>'"),
        (TOY0, 3, {"discount_fallback": (1, 2, 3, 4)}, "one to three numbers"),
        (TOY0, 3, {"discount_fallback": "abc"}, "one to three numbers"),
        (TOY0, 3, {"discount_fallback": (1.5,)}, "D(1) = 1.5 is outside [0, 1]"),
    ],
)
def test_bad_input_raises_value_error(corpus, order, options, message) -> None:
    with pytest.raises(ValueError) as error:
        fit(corpus, order, model="modified-kneser-ney", **options)
    assert message in str(error.value)


def test_read_arpa_rejects_lines_outside_a_section() -> None:
    with pytest.raises(ValueError, match="line 1"):
        read_arpa("-0.5\ta\n")


def reference_arpa(sentences: list[list[str]], order: int) -> dict:
    """Modified Kneser-Ney spelled out with dicts of tuples, straight from the formulas."""
    full: dict[tuple, int] = {}
    starts: dict[tuple, int] = {}
    for sentence in sentences:
        padded = ["<s>", *sentence, "</s>"]
        for end in range(1, len(padded)):
            window = tuple(padded[max(0, end - order + 1) : end + 1])
            table = full if len(window) == order else starts
            table[window] = table.get(window, 0) + 1
    adjusted = {order: full}
    for n in range(order - 1, 0, -1):
        level: dict[tuple, int] = {}
        for gram in adjusted[n + 1]:
            level[gram[1:]] = level.get(gram[1:], 0) + 1
        level.update({g: c for g, c in starts.items() if len(g) == n})
        adjusted[n] = level
    adjusted[1].update({("<s>",): 0, ("<unk>",): 0})
    discounts = {}
    for n, level in adjusted.items():
        t = [sum(1 for c in level.values() if c == k) for k in range(5)]
        if min(t[1], t[2], t[3]) == 0:
            discounts[n] = (0.0, 0.5, 1.0, 1.5)
            continue
        y = t[1] / (t[1] + 2 * t[2])
        d = [0.0] + [k - (k + 1) * y * t[k + 1] / t[k] for k in (1, 2, 3)]
        good = all(0 <= d[k] <= k for k in (1, 2, 3))
        discounts[n] = tuple(d) if good else (0.0, 0.5, 1.0, 1.5)

    def discount(n: int, count: int) -> float:
        return discounts[n][min(count, 3)]

    gamma: dict[tuple, float] = {}
    denominator: dict[tuple, float] = {}
    for n, level in adjusted.items():
        for gram, count in level.items():
            context = gram[:-1]
            denominator[context] = denominator.get(context, 0) + count
            gamma[context] = gamma.get(context, 0) + (discount(n, count) if count else 0.0)
    vocabulary_size = len(adjusted[1]) - 1
    probability: dict[tuple, float] = {}
    for n in range(1, order + 1):
        for gram, count in adjusted[n].items():
            context = gram[:-1]
            lower = probability[gram[1:]] if n > 1 else 1 / vocabulary_size
            u = (count - discount(n, count)) / denominator[context]
            probability[gram] = u + gamma[context] / denominator[context] * lower
    probability[("<s>",)] = 1.0
    result = {}
    for n in range(1, order + 1):
        for gram in adjusted[n]:
            is_context = n < order and gram in denominator and gram[-1] not in ("</s>", "<unk>")
            backoff = math.log10(gamma[gram] / denominator[gram]) if is_context else 0.0
            result[gram] = (math.log10(probability[gram]), backoff)
    return result


@pytest.mark.parametrize(("seed", "order"), [(0, 2), (1, 3), (2, 3), (3, 4), (4, 5)])
def test_vectorised_model_equals_the_formulas_on_random_zipf_corpora(seed: int, order: int) -> None:
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(300)])
    zipf = 1.0 / np.arange(1, words.size + 1) ** 1.1
    corpus = [
        [str(w) for w in rng.choice(words, size=int(rng.integers(1, 15)), p=zipf / zipf.sum())]
        for _ in range(250)
    ]
    model = fit_modified_kneser_ney(corpus, order)
    assert any(not s.fell_back for s in model.statistics)  # real discounts get exercised
    ours = read_arpa(arpa_text(model))
    expected = reference_arpa(corpus, order)
    assert set(ours) == set(expected)
    for gram, (log10_probability, log10_backoff) in expected.items():
        assert ours[gram][0] == pytest.approx(log10_probability, abs=1e-6), gram
        assert ours[gram][1] == pytest.approx(log10_backoff, abs=1e-6), gram
