"""Gradient descent on least squares: PyTorch's SGD step, the 2/lambda_max boundary, divergence handled."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from seqml.gradient_descent import (
    contraction_factor,
    critical_learning_rate,
    descend,
    hessian,
    learning_rate_options,
    learning_rate_regime,
    make_regression_data,
    mse_gradient,
    mse_loss,
    optimum,
    sgd_step,
)

FIXTURE = Path(__file__).parent / "fixtures" / "nn_basics.npz"
RTOL = {"float64": 1e-10, "float32": 1e-5}


def load(dtype: str) -> dict[str, np.ndarray]:
    """The PyTorch SGD golden values of one dtype, keys without the prefix."""
    prefix = f"{dtype}__sgd__"
    with np.load(FIXTURE) as data:
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


@pytest.fixture(scope="module")
def data():
    return make_regression_data(200, np.random.default_rng(0))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_loss_gradient_and_one_step_match_torch_mse_and_optim_sgd(dtype):
    ref = load(dtype)
    tolerance = RTOL[dtype]
    x, y, weight, bias = ref["x"], ref["y"], ref["weight"], ref["bias"][()]
    assert mse_loss(x, y, weight, bias) == pytest.approx(float(ref["loss"]), rel=tolerance)
    grad_weight, grad_bias = mse_gradient(x, y, weight, bias)
    np.testing.assert_allclose(grad_weight, ref["d_weight"], rtol=tolerance)
    assert grad_bias == pytest.approx(float(ref["d_bias"]), rel=tolerance)
    new_weight, new_bias = sgd_step(weight, bias, grad_weight, grad_bias, float(ref["lr"]))
    assert new_weight.dtype == np.dtype(dtype)
    np.testing.assert_allclose(new_weight, ref["weight_after"], rtol=tolerance)
    assert new_bias == pytest.approx(float(ref["bias_after"]), rel=tolerance)


def test_critical_learning_rate_is_two_over_torch_hessian_eigenvalue():
    ref = load("float64")
    assert critical_learning_rate(ref["x"]) == pytest.approx(
        2 / float(ref["hessian_max_eigenvalue"]), rel=1e-10
    )


def test_gradient_and_hessian_equal_central_differences(data):
    rng = np.random.default_rng(4)
    weight, bias, step = rng.standard_normal(2), 0.3, 1e-6
    theta = np.append(weight, bias)

    def loss(t: np.ndarray) -> float:
        return mse_loss(data.x, data.y, t[:-1], t[-1])

    def grad(t: np.ndarray) -> np.ndarray:
        grad_weight, grad_bias = mse_gradient(data.x, data.y, t[:-1], t[-1])
        return np.append(grad_weight, grad_bias)

    basis = np.eye(3) * step
    numeric_grad = np.array([(loss(theta + e) - loss(theta - e)) / (2 * step) for e in basis])
    numeric_hessian = np.array([(grad(theta + e) - grad(theta - e)) / (2 * step) for e in basis])
    np.testing.assert_allclose(grad(theta), numeric_grad, rtol=1e-7)
    np.testing.assert_allclose(hessian(data.x), numeric_hessian, rtol=1e-7, atol=1e-9)


def test_full_batch_descent_converges_just_below_the_critical_rate_and_diverges_just_above(data):
    critical = critical_learning_rate(data.x)
    below = descend(data.x, data.y, 0.97 * critical, 1000, np.random.default_rng(0))
    above = descend(data.x, data.y, 1.03 * critical, 1000, np.random.default_rng(0))
    assert below.verdict == "converges" and below.diverged_at is None
    assert above.verdict == "diverges" and above.diverged_at is not None
    assert len(above.losses) == above.diverged_at + 1 and above.losses[-1] > 1e6 * above.losses[0]


def test_learning_rate_regime_names_the_three_bands_around_one_and_two_over_lambda(data):
    critical = critical_learning_rate(data.x)
    assert learning_rate_regime(0.49 * critical, data.x) == "converges"
    assert learning_rate_regime(0.51 * critical, data.x) == "overshoots"
    assert learning_rate_regime(1.0001 * critical, data.x) == "diverges"
    # The exact multiples land where the algebra puts them, whatever the rounding of 2/lambda.
    assert learning_rate_regime(0.5 * critical, data.x) == "converges"
    assert learning_rate_regime(1.0 * critical, data.x) == "diverges"
    with pytest.raises(ValueError, match="positive finite"):
        learning_rate_regime(0.0, data.x)


def test_error_shrinks_each_step_by_the_contraction_factor(data):
    lr = 0.3 * critical_learning_rate(data.x)
    best_weight, best_bias, _ = optimum(data.x, data.y)
    distances = []
    for steps in (300, 301):
        run = descend(data.x, data.y, lr, steps, np.random.default_rng(0))
        distances.append(np.linalg.norm(np.append(run.weight - best_weight, run.bias - best_bias)))
    assert distances[1] / distances[0] == pytest.approx(contraction_factor(lr, data.x), rel=1e-6)


def test_a_huge_learning_rate_is_reported_as_diverged_without_a_warning(data):
    # pytest -W error turns numpy's overflow RuntimeWarning into a failure, so this proves silence.
    run = descend(data.x, data.y, 1e6, 50, np.random.default_rng(0))
    assert run.verdict == "diverges" and run.diverged_at == 1
    assert np.all(np.isfinite(run.weight)) and run.weight.tolist() == [0.0, 0.0]


def test_sgd_with_the_whole_data_set_as_its_batch_is_gradient_descent(data):
    lr = 0.5 * critical_learning_rate(data.x)
    full = descend(data.x, data.y, lr, 20, np.random.default_rng(0))
    whole = descend(data.x, data.y, lr, 20, np.random.default_rng(1), batch=500)
    assert whole.batch == 200
    np.testing.assert_array_equal(full.losses, whole.losses)


def test_minibatch_sgd_is_seeded_and_settles_near_but_not_at_the_optimum(data):
    lr = 0.5 * critical_learning_rate(data.x)
    first = descend(data.x, data.y, lr, 200, np.random.default_rng(3), batch=8)
    again = descend(data.x, data.y, lr, 200, np.random.default_rng(3), batch=8)
    np.testing.assert_array_equal(first.losses, again.losses)
    exact = descend(data.x, data.y, lr, 200, np.random.default_rng(3))
    *_, best = optimum(data.x, data.y)
    assert first.verdict == "converges"
    assert first.losses[-1] - best > 100 * (exact.losses[-1] - best)  # the noise floor of SGD


def test_a_small_learning_rate_crawls(data):
    run = descend(data.x, data.y, 0.05 * critical_learning_rate(data.x), 100, np.random.default_rng(0))
    assert run.verdict == "crawls"
    assert np.all(np.diff(run.losses) < 0)  # still going down, just slowly


def test_learning_rate_options_hold_exactly_one_diverging_rate(data):
    for seed in range(20):
        rates, answer = learning_rate_options(data.x, np.random.default_rng(seed))
        regimes = [learning_rate_regime(rate, data.x) for rate in rates]
        assert len(rates) == 4 and list(rates) == sorted(rates)
        assert regimes.count("diverges") == 1 and regimes[answer] == "diverges"


def test_inputs_are_checked_up_front(data):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"y must have shape \(200,\)"):
        descend(data.x, data.y[:-1], 0.1, 5, rng)
    with pytest.raises(ValueError, match=r"\(N, D\)"):
        critical_learning_rate(np.ones(3))
    with pytest.raises(ValueError, match="batch"):
        descend(data.x, data.y, 0.1, 5, rng, batch=0)
    with pytest.raises(ValueError, match="positive finite"):
        descend(data.x, data.y, math.nan, 5, rng)
    with pytest.raises(ValueError, match="samples"):
        make_regression_data(1, rng)
