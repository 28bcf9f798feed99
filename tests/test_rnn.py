"""Elman RNN: forward and BPTT equal PyTorch's nn.RNN, and BPTT equals finite differences."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from seqml.rnn import RNNParams, init_rnn, rnn_backward, rnn_forward

FIXTURE = Path(__file__).parent / "fixtures" / "neural_rnn.npz"
TOLERANCE = {"float64": 1e-10, "float32": 1e-5}
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def load(dtype: str) -> dict[str, np.ndarray]:
    """The PyTorch golden values of one dtype, keys without the dtype prefix."""
    with np.load(FIXTURE) as data:
        prefix = f"{dtype}__"
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rnn_forward_matches_torch_nn_rnn(dtype):
    ref = load(dtype)
    params = RNNParams(*(ref[name] for name in PARAM_NAMES))
    forward = rnn_forward(params, ref["x"], ref["h0"])
    assert forward.hidden_states.dtype == np.dtype(dtype)
    atol = TOLERANCE[dtype]
    np.testing.assert_allclose(forward.hidden_states, ref["output"], rtol=0, atol=atol)
    np.testing.assert_allclose(forward.h_last, ref["h_n"], rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rnn_backward_matches_torch_autograd(dtype):
    ref = load(dtype)
    params = RNNParams(*(ref[name] for name in PARAM_NAMES))
    forward = rnn_forward(params, ref["x"], ref["h0"])
    grads = rnn_backward(params, forward, ref["grad_out"])
    atol = TOLERANCE[dtype]
    for name in PARAM_NAMES:
        np.testing.assert_allclose(getattr(grads, name), ref[f"d_{name}"], rtol=0, atol=atol)
        assert getattr(grads, name).dtype == np.dtype(dtype)
    np.testing.assert_allclose(grads.dx, ref["dx"], rtol=0, atol=atol)
    np.testing.assert_allclose(grads.dh0, ref["dh0"], rtol=0, atol=atol)


def _loss(params: RNNParams, x: np.ndarray, h0: np.ndarray, upstream: np.ndarray) -> float:
    return float(np.sum(rnn_forward(params, x, h0).hidden_states * upstream))


def test_rnn_backward_agrees_with_central_finite_differences():
    rng = np.random.default_rng(1)
    params = init_rnn(input_size=2, hidden_size=3, rng=rng)
    x, h0 = rng.standard_normal((4, 2, 2)), rng.standard_normal((2, 3))
    upstream = rng.standard_normal((4, 2, 3))
    grads = rnn_backward(params, rnn_forward(params, x, h0), upstream)
    step = 1e-6

    def numeric(array: np.ndarray, loss_of) -> np.ndarray:
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

    for name in PARAM_NAMES:
        copy = replace(params, **{name: getattr(params, name).copy()})
        expected = numeric(getattr(copy, name), lambda copy=copy: _loss(copy, x, h0, upstream))
        np.testing.assert_allclose(getattr(grads, name), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(
        grads.dx, numeric(x, lambda: _loss(params, x, h0, upstream)), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        grads.dh0, numeric(h0, lambda: _loss(params, x, h0, upstream)), rtol=1e-6, atol=1e-8
    )


def test_rnn_forward_keeps_one_hidden_state_per_timestep():
    params = init_rnn(3, 5, np.random.default_rng(0))
    forward = rnn_forward(params, np.zeros((7, 2, 3)))
    assert forward.hidden_states.shape == (7, 2, 5)
    assert forward.h0.shape == (2, 5) and not forward.h0.any()


def test_rnn_hidden_grads_at_the_last_step_equal_the_upstream_gradient():
    rng = np.random.default_rng(2)
    params = init_rnn(3, 4, rng)
    forward = rnn_forward(params, rng.standard_normal((5, 1, 3)))
    upstream = rng.standard_normal((5, 1, 4))
    grads = rnn_backward(params, forward, upstream)
    np.testing.assert_array_equal(grads.hidden_grads[-1], upstream[-1])


def test_rnn_forward_is_stable_with_inputs_of_plus_minus_1000():
    params = init_rnn(2, 3, np.random.default_rng(0))
    x = np.array([[[1000.0, -1000.0]], [[-1000.0, 1000.0]]])
    forward = rnn_forward(params, x)
    grads = rnn_backward(params, forward, np.ones_like(forward.hidden_states))
    assert np.all(np.abs(forward.hidden_states) <= 1)
    assert np.all(np.isfinite(grads.weight_hh)) and np.all(np.isfinite(grads.dx))


def test_init_rnn_uses_torch_bounds_and_requested_dtype():
    params = init_rnn(4, 16, np.random.default_rng(0), dtype=np.float32)
    assert params.weight_ih.shape == (16, 4) and params.weight_hh.shape == (16, 16)
    assert params.weight_hh.dtype == np.float32
    assert np.abs(params.weight_hh).max() <= 0.25


def test_rnn_forward_rejects_inputs_of_the_wrong_width():
    params = init_rnn(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(T, B, 3\)"):
        rnn_forward(params, np.zeros((5, 2, 4)))


def test_rnn_forward_rejects_an_empty_sequence():
    params = init_rnn(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="T, B >= 1"):
        rnn_forward(params, np.zeros((0, 2, 3)))


def test_rnn_forward_rejects_an_initial_state_of_the_wrong_shape():
    params = init_rnn(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 4\)"):
        rnn_forward(params, np.zeros((5, 2, 3)), h0=np.zeros((4,)))


def test_rnn_forward_casts_the_input_to_the_parameters_dtype():
    rng = np.random.default_rng(31)
    params = init_rnn(3, 4, rng, dtype=np.float32)
    x = rng.normal(size=(5, 2, 3))  # float64, as NumPy makes it
    forward = rnn_forward(params, x)
    assert forward.inputs.dtype == forward.hidden_states.dtype == np.float32
    cast = rnn_forward(params, x.astype(np.float32))
    np.testing.assert_array_equal(forward.hidden_states, cast.hidden_states)
    grads = rnn_backward(params, forward, np.ones((5, 2, 4), dtype=np.float32))
    assert grads.weight_ih.dtype == np.float32
