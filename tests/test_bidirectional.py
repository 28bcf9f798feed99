"""Bidirectional RNN: outputs, h_n and every gradient equal nn.RNN(bidirectional=True) and FD."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from seqml.bidirectional import (
    BidirectionalParams,
    bidirectional_backward,
    bidirectional_forward,
    init_bidirectional,
)
from seqml.rnn import init_rnn, rnn_forward

FIXTURE = Path(__file__).parent / "fixtures" / "neural_bidirectional_rnn.npz"
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
TORCH_NAMES = tuple(f"{name}_l0{suffix}" for suffix in ("", "_reverse") for name in PARAM_NAMES)


def load(dtype: str) -> dict[str, np.ndarray]:
    """The PyTorch golden values of one dtype, keys without the dtype prefix."""
    with np.load(FIXTURE) as data:
        prefix = f"{dtype}__"
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def assert_matches(actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    """float64 to 1e-10 absolute; float32 to 1e-5 relative to the array's largest entry."""
    assert actual.dtype == np.dtype(dtype)
    if dtype == "float64":
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-10)
    else:
        scale = max(float(np.max(np.abs(expected))), 1e-30)
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_bidirectional_forward_matches_torch_outputs_and_h_n(dtype):
    ref = load(dtype)
    forward = bidirectional_forward(BidirectionalParams.from_state_dict(ref), ref["x"], ref["h0"])
    assert_matches(forward.outputs, ref["output"], dtype)
    assert_matches(forward.h_n, ref["h_n"], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_bidirectional_backward_matches_torch_autograd(dtype):
    ref = load(dtype)
    params = BidirectionalParams.from_state_dict(ref)
    forward = bidirectional_forward(params, ref["x"], ref["h0"])
    grads = bidirectional_backward(params, forward, ref["grad_out"], dL_dh_n=ref["grad_h_n"])
    named = grads.named()
    assert sorted(named) == sorted(TORCH_NAMES)
    for name in TORCH_NAMES:
        assert_matches(named[name], ref[f"d_{name}"], dtype)
    assert_matches(grads.dx, ref["dx"], dtype)
    assert_matches(grads.dh0, ref["dh0"], dtype)


def _loss(params, x, h0, upstream, upstream_n) -> float:
    forward = bidirectional_forward(params, x, h0)
    return float(np.sum(forward.outputs * upstream) + np.sum(forward.h_n * upstream_n))


def _numeric_gradient(array: np.ndarray, loss_of, step: float = 1e-6) -> np.ndarray:
    result = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + step
        plus = loss_of()
        array[index] = saved - step
        minus = loss_of()
        array[index] = saved
        result[index] = (plus - minus) / (2 * step)
    return result


def test_bidirectional_backward_agrees_with_central_finite_differences():
    rng = np.random.default_rng(1)
    params = init_bidirectional(input_size=2, hidden_size=3, rng=rng)
    x, h0 = rng.standard_normal((4, 2, 2)), rng.standard_normal((2, 2, 3))
    upstream, upstream_n = rng.standard_normal((4, 2, 6)), rng.standard_normal((2, 2, 3))
    grads = bidirectional_backward(params, bidirectional_forward(params, x, h0), upstream, upstream_n)
    named = grads.named()
    for direction, suffix in (("forward", ""), ("reverse", "_reverse")):
        for name in PARAM_NAMES:
            one = getattr(params, direction)
            array = getattr(one, name).copy()

            def loss_of(direction=direction, one=one, name=name, array=array):
                perturbed = replace(params, **{direction: replace(one, **{name: array})})
                return _loss(perturbed, x, h0, upstream, upstream_n)

            expected = _numeric_gradient(array, loss_of)
            np.testing.assert_allclose(named[f"{name}_l0{suffix}"], expected, rtol=1e-6, atol=1e-8)
    for name, array in (("dx", x), ("dh0", h0)):
        expected = _numeric_gradient(array, lambda: _loss(params, x, h0, upstream, upstream_n))
        np.testing.assert_allclose(getattr(grads, name), expected, rtol=1e-6, atol=1e-8)


def test_each_direction_is_the_plain_rnn_run_over_the_sequence_or_its_reverse():
    rng = np.random.default_rng(2)
    params = init_bidirectional(3, 4, rng)
    x = rng.standard_normal((5, 2, 3))
    forward = bidirectional_forward(params, x)
    np.testing.assert_array_equal(forward.forward_states, rnn_forward(params.forward, x).hidden_states)
    reverse = rnn_forward(params.reverse, x[::-1]).hidden_states
    np.testing.assert_array_equal(forward.backward_states, reverse[::-1])
    np.testing.assert_array_equal(forward.outputs[:, :, 4:], reverse[::-1])
    np.testing.assert_array_equal(forward.h_n[1], forward.backward_states[0])  # b_1, not b_T


def test_changing_the_last_input_changes_every_backward_state_but_only_the_last_forward_state():
    rng = np.random.default_rng(3)
    params = init_bidirectional(3, 4, rng)
    x = rng.standard_normal((6, 1, 3))
    before = bidirectional_forward(params, x)
    x[-1] += 1.0
    after = bidirectional_forward(params, x)
    forward_change = np.abs(after.forward_states - before.forward_states).max(axis=(1, 2))
    backward_change = np.abs(after.backward_states - before.backward_states).max(axis=(1, 2))
    assert np.all(forward_change[:-1] == 0) and forward_change[-1] > 0
    assert np.all(backward_change > 0)


def test_a_gradient_on_the_first_output_reaches_the_last_input_only_through_the_reverse_direction():
    rng = np.random.default_rng(4)
    params = init_bidirectional(2, 3, rng)
    forward = bidirectional_forward(params, rng.standard_normal((5, 1, 2)))
    upstream = np.zeros((5, 1, 6))
    upstream[0, :, :3] = 1.0  # only f_1: reads x_1 alone
    assert np.all(bidirectional_backward(params, forward, upstream).dx[1:] == 0)
    upstream[0] = 0.0
    upstream[0, :, 3:] = 1.0  # only b_1: reads every input
    assert np.all(np.abs(bidirectional_backward(params, forward, upstream).dx[-1]) > 0)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_bidirectional_backward_refuses_non_finite_upstream_gradients(bad):
    params = init_bidirectional(2, 3, np.random.default_rng(0))
    forward = bidirectional_forward(params, np.zeros((2, 1, 2)))
    upstream = np.zeros((2, 1, 6))
    upstream[0, 0, 4] = bad
    with pytest.raises(ValueError, match="dL_doutput holds NaN or infinite"):
        bidirectional_backward(params, forward, upstream)
    with pytest.raises(ValueError, match="dL_dh_n holds NaN or infinite"):
        bidirectional_backward(params, forward, np.zeros((2, 1, 6)), np.full((2, 1, 3), bad))


def test_bidirectional_is_stable_with_inputs_of_plus_minus_1000():
    params = init_bidirectional(2, 3, np.random.default_rng(0))
    x = np.array([[[1000.0, -1000.0]], [[-1000.0, 1000.0]]])
    forward = bidirectional_forward(params, x)
    grads = bidirectional_backward(params, forward, np.ones_like(forward.outputs))
    assert np.all(np.abs(forward.outputs) <= 1)
    assert np.all(np.isfinite(grads.dx)) and all(np.all(np.isfinite(g)) for g in grads.named().values())


def test_bidirectional_keeps_float32_throughout():
    params = init_bidirectional(2, 3, np.random.default_rng(0), dtype=np.float32)
    forward = bidirectional_forward(params, np.ones((3, 2, 2), dtype=np.float32))
    grads = bidirectional_backward(params, forward, np.ones((3, 2, 6), dtype=np.float32))
    assert forward.outputs.dtype == forward.h_n.dtype == grads.dx.dtype == np.float32


def test_bidirectional_rejects_bad_shapes_with_the_expected_shape_in_the_message():
    params = init_bidirectional(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(T, B, 3\)"):
        bidirectional_forward(params, np.zeros((5, 2, 2)))
    with pytest.raises(ValueError, match="T, B >= 1"):
        bidirectional_forward(params, np.zeros((0, 2, 3)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 2, 4\)"):
        bidirectional_forward(params, np.zeros((5, 2, 3)), h0=np.zeros((2, 4)))
    forward = bidirectional_forward(params, np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match=r"dL_doutput must have shape \(5, 2, 8\)"):
        bidirectional_backward(params, forward, np.zeros((5, 2, 4)))
    with pytest.raises(ValueError, match=r"dL_dh_n must have shape \(2, 2, 4\)"):
        bidirectional_backward(params, forward, np.zeros((5, 2, 8)), np.zeros((2, 4)))


def test_bidirectional_params_refuse_mismatched_directions_and_missing_names():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="differ in shape"):
        BidirectionalParams(init_rnn(3, 4, rng), init_rnn(3, 5, rng))
    with pytest.raises(ValueError, match="missing bidirectional RNN weights: weight_hh_l0_reverse"):
        arrays = {name: np.zeros((4, 3)) for name in TORCH_NAMES if name != "weight_hh_l0_reverse"}
        BidirectionalParams.from_state_dict(arrays)
