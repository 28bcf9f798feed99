"""Clipping equals PyTorch's clip_grad_norm_ / clip_grad_value_ and fails loudly where torch is silent."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from seqml.clipping import (
    NonFiniteGradientError,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    global_norm,
    vector_norm,
)

FIXTURE = Path(__file__).parent / "fixtures" / "neural_clipping.npz"
TOLERANCE = {"float64": 1e-10, "float32": 1e-5}
P_VALUES = {"2": 2.0, "1": 1.0, "inf": math.inf}


def load(dtype: str) -> dict[str, np.ndarray]:
    """Golden values of one dtype, keys without the dtype prefix."""
    with np.load(FIXTURE) as data:
        prefix = f"{dtype}__"
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def grads_of(ref: dict[str, np.ndarray], prefix: str = "") -> list[np.ndarray]:
    return [ref[f"{prefix}grad{i}"] for i in range(3)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("p_name", ["2", "1", "inf"])
@pytest.mark.parametrize("case", ["clipped", "unclipped"])
def test_clip_by_global_norm_matches_torch_clip_grad_norm(dtype, p_name, case):
    ref = load(dtype)
    key = f"norm_p{p_name}_{case}__"
    originals = grads_of(ref)
    before = [g.copy() for g in originals]
    result = clip_by_global_norm(originals, float(ref[f"{key}max_norm"]), p=P_VALUES[p_name])
    atol = TOLERANCE[dtype]
    assert result.total_norm == pytest.approx(float(ref[f"{key}total"]), rel=atol)
    for ours, theirs in zip(result.grads, grads_of(ref, key), strict=True):
        assert ours.dtype == np.dtype(dtype)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=atol)
    assert result.clipped == (case == "clipped")
    for original, saved in zip(originals, before, strict=True):
        np.testing.assert_array_equal(original, saved)  # inputs untouched


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_clip_by_value_matches_torch_clip_grad_value(dtype):
    ref = load(dtype)
    clipped = clip_by_value(grads_of(ref), float(ref["value__clip_value"]))
    for ours, theirs in zip(clipped, grads_of(ref, "value__"), strict=True):
        assert ours.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(ours, theirs)


def test_clip_by_global_norm_with_eps_zero_lands_exactly_on_max_norm():
    grads = [np.array([3.0, 4.0]), np.array([12.0])]  # joint 2-norm 13
    result = clip_by_global_norm(grads, 1.0, eps=0.0)
    assert result.total_norm == 13.0 and result.scale == 1 / 13
    assert global_norm(result.grads) == pytest.approx(1.0, rel=1e-15)


def test_clip_by_global_norm_default_eps_lands_just_below_max_norm_like_torch():
    result = clip_by_global_norm([np.array([3.0, 4.0])], 1.0)
    assert result.scale == 1.0 / (5.0 + 1e-6)
    assert global_norm(result.grads) < 1.0


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, math.inf])
def test_clip_by_global_norm_leaves_zero_gradients_unchanged(p):
    for eps in (0.0, 1e-6):
        result = clip_by_global_norm([np.zeros(3), np.zeros((2, 2))], 1.0, p=p, eps=eps)
        assert result.total_norm == 0.0 and result.scale == 1.0 and not result.clipped
        assert all(not g.any() and np.all(np.isfinite(g)) for g in result.grads)


def test_clip_by_global_norm_leaves_tiny_norms_unchanged():
    grads = [np.array([1e-300, -2e-300]), np.array([5e-310])]
    for eps in (0.0, 1e-6):
        result = clip_by_global_norm(grads, 1.0, eps=eps)
        assert not result.clipped and result.total_norm > 0
        for ours, original in zip(result.grads, grads, strict=True):
            np.testing.assert_array_equal(ours, original)


def test_clip_by_global_norm_with_max_norm_zero_gives_zeros():
    result = clip_by_global_norm([np.array([1.0, -2.0])], 0.0)
    np.testing.assert_array_equal(result.grads[0], [0.0, 0.0])


@pytest.mark.parametrize("bad", [-1.0, -1e-12, math.nan])
def test_clip_by_global_norm_rejects_negative_or_nan_max_norm_naming_the_range(bad):
    with pytest.raises(ValueError, match=r"max_norm must be in \[0, inf\]"):
        clip_by_global_norm([np.ones(2)], bad)


@pytest.mark.parametrize("bad_value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("p", [1.0, 2.0, math.inf])
def test_clip_by_global_norm_raises_on_non_finite_gradients(bad_value, p):
    grads = [np.ones(3), np.array([1.0, bad_value])]
    with pytest.raises(NonFiniteGradientError, match="inf or NaN"):
        clip_by_global_norm(grads, 1.0, p=p)
    assert issubclass(NonFiniteGradientError, ValueError)


def test_clip_by_global_norm_handles_finite_values_whose_squares_overflow():
    grads = [np.array([1e200, 1e200]), np.array([3e-200])]
    result = clip_by_global_norm(grads, 1.0, eps=0.0)
    assert result.total_norm == pytest.approx(math.sqrt(2) * 1e200, rel=1e-15)
    np.testing.assert_allclose(result.grads[0], [1 / math.sqrt(2)] * 2, rtol=1e-15)


def test_float32_norm_falls_back_when_the_float32_sum_of_squares_overflows():
    grad = np.full(4, 1e30, dtype=np.float32)
    assert vector_norm(grad) == pytest.approx(2e30, rel=1e-6)


@pytest.mark.parametrize("p", [0.5, 0.0, -2.0, math.nan])
def test_p_below_one_is_rejected_because_it_is_not_a_norm(p):
    with pytest.raises(ValueError, match=r"p must be in \[1, inf\]"):
        clip_by_global_norm([np.ones(2)], 1.0, p=p)


def test_global_norm_is_the_norm_of_the_concatenation_for_any_p():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(7)]
    flat = np.concatenate([g.ravel() for g in grads])
    for p in (1.0, 1.5, 2.0, 3.0, math.inf):
        assert global_norm(grads, p) == pytest.approx(np.linalg.norm(flat, p), rel=1e-13)


def test_clip_by_global_norm_in_place_scales_the_given_arrays():
    grads = [np.array([6.0, 8.0])]
    result = clip_by_global_norm(grads, 5.0, eps=0.0, in_place=True)
    assert result.grads[0] is grads[0]
    np.testing.assert_allclose(grads[0], [3.0, 4.0])


def test_clip_by_global_norm_returns_copies_even_when_not_clipping():
    grads = [np.array([0.1, 0.2])]
    result = clip_by_global_norm(grads, 10.0)
    assert result.grads[0] is not grads[0]
    result.grads[0][0] = 99.0
    assert grads[0][0] == 0.1


def test_clip_by_norm_rescales_one_array_to_max_norm():
    result = clip_by_norm(np.array([3.0, 4.0]), 1.0, eps=0.0)
    np.testing.assert_allclose(result.grad, [0.6, 0.8])
    assert result.norm == 5.0 and result.clipped and result.scale == pytest.approx(0.2)


def test_clip_by_norm_keeps_direction_and_the_inf_norm_bound():
    grad = np.array([-10.0, 2.0, 5.0])
    result = clip_by_norm(grad, 2.0, p=math.inf, eps=0.0)
    np.testing.assert_allclose(result.grad, grad / 5.0)
    assert np.max(np.abs(result.grad)) == pytest.approx(2.0)


def test_clip_by_norm_converts_integer_gradients_to_float():
    result = clip_by_norm(np.array([3, 4]), 1.0, eps=0.0)
    assert result.grad.dtype == np.float64
    np.testing.assert_allclose(result.grad, [0.6, 0.8])


def test_clip_by_value_clamps_infinities_but_rejects_nan():
    np.testing.assert_array_equal(clip_by_value(np.array([-np.inf, 0.3, np.inf]), 1.0), [-1.0, 0.3, 1.0])
    with pytest.raises(NonFiniteGradientError, match="NaN"):
        clip_by_value(np.array([np.nan]), 1.0)


def test_clip_by_value_returns_an_array_for_an_array_and_a_list_for_a_list():
    assert isinstance(clip_by_value(np.array([2.0]), 1.0), np.ndarray)
    assert isinstance(clip_by_value([np.array([2.0])], 1.0), list)


def test_clip_by_value_takes_a_number_or_a_list_of_numbers_as_one_gradient():
    clipped = clip_by_value(3.0, 1.0)
    assert isinstance(clipped, np.ndarray) and clipped.shape == () and clipped == 1.0
    listed = clip_by_value([1.0, 5.0, -3], 2.0)
    assert isinstance(listed, np.ndarray) and listed.dtype == np.float64
    np.testing.assert_array_equal(listed, [1.0, 2.0, -2.0])
    many = clip_by_value((np.array([5.0]), np.array([-0.5, -5.0], dtype=np.float32)), 1.0)
    assert isinstance(many, list) and all(isinstance(g, np.ndarray) for g in many)
    assert many[1].dtype == np.float32
    np.testing.assert_array_equal(many[1], [-0.5, -1.0])


@pytest.mark.parametrize("bad", [-0.1, math.nan])
def test_clip_by_value_rejects_negative_or_nan_clip_value(bad):
    with pytest.raises(ValueError, match=r"clip_value must be in \[0, inf\]"):
        clip_by_value(np.array([1.0]), bad)


def test_clip_by_value_does_not_mutate_its_input():
    grad = np.array([5.0, -5.0])
    clip_by_value(grad, 1.0)
    np.testing.assert_array_equal(grad, [5.0, -5.0])


def test_clip_by_global_norm_writes_into_out_buffers_and_leaves_inputs_alone():
    grads = [np.array([6.0, 8.0]), np.array([0.0])]
    buffers = [np.empty(2), np.empty(1)]
    result = clip_by_global_norm(grads, 5.0, eps=0.0, out=buffers)
    assert result.grads[0] is buffers[0] and result.grads[1] is buffers[1]
    np.testing.assert_allclose(buffers[0], [3.0, 4.0])
    np.testing.assert_array_equal(grads[0], [6.0, 8.0])


def test_clip_by_global_norm_copies_into_out_when_no_clipping_is_needed():
    buffers = [np.full(2, np.nan)]
    clip_by_global_norm([np.array([0.3, 0.4])], 5.0, out=buffers)
    np.testing.assert_array_equal(buffers[0], [0.3, 0.4])


def test_clip_by_global_norm_rejects_mismatched_out_buffers():
    with pytest.raises(ValueError, match="out holds 1 arrays for 2 gradients"):
        clip_by_global_norm([np.ones(2), np.ones(3)], 1.0, out=[np.empty(2)])
    with pytest.raises(ValueError, match="shape"):
        clip_by_global_norm([np.ones(2)], 1.0, out=[np.empty(3)])
    with pytest.raises(ValueError, match="either in_place"):
        clip_by_global_norm([np.ones(2)], 1.0, in_place=True, out=[np.empty(2)])


def test_clip_by_norm_accepts_an_out_buffer():
    buffer = np.empty(2)
    result = clip_by_norm(np.array([3.0, 4.0]), 1.0, eps=0.0, out=buffer)
    assert result.grad is buffer
    np.testing.assert_allclose(buffer, [0.6, 0.8])


finite_grads = st.lists(
    arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e6, 1e6)), min_size=1, max_size=4
)


# Subnormal max norms are left out: a subnormal scale factor has too few bits for a relative bound.
max_norms = st.one_of(st.just(0.0), st.floats(1e-300, 1e3))


@given(grads=finite_grads, max_norm=max_norms, p=st.sampled_from([1.0, 2.0, 3.0, math.inf]))
def test_clipped_global_norm_never_exceeds_max_norm_and_direction_is_kept(grads, max_norm, p):
    result = clip_by_global_norm(grads, max_norm, p=p, eps=0.0)
    assert global_norm(result.grads, p) <= max_norm * (1 + 1e-12)
    assert 0.0 <= result.scale <= 1.0
    for ours, original in zip(result.grads, grads, strict=True):
        np.testing.assert_allclose(ours, original * result.scale, rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    ("value", "dtype"), [(2.9875118504806177e-161, np.float64), (1e-300, np.float64), (3e-25, np.float32)]
)
def test_a_norm_whose_squares_are_subnormal_is_still_exact(value: float, dtype: type) -> None:
    grads = np.array([value, -value, value], dtype=dtype)
    expected = abs(float(grads[0])) * math.sqrt(3)
    assert vector_norm(grads) == pytest.approx(expected, rel=1e-15 if dtype == np.float64 else 1e-7)
    clipped = clip_by_global_norm([np.array([1.0])], value, eps=0.0)  # the case hypothesis found
    assert global_norm(clipped.grads) <= value * (1 + 1e-12)
