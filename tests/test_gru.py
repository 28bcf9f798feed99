"""GRU: cell, layer forward and BPTT equal PyTorch's GRUCell / nn.GRU and finite differences."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from seqml.gru import GRUParams, gru_backward, gru_cell, gru_forward, init_gru, update_gate_exercise
from seqml.numerics import sigmoid

FIXTURES = Path(__file__).parent / "fixtures"
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def load(name: str, dtype: str) -> dict[str, np.ndarray]:
    """PyTorch golden values of one fixture and dtype, keys without the dtype prefix."""
    with np.load(FIXTURES / name) as data:
        prefix = f"{dtype}__"
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def params_of(ref: dict[str, np.ndarray]) -> GRUParams:
    return GRUParams(*(ref[name] for name in PARAM_NAMES))


def assert_matches(actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    """float64 to 1e-10 absolute; float32 to 1e-5 relative to the array's largest entry."""
    assert actual.dtype == np.dtype(dtype)
    if dtype == "float64":
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-10)
    else:
        scale = max(float(np.max(np.abs(expected))), 1e-30)
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gru_cell_matches_torch_gru_cell(dtype):
    ref = load("neural_gru_cell.npz", dtype)
    h, cache = gru_cell(params_of(ref), ref["x"], ref["h0"])
    assert_matches(h, ref["h1"], dtype)
    assert cache.update_gate.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gru_forward_of_one_step_matches_torch_gru_cell(dtype):
    ref = load("neural_gru_cell.npz", dtype)
    forward = gru_forward(params_of(ref), ref["x"][None], ref["h0"])
    assert_matches(forward.hidden_states[0], ref["h1"], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gru_backward_of_one_step_matches_torch_gru_cell_gradients(dtype):
    ref = load("neural_gru_cell.npz", dtype)
    params = params_of(ref)
    grads = gru_backward(params, gru_forward(params, ref["x"][None], ref["h0"]), ref["grad_h"][None])
    for name in PARAM_NAMES:
        assert_matches(getattr(grads, name), ref[f"d_{name}"], dtype)
    assert_matches(grads.dx[0], ref["dx"], dtype)
    assert_matches(grads.dh0, ref["dh0"], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gru_forward_matches_torch_nn_gru(dtype):
    ref = load("neural_gru.npz", dtype)
    forward = gru_forward(params_of(ref), ref["x"], ref["h0"])
    assert_matches(forward.hidden_states, ref["output"], dtype)
    assert_matches(forward.h_last, ref["h_n"], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gru_backward_matches_torch_autograd_through_time(dtype):
    ref = load("neural_gru.npz", dtype)
    params = params_of(ref)
    forward = gru_forward(params, ref["x"], ref["h0"])
    grads = gru_backward(params, forward, ref["grad_out"], dL_dh_last=ref["grad_h_n"])
    for name in PARAM_NAMES:
        assert_matches(getattr(grads, name), ref[f"d_{name}"], dtype)
    assert_matches(grads.dx, ref["dx"], dtype)
    assert_matches(grads.dh0, ref["dh0"], dtype)


def _loss(params, x, h0, upstream, upstream_last) -> float:
    forward = gru_forward(params, x, h0)
    return float(np.sum(forward.hidden_states * upstream) + np.sum(forward.h_last * upstream_last))


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


def test_gru_backward_agrees_with_central_finite_differences():
    rng = np.random.default_rng(3)
    params = init_gru(input_size=2, hidden_size=3, rng=rng, update_bias=0.5)
    x = rng.standard_normal((4, 2, 2))
    h0 = rng.standard_normal((2, 3))
    upstream, upstream_last = rng.standard_normal((4, 2, 3)), rng.standard_normal((2, 3))
    grads = gru_backward(params, gru_forward(params, x, h0), upstream, dL_dh_last=upstream_last)

    for name in PARAM_NAMES:
        # A fresh params object per perturbation: GRUParams caches scaled weights.
        array = getattr(params, name).copy()

        def loss_of(name=name, array=array):
            perturbed = replace(params, **{name: array.copy()})
            return _loss(perturbed, x, h0, upstream, upstream_last)

        expected = _numeric_gradient(array, loss_of)
        np.testing.assert_allclose(getattr(grads, name), expected, rtol=1e-6, atol=1e-8)
    for name, array in (("dx", x), ("dh0", h0)):
        expected = _numeric_gradient(array, lambda: _loss(params, x, h0, upstream, upstream_last))
        np.testing.assert_allclose(getattr(grads, name), expected, rtol=1e-6, atol=1e-8)


def test_gru_cell_cache_holds_gates_that_satisfy_the_equations():
    rng = np.random.default_rng(4)
    params = init_gru(3, 5, rng)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 5))
    h_new, cache = gru_cell(params, x, h)
    gi = x @ params.weight_ih.T + params.bias_ih
    gh = h @ params.weight_hh.T + params.bias_hh
    r = sigmoid(gi[:, :5] + gh[:, :5])
    z = sigmoid(gi[:, 5:10] + gh[:, 5:10])
    np.testing.assert_allclose(cache.reset_gate, r, rtol=1e-13)
    np.testing.assert_allclose(cache.update_gate, z, rtol=1e-13)
    np.testing.assert_allclose(cache.candidate, np.tanh(gi[:, 10:] + r * gh[:, 10:]), rtol=1e-13)
    np.testing.assert_allclose(h_new, (1 - z) * cache.candidate + z * h, rtol=1e-13)


def test_gru_forward_equals_repeated_gru_cell_and_keeps_its_gates():
    rng = np.random.default_rng(5)
    params = init_gru(3, 4, rng, dtype=np.float32)
    x = rng.standard_normal((6, 2, 3)).astype(np.float32)
    forward = gru_forward(params, x)
    h = np.zeros((2, 4), dtype=np.float32)
    for t in range(6):
        h, cache = gru_cell(params, x[t], h)
        np.testing.assert_allclose(forward.hidden_states[t], h, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(forward.reset_gate[t], cache.reset_gate, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(forward.update_gate[t], cache.update_gate, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(forward.candidate[t], cache.candidate, rtol=1e-5, atol=1e-6)


def test_init_gru_adds_update_bias_to_the_z_slice_of_bias_ih_only():
    plain = init_gru(3, 4, np.random.default_rng(6))
    shifted = init_gru(3, 4, np.random.default_rng(6), update_bias=2.0)
    np.testing.assert_allclose(
        shifted.bias_ih - plain.bias_ih, np.r_[np.zeros(4), np.full(4, 2.0), np.zeros(4)]
    )
    np.testing.assert_array_equal(shifted.bias_hh, plain.bias_hh)
    np.testing.assert_array_equal(shifted.weight_ih, plain.weight_ih)


def test_a_large_update_bias_makes_the_gru_copy_its_old_state():
    rng = np.random.default_rng(7)
    x, h = rng.standard_normal((1, 3)), rng.uniform(-0.9, 0.9, size=(1, 4))
    h_new, cache = gru_cell(init_gru(3, 4, np.random.default_rng(8), update_bias=8.0), x, h)
    assert np.all(cache.update_gate > 0.99)
    np.testing.assert_allclose(h_new, h, atol=0.02)
    _, open_cache = gru_cell(init_gru(3, 4, np.random.default_rng(8), update_bias=-8.0), x, h)
    np.testing.assert_allclose(open_cache.h, open_cache.candidate, atol=0.02)


def test_the_gradient_passes_a_copying_step_almost_unchanged():
    # dh_{t-1} = g z + (gate paths): with z near 1 the direct path carries the whole gradient.
    x = np.random.default_rng(10).standard_normal((20, 1, 2))
    upstream = np.zeros((20, 1, 3))
    upstream[-1] = 1.0

    def gradient_on_h0(update_bias: float) -> np.ndarray:
        params = init_gru(2, 3, np.random.default_rng(9), update_bias=update_bias)
        return gru_backward(params, gru_forward(params, x), upstream).dh0

    np.testing.assert_allclose(gradient_on_h0(10.0), np.ones((1, 3)), rtol=1e-2)
    assert np.all(np.abs(gradient_on_h0(0.0)) < 1e-3)  # without copying it fades over 20 steps


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gru_is_stable_and_warning_free_with_inputs_of_plus_minus_1000(dtype):
    params = init_gru(2, 3, np.random.default_rng(9), dtype=dtype)
    x = np.array([[[1000.0, -1000.0]], [[-1000.0, 1000.0]]], dtype=dtype)
    forward = gru_forward(params, x)
    grads = gru_backward(params, forward, np.ones_like(forward.hidden_states))
    assert np.all((forward.gates >= -1) & (forward.gates <= 1))
    assert np.all(np.abs(forward.hidden_states) <= 1)
    assert np.all(np.isfinite(grads.weight_ih)) and np.all(np.isfinite(grads.dx))
    h, _ = gru_cell(params, x[0], np.zeros((1, 3), dtype=dtype))
    assert np.all(np.isfinite(h)) and h.dtype == dtype
    np.testing.assert_allclose(h, forward.hidden_states[0], atol=1e-6)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_gru_backward_refuses_non_finite_upstream_gradients(bad):
    params = init_gru(2, 3, np.random.default_rng(0))
    forward = gru_forward(params, np.zeros((2, 1, 2)))
    upstream = np.zeros((2, 1, 3))
    upstream[1, 0, 2] = bad
    with pytest.raises(ValueError, match="dL_dh holds NaN or infinite"):
        gru_backward(params, forward, upstream)
    last = np.zeros((1, 3))
    last[0, 0] = bad
    with pytest.raises(ValueError, match="dL_dh_last holds NaN or infinite"):
        gru_backward(params, forward, np.zeros((2, 1, 3)), dL_dh_last=last)


def test_gru_forward_rejects_inputs_of_the_wrong_width():
    params = init_gru(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(T, B, 3\)"):
        gru_forward(params, np.zeros((5, 2, 2)))


def test_gru_forward_rejects_an_empty_sequence():
    params = init_gru(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="T, B >= 1"):
        gru_forward(params, np.zeros((0, 2, 3)))


def test_gru_forward_and_cell_reject_states_of_the_wrong_shape():
    params = init_gru(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 4\)"):
        gru_forward(params, np.zeros((5, 2, 3)), h0=np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"h must have shape \(2, 4\)"):
        gru_cell(params, np.zeros((2, 3)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"x must have shape \(B, 3\)"):
        gru_cell(params, np.zeros(3), np.zeros((1, 4)))


def test_gru_backward_rejects_upstream_gradients_of_the_wrong_shape():
    params = init_gru(3, 4, np.random.default_rng(0))
    forward = gru_forward(params, np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match=r"dL_dh must have shape \(5, 2, 4\)"):
        gru_backward(params, forward, np.zeros((5, 4)))


def test_gru_params_reject_lstm_shaped_or_transposed_weights():
    with pytest.raises(ValueError, match=r"weight_ih \(3H, I\)"):
        GRUParams(np.zeros((16, 3)), np.zeros((16, 4)), np.zeros(16), np.zeros(16))
    with pytest.raises(ValueError, match=r"weight_ih \(3H, I\)"):
        GRUParams(np.zeros((3, 12)), np.zeros((12, 4)), np.zeros(12), np.zeros(12))


@pytest.mark.parametrize("seed", range(20))
def test_update_gate_exercise_answer_is_the_gru_update_and_every_mistake_differs(seed):
    exercise = update_gate_exercise(np.random.default_rng(seed))
    z, n, h = exercise.update_gate, exercise.candidate, exercise.h_prev
    assert z == pytest.approx(float(sigmoid(np.float64(exercise.update_preactivation))), abs=1e-15)
    assert exercise.new_state == pytest.approx((1 - z) * n + z * h, abs=1e-15)
    assert round(z, 2) == pytest.approx(z, abs=1e-12)  # a gate a person can multiply by hand
    texts = [
        f"{value:.2f}"
        for value in (
            exercise.new_state,
            exercise.swapped,
            exercise.without_copy,
            exercise.candidate_only,
            exercise.copy_only,
        )
    ]
    assert len(set(texts)) == 5


def test_update_gate_exercise_is_reproducible_from_the_generator():
    first = update_gate_exercise(np.random.default_rng(42))
    assert update_gate_exercise(np.random.default_rng(42)) == first


def test_fast_forward_activations_keep_float64_states_to_1e_13_of_the_literal_cell():
    # The layer computes tanh as 2 / (1 + exp(-2a)) - 1: accurate in absolute terms near 0.
    rng = np.random.default_rng(11)
    params = init_gru(3, 5, rng)
    x = rng.standard_normal((8, 2, 3)) * np.array([1e-6, 1.0, 30.0])  # tiny, typical and large
    forward = gru_forward(params, x)
    h = np.zeros((2, 5))
    for t in range(8):
        h, cache = gru_cell(params, x[t], h)
        np.testing.assert_allclose(forward.candidate[t], cache.candidate, rtol=0, atol=1e-13)
        np.testing.assert_allclose(forward.hidden_states[t], h, rtol=0, atol=1e-13)
