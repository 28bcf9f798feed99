"""N-gram counting and the NLTK-convention models, checked against nltk.lm golden values."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from seqml import ngram
from seqml.ngram import count_ngrams, fit, tokenize

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "ngram_nltk.json").read_text(encoding="utf-8"))
NURSERY = Path(__file__).resolve().parents[1] / "data" / "corpora" / "nursery.txt"
DOC_CORPUS = [["a", "b", "c"], ["a", "c", "d", "c", "e", "f"]]
SMOOTHED = ("lidstone", "laplace", "witten-bell", "kneser-ney", "modified-kneser-ney")


def number(value: float | str) -> float:
    """Fixture numbers: floats, or "inf" / "-inf" strings."""
    return float(value)


def model_for(case: dict, kind: str) -> ngram.LanguageModel:
    """Train our model exactly as the fixture script trained NLTK's."""
    options: dict[str, object] = {"unk_cutoff": case["unk_cutoff"]}
    if kind == "kneser-ney-0.75":
        kind, options["discount"] = "kneser-ney", 0.75
    if kind == "lidstone":
        options["gamma"] = 0.1
    return fit(case["sentences"], case["order"], model=kind, **options)


CASES = [
    pytest.param(case, kind, id=f"{case['name']}-{kind}")
    for case in FIXTURE["cases"]
    for kind in case["models"]
]


def assert_close(ours: float, theirs: float) -> None:
    """Equal to 1e-10, with infinities equal only to themselves."""
    if math.isinf(theirs):
        assert ours == theirs
    else:
        assert ours == pytest.approx(theirs, abs=1e-10, rel=1e-10)


# --------------------------------------------------------------------------- NLTK's documented example


def test_documented_nltk_example_values_are_reproduced() -> None:
    lm = fit(DOC_CORPUS, 2, model="mle")
    # The numbers printed in the nltk.lm module docstring.
    assert len(lm.vocabulary) == 9
    assert lm.counts.count(["a"]) == 2
    assert lm.counts.count(["a", "b"]) == 1
    assert lm.score("a") == pytest.approx(0.15384615384615385, abs=1e-15)
    assert lm.score("<UNK>") == lm.score("aliens")
    assert lm.score("b", ["a"]) == 0.5
    assert lm.logscore("a") == pytest.approx(-2.700439718141092, abs=1e-12)
    assert lm.ngram_perplexity([("a", "b"), ("c", "d")]) == pytest.approx(2.449489742783178)
    assert lm.entropy([("a", "b"), ("c", "d")]) == pytest.approx(1.292481250360578)


def test_documented_example_matches_the_generated_fixture() -> None:
    documented = FIXTURE["documented"]
    lm = fit(DOC_CORPUS, 2, model="mle")
    assert len(lm.vocabulary) == documented["vocabulary_size"]
    assert_close(lm.score("a"), documented["score_a"])
    assert_close(lm.logscore("a"), documented["logscore_a"])
    test = [tuple(g) for g in documented["test_ngrams"]]
    assert_close(lm.entropy(test), documented["entropy"])
    assert_close(lm.ngram_perplexity(test), documented["perplexity"])


# --------------------------------------------------------------------------- golden values per model


@pytest.mark.parametrize(("case", "kind"), CASES)
def test_vocabulary_matches_nltk(case: dict, kind: str) -> None:
    expected = case["models"][kind]
    lm = model_for(case, kind)
    assert len(lm.vocabulary) == expected["vocabulary_size"]
    assert sorted(lm.vocabulary) == expected["vocabulary"]


@pytest.mark.parametrize(("case", "kind"), CASES)
def test_scores_and_logscores_match_nltk_to_1e_10(case: dict, kind: str) -> None:
    lm = model_for(case, kind)
    queries = case["models"][kind]["queries"]
    assert queries
    for context, word, score, logscore in queries:
        assert_close(lm.score(word, tuple(context)), number(score))
        assert_close(lm.logscore(word, tuple(context)), number(logscore))


@pytest.mark.parametrize(("case", "kind"), CASES)
def test_score_many_gives_the_same_numbers_as_score(case: dict, kind: str) -> None:
    lm = model_for(case, kind)
    queries = case["models"][kind]["queries"]
    by_length: dict[int, list] = {}
    for context, word, score, _ in queries:
        by_length.setdefault(len(context), []).append(((*context, word), number(score)))
    for items in by_length.values():
        scores = lm.score_many([gram for gram, _ in items])
        for ours, (_, theirs) in zip(scores, items, strict=True):
            assert_close(float(ours), theirs)


@pytest.mark.parametrize(("case", "kind"), CASES)
def test_full_distributions_match_nltk(case: dict, kind: str) -> None:
    lm = model_for(case, kind)
    expected = case["models"][kind]
    for row in expected["distributions"]:
        ours = lm.distribution(tuple(row["context"]))
        by_word = dict(zip(lm.vocabulary, ours.tolist(), strict=True))
        theirs = row["probabilities"]
        assert [by_word[w] for w in expected["vocabulary"]] == pytest.approx(theirs, abs=1e-10)


@pytest.mark.parametrize(("case", "kind"), CASES)
def test_perplexities_match_nltk(case: dict, kind: str) -> None:
    lm = model_for(case, kind)
    expected = case["models"][kind]
    for entry in expected["perplexities"]:
        assert_close(lm.perplexity([entry["sentence"]]), number(entry["perplexity"]))
    tests = [entry["sentence"] for entry in expected["perplexities"]]
    assert_close(lm.perplexity(tests), number(expected["corpus_perplexity"]))


# --------------------------------------------------------------------------- probability mass


@pytest.mark.parametrize("kind", SMOOTHED)
@pytest.mark.parametrize("order", [2, 3])
def test_smoothed_distributions_sum_to_one_after_word_contexts(kind: str, order: int) -> None:
    lm = fit(tokenize(NURSERY.read_text(encoding="utf-8")), order, model=kind)
    contexts = [("three", "blind"), ("the", "bell"), ("blind", "three"), ("zebra", "the")]
    for context in contexts:
        probabilities = lm.distribution(context[-(order - 1) :])
        if kind == "modified-kneser-ney":
            probabilities = np.delete(probabilities, lm.vocabulary.index("<s>"))
        assert probabilities.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(probabilities >= 0)


def test_mle_distribution_sums_to_one_after_a_seen_context() -> None:
    lm = fit(DOC_CORPUS, 2, model="mle")
    assert lm.distribution(("c",)).sum() == pytest.approx(1.0)
    assert lm.distribution(("f",)).sum() == pytest.approx(1.0)  # f is always followed by </s>


def test_mle_gives_zero_mass_to_an_unseen_context() -> None:
    lm = fit(DOC_CORPUS, 2, model="mle")
    assert lm.distribution(("aliens",)).sum() == 0.0


# --------------------------------------------------------------------------- perplexity edge cases


def test_mle_perplexity_is_an_explicit_infinity_for_unknown_words() -> None:
    lm = fit(DOC_CORPUS, 2, model="mle")
    with np.errstate(all="raise"):
        assert lm.perplexity([["a", "aliens"]]) == math.inf


def test_mle_perplexity_is_infinite_for_an_unseen_bigram_of_known_words() -> None:
    lm = fit(DOC_CORPUS, 2, model="mle")
    assert lm.perplexity([["b", "a"]]) == math.inf
    assert math.isfinite(lm.perplexity([["a", "b", "c"]]))


@pytest.mark.parametrize("kind", ["lidstone", "laplace", "modified-kneser-ney"])
def test_smoothed_perplexity_is_finite_with_unknown_words_and_unseen_contexts(kind: str) -> None:
    lm = fit(DOC_CORPUS, 3, model=kind)
    value = lm.perplexity([["f", "aliens", "b", "a"]])
    assert math.isfinite(value) and value > 1


@pytest.mark.parametrize("kind", ["witten-bell", "kneser-ney"])
def test_interpolated_perplexity_is_finite_for_unseen_contexts_of_known_words(kind: str) -> None:
    lm = fit(DOC_CORPUS, 3, model=kind)
    value = lm.perplexity([["f", "b", "a", "e"]])
    assert math.isfinite(value) and value > 1


@pytest.mark.parametrize("kind", ["witten-bell", "kneser-ney"])
def test_nltk_convention_gives_unknown_words_zero_and_infinite_perplexity(kind: str) -> None:
    lm = fit(DOC_CORPUS, 2, model=kind)
    assert lm.score("aliens", ("a",)) == 0.0
    assert lm.perplexity([["a", "aliens"]]) == math.inf


def test_unk_cutoff_gives_unknown_words_mass_under_kneser_ney() -> None:
    corpus = tokenize(NURSERY.read_text(encoding="utf-8"))
    lm = fit(corpus, 2, model="kneser-ney", unk_cutoff=2)
    assert lm.score("zebra", ("the",)) > 0
    assert math.isfinite(lm.perplexity([["the", "zebra", "ate", "lentils"]]))


def test_nltk_kneser_ney_gives_start_symbol_zero_mass_in_a_bigram_model() -> None:
    lm = fit(DOC_CORPUS, 2, model="kneser-ney")
    assert lm.score("<s>") == 0.0


@pytest.mark.parametrize(
    ("kind", "order", "expected"),
    [  # nltk 3.10.4, score("<s>") on the DOC_CORPUS: the start symbol is a counted word
        ("witten-bell", 2, 0.15384615384615385),
        ("witten-bell", 3, 0.23529411764705882),
        ("kneser-ney", 3, 0.08333333333333333),
    ],
)
def test_the_start_symbol_has_mass_under_witten_bell_and_trigram_kneser_ney_as_in_nltk(
    kind: str, order: int, expected: float
) -> None:
    assert fit(DOC_CORPUS, order, model=kind).score("<s>") == pytest.approx(expected, abs=1e-12)


def test_each_model_spells_the_unknown_word_as_its_library_does() -> None:
    for kind in ("mle", "lidstone", "laplace", "witten-bell", "kneser-ney"):
        lm = fit(DOC_CORPUS, 2, model=kind)
        assert lm.unk == "<UNK>" and lm.vocabulary[lm.lookup(["aliens"])[0]] == "<UNK>"
    kenlm = fit(DOC_CORPUS, 2, model="modified-kneser-ney")
    assert kenlm.unk == "<unk>" and kenlm.vocabulary[kenlm.lookup(["aliens"])[0]] == "<unk>"
    assert "<unk>" in ngram.to_arpa(kenlm) and "<UNK>" not in ngram.to_arpa(kenlm)


# --------------------------------------------------------------------------- counting


def test_count_ngrams_pads_like_nltk_and_counts_every_order() -> None:
    counts = count_ngrams(DOC_CORPUS, 3)
    assert counts.count(["<s>"]) == 4  # two sentences, two <s> each
    assert counts.count(["<s>", "<s>", "a"]) == 2
    assert counts.count(["c", "</s>", "</s>"]) == 1
    assert counts.count(["c"]) == 3
    assert counts.count(["zzz"]) == 0
    assert sum(c for _, c in counts.ngrams(1)) == 3 + 6 + 8


def test_count_ngrams_stores_sorted_integer_keys() -> None:
    counts = count_ngrams(DOC_CORPUS, 3)
    for keys, values in zip(counts.keys, counts.counts, strict=True):
        assert keys.dtype == np.int64 and values.dtype == np.int64
        assert np.all(np.diff(keys) > 0)
        assert np.all(values > 0)


def test_count_ngrams_maps_rare_words_to_unk_with_a_cutoff() -> None:
    counts = count_ngrams(DOC_CORPUS, 2, unk_cutoff=2)
    assert set(counts.vocabulary) == {"<s>", "</s>", "<UNK>", "a", "c"}
    assert counts.count(["<UNK>"]) == 4  # b, d, e, f
    assert counts.count(["c", "<UNK>"]) == 2  # c d, c e


def test_count_ngrams_lists_ngrams_with_their_words() -> None:
    counts = count_ngrams([["x", "y"]], 2)
    assert counts.ngrams(2) == [(("<s>", "x"), 1), (("x", "y"), 1), (("y", "</s>"), 1)]


# --------------------------------------------------------------------------- tokenize


def test_tokenize_lowercases_and_splits_sentences_at_lines_and_full_stops() -> None:
    text = "Three blind mice. See how they run!\nThe farmer's wife;\n\n  cut off their tails"
    assert tokenize(text) == [
        ["three", "blind", "mice"],
        ["see", "how", "they", "run"],
        ["the", "farmer's", "wife"],
        ["cut", "off", "their", "tails"],
    ]


def test_tokenize_drops_punctuation_and_empty_lines() -> None:
    assert tokenize("...\n\n,,,") == []
    assert tokenize("Hello, world -- again") == [["hello", "world", "again"]]


def test_fit_accepts_raw_text() -> None:
    assert fit("a b c\na c d", 2, model="mle").score("b", ("a",)) == 0.5


# --------------------------------------------------------------------------- ranking and generation


@pytest.mark.parametrize("kind", ngram.MODELS)
def test_three_blind_predicts_mice_on_the_default_corpus(kind: str) -> None:
    lm = fit(tokenize(NURSERY.read_text(encoding="utf-8")), 3, model=kind)
    best = lm.top_k(("three", "blind"), 3)
    assert best[0][0] == "mice"
    assert best[0][1] > best[1][1] > 0 or kind == "mle"
    assert all(word != "<s>" for word, _ in best)


def test_top_k_is_sorted_and_breaks_ties_by_word() -> None:
    lm = fit(DOC_CORPUS, 2, model="laplace")
    ranked = lm.top_k(("c",), 9)
    probabilities = [p for _, p in ranked]
    assert probabilities == sorted(probabilities, reverse=True)
    tied = [w for w, p in ranked if p == probabilities[-1]]
    assert tied == sorted(tied)
    assert len(ranked) == 8  # every word but <s>


def test_generate_is_reproducible_with_the_same_seed() -> None:
    lm = fit(tokenize(NURSERY.read_text(encoding="utf-8")), 3, model="kneser-ney")
    first = lm.generate(12, np.random.default_rng(7), ("three",))
    second = lm.generate(12, np.random.default_rng(7), ("three",))
    assert first == second
    assert 0 < len(first) <= 12
    assert not {"<s>", "<UNK>", "</s>"} & set(first)


def test_mle_generation_only_follows_seen_continuations() -> None:
    lm = fit(DOC_CORPUS, 2, model="mle")
    rng = np.random.default_rng(0)
    for _ in range(20):
        words = lm.generate(5, rng, ("a",))
        sequence = ["a", *words]
        for previous, word in itertools.pairwise(sequence):
            assert lm.score(word, (previous,)) > 0


def test_mle_generation_backs_off_from_an_unseen_context() -> None:
    lm = fit(DOC_CORPUS, 2, model="mle")
    words = lm.generate(3, np.random.default_rng(1), ("aliens",))
    assert words and set(words) <= set(lm.vocabulary)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("sentences", "order", "options", "message"),
    [
        (DOC_CORPUS, 0, {}, "order must be >= 1"),
        (DOC_CORPUS, 2.5, {}, "order must be an integer"),
        ([], 2, {}, "the corpus has no words"),
        ([[], []], 1, {}, "the corpus has no words"),
        (DOC_CORPUS, 2, {"model": "neural"}, "unknown model 'neural'"),
        (DOC_CORPUS, 2, {"model": "mle", "gamma": 2}, "takes no option 'gamma'"),
        (DOC_CORPUS, 2, {"model": "lidstone", "gamma": 0}, "gamma must be a finite number > 0"),
        (DOC_CORPUS, 2, {"model": "kneser-ney", "discount": 1.5}, "discount must be between"),
        (DOC_CORPUS, 1, {"model": "kneser-ney"}, "kneser-ney needs order >= 2"),
        (DOC_CORPUS, 2, {"model": "mle", "unk_cutoff": 0}, "unk_cutoff must be >= 1"),
        (["a b c"], 2, {}, "sentences must be lists of tokens"),
    ],
)
def test_bad_input_raises_one_clear_value_error(
    sentences: list, order: object, options: dict, message: str
) -> None:
    with pytest.raises(ValueError) as error:
        fit(sentences, order, **options)  # type: ignore[arg-type]
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_score_many_rejects_mixed_lengths_and_out_of_range_ids() -> None:
    lm = fit(DOC_CORPUS, 2, model="laplace")
    with pytest.raises(ValueError, match="same length"):
        lm.score_many([("a", "b"), ("b",)])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        lm.score_many(np.array([[0, 99]]))


def test_score_many_accepts_id_arrays() -> None:
    lm = fit(DOC_CORPUS, 2, model="witten-bell")
    rows = np.array([lm.lookup(["a", "b"]), lm.lookup(["c", "d"])])
    assert lm.score_many(rows).tolist() == [lm.score("b", ("a",)), lm.score("d", ("c",))]


def test_long_contexts_are_cut_to_the_last_n_minus_1_words() -> None:
    lm = fit(DOC_CORPUS, 2, model="kneser-ney")
    assert lm.score("d", ("x", "y", "c")) == lm.score("d", ("c",))


def test_to_arpa_refuses_models_without_backoff_form() -> None:
    with pytest.raises(ValueError, match="modified-kneser-ney"):
        ngram.to_arpa(fit(DOC_CORPUS, 2, model="laplace"))


def brute_force_counts(sentences: list[list[str]], order: int, unk_cutoff: int) -> dict:
    """NLTK's counting spelled out with tuples: the oracle for the vectorised counter."""
    pad = order - 1
    padded = [["<s>"] * pad + s + ["</s>"] * pad for s in sentences]
    frequency: dict[str, int] = {}
    for sentence in padded:
        for word in sentence:
            frequency[word] = frequency.get(word, 0) + 1
    known = {w for w, c in frequency.items() if c >= unk_cutoff}
    counts: dict[tuple[str, ...], int] = {}
    for sentence in padded:
        mapped = [w if w in known else "<UNK>" for w in sentence]
        for n in range(1, order + 1):
            for start in range(len(mapped) - n + 1):
                gram = tuple(mapped[start : start + n])
                counts[gram] = counts.get(gram, 0) + 1
    return counts


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_counts_equal_brute_force_counts_on_random_corpora(seed: int) -> None:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(int(rng.integers(2, 12)))]
    sentences = [[str(w) for w in rng.choice(words, size=int(rng.integers(0, 9)))] for _ in range(20)]
    sentences.append(list(words[:2]) * 3)
    order = int(rng.integers(1, 5))
    cutoff = int(rng.integers(1, 4))
    counts = count_ngrams(sentences, order, unk_cutoff=cutoff)
    ours = {gram: c for n in range(1, order + 1) for gram, c in counts.ngrams(n)}
    assert ours == brute_force_counts(sentences, order, cutoff)


@pytest.mark.parametrize("kind", ["mle"])
def test_a_vocabulary_too_large_for_64_bit_keys_raises_value_error(kind: str) -> None:
    words = [f"w{i}" for i in range(3000)]
    sentences = [words[i : i + 10] for i in range(0, 3000, 10)]
    with pytest.raises(ValueError, match="too large for order 6"):
        fit(sentences, 6, model=kind)


def test_modified_kneser_ney_fits_past_64_bit_keys_through_the_streamed_estimator() -> None:
    words = [f"w{i}" for i in range(3000)]
    sentences = [words[i : i + 10] for i in range(0, 3000, 10)]
    model = fit(sentences, 6, model="modified-kneser-ney")
    assert model.log10score("w5", ("w0", "w1", "w2", "w3", "w4")) > -0.5  # seen once, in this context


def _seqml_imports(path: Path) -> set[str]:
    """Every seqml module a source file imports, at the top or inside a function."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("seqml"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("seqml"))
    return found


def test_ngram_modules_import_only_the_layers_below_them() -> None:
    package = Path(ngram.__file__).parent
    assert _seqml_imports(package / "base.py") == set()
    assert _seqml_imports(package / "counted.py") == {"seqml.ngram.base"}
    assert _seqml_imports(package / "kenlm.py") == {"seqml.ngram.base"}


def test_every_public_ngram_name_is_reachable_from_the_package() -> None:
    from seqml.ngram import base, counted, kenlm

    for module in (base, counted, kenlm):
        public = set(module.__all__) - {"COUNTED_MODELS", "fit_counted"}
        assert public <= set(dir(ngram)), module.__name__


@pytest.mark.parametrize("kind", ["mle", "witten-bell"])
def test_unigram_perplexity_is_finite_for_known_words_as_in_nltk(kind: str) -> None:
    # At N = 1 training adds no </s> (NLTK pads N-1 = 0), so scoring one would always give 0.
    lm = fit(DOC_CORPUS, 1, model=kind)
    assert lm.perplexity([["a", "b", "c"]]) == pytest.approx(4.95289087334194, abs=1e-10)  # nltk 3.10.4
    assert lm.evaluation_ngrams([["a", "b", "c"]]).shape == (3, 1)


SHORT = [["a", "b"], ["b", "a"]]


@pytest.mark.parametrize("kind", ngram.MODELS)
def test_a_corpus_of_sentences_shorter_than_n_trains_on_its_padding(kind: str) -> None:
    lm = fit(SHORT, 3, model=kind)
    for context in [("a", "b"), ("b", "a"), ("a",)]:
        probabilities = lm.distribution(context)
        if kind == "modified-kneser-ney":  # p(<s>) = 1 by ARPA convention, never predicted
            probabilities = np.delete(probabilities, lm.vocabulary.index("<s>"))
        assert probabilities.sum() == pytest.approx(1.0, abs=1e-12), context
    assert math.isfinite(lm.perplexity(SHORT))


def test_modified_kneser_ney_on_short_sentences_writes_a_complete_arpa_file() -> None:
    model = fit([["a"], ["b", "a"], ["c"]], 4, model="modified-kneser-ney")
    entries = ngram.read_arpa(ngram.to_arpa(model))
    assert ("<s>", "b", "a", "</s>") in entries and ("<s>", "a", "</s>") in entries
    assert math.isfinite(model.perplexity([["a"], ["c", "b"]]))
