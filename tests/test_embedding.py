from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from seqml import embedding
from seqml.embedding import (
    UNK,
    bag_of_words,
    bigram_counts,
    build_vocabulary,
    compare_bag_and_bigrams,
    cooccurrence_counts,
    cooccurrence_embeddings,
    cosine_similarity,
    embedding_backward,
    embedding_lookup,
    nearest_neighbours,
    one_hot,
    one_hot_lookup,
    ppmi,
    shared_bag_question,
)

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "embedding_torch.npz")
DTYPES = (("f64", 1e-10, 0.0), ("f32", 1e-5, 1e-6))  # cosine near 0 in float32: absolute floor


# --------------------------------------------------------------------------- against PyTorch


def test_one_hot_matches_torch_one_hot() -> None:
    ids = FIXTURES["ids"]
    codes = one_hot(ids, int(FIXTURES["V"]))
    assert codes.shape == FIXTURES["one_hot"].shape
    assert np.array_equal(codes, FIXTURES["one_hot"])


@pytest.mark.parametrize(("name", "rtol", "atol"), DTYPES)
def test_lookup_matches_nn_embedding(name: str, rtol: float, atol: float) -> None:
    table = FIXTURES[f"table_{name}"]
    looked_up = embedding_lookup(table, FIXTURES["ids"])
    assert looked_up.dtype == table.dtype
    np.testing.assert_allclose(looked_up, FIXTURES[f"lookup_{name}"], rtol=rtol, atol=0)


@pytest.mark.parametrize(("name", "rtol", "atol"), DTYPES)
def test_backward_matches_nn_embedding_weight_gradient(name: str, rtol: float, atol: float) -> None:
    grad = embedding_backward(FIXTURES[f"upstream_{name}"], FIXTURES["ids"], int(FIXTURES["V"]))
    np.testing.assert_allclose(grad, FIXTURES[f"grad_{name}"], rtol=rtol, atol=atol)


@pytest.mark.parametrize(("name", "rtol", "atol"), DTYPES)
def test_cosine_matches_torch_cosine_similarity_with_zero_tiny_and_large_rows(
    name: str, rtol: float, atol: float
) -> None:
    cosines = cosine_similarity(FIXTURES[f"cos_a_{name}"], FIXTURES[f"cos_b_{name}"])
    expected = FIXTURES[f"cos_{name}"]
    assert cosines.dtype == expected.dtype
    np.testing.assert_allclose(cosines, expected, rtol=rtol, atol=atol)
    assert cosines[0] == 0.0  # a zero vector has no direction


# --------------------------------------------------------------------------- one-hot @ E == E[ids]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_hot_product_equals_lookup_bit_for_bit(dtype: type) -> None:
    rng = np.random.default_rng(3)
    exponent = int(np.log10(np.finfo(dtype).max)) - 2  # magnitudes from tiny (subnormal) to huge
    scales = 10.0 ** rng.integers(-exponent - 5, exponent, size=(50, 1))
    table = (rng.normal(size=(50, 6)) * scales).astype(dtype)
    table[7] = -0.0
    ids = rng.integers(0, 50, size=(4, 9))
    product = one_hot_lookup(table, ids)
    assert product.dtype == table.dtype
    assert np.array_equal(product, table[ids])  # exact: no tolerance


def test_one_hot_product_refuses_a_non_finite_table_the_lookup_does_not() -> None:
    table = np.array([[1.0, 2.0], [np.inf, 0.0]])
    with pytest.raises(ValueError, match="0 \\* inf = NaN"):
        one_hot_lookup(table, [0])
    assert np.array_equal(embedding_lookup(table, [0]), [[1.0, 2.0]])


def test_one_hot_rows_hold_a_single_one_at_the_id() -> None:
    codes = one_hot(np.array([2, 0, 2]), 4)
    assert codes.shape == (3, 4)
    assert np.array_equal(codes.sum(axis=1), [1, 1, 1])
    assert np.array_equal(codes.argmax(axis=1), [2, 0, 2])


@pytest.mark.parametrize("ids", [[0, 4], [-1], [1.5]])
def test_one_hot_refuses_ids_outside_the_vocabulary_or_not_integers(ids: list) -> None:
    with pytest.raises(ValueError, match="ids must"):
        one_hot(ids, 4)


def test_one_hot_of_no_ids_is_an_empty_matrix() -> None:
    assert one_hot([], 3).shape == (0, 3)


def test_lookup_refuses_a_table_that_is_not_two_dimensional() -> None:
    with pytest.raises(ValueError, match="2-D"):
        embedding_lookup(np.zeros(4), [0])


# --------------------------------------------------------------------------- backward


def test_backward_agrees_with_central_differences() -> None:
    rng = np.random.default_rng(5)
    table = rng.normal(size=(5, 3))
    ids = np.array([1, 4, 1, 1, 0])
    upstream = rng.normal(size=(5, 3))

    def loss(E: np.ndarray) -> float:
        return float(np.sum(embedding_lookup(E, ids) * upstream))

    numeric = np.zeros_like(table)
    step = 1e-6
    for index in np.ndindex(table.shape):
        plus, minus = table.copy(), table.copy()
        plus[index] += step
        minus[index] -= step
        numeric[index] = (loss(plus) - loss(minus)) / (2 * step)
    analytic = embedding_backward(upstream, ids, 5)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)
    assert np.array_equal(analytic, one_hot(ids, 5).T @ upstream)
    assert np.all(analytic[[2, 3]] == 0)  # rows never looked up get no gradient


def test_backward_refuses_non_finite_or_misshapen_gradients() -> None:
    with pytest.raises(ValueError, match="inf or NaN"):
        embedding_backward(np.array([[np.nan, 0.0]]), [0], 2)
    with pytest.raises(ValueError, match="shape"):
        embedding_backward(np.zeros((3, 2)), [0, 1], 2)


# --------------------------------------------------------------------------- cosine and neighbours


def test_cosine_is_scale_free_and_survives_huge_and_tiny_entries() -> None:
    a = np.array([3.0, 4.0])
    for scale in (1e-6, 1.0, 1e200):  # norms above eps: no clamping
        assert cosine_similarity(a * scale, np.array([4.0, 3.0]) * scale) == pytest.approx(24 / 25, rel=1e-12)


def test_cosine_refuses_mismatched_or_non_finite_vectors() -> None:
    with pytest.raises(ValueError, match="last dimension"):
        cosine_similarity(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="inf or NaN"):
        cosine_similarity(np.array([np.inf, 1.0]), np.ones(2))


def test_neighbours_rank_by_cosine_skip_self_and_zero_rows_and_break_ties_by_index() -> None:
    table = np.array(
        [
            [1.0, 0.0],  # query
            [0.0, 0.0],  # zero: no direction, never a neighbour
            [2.0, 2.0],  # cos 0.707
            [5.0, 0.0],  # cos 1
            [1.0, 1.0],  # cos 0.707, tie with row 2
            [-1.0, 0.0],  # cos -1
        ]
    )
    found = nearest_neighbours(table, 0, k=10)
    assert [n.index for n in found] == [3, 2, 4, 5]
    assert found[0].cosine == pytest.approx(1.0)
    assert found[-1].cosine == pytest.approx(-1.0)
    assert nearest_neighbours(table, 1, k=3) == ()  # a zero query has no neighbours
    assert len(nearest_neighbours(table, 0, k=2)) == 2


# --------------------------------------------------------------------------- vocabulary


def test_vocabulary_keeps_words_at_the_cut_off_and_maps_the_rest_to_unk() -> None:
    sentences = [["the", "cat", "sat"], ["the", "dog", "sat"], ["the", "cat"]]
    vocabulary = build_vocabulary(sentences, min_count=2)
    assert vocabulary.tokens == (UNK, "the", "cat", "sat")  # by count, then alphabetically
    assert "dog" not in vocabulary
    assert vocabulary.map_tokens(["the", "dog", "zebra"]) == ("the", UNK, UNK)
    assert vocabulary.encode(["dog", "cat"]).tolist() == [0, 2]
    assert vocabulary.counts["dog"] == 1


def test_vocabulary_max_size_keeps_the_most_frequent_plus_unk() -> None:
    tokens = ["a", "a", "a", "b", "b", "c", "c", "d"]
    vocabulary = build_vocabulary(tokens, max_size=2)
    assert vocabulary.tokens == (UNK, "a", "b")
    assert build_vocabulary(tokens, max_size=0).tokens == (UNK,)


def test_vocabulary_counts_a_literal_unk_token_as_unk() -> None:
    assert build_vocabulary([UNK, UNK, "x"]).tokens == (UNK, "x")


@pytest.mark.parametrize("options", [{"min_count": 0}, {"min_count": 1.5}, {"max_size": -1}])
def test_vocabulary_refuses_bad_limits(options: dict) -> None:
    with pytest.raises(ValueError):
        build_vocabulary(["a"], **options)


# --------------------------------------------------------------------------- co-occurrence embeddings


def test_cooccurrence_counts_pairs_within_the_window_inside_sentences() -> None:
    counts = cooccurrence_counts([np.array([0, 1, 2]), np.array([2, 0])], V=3, window=1)
    expected = np.zeros((3, 3), dtype=int)
    for u, v in ((0, 1), (1, 2), (2, 0)):  # adjacent pairs, both directions
        expected[u, v] += 1
        expected[v, u] += 1
    assert np.array_equal(counts, expected)
    wide = cooccurrence_counts([np.array([0, 1, 2])], V=3, window=5)
    assert wide[0, 2] == 1 and wide[2, 0] == 1
    assert np.array_equal(wide, wide.T)


def test_ppmi_matches_its_definition_and_is_zero_for_unseen_pairs() -> None:
    counts = np.array([[0, 2, 1], [2, 0, 0], [1, 0, 4]])
    total = counts.sum()
    expected = np.zeros((3, 3))
    for u in range(3):
        for v in range(3):
            if counts[u, v]:
                pmi = np.log2(counts[u, v] * total / (counts[u].sum() * counts[:, v].sum()))
                expected[u, v] = max(pmi, 0.0)
    np.testing.assert_allclose(ppmi(counts), expected, rtol=1e-12)
    assert np.array_equal(ppmi(np.zeros((2, 2))), np.zeros((2, 2)))


def test_cooccurrence_embeddings_put_words_in_the_same_company_together() -> None:
    # "cat" and "dog" appear in identical contexts; "rain" never does.
    text = ["the cat sat", "the dog sat", "a cat ran", "a dog ran", "rain fell down", "rain fell hard"]
    sentences = [sentence.split() for sentence in text]
    vocabulary = build_vocabulary(sentences)
    encoded = [vocabulary.encode(sentence) for sentence in sentences]
    E = cooccurrence_embeddings(encoded, len(vocabulary), dim=4, window=1)
    assert E.shape == (len(vocabulary), 4)
    cat, dog, rain = (vocabulary.index(w) for w in ("cat", "dog", "rain"))
    assert nearest_neighbours(E, cat, k=1)[0].index == dog
    assert cosine_similarity(E[cat], E[dog]) > cosine_similarity(E[cat], E[rain]) + 0.5


def test_cooccurrence_embeddings_pad_when_dim_exceeds_the_vocabulary() -> None:
    E = cooccurrence_embeddings([np.array([0, 1])], V=2, dim=5, window=1)
    assert E.shape == (2, 5)
    assert np.all(E[:, 2:] == 0)


# --------------------------------------------------------------------------- bag of words vs bigrams


def test_truly_madly_share_a_bag_but_not_their_bigrams() -> None:
    comparison = compare_bag_and_bigrams(["truly", "madly"], ["madly", "truly"])
    assert comparison.vocabulary == ("madly", "truly")
    assert comparison.first_bag.tolist() == [1, 1] == comparison.second_bag.tolist()
    assert comparison.same_bag
    assert comparison.first_bigrams == ((("truly", "madly"), 1),)
    assert comparison.second_bigrams == ((("madly", "truly"), 1),)
    assert not comparison.same_bigrams
    assert comparison.shared_bigrams == ()


def test_bag_of_words_counts_repeats_and_refuses_unknown_tokens() -> None:
    assert bag_of_words(["the", "cat", "the"], ("cat", "the", "mat")).tolist() == [1, 2, 0]
    with pytest.raises(ValueError, match="<unk>"):
        bag_of_words(["dog"], ("cat",))


def test_bigram_counts_count_each_adjacent_pair() -> None:
    tokens = ["a", "b", "a", "b", "a"]
    assert bigram_counts(tokens) == {("a", "b"): 2, ("b", "a"): 2}
    assert bigram_counts(["a"]) == {}


@pytest.mark.parametrize("seed", range(20))
def test_shared_bag_question_has_exactly_one_pair_with_same_bag_but_other_bigrams(seed: int) -> None:
    question = shared_bag_question(np.random.default_rng(seed))
    assert len(question.pairs) == 4
    qualifying = []
    for index, (first, second) in enumerate(question.pairs):
        a, b = first.split(), second.split()
        same_bag = Counter(a) == Counter(b)
        same_bigrams = Counter(tuple(a[i : i + 2]) for i in range(len(a) - 1)) == Counter(
            tuple(b[i : i + 2]) for i in range(len(b) - 1)
        )
        if same_bag and not same_bigrams:
            qualifying.append(index)
    assert qualifying == [question.answer]
    assert "bigram of the first only" in question.reason()


def test_module_example_runs() -> None:
    assert embedding.__doc__ and "one-hot" in embedding.__doc__
