"""LSTM: step, layer forward and BPTT equal PyTorch's LSTMCell / nn.LSTM and finite differences."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from seqml.lstm import LSTMParams, init_lstm, lstm_backward, lstm_cell, lstm_forward, lstm_step
from seqml.numerics import sigmoid

FIXTURES = Path(__file__).parent / "fixtures"
TOLERANCE = {"float64": 1e-10, "float32": 1e-5}
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def load(name: str, dtype: str) -> dict[str, np.ndarray]:
    """PyTorch golden values of one fixture and dtype, keys without the dtype prefix."""
    with np.load(FIXTURES / name) as data:
        prefix = f"{dtype}__"
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def params_of(ref: dict[str, np.ndarray]) -> LSTMParams:
    return LSTMParams(*(ref[name] for name in PARAM_NAMES))


def assert_param_grads(grads, ref: dict[str, np.ndarray], atol: float) -> None:
    for name in PARAM_NAMES:
        np.testing.assert_allclose(getattr(grads, name), ref[f"d_{name}"], rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lstm_step_matches_torch_lstm_cell(dtype):
    ref = load("neural_lstm_cell.npz", dtype)
    h, c, cache = lstm_step(params_of(ref), ref["x"], ref["h0"], ref["c0"])
    assert h.dtype == c.dtype == np.dtype(dtype)
    np.testing.assert_allclose(h, ref["h1"], rtol=0, atol=TOLERANCE[dtype])
    np.testing.assert_allclose(c, ref["c1"], rtol=0, atol=TOLERANCE[dtype])
    assert cache.forget_gate.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lstm_cell_written_as_the_equations_matches_torch_lstm_cell(dtype):
    ref = load("neural_lstm_cell.npz", dtype)
    out = lstm_cell(ref["x"], ref["h0"], ref["c0"], *(ref[name] for name in PARAM_NAMES))
    assert out.h.dtype == out.c.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out.h, ref["h1"], rtol=0, atol=TOLERANCE[dtype])
    np.testing.assert_allclose(out.c, ref["c1"], rtol=0, atol=TOLERANCE[dtype])


def test_fast_lstm_step_equals_the_equations_of_lstm_cell_in_float64():
    rng = np.random.default_rng(11)
    params = init_lstm(5, 7, rng, forget_bias=1.0)
    x, h, c = rng.normal(size=(4, 5)), rng.normal(size=(4, 7)), 3 * rng.normal(size=(4, 7))
    h_t, c_t, cache = lstm_step(params, x, h, c)
    out = lstm_cell(x, h, c, params.weight_ih, params.weight_hh, params.bias_ih, params.bias_hh)
    for fast, plain in (
        (cache.input_gate, out.input_gate),
        (cache.forget_gate, out.forget_gate),
        (cache.candidate, out.candidate),
        (cache.output_gate, out.output_gate),
        (c_t, out.c),
        (h_t, out.h),
    ):
        np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-12)


def test_fast_lstm_forward_equals_lstm_cell_applied_step_by_step_in_float64():
    rng = np.random.default_rng(12)
    params = init_lstm(3, 6, rng)
    x = 2 * rng.normal(size=(9, 2, 3))
    h, c = rng.normal(size=(2, 6)), rng.normal(size=(2, 6))
    forward = lstm_forward(params, x, h, c)
    for t in range(x.shape[0]):
        out = lstm_cell(x[t], h, c, params.weight_ih, params.weight_hh, params.bias_ih, params.bias_hh)
        np.testing.assert_allclose(forward.forget_gate[t], out.forget_gate, rtol=0, atol=1e-12)
        np.testing.assert_allclose(forward.cell_states[t], out.c, rtol=0, atol=1e-12)
        np.testing.assert_allclose(forward.hidden_states[t], out.h, rtol=0, atol=1e-12)
        h, c = out.h, out.c


def test_lstm_cell_names_the_shape_it_expected():
    params = init_lstm(3, 2, np.random.default_rng(0))
    weights = (params.weight_ih, params.weight_hh, params.bias_ih, params.bias_hh)
    with pytest.raises(ValueError, match=r"x must have shape \(B, 3\)"):
        lstm_cell(np.zeros((1, 4)), np.zeros((1, 2)), np.zeros((1, 2)), *weights)
    with pytest.raises(ValueError, match=r"h and c must have shape \(1, 2\)"):
        lstm_cell(np.zeros((1, 3)), np.zeros((2, 2)), np.zeros((1, 2)), *weights)


def test_lstm_cell_is_stable_at_large_pre_activations():
    params = init_lstm(1, 2, np.random.default_rng(0))
    out = lstm_cell(
        np.full((1, 1), 1000.0),
        np.zeros((1, 2)),
        np.zeros((1, 2)),
        params.weight_ih,
        params.weight_hh,
        params.bias_ih,
        params.bias_hh,
    )
    assert np.all(np.isfinite(out.h)) and np.all((out.forget_gate >= 0) & (out.forget_gate <= 1))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lstm_backward_of_one_step_matches_torch_lstm_cell_gradients(dtype):
    ref = load("neural_lstm_cell.npz", dtype)
    params = params_of(ref)
    forward = lstm_forward(params, ref["x"][None], ref["h0"], ref["c0"])
    grads = lstm_backward(params, forward, ref["grad_h"][None], dL_dc_last=ref["grad_c"])
    atol = TOLERANCE[dtype]
    assert_param_grads(grads, ref, atol)
    np.testing.assert_allclose(grads.dx[0], ref["dx"], rtol=0, atol=atol)
    np.testing.assert_allclose(grads.dh0, ref["dh0"], rtol=0, atol=atol)
    np.testing.assert_allclose(grads.dc0, ref["dc0"], rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lstm_forward_matches_torch_nn_lstm(dtype):
    ref = load("neural_lstm.npz", dtype)
    forward = lstm_forward(params_of(ref), ref["x"], ref["h0"], ref["c0"])
    atol = TOLERANCE[dtype]
    assert forward.hidden_states.dtype == np.dtype(dtype)
    np.testing.assert_allclose(forward.hidden_states, ref["output"], rtol=0, atol=atol)
    np.testing.assert_allclose(forward.h_last, ref["h_n"], rtol=0, atol=atol)
    np.testing.assert_allclose(forward.c_last, ref["c_n"], rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lstm_backward_matches_torch_autograd_through_time(dtype):
    ref = load("neural_lstm.npz", dtype)
    params = params_of(ref)
    forward = lstm_forward(params, ref["x"], ref["h0"], ref["c0"])
    grads = lstm_backward(params, forward, ref["grad_out"], dL_dc_last=ref["grad_c"])
    atol = TOLERANCE[dtype]
    assert_param_grads(grads, ref, atol)
    assert grads.weight_hh.dtype == np.dtype(dtype)
    np.testing.assert_allclose(grads.dx, ref["dx"], rtol=0, atol=atol)
    np.testing.assert_allclose(grads.dh0, ref["dh0"], rtol=0, atol=atol)
    np.testing.assert_allclose(grads.dc0, ref["dc0"], rtol=0, atol=atol)


def _loss(params, x, h0, c0, upstream, upstream_c) -> float:
    forward = lstm_forward(params, x, h0, c0)
    return float(np.sum(forward.hidden_states * upstream) + np.sum(forward.c_last * upstream_c))


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


def test_lstm_backward_agrees_with_central_finite_differences():
    rng = np.random.default_rng(3)
    params = init_lstm(input_size=2, hidden_size=3, rng=rng, forget_bias=0.5)
    x = rng.standard_normal((4, 2, 2))
    h0, c0 = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    upstream, upstream_c = rng.standard_normal((4, 2, 3)), rng.standard_normal((2, 3))
    forward = lstm_forward(params, x, h0, c0)
    grads = lstm_backward(params, forward, upstream, dL_dc_last=upstream_c)

    for name in PARAM_NAMES:
        # A fresh params object per perturbation: LSTMParams caches transposed weights.
        array = getattr(params, name).copy()

        def loss_of(name=name, array=array):
            perturbed = replace(params, **{name: array.copy()})
            return _loss(perturbed, x, h0, c0, upstream, upstream_c)

        expected = _numeric_gradient(array, loss_of)
        np.testing.assert_allclose(getattr(grads, name), expected, rtol=1e-6, atol=1e-8)
    for name, array in (("dx", x), ("dh0", h0), ("dc0", c0)):
        expected = _numeric_gradient(array, lambda: _loss(params, x, h0, c0, upstream, upstream_c))
        np.testing.assert_allclose(getattr(grads, name), expected, rtol=1e-6, atol=1e-8)


def test_lstm_step_cache_exposes_gates_that_satisfy_the_cell_equations():
    rng = np.random.default_rng(4)
    params = init_lstm(3, 5, rng)
    x, h_prev, c_prev = (rng.standard_normal(shape) for shape in ((2, 3), (2, 5), (2, 5)))
    h, c, cache = lstm_step(params, x, h_prev, c_prev)
    a = x @ params.weight_ih.T + params.bias_ih + h_prev @ params.weight_hh.T + params.bias_hh
    i, f, g, o = np.split(a, 4, axis=1)
    np.testing.assert_allclose(cache.input_gate, sigmoid(i), rtol=1e-13)
    np.testing.assert_allclose(cache.forget_gate, sigmoid(f), rtol=1e-13)
    np.testing.assert_allclose(cache.candidate, np.tanh(g), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(cache.output_gate, sigmoid(o), rtol=1e-13)
    np.testing.assert_allclose(c, cache.forget_gate * c_prev + cache.input_gate * cache.candidate)
    np.testing.assert_allclose(h, cache.output_gate * np.tanh(c))


def test_lstm_forward_equals_repeated_lstm_step():
    rng = np.random.default_rng(5)
    params = init_lstm(3, 4, rng, dtype=np.float32)
    x = rng.standard_normal((6, 2, 3)).astype(np.float32)
    forward = lstm_forward(params, x)
    h = c = np.zeros((2, 4), dtype=np.float32)
    for t in range(6):
        h, c, cache = lstm_step(params, x[t], h, c)
        np.testing.assert_allclose(forward.hidden_states[t], h, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(forward.forget_gate[t], cache.forget_gate, rtol=1e-6)


def test_init_lstm_adds_forget_bias_to_the_f_slice_of_bias_ih_only():
    plain = init_lstm(3, 4, np.random.default_rng(6))
    shifted = init_lstm(3, 4, np.random.default_rng(6), forget_bias=2.0)
    difference = shifted.bias_ih - plain.bias_ih
    np.testing.assert_allclose(difference, np.r_[np.zeros(4), np.full(4, 2.0), np.zeros(8)])
    np.testing.assert_array_equal(shifted.bias_hh, plain.bias_hh)


def test_forget_bias_raises_the_forget_gate_towards_one():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1, 3))
    zeros = np.zeros((1, 4))
    _, _, low = lstm_step(init_lstm(3, 4, np.random.default_rng(8)), x, zeros, zeros)
    _, _, high = lstm_step(init_lstm(3, 4, np.random.default_rng(8), forget_bias=5.0), x, zeros, zeros)
    assert np.all(high.forget_gate > 0.98) and np.all(high.forget_gate > low.forget_gate)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lstm_is_stable_and_warning_free_with_inputs_of_plus_minus_1000(dtype):
    params = init_lstm(2, 3, np.random.default_rng(9), dtype=dtype)
    x = np.array([[[1000.0, -1000.0]], [[-1000.0, 1000.0]]], dtype=dtype)
    forward = lstm_forward(params, x)
    grads = lstm_backward(params, forward, np.ones_like(forward.hidden_states))
    gates = forward.gates
    assert np.all((gates >= -1) & (gates <= 1)) and np.all(np.isfinite(forward.cell_states))
    assert np.all(np.isfinite(grads.weight_ih)) and np.all(np.isfinite(grads.dx))
    assert forward.hidden_states.dtype == dtype


def test_lstm_forward_rejects_inputs_of_the_wrong_width():
    params = init_lstm(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(T, B, 3\)"):
        lstm_forward(params, np.zeros((5, 2, 2)))


def test_lstm_forward_rejects_an_empty_sequence():
    params = init_lstm(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="T, B >= 1"):
        lstm_forward(params, np.zeros((0, 2, 3)))


def test_lstm_forward_rejects_initial_states_of_the_wrong_shape():
    params = init_lstm(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"h0 and c0 must have shape \(2, 4\)"):
        lstm_forward(params, np.zeros((5, 2, 3)), h0=np.zeros((2, 5)))


def test_an_in_place_weight_update_is_used_by_the_next_forward_and_step():
    rng = np.random.default_rng(21)
    params = init_lstm(3, 4, rng)
    x = rng.normal(size=(5, 2, 3))
    lstm_forward(params, x)  # a first call, as a training loop makes before it updates
    lstm_step(params, x[0], np.zeros((2, 4)), np.zeros((2, 4)))
    params.weight_hh[...] *= 3.0  # an optimiser step, in place
    params.bias_ih[:4] += 1.0
    fresh = LSTMParams(*(getattr(params, name).copy() for name in PARAM_NAMES))
    np.testing.assert_array_equal(lstm_forward(params, x).hidden_states, lstm_forward(fresh, x).hidden_states)
    h, _, _ = lstm_step(params, x[0], np.ones((2, 4)), np.zeros((2, 4)))
    np.testing.assert_array_equal(h, lstm_step(fresh, x[0], np.ones((2, 4)), np.zeros((2, 4)))[0])


def test_lstm_step_refuses_a_state_it_would_have_to_broadcast_over_the_batch():
    params = init_lstm(3, 4, np.random.default_rng(0))
    x = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"h_prev and c_prev must have shape \(3, 4\), got \(1, 4\)"):
        lstm_step(params, x, np.zeros((1, 4)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"must have shape \(3, 4\), got \(3, 4\) and \(4,\)"):
        lstm_step(params, x, np.zeros((3, 4)), np.zeros(4))


def test_lstm_backward_refuses_a_cell_gradient_it_would_have_to_broadcast():
    params = init_lstm(3, 4, np.random.default_rng(0))
    forward = lstm_forward(params, np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match=r"dL_dc_last must have shape \(3, 4\), got \(4,\)"):
        lstm_backward(params, forward, np.zeros((2, 3, 4)), dL_dc_last=np.zeros(4))
