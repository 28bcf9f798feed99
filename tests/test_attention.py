"""Attention: SDPA and multi-head attention equal PyTorch's, backward passes equal finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from seqml.attention import (
    MultiheadAttentionParams,
    attention_backward,
    batched_matmul,
    causal_mask,
    init_multihead_attention,
    multihead_attention_backward,
    multihead_attention_forward,
    scaled_dot_product_attention,
)
from seqml.attention_exercise import attention_quiz_item
from seqml.positional import sinusoidal_positional_encoding

FIXTURE = Path(__file__).parent / "fixtures" / "attention.npz"
TOLERANCE = {"float64": 1e-10, "float32": 1e-5}
SDPA_CASES = ("sdpa_plain", "sdpa_causal", "sdpa_causal_wide", "sdpa_masked", "sdpa_large")
PARAM_NAMES = ("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias")


def load(dtype: str, case: str) -> dict[str, np.ndarray]:
    """The PyTorch golden values of one dtype and case, keys without the prefix."""
    prefix = f"{dtype}__{case}__"
    with np.load(FIXTURE) as data:
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def assert_close(actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    """Relative agreement at the dtype's tolerance, measured against the array's scale."""
    assert actual.dtype == np.dtype(dtype)
    scale = max(float(np.abs(expected).max()), 1.0)
    np.testing.assert_allclose(actual, expected, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype] * scale)


def numeric_gradient(array: np.ndarray, loss: Callable[[], float], step: float = 1e-6) -> np.ndarray:
    """Central differences of loss() with respect to every entry of array (changed in place)."""
    result = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + step
        plus = loss()
        array[index] = saved - step
        minus = loss()
        array[index] = saved
        result[index] = (plus - minus) / (2 * step)
    return result


# --------------------------------------------------------------------------- blocked products


@pytest.mark.parametrize(
    ("rows", "inner", "cols"), [(128, 64, 128), (100, 64, 128), (5, 3, 4), (600, 64, 512)]
)
def test_batched_matmul_in_row_blocks_equals_one_matmul(rows, inner, cols):
    rng = np.random.default_rng(9)
    a = rng.standard_normal((2, 3, inner, rows)).astype(np.float32).swapaxes(-1, -2)  # strided view
    b = rng.standard_normal((3, inner, cols)).astype(np.float32)  # broadcast over the first axis
    np.testing.assert_allclose(batched_matmul(a, b), np.matmul(a, b), rtol=1e-5, atol=1e-5)
    out = np.empty((2, 3, cols, rows), dtype=np.float32).swapaxes(-1, -2)
    assert batched_matmul(a, b, out=out) is out
    np.testing.assert_allclose(out, np.matmul(a, b), rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------- SDPA vs PyTorch


def _sdpa(ref: dict[str, np.ndarray], case: str):
    causal = case.startswith("sdpa_causal")
    return scaled_dot_product_attention(
        ref["query"], ref["key"], ref["value"], mask=ref.get("mask"), causal=causal
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", SDPA_CASES)
def test_sdpa_forward_matches_torch(case, dtype):
    ref = load(dtype, case)
    assert_close(_sdpa(ref, case).output, ref["output"], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", SDPA_CASES)
def test_sdpa_backward_matches_torch_autograd(case, dtype):
    ref = load(dtype, case)
    grads = attention_backward(_sdpa(ref, case), ref["grad_out"])
    assert_close(grads.dquery, ref["dquery"], dtype)
    assert_close(grads.dkey, ref["dkey"], dtype)
    assert_close(grads.dvalue, ref["dvalue"], dtype)


def test_fully_masked_row_gives_zero_weights_zero_output_and_is_flagged():
    ref = load("float64", "sdpa_masked")
    forward = _sdpa(ref, "sdpa_masked")
    empty = ~ref["mask"].any(axis=-1)
    assert empty.sum() == 1  # the fixture has exactly one such query
    np.testing.assert_array_equal(forward.empty_rows, empty)
    assert np.all(forward.weights[empty] == 0) and np.all(forward.output[empty] == 0)
    np.testing.assert_allclose(forward.weights[~empty].sum(axis=-1), 1.0, rtol=1e-12)
    grads = attention_backward(forward, ref["grad_out"])
    assert np.all(grads.dquery[empty] == 0) and np.isfinite(grads.dkey).all()


def test_causal_weights_are_zero_above_the_diagonal_and_rows_sum_to_one():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((3, 6, 4)) for _ in range(3))
    forward = scaled_dot_product_attention(q, k, v, causal=True)
    above = ~np.tri(6, 6, dtype=bool)
    assert np.all(forward.weights[:, above] == 0)
    np.testing.assert_allclose(forward.weights.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(forward.output[:, 0], v[:, 0], rtol=1e-12)  # first query sees only key 0


def test_causal_mask_is_top_left_aligned_like_torch_is_causal():
    np.testing.assert_array_equal(causal_mask(3, 2), [[True, False], [True, True], [True, True]])
    np.testing.assert_array_equal(causal_mask(2, 3), [[True, False, False], [True, True, False]])


def test_mask_and_causal_combine_by_and():
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal((4, 3)) for _ in range(3))
    mask = np.ones((4, 4), dtype=bool)
    mask[:, 0] = False
    forward = scaled_dot_product_attention(q, k, v, mask=mask, causal=True)
    np.testing.assert_array_equal(forward.empty_rows, [True, False, False, False])
    assert np.all(forward.weights[:, 0] == 0) and np.all(np.triu(forward.weights, 1) == 0)


def test_scores_of_thousands_neither_overflow_nor_warn():
    q = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    v = np.arange(6.0).reshape(3, 2)
    forward = scaled_dot_product_attention(q, k, v)  # pytest -W error turns any overflow into a failure
    # Scores 707 apart: the losers get exp(-707) ~ 1e-307 (finite, tiny) and the winner exactly 1.
    np.testing.assert_allclose(forward.weights, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], rtol=0, atol=1e-300)
    np.testing.assert_allclose(forward.output, v[:2], rtol=1e-15, atol=1e-300)


def test_scores_that_overflow_float32_raise_instead_of_turning_into_nan():
    big = np.full((2, 2), 1e20, dtype=np.float32)
    with pytest.raises(ValueError, match="overflowed"):
        scaled_dot_product_attention(big, big, big)
    with pytest.raises(ValueError, match="overflowed"):  # -inf from overflow is not an empty mask row
        scaled_dot_product_attention(big, -big, big)
    params = init_multihead_attention(2, 1, np.random.default_rng(0), dtype=np.float32)
    with pytest.raises(ValueError, match="overflowed"):
        multihead_attention_forward(params, np.full((1, 2, 2), 1e30, dtype=np.float32))


def test_integer_input_is_computed_in_float64_and_float32_stays_float32():
    ints = np.arange(6).reshape(2, 3)
    assert scaled_dot_product_attention(ints, ints, ints).output.dtype == np.float64
    f32 = ints.astype(np.float32)
    assert scaled_dot_product_attention(f32, f32, f32).output.dtype == np.float32


# --------------------------------------------------------------------------- SDPA vs finite differences


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_backward_agrees_with_central_finite_differences(causal):
    rng = np.random.default_rng(2)
    q, k, v = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 2))
    mask = rng.random((2, 4, 4)) > 0.3
    mask[..., 0] = True
    upstream = rng.standard_normal((2, 4, 2))

    def loss() -> float:
        return float(
            np.sum(scaled_dot_product_attention(q, k, v, mask=mask, causal=causal).output * upstream)
        )

    grads = attention_backward(scaled_dot_product_attention(q, k, v, mask=mask, causal=causal), upstream)
    for array, grad in ((q, grads.dquery), (k, grads.dkey), (v, grads.dvalue)):
        np.testing.assert_allclose(grad, numeric_gradient(array, loss), rtol=1e-6, atol=1e-9)


def test_sdpa_backward_with_a_custom_scale_agrees_with_finite_differences():
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal((3, 2)) for _ in range(3))
    upstream = rng.standard_normal((3, 2))

    def loss() -> float:
        return float(np.sum(scaled_dot_product_attention(q, k, v, scale=0.3).output * upstream))

    grads = attention_backward(scaled_dot_product_attention(q, k, v, scale=0.3), upstream)
    np.testing.assert_allclose(grads.dquery, numeric_gradient(q, loss), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grads.dkey, numeric_gradient(k, loss), rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------- SDPA errors


def test_non_finite_upstream_gradient_raises_value_error():
    forward = scaled_dot_product_attention(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="d_output contains NaN or inf"):
        attention_backward(forward, np.array([[1.0, np.nan], [0.0, 0.0]]))


def test_non_finite_input_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="key contains NaN or inf"):
        scaled_dot_product_attention(np.ones((2, 2)), np.array([[np.inf, 0], [0, 0]]), np.ones((2, 2)))


@pytest.mark.parametrize(
    ("q_shape", "k_shape", "v_shape", "message"),
    [
        ((3,), (3,), (3,), "dimensions"),
        ((2, 3, 4), (2, 5, 3), (2, 5, 4), "same width d_k"),
        ((2, 3, 4), (2, 5, 4), (2, 6, 4), "same length T_k"),
        ((2, 3, 4), (1, 5, 4), (1, 5, 4), "leading"),
    ],
)
def test_sdpa_rejects_mismatched_shapes_up_front(q_shape, k_shape, v_shape, message):
    with pytest.raises(ValueError, match=message):
        scaled_dot_product_attention(np.zeros(q_shape), np.zeros(k_shape), np.zeros(v_shape))


def test_float_masks_are_refused_rather_than_misread():
    x = np.zeros((2, 2))
    with pytest.raises(ValueError, match="mask must be boolean"):
        scaled_dot_product_attention(x, x, x, mask=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="does not broadcast"):
        scaled_dot_product_attention(x, x, x, mask=np.ones((3, 3), dtype=bool))


def test_backward_rejects_an_upstream_gradient_of_the_wrong_shape():
    forward = scaled_dot_product_attention(np.ones((2, 2)), np.ones((3, 2)), np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"shape \(2, 4\)"):
        attention_backward(forward, np.ones((2, 2)))


# --------------------------------------------------------------------------- MHA vs PyTorch


def _params(ref: dict[str, np.ndarray], heads: int) -> MultiheadAttentionParams:
    return MultiheadAttentionParams(*(ref[name] for name in PARAM_NAMES), num_heads=heads)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mha_cross_attention_matches_torch_outputs_weights_and_gradients(dtype):
    ref = load(dtype, "mha_cross")
    params = _params(ref, heads=2)
    forward = multihead_attention_forward(params, ref["query"], ref["key"], ref["value"])
    assert_close(forward.output, ref["output"], dtype)
    assert_close(forward.weights, ref["weights"], dtype)
    assert_close(forward.average_weights, ref["weights_averaged"], dtype)
    grads = multihead_attention_backward(params, forward, ref["grad_out"])
    for name in ("dquery", "dkey", "dvalue"):
        assert_close(getattr(grads, name), ref[name], dtype)
    for name in PARAM_NAMES:
        assert_close(getattr(grads, name), ref[f"d_{name}"], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mha_causal_self_attention_matches_torch_with_its_inverted_mask(dtype):
    ref = load(dtype, "mha_self_causal")
    params = _params(ref, heads=3)
    x = ref["x"]
    forward = multihead_attention_forward(params, x, causal=True)
    assert_close(forward.output, ref["output"], dtype)
    assert_close(forward.weights, ref["weights"], dtype)
    assert_close(forward.average_weights, ref["weights_averaged"], dtype)
    grads = multihead_attention_backward(params, forward, ref["grad_out"])
    assert_close(grads.dquery + grads.dkey + grads.dvalue, ref["dx"], dtype)  # one x fed all three
    for name in PARAM_NAMES:
        assert_close(getattr(grads, name), ref[f"d_{name}"], dtype)
    # The same mask given explicitly (True = may attend) is PyTorch's attn_mask negated.
    explicit = multihead_attention_forward(params, x, mask=np.tri(5, dtype=bool))
    np.testing.assert_array_equal(explicit.weights, forward.weights)


def test_mha_fused_self_attention_path_equals_three_separate_projections():
    rng = np.random.default_rng(4)
    params = init_multihead_attention(8, 4, rng)
    params = replace(params, in_proj_bias=rng.standard_normal(24))
    x = rng.standard_normal((2, 5, 8))
    fused = multihead_attention_forward(params, x)
    separate = multihead_attention_forward(params, x, x.copy(), x.copy())
    np.testing.assert_allclose(fused.output, separate.output, rtol=1e-12, atol=1e-14)


def test_mha_mask_per_sequence_applies_to_its_own_sequence_in_every_head():
    rng = np.random.default_rng(8)
    params = init_multihead_attention(4, 2, rng)
    x = rng.standard_normal((2, 3, 4))
    mask = np.ones((2, 3, 3), dtype=bool)
    mask[0, :, 2] = False  # sequence 0 may not look at its last word; sequence 1 sees everything
    forward = multihead_attention_forward(params, x, mask=mask)
    assert np.all(forward.weights[0, :, :, 2] == 0) and np.all(forward.weights[1] > 0)
    np.testing.assert_array_equal(
        forward.weights, multihead_attention_forward(params, x, mask=mask[:, None]).weights
    )


# --------------------------------------------------------------------------- MHA vs finite differences


def test_mha_backward_agrees_with_central_finite_differences():
    rng = np.random.default_rng(5)
    params = init_multihead_attention(6, 2, rng)
    params = replace(params, in_proj_bias=rng.standard_normal(18), out_proj_bias=rng.standard_normal(6))
    query, key, value = (
        rng.standard_normal((2, 3, 6)),
        rng.standard_normal((2, 4, 6)),
        rng.standard_normal((2, 4, 6)),
    )
    mask = rng.random((3, 4)) > 0.3
    mask[:, 0] = True
    upstream = rng.standard_normal((2, 3, 6))

    def loss() -> float:
        forward = multihead_attention_forward(params, query, key, value, mask=mask)
        return float(np.sum(forward.output * upstream))

    grads = multihead_attention_backward(
        params, multihead_attention_forward(params, query, key, value, mask=mask), upstream
    )
    for name, array in (("dquery", query), ("dkey", key), ("dvalue", value)):
        np.testing.assert_allclose(getattr(grads, name), numeric_gradient(array, loss), rtol=1e-6, atol=1e-9)
    for name in PARAM_NAMES:
        array = getattr(params, name)
        np.testing.assert_allclose(getattr(grads, name), numeric_gradient(array, loss), rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------- MHA shapes and init


def test_init_multihead_attention_follows_torch_bounds_and_zero_biases():
    rng = np.random.default_rng(6)
    params = init_multihead_attention(16, 4, rng, dtype=np.float32)
    assert params.in_proj_weight.shape == (48, 16) and params.in_proj_weight.dtype == np.float32
    assert np.abs(params.in_proj_weight).max() <= math.sqrt(6 / 64)
    assert np.abs(params.out_proj_weight).max() <= 1 / math.sqrt(16)
    assert not params.in_proj_bias.any() and not params.out_proj_bias.any()
    assert params.head_dim == 4


def test_mha_refuses_a_width_not_divisible_by_the_heads():
    with pytest.raises(ValueError, match="multiple of num_heads"):
        init_multihead_attention(10, 3, np.random.default_rng(0))


def test_mha_refuses_inputs_of_the_wrong_width_or_batch():
    params = init_multihead_attention(4, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"query must have shape \(B, L, 4\)"):
        multihead_attention_forward(params, np.zeros((1, 3, 5)))
    with pytest.raises(ValueError, match=r"key must have shape \(1, S, 4\)"):
        multihead_attention_forward(params, np.zeros((1, 3, 4)), np.zeros((2, 3, 4)), np.zeros((2, 3, 4)))


def test_mha_backward_rejects_non_finite_upstream_gradients():
    params = init_multihead_attention(4, 2, np.random.default_rng(0))
    forward = multihead_attention_forward(params, np.ones((1, 2, 4)))
    with pytest.raises(ValueError, match="d_output contains NaN or inf"):
        multihead_attention_backward(params, forward, np.full((1, 2, 4), np.inf))


# --------------------------------------------------------------------------- positional encodings


@pytest.mark.parametrize("d_model", [6, 7])
def test_positional_encoding_follows_the_paper_sin_even_cos_odd(d_model):
    table = sinusoidal_positional_encoding(9, d_model)
    assert table.shape == (9, d_model)
    for pos in range(9):
        for dim in range(d_model):
            angle = pos / 10000 ** ((dim - dim % 2) / d_model)
            expected = math.sin(angle) if dim % 2 == 0 else math.cos(angle)
            assert table[pos, dim] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_positional_encoding_shift_is_a_rotation_of_each_sin_cos_pair():
    table = sinusoidal_positional_encoding(20, 8)
    shift = 3
    for pair in range(4):
        frequency = 1 / 10000 ** (2 * pair / 8)
        c, s = math.cos(shift * frequency), math.sin(shift * frequency)
        sin_now, cos_now = table[:-shift, 2 * pair], table[:-shift, 2 * pair + 1]
        np.testing.assert_allclose(table[shift:, 2 * pair], sin_now * c + cos_now * s, atol=1e-12)
        np.testing.assert_allclose(table[shift:, 2 * pair + 1], cos_now * c - sin_now * s, atol=1e-12)


def test_positional_encoding_keeps_the_requested_dtype_and_refuses_empty_tables():
    assert sinusoidal_positional_encoding(3, 4, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match=">= 1"):
        sinusoidal_positional_encoding(0, 4)


# --------------------------------------------------------------------------- quiz helper


@pytest.mark.parametrize("seed", range(20))
def test_quiz_item_answer_is_the_softmax_of_the_scaled_dot_products(seed):
    item = attention_quiz_item(np.random.default_rng(seed))
    q = item.queries[item.query_index]
    by_hand = [float(q @ k) / 2 for k in item.keys]  # d = 4, sqrt(d) = 2
    np.testing.assert_allclose(item.scores, by_hand, rtol=1e-15)
    exps = [math.exp(s) for s in by_hand]
    assert item.best_weight == pytest.approx(max(exps) / sum(exps), rel=1e-12)
    assert item.best_key == by_hand.index(max(by_hand))
    assert sorted(by_hand)[-1] - sorted(by_hand)[-2] >= 1  # a clear winner, not a near tie
    assert item.queries.min() >= -2 and item.queries.max() <= 2 and item.queries.dtype.kind == "i"
    assert item.raw_score == 2 * max(by_hand)
    assert item.unscaled_weight > item.best_weight  # forgetting 1/sqrt(d) sharpens the softmax


def test_quiz_item_is_reproducible_from_the_seed():
    first = attention_quiz_item(np.random.default_rng(7))
    second = attention_quiz_item(np.random.default_rng(7))
    np.testing.assert_array_equal(first.queries, second.queries)
    assert first.best_weight == second.best_weight


def test_quiz_item_refuses_a_single_token():
    with pytest.raises(ValueError, match="tokens >= 2"):
        attention_quiz_item(np.random.default_rng(0), tokens=1)
