"""Stable activations: correct values, no warnings at +/-1000, dtype preserved."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seqml.numerics import log_softmax, logsumexp, sigmoid, softmax, tanh

EXTREMES = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_finite_and_saturates_at_plus_minus_1000_without_warnings(dtype):
    values = sigmoid(EXTREMES.astype(dtype))
    assert values.dtype == dtype
    assert np.all(np.isfinite(values))
    assert values[0] == 0.0 and values[-1] == 1.0 and values[3] == 0.5


def test_sigmoid_matches_the_textbook_formula_where_that_formula_is_safe():
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-14, atol=0)


def test_sigmoid_keeps_relative_precision_for_very_negative_inputs():
    # exp(-40) / (1 + exp(-40)): the naive 1 - sigmoid(40) route would return 0 here.
    assert sigmoid(np.array(-40.0)) == pytest.approx(math.exp(-40) / (1 + math.exp(-40)), rel=1e-14)


def test_sigmoid_of_integers_returns_float64():
    assert sigmoid(np.array([0, 1])).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tanh_saturates_to_plus_minus_one_and_keeps_dtype(dtype):
    values = tanh(EXTREMES.astype(dtype))
    assert values.dtype == dtype
    assert values[0] == -1.0 and values[-1] == 1.0 and values[3] == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_at_plus_minus_1000_is_one_hot_and_sums_to_one(dtype):
    x = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, -1000.0]], dtype=dtype)
    p = softmax(x)
    assert p.dtype == dtype
    np.testing.assert_allclose(p, [[0, 0, 1], [0.5, 0.5, 0]], atol=0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-6)


def test_softmax_respects_the_axis_argument():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(softmax(x, axis=0).sum(axis=0), np.ones(3))
    np.testing.assert_allclose(softmax(x, axis=0), softmax(x.T).T)


def test_softmax_is_invariant_to_adding_a_constant():
    x = np.array([0.5, -2.0, 3.0])
    np.testing.assert_allclose(softmax(x), softmax(x + 900.0), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_at_plus_minus_1000_is_exact(dtype):
    x = np.array([1000.0, 1000.0, -1000.0], dtype=dtype)
    result = logsumexp(x)
    assert result.dtype == dtype
    assert result == pytest.approx(1000 + math.log(2), rel=1e-7)
    assert logsumexp(np.array([-1000.0, -1000.0])) == pytest.approx(-1000 + math.log(2))


def test_logsumexp_of_only_minus_infinity_is_minus_infinity_without_warning():
    assert logsumexp(np.array([-np.inf, -np.inf])) == -np.inf


def test_logsumexp_keepdims_and_axis_none():
    x = np.log(np.arange(1.0, 7.0)).reshape(2, 3)
    assert logsumexp(x, axis=-1, keepdims=True).shape == (2, 1)
    assert logsumexp(x, axis=None) == pytest.approx(math.log(21.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_is_finite_where_softmax_underflows(dtype):
    x = np.array([-1000.0, 0.0, 1000.0], dtype=dtype)
    result = log_softmax(x)
    assert result.dtype == dtype
    np.testing.assert_allclose(result, [-2000.0, -1000.0, 0.0])


def test_log_softmax_exponentiates_to_softmax():
    x = np.random.default_rng(0).standard_normal((4, 7)) * 5
    np.testing.assert_allclose(np.exp(log_softmax(x)), softmax(x), rtol=1e-12)
