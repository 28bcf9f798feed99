"""Encoder-decoder: exact gradients both ways of feeding the decoder, honest scores, clear refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seqml.seq2seq import (
    DIGITS,
    decode,
    init_seq2seq,
    loss_and_gradients,
    reversal_batch,
    score,
    train_seq2seq,
)

KINDS = ("lstm", "rnn")


def _tiny(kind: str, seed: int = 2):
    rng = np.random.default_rng(seed)
    model = init_seq2seq(kind, hidden_size=3, rng=rng)
    model = model.with_arrays([3 * array for array in model.arrays()])  # away from the linear middle
    sources, targets = reversal_batch(rng, batch=2, length=3)
    return model, sources, targets


@pytest.mark.parametrize("teacher_forcing", [True, False])
@pytest.mark.parametrize("kind", KINDS)
def test_gradients_agree_with_central_finite_differences(kind, teacher_forcing):
    model, sources, targets = _tiny(kind)
    result = loss_and_gradients(model, sources, targets, teacher_forcing)
    step = 1e-6
    for index, array in enumerate(model.arrays()):
        numeric = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            losses = []
            for sign in (1, -1):
                arrays = [a.copy() for a in model.arrays()]
                arrays[index][position] += sign * step
                nudged = loss_and_gradients(model.with_arrays(arrays), sources, targets, teacher_forcing)
                # A flipped argmax would change the fed-back inputs: the loss would jump, not slope.
                np.testing.assert_array_equal(nudged.predictions, result.predictions)
                losses.append(nudged.loss)
            numeric[position] = (losses[0] - losses[1]) / (2 * step)
        np.testing.assert_allclose(result.grads[index], numeric, rtol=1e-6, atol=1e-9, err_msg=str(index))


@pytest.mark.parametrize("kind", KINDS)
def test_feeding_own_guesses_equals_teacher_forcing_when_the_guesses_are_the_targets(kind):
    model, sources, _ = _tiny(kind)
    own = decode(model, sources, 3)
    forced = loss_and_gradients(model, sources, own, teacher_forcing=True)
    free = loss_and_gradients(model, sources, own, teacher_forcing=False)
    assert forced.loss == pytest.approx(free.loss, rel=1e-14)
    for a, b in zip(forced.grads, free.grads, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-16)


def test_free_and_forced_decoding_give_the_predictions_of_the_matching_loss():
    model, sources, targets = _tiny("lstm")
    np.testing.assert_array_equal(
        decode(model, sources, 3, targets=targets),
        loss_and_gradients(model, sources, targets, teacher_forcing=True).predictions,
    )
    np.testing.assert_array_equal(
        decode(model, sources, 3), loss_and_gradients(model, sources, targets, False).predictions
    )


def test_training_on_reversal_lowers_the_loss_and_repeats_exactly():
    start = init_seq2seq("lstm", 16, np.random.default_rng(0), np.float32)
    first = train_seq2seq(start, True, 60, 3, np.random.default_rng(1), lr=0.02)
    again = train_seq2seq(start, True, 60, 3, np.random.default_rng(1), lr=0.02)
    np.testing.assert_array_equal(first.losses, again.losses)
    assert first.losses[0] == pytest.approx(math.log(DIGITS), abs=0.15)  # a uniform guess at first
    assert first.losses[-10:].mean() < 0.7 * first.losses[0]


def test_reversal_batches_reverse_and_avoid_excluded_sequences():
    rng = np.random.default_rng(0)
    sources, targets = reversal_batch(rng, batch=5, length=4)
    assert sources.shape == targets.shape == (4, 5)
    np.testing.assert_array_equal(targets, sources[::-1])
    # Exclude every one-digit sequence but 7: every row must come out as 7.
    exclude = frozenset(np.array([d], dtype=np.int64).tobytes() for d in range(DIGITS) if d != 7)
    only, _ = reversal_batch(rng, batch=6, length=1, exclude=exclude)
    assert (only == 7).all()


def test_score_counts_accuracy_after_the_first_mistake_per_sequence():
    targets = np.array([[1, 1, 1], [2, 2, 2], [3, 3, 3]])  # (m=3, N=3): column n is sequence n
    # Sequence 0 all right; sequence 1 wrong at position 0 only; sequence 2 wrong at 1 and 2.
    free = np.array([[1, 0, 1], [2, 2, 0], [3, 3, 0]])
    forced = targets.copy()
    result = score(free, forced, targets)
    np.testing.assert_allclose(result.free_accuracy, [2 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(result.forced_accuracy, [1, 1, 1])
    assert result.sequence_accuracy == pytest.approx(1 / 3)
    # After sequence 1's first mistake (position 0), positions 1 and 2 are right; after sequence
    # 2's (position 1), position 2 is wrong: 2 of 3.
    assert result.after_mistake_accuracy == pytest.approx(2 / 3)
    np.testing.assert_array_equal(result.first_mistakes, [1, 1, 0])


def test_score_has_no_after_mistake_value_when_nothing_went_wrong():
    targets = np.array([[1, 2], [3, 4]])
    assert math.isnan(score(targets, targets, targets).after_mistake_accuracy)


@pytest.mark.parametrize(
    ("sources", "targets", "message"),
    [
        (np.zeros(3, dtype=int), np.zeros((3, 1), dtype=int), "shape"),
        (np.full((3, 1), 10), np.zeros((3, 1), dtype=int), "digits"),
        (np.zeros((3, 2), dtype=int), np.zeros((3, 1), dtype=int), "same batch"),
    ],
)
def test_bad_digit_arrays_are_refused_up_front(sources, targets, message):
    model = init_seq2seq("rnn", 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        loss_and_gradients(model, sources, targets, teacher_forcing=True)


def test_non_finite_weights_raise_a_clear_error_before_backward():
    model, sources, targets = _tiny("lstm")
    arrays = list(model.arrays())
    arrays[-1] = np.full_like(arrays[-1], np.nan)
    with pytest.raises(ValueError, match="NaN"):
        loss_and_gradients(model.with_arrays(arrays), sources, targets, teacher_forcing=True)


def test_unknown_cells_are_refused():
    with pytest.raises(ValueError, match="kind"):
        init_seq2seq("gru", 4, np.random.default_rng(0))
