"""Char model: a training step equals PyTorch's, BPTT equals finite differences, blow-ups are caught."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from seqml.char_model import (
    PARAM_NAMES,
    CharModel,
    NonFiniteLossError,
    TrainingConfig,
    batches,
    encode_text,
    init_char_model,
    loss_and_gradients,
    sample_text,
    train,
)
from seqml.clipping import clip_by_global_norm, global_norm
from seqml.learning_rate_probe import probe_learning_rates
from seqml.lstm import LSTMParams
from seqml.optimizers import adam_step, init_adam, sgd_step
from seqml.rnn import RNNParams

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "train_char.npz"
NURSERY = (ROOT / "data" / "corpora" / "nursery.txt").read_text(encoding="utf-8")
TOLERANCE = {"float64": 1e-10, "float32": 1e-5}
KINDS = ("rnn", "lstm")


def load(dtype: str, kind: str) -> dict[str, np.ndarray]:
    """The golden values of one dtype and layer kind, keyed '<case>__<name>'."""
    prefix = f"{dtype}__{kind}__"
    with np.load(FIXTURE) as data:
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def constants() -> dict[str, float]:
    """The window and rates the fixture script used."""
    with np.load(FIXTURE) as data:
        window = int(data["meta__constants"][4])
        clip, sgd_lr, adam_lr = data["meta__rates"].tolist()
    return {"window": window, "clip": clip, "sgd_lr": sgd_lr, "adam_lr": adam_lr}


def model_of(ref: dict[str, np.ndarray], kind: str) -> CharModel:
    """The fixture's initial weights as a CharModel."""
    layer = RNNParams if kind == "rnn" else LSTMParams
    arrays = [ref[f"input__{name}"] for name in PARAM_NAMES]
    return CharModel(kind, layer(*arrays[:4]), arrays[4], arrays[5])


def state_of(ref: dict[str, np.ndarray], case: str, kind: str) -> tuple[np.ndarray, ...]:
    """(h,) or (h, c) stored under a case."""
    return tuple(ref[f"{case}__state{i}"] for i in range(1 if kind == "rnn" else 2))


def assert_close(actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    """Relative agreement at the dtype's tolerance, measured against the array's own scale."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    assert actual.dtype == np.dtype(dtype)
    tolerance = TOLERANCE[dtype]
    scale = max(float(np.abs(expected).max()), np.finfo(np.float64).tiny)
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance * scale)


# --------------------------------------------------------------------------- against PyTorch


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", KINDS)
def test_full_bptt_loss_gradients_and_state_match_torch_autograd(kind, dtype):
    ref = load(dtype, kind)
    step = loss_and_gradients(
        model_of(ref, kind), ref["input__inputs"], ref["input__targets"], state_of(ref, "input", kind)
    )
    assert_close(np.array(step.loss, dtype=dtype), ref["full__loss"], dtype)
    for name, grad in zip(PARAM_NAMES, step.grads, strict=True):
        assert_close(grad, ref[f"full__d_{name}"], dtype)
    for ours, theirs in zip(step.state, state_of(ref, "full", kind), strict=True):
        assert_close(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", KINDS)
def test_clipped_sgd_step_matches_clip_grad_norm_and_torch_sgd(kind, dtype):
    ref, rates = load(dtype, kind), constants()
    model = model_of(ref, kind)
    step = loss_and_gradients(
        model, ref["input__inputs"], ref["input__targets"], state_of(ref, "input", kind)
    )
    clip = clip_by_global_norm(step.grads, rates["clip"])
    assert clip.clipped
    assert_close(np.array(clip.total_norm, dtype=dtype), ref["full__total_norm"], dtype)
    updated = sgd_step(model.arrays(), clip.grads, rates["sgd_lr"])
    for name, array in zip(PARAM_NAMES, updated, strict=True):
        assert_close(array, ref[f"full__sgd_{name}"], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", KINDS)
def test_truncated_bptt_matches_torch_with_the_state_detached_between_windows(kind, dtype):
    ref = load(dtype, kind)
    step = loss_and_gradients(
        model_of(ref, kind),
        ref["input__inputs"],
        ref["input__targets"],
        state_of(ref, "input", kind),
        window=constants()["window"],
    )
    assert_close(np.array(step.loss, dtype=dtype), ref["truncated__loss"], dtype)
    for name, grad in zip(PARAM_NAMES, step.grads, strict=True):
        assert_close(grad, ref[f"truncated__d_{name}"], dtype)
    # Truncation changes the gradient, not the forward pass.
    assert step.loss == pytest.approx(float(ref["full__loss"]), rel=TOLERANCE[dtype])
    assert not np.allclose(step.grads[1], ref["full__d_weight_hh"])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", KINDS)
def test_two_adam_steps_match_torch_optim_adam(kind, dtype):
    ref, rates = load(dtype, kind), constants()
    model = model_of(ref, kind)
    adam = init_adam(model.arrays())
    for _ in range(2):
        step = loss_and_gradients(
            model, ref["input__inputs"], ref["input__targets"], state_of(ref, "input", kind)
        )
        arrays, adam = adam_step(model.arrays(), step.grads, adam, rates["adam_lr"])
        model = model.with_arrays(arrays)
    assert adam.t == 2
    for name, array in zip(PARAM_NAMES, model.arrays(), strict=True):
        assert_close(array, ref[f"adam__{name}"], dtype)


# --------------------------------------------------------------------------- finite differences


def _tiny(kind: str, seed: int = 3) -> tuple[CharModel, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    rng = np.random.default_rng(seed)
    model = init_char_model(kind, vocabulary_size=4, hidden_size=3, rng=rng)
    # Larger weights than the init, so every gate and tanh works away from its linear middle.
    model = model.with_arrays([2 * array for array in model.arrays()])
    inputs = rng.integers(0, 4, size=(5, 2))
    targets = rng.integers(0, 4, size=(5, 2))
    state = tuple(rng.normal(0, 0.5, size=(2, 3)) for _ in range(1 if kind == "rnn" else 2))
    return model, inputs, targets, state


@pytest.mark.parametrize("window", [None, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_gradients_agree_with_central_finite_differences(kind, window):
    model, inputs, targets, state = _tiny(kind)
    grads = loss_and_gradients(model, inputs, targets, state, window).grads
    step = 1e-6
    for index, array in enumerate(model.arrays()):
        numeric = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            losses = []
            for sign in (1, -1):
                arrays = [a.copy() for a in model.arrays()]
                arrays[index][position] += sign * step
                if window is None:
                    losses.append(loss_and_gradients(model.with_arrays(arrays), inputs, targets, state).loss)
                else:
                    # The truncated gradient is the gradient of a loss in which each window's
                    # starting state is a constant: freeze those states at their unperturbed values.
                    losses.append(
                        _frozen_window_loss(model.with_arrays(arrays), model, inputs, targets, state, window)
                    )
            numeric[position] = (losses[0] - losses[1]) / (2 * step)
        np.testing.assert_allclose(grads[index], numeric, rtol=1e-6, atol=1e-9, err_msg=PARAM_NAMES[index])


def _frozen_window_loss(
    perturbed: CharModel,
    original: CharModel,
    inputs: np.ndarray,
    targets: np.ndarray,
    state: tuple[np.ndarray, ...],
    window: int,
) -> float:
    """Sum over windows of each window's loss, every window starting from the *original* model's state."""
    T, B = inputs.shape
    total = 0.0
    for start in range(0, T, window):
        stop = min(start + window, T)
        piece = loss_and_gradients(perturbed, inputs[start:stop], targets[start:stop], state)
        total += piece.loss * (stop - start) * B
        state = loss_and_gradients(original, inputs[start:stop], targets[start:stop], state).state
    return total / (T * B)


def test_a_window_as_long_as_the_chunk_is_full_bptt():
    model, inputs, targets, state = _tiny("lstm")
    full = loss_and_gradients(model, inputs, targets, state)
    same = loss_and_gradients(model, inputs, targets, state, window=5)
    longer = loss_and_gradients(model, inputs, targets, state, window=50)
    for a, b, c in zip(full.grads, same.grads, longer.grads, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_carrying_the_state_over_two_chunks_equals_one_chunk_cut_at_the_boundary():
    model, inputs, targets, state = _tiny("rnn")
    whole = loss_and_gradients(model, inputs[:4], targets[:4], state, window=2)
    first = loss_and_gradients(model, inputs[:2], targets[:2], state)
    second = loss_and_gradients(model, inputs[2:4], targets[2:4], first.state)
    assert whole.loss == pytest.approx((first.loss + second.loss) / 2, rel=1e-12)
    for total, a, b in zip(whole.grads, first.grads, second.grads, strict=True):
        np.testing.assert_allclose(total, (a + b) / 2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(whole.state[0], second.state[0], rtol=1e-13)


# --------------------------------------------------------------------------- data and sampling


def test_first_loss_of_a_fresh_model_is_about_ln_v():
    corpus = encode_text(NURSERY)
    model = init_char_model("lstm", len(corpus.vocabulary), 64, np.random.default_rng(0))
    inputs, targets = batches(corpus, 16, 32)
    loss = loss_and_gradients(model, inputs[0], targets[0]).loss
    assert loss == pytest.approx(math.log(len(corpus.vocabulary)), abs=0.1)


def test_batches_cut_contiguous_streams_whose_targets_are_the_next_character():
    corpus = encode_text("abcdefghijklmnopqrstuvwxyz" * 3)
    inputs, targets = batches(corpus, batch=2, length=5)
    assert inputs.shape == targets.shape == (7, 5, 2)  # (78 - 1) // 2 = 38 per stream, 7 chunks of 5
    np.testing.assert_array_equal(targets[:, :-1], inputs[:, 1:])
    stream = inputs[:, :, 1].reshape(-1)  # the second stream starts 38 characters in
    np.testing.assert_array_equal(stream, corpus.ids[38 : 38 + 35])
    assert corpus.decode(inputs[1, :, 0]) == "fghij"  # chunk 1 continues chunk 0


def test_sampled_text_starts_with_the_prime_and_repeats_with_the_same_generator():
    corpus = encode_text(NURSERY)
    model = init_char_model("rnn", len(corpus.vocabulary), 16, np.random.default_rng(1))
    first = sample_text(model, corpus, "the ", 30, np.random.default_rng(5))
    again = sample_text(model, corpus, "the ", 30, np.random.default_rng(5))
    assert first == again and first.startswith("the ") and len(first) == 34
    assert set(first) <= set(corpus.vocabulary)


def test_sampling_refuses_primes_outside_the_vocabulary():
    corpus = encode_text("abab")
    model = init_char_model("rnn", 2, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="prime"):
        sample_text(model, corpus, "z", 5, np.random.default_rng(0))


# --------------------------------------------------------------------------- training and blow-ups


def _corpus_and_model(kind: str = "rnn", seed: int = 0):
    corpus = encode_text(NURSERY)
    model = init_char_model(kind, len(corpus.vocabulary), 64, np.random.default_rng(seed), np.float32)
    return corpus, model


def test_training_at_a_high_rate_blows_up_without_clipping_and_learns_with_it():
    corpus, model = _corpus_and_model()
    limit = 2 * math.log(len(corpus.vocabulary))
    wild = train(model, corpus, TrainingConfig(steps=150, lr=3.0, max_loss=limit), np.random.default_rng(0))
    tame = train(
        model, corpus, TrainingConfig(steps=150, lr=3.0, clip=0.5, max_loss=limit), np.random.default_rng(0)
    )
    assert wild.blow_up is not None and wild.blow_up.quantity == "loss"
    assert wild.losses[-1] > limit and len(wild.losses) == wild.blow_up.step + 1
    assert tame.blow_up is None and len(tame.losses) == 150
    assert tame.losses[-10:].mean() < 0.6 * tame.losses[0]
    assert tame.clipped.any() and not wild.clipped.any()
    # Same start, same data: the first step is identical until clipping changes the update.
    assert wild.losses[0] == tame.losses[0]


def test_recorded_gradient_norm_is_the_norm_before_clipping():
    corpus, model = _corpus_and_model()
    run = train(model, corpus, TrainingConfig(steps=3, lr=0.1, clip=1e-3), np.random.default_rng(0))
    inputs, targets = batches(corpus, 16, 32)
    first = loss_and_gradients(model, inputs[0], targets[0])
    assert run.grad_norms[0] == pytest.approx(global_norm(first.grads), rel=1e-6)
    assert run.clipped.all()


def test_a_nan_weight_is_caught_as_a_blow_up_at_the_first_step_without_warnings():
    corpus, model = _corpus_and_model()
    arrays = list(model.arrays())
    arrays[4] = arrays[4].copy()
    arrays[4][0, 0] = np.nan
    run = train(model.with_arrays(arrays), corpus, TrainingConfig(steps=5), np.random.default_rng(0))
    assert run.blow_up is not None and run.blow_up.step == 0 and run.blow_up.quantity == "loss"
    assert np.isnan(run.losses[0]) and len(run.losses) == 1


def test_an_overflowing_update_is_caught_as_a_weights_blow_up_and_the_last_finite_model_kept():
    corpus, model = _corpus_and_model()
    # A rate beyond float32's range: the very first update overflows every weight it touches.
    run = train(model, corpus, TrainingConfig(steps=5, lr=1e39), np.random.default_rng(0))
    assert run.blow_up is not None and run.blow_up.quantity == "weights" and run.blow_up.step == 0
    assert all(np.isfinite(array).all() for array in run.model.arrays())


def test_an_infinite_loss_raises_before_any_backward_pass():
    corpus, model = _corpus_and_model("lstm")
    arrays = list(model.arrays())
    arrays[5] = np.full_like(arrays[5], np.inf)
    inputs, targets = batches(corpus, 4, 8)
    with np.errstate(all="ignore"), pytest.raises(NonFiniteLossError):
        loss_and_gradients(model.with_arrays(arrays), inputs[0], targets[0])


def test_training_is_reproducible_and_records_samples_at_the_asked_steps():
    corpus, model = _corpus_and_model("lstm")
    config = TrainingConfig(steps=6, lr=1.0, clip=1.0, window=8, sample_at=(2, 6), optimizer="adam")
    first = train(model, corpus, config, np.random.default_rng(4))
    again = train(model, corpus, config, np.random.default_rng(4))
    np.testing.assert_array_equal(first.losses, again.losses)
    np.testing.assert_array_equal(first.grad_norms, again.grad_norms)
    assert [s.step for s in first.samples] == [2, 6]
    assert [s.text for s in first.samples] == [s.text for s in again.samples]


def test_progress_is_called_once_per_update_with_the_loss():
    corpus, model = _corpus_and_model()
    seen: list[tuple[int, float]] = []
    config = TrainingConfig(steps=4, lr=0.5)
    run = train(model, corpus, config, np.random.default_rng(0), lambda step, loss: seen.append((step, loss)))
    assert [step for step, _ in seen] == [1, 2, 3, 4]
    assert [loss for _, loss in seen] == pytest.approx(run.losses.tolist())


# --------------------------------------------------------------------------- checks up front


@pytest.mark.parametrize(
    ("inputs", "targets", "message"),
    [
        (np.zeros((3,), dtype=int), np.zeros((3,), dtype=int), "shape"),
        (np.zeros((3, 2), dtype=int), np.zeros((2, 3), dtype=int), "shape"),
        (np.full((3, 2), 9), np.zeros((3, 2), dtype=int), r"\[0, 4\)"),
        (np.zeros((3, 2)), np.zeros((3, 2), dtype=int), "integer"),
    ],
)
def test_bad_ids_are_refused_with_the_expected_shape_or_range(inputs, targets, message):
    model = init_char_model("rnn", 4, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        loss_and_gradients(model, inputs, targets)


def test_a_state_of_the_wrong_kind_or_shape_is_refused():
    model = init_char_model("lstm", 4, 3, np.random.default_rng(0))
    ids = np.zeros((2, 2), dtype=int)
    with pytest.raises(ValueError, match="2 array"):
        loss_and_gradients(model, ids, ids, (np.zeros((2, 3)),))
    with pytest.raises(ValueError, match="window"):
        loss_and_gradients(model, ids, ids, window=0)


def test_unknown_kinds_and_too_short_corpora_are_refused():
    with pytest.raises(ValueError, match="kind"):
        init_char_model("gru", 4, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="too short"):
        batches(encode_text("abcdef"), batch=4, length=3)


def test_probing_learning_rates_finds_the_ones_that_diverge():
    corpus, model = _corpus_and_model()
    limit = 2 * math.log(len(corpus.vocabulary))
    config = TrainingConfig(steps=40, max_loss=limit)
    low, high = probe_learning_rates(model, corpus, (0.3, 5.0), config, np.random.default_rng(0))
    assert (low.lr, high.lr) == (0.3, 5.0)
    assert low.blow_up_step is None and low.final_loss < math.log(len(corpus.vocabulary))
    assert high.blow_up_step is not None and high.blow_up_step <= 40
