from __future__ import annotations

import numpy as np
import pytest

from seqml.next_item import (
    evaluate_next_item,
    fit_bigram,
    generate_histories,
    ranking_keys,
    ranks_of,
    recall_and_mrr,
    top_items,
)


def test_generate_histories_is_reproducible_from_the_rng_seed() -> None:
    first = generate_histories(50, 30, 8, np.random.default_rng(7))
    second = generate_histories(50, 30, 8, np.random.default_rng(7))
    np.testing.assert_array_equal(first.sequences, second.sequences)
    assert first.sequences.shape == (50, 8)
    assert first.sequences.min() >= 0 and first.sequences.max() < 30


def test_generate_histories_always_continues_a_series_when_p_continue_is_one() -> None:
    histories = generate_histories(200, 40, 10, np.random.default_rng(1), p_continue=1.0)
    current, following = histories.sequences[:, :-1], histories.sequences[:, 1:]
    is_finale = (current % histories.series_length == histories.series_length - 1) | (current == 39)
    np.testing.assert_array_equal(following[~is_finale], current[~is_finale] + 1)


def test_generate_histories_popularity_is_a_zipf_distribution() -> None:
    histories = generate_histories(5, 20, 3, np.random.default_rng(2), zipf_exponent=1.0)
    ordered = np.sort(histories.popularity)[::-1]
    np.testing.assert_allclose(ordered / ordered[0], 1.0 / np.arange(1, 21))
    assert histories.popularity.sum() == pytest.approx(1.0)


def test_generate_histories_rejects_sizes_too_small_to_hold_out_an_item() -> None:
    with pytest.raises(ValueError, match="length >= 2"):
        generate_histories(10, 10, 1, np.random.default_rng(0))


def test_fit_bigram_counts_each_transition_once() -> None:
    train = np.array([[0, 1, 2], [0, 1, 1]])
    model = fit_bigram(train, items=3, alpha=1.0)
    expected = np.array([[0, 2, 0], [0, 1, 1], [0, 0, 0]])
    np.testing.assert_array_equal(model.transition_counts, expected)
    np.testing.assert_array_equal(model.item_counts, [2, 3, 1])


def test_bigram_probabilities_are_add_alpha_and_sum_to_one() -> None:
    train = np.array([[0, 1, 2], [0, 1, 1]])
    model = fit_bigram(train, items=3, alpha=1.0)
    probabilities = model.probabilities(np.array([0, 1, 2]))
    np.testing.assert_allclose(probabilities[0], [1 / 5, 3 / 5, 1 / 5])
    np.testing.assert_allclose(probabilities[2], [1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_fit_bigram_rejects_non_positive_alpha() -> None:
    with pytest.raises(ValueError, match="alpha"):
        fit_bigram(np.array([[0, 1]]), items=2, alpha=0.0)


def test_bigram_ranking_breaks_ties_between_unseen_items_by_popularity() -> None:
    train = np.array([[0, 1, 2, 2], [2, 2, 2, 1]])
    model = fit_bigram(train, items=4, alpha=0.5)
    keys = ranking_keys(model, np.array([0]))
    # After item 0 only item 1 was seen; the rest follow popularity: 2 (5x), then 3 (never).
    assert top_items(keys["bigram"], 4).tolist() == [[1, 2, 0, 3]]
    assert top_items(keys["popularity"], 4).tolist() == [[2, 1, 0, 3]]


def test_ranks_of_orders_ties_by_item_id_like_top_items() -> None:
    keys = np.array([[5, 3, 3, 1], [5, 3, 3, 1], [5, 3, 3, 1]])
    assert ranks_of(keys, np.array([0, 1, 2])).tolist() == [1, 2, 3]
    assert top_items(keys[:1], 4).tolist() == [[0, 1, 2, 3]]


def test_recall_and_mrr_match_hand_computed_values() -> None:
    recall, mrr = recall_and_mrr(np.array([1, 2, 10, 4]), k=3)
    assert recall == pytest.approx(0.5)
    assert mrr == pytest.approx((1 + 1 / 2 + 1 / 10 + 1 / 4) / 4)


def test_bigram_beats_popularity_when_viewers_binge_series() -> None:
    result = evaluate_next_item(users=400, items=60, k=5, rng=np.random.default_rng(3))
    assert result.recall_at_k["bigram"] > result.recall_at_k["popularity"] + 0.2
    assert result.mrr["bigram"] > result.mrr["popularity"] + 0.2


def test_bigram_gains_nothing_much_when_order_carries_no_signal() -> None:
    result = evaluate_next_item(users=2000, items=30, k=5, rng=np.random.default_rng(4), p_continue=0.0)
    assert abs(result.recall_at_k["bigram"] - result.recall_at_k["popularity"]) < 0.1


def test_evaluate_next_item_examples_agree_with_their_ranks() -> None:
    result = evaluate_next_item(users=100, items=40, k=5, rng=np.random.default_rng(5))
    assert len(result.examples) == 3
    for example in result.examples:
        assert len(example.bigram_top) == 5 and len(example.history) == 11
        if example.bigram_rank <= 5:
            assert example.bigram_top[example.bigram_rank - 1] == example.target
        else:
            assert example.target not in example.bigram_top


def test_evaluate_next_item_rejects_k_larger_than_the_catalogue() -> None:
    with pytest.raises(ValueError, match="k must be between 1"):
        evaluate_next_item(users=10, items=5, k=6, rng=np.random.default_rng(0))
