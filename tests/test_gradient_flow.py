"""The vanishing/exploding experiment: exact rho^k in the linear case, and the expected trends."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seqml.gradient_flow import (
    classify,
    linear_gradient_norms,
    lstm_gradient_norms,
    orthogonal,
    per_step_factor,
    rnn_gradient_norms,
)


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.0, 1.1, 2.0])
def test_linear_case_with_orthogonal_w_scaled_by_rho_gives_exactly_rho_to_the_k(rho):
    result = linear_gradient_norms(rho, steps=30, hidden=16, rng=np.random.default_rng(0))
    expected = rho ** np.arange(31) * result.norms[0]
    np.testing.assert_allclose(result.norms, expected, rtol=1e-10, atol=0)
    assert result.norms[0] == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_array_equal(result.k, np.arange(31))


def test_orthogonal_matrix_preserves_norms():
    q = orthogonal(8, np.random.default_rng(1))
    np.testing.assert_allclose(q.T @ q, np.eye(8), atol=1e-13)


@pytest.mark.parametrize(("rho", "verdict"), [(0.5, "vanishing"), (1.0, "stable"), (1.3, "exploding")])
def test_tanh_rnn_with_small_inputs_follows_the_spectral_radius(rho, verdict):
    result = rnn_gradient_norms(rho, steps=20, hidden=32, rng=np.random.default_rng(2), input_scale=1e-4)
    assert classify(result.norms) == verdict == result.verdict
    assert result.norms.shape == (21,) and result.norms[0] == pytest.approx(1.0)


def test_tanh_rnn_with_small_inputs_tracks_the_linear_rate():
    result = rnn_gradient_norms(0.8, steps=10, hidden=16, rng=np.random.default_rng(3), input_scale=1e-6)
    np.testing.assert_allclose(result.norms, 0.8 ** np.arange(11), rtol=1e-6)


def test_saturated_tanh_makes_gradients_vanish_even_at_rho_one():
    result = rnn_gradient_norms(1.0, steps=30, hidden=32, rng=np.random.default_rng(4), input_scale=3.0)
    assert result.verdict == "vanishing"


def test_gaussian_recurrent_matrix_is_scaled_to_the_requested_spectral_radius():
    result = rnn_gradient_norms(0.5, steps=40, hidden=16, rng=np.random.default_rng(5), recurrent="gaussian")
    assert result.verdict == "vanishing"


def test_lstm_forget_bias_decides_whether_the_gradient_survives():
    zero = lstm_gradient_norms(0.0, steps=40, hidden=32, rng=np.random.default_rng(6))
    large = lstm_gradient_norms(5.0, steps=40, hidden=32, rng=np.random.default_rng(6))
    assert zero.verdict == "vanishing"
    assert large.verdict == "stable"
    assert large.norms[-1] > 1e6 * zero.norms[-1]
    assert large.cell_norms is not None and large.cell_norms.shape == (41,)
    assert large.forget_bias == 5.0


def test_classify_names_each_trend():
    k = np.arange(21)
    assert classify(0.8**k) == "vanishing"
    assert classify(1.2**k) == "exploding"
    assert classify(np.ones(21)) == "stable"
    assert classify(np.r_[1.0, np.zeros(5)]) == "vanishing"
    assert classify(np.r_[1.0, math.inf]) == "exploding"


def test_classify_judges_the_rate_per_step_so_two_steps_of_half_already_vanish():
    assert classify(0.5 ** np.arange(3)) == "vanishing"
    assert classify(1.5 ** np.arange(3)) == "exploding"
    assert classify(0.99 ** np.arange(200)) == "stable"  # x0.99 per step loses 10x only after 229


def test_classify_does_not_call_a_tenfold_early_drop_that_then_holds_stable():
    norms = np.r_[1.0, 0.3, 0.07, np.full(28, 0.07)]  # the LSTM's h path at forget bias 3
    assert classify(norms) == "vanishing"
    assert per_step_factor(norms) == pytest.approx(0.07 ** (1 / 30))


def test_classify_rejects_nan_and_too_short_input():
    with pytest.raises(ValueError, match="NaN"):
        classify(np.array([1.0, math.nan]))
    with pytest.raises(ValueError, match="at least two"):
        classify(np.array([1.0]))


@pytest.mark.parametrize(
    "call",
    [
        lambda rng: rnn_gradient_norms(-1.0, 5, 4, rng),
        lambda rng: rnn_gradient_norms(1.0, 0, 4, rng),
        lambda rng: linear_gradient_norms(math.nan, 5, 4, rng),
        lambda rng: lstm_gradient_norms(math.inf, 5, 4, rng),
        lambda rng: lstm_gradient_norms(0.0, 5, 0, rng),
    ],
)
def test_experiments_reject_out_of_range_parameters(call):
    with pytest.raises(ValueError, match="must be"):
        call(np.random.default_rng(0))
