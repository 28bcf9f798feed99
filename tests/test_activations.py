"""Activations, slopes, temperature and cross-entropy equal PyTorch's and finite differences."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from seqml.activations import (
    ACTIVATIONS,
    activation,
    activation_derivative,
    cross_entropy,
    cross_entropy_backward,
    entropy,
    recover_temperature,
    relu,
    relu_derivative,
    saturation_threshold,
    sigmoid_derivative,
    softmax_with_temperature,
    tanh_derivative,
    which_temperature,
)
from seqml.numerics import log_softmax, softmax

FIXTURE = Path(__file__).parent / "fixtures" / "nn_basics.npz"
RTOL = {"float64": 1e-10, "float32": 1e-5}
DTYPES = ("float64", "float32")


def load(dtype: str, case: str) -> dict[str, np.ndarray]:
    """The PyTorch golden values of one dtype and case, keys without the prefix."""
    prefix = f"{dtype}__{case}__"
    with np.load(FIXTURE) as data:
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def close(actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    """Relative agreement at the dtype's tolerance, with a floor for values that are exactly 0."""
    tolerance = RTOL[dtype]
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance * 1e-3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_and_slope_match_torch_autograd_including_zero_and_extremes(dtype, name):
    ref = load(dtype, "act")
    value = activation(name, ref["x"])
    slope = activation_derivative(name, ref["x"])
    assert value.dtype == np.dtype(dtype) and slope.dtype == np.dtype(dtype)
    close(value, ref[name], dtype)
    if dtype == "float64":
        close(slope, ref[f"d_{name}"], dtype)
    else:
        # PyTorch forms 1 - y^2 and y (1 - y) from the float32 output: near saturation its slope
        # is off by up to one float32 epsilon in absolute terms, which bounds the comparison.
        np.testing.assert_allclose(slope, ref[f"d_{name}"], rtol=1e-5, atol=np.finfo(np.float32).eps)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_slopes_keep_relative_precision_where_they_saturate(name):
    x32 = load("float32", "act")["x"]
    # The truth from hyperbolic identities in float64 (PyTorch's float64 1 - y^2 is 0 at x = 20):
    # sigmoid' = 1 / (4 cosh^2(x / 2)), tanh' = 1 / cosh^2(x), relu' = [x > 0].
    slope_of = {
        "sigmoid": lambda v: 0.0 if abs(v) > 700 else 1 / (4 * math.cosh(v / 2) ** 2),
        "tanh": lambda v: 0.0 if abs(v) > 350 else 1 / math.cosh(v) ** 2,
        "relu": lambda v: float(v > 0),
    }[name]
    truth = np.array([slope_of(float(v)) for v in x32])
    np.testing.assert_allclose(activation_derivative(name, x32), truth, rtol=1e-5, atol=1e-38)


def test_relu_slope_at_zero_is_zero_as_in_pytorch():
    ref = load("float64", "act")
    assert ref["x"][0] == 0.0 and ref["d_relu"][0] == 0.0  # the fixture pins the convention
    assert relu_derivative(0.0) == 0.0
    assert relu_derivative(1e-300) == 1.0 and relu_derivative(-1e-300) == 0.0


def test_slopes_equal_central_differences_of_the_functions():
    x = np.linspace(-7.0, 7.0, 57) + 0.013  # stays off relu's kink at 0
    step = 1e-6
    for name in ACTIVATIONS:
        numeric = (activation(name, x + step) - activation(name, x - step)) / (2 * step)
        np.testing.assert_allclose(activation_derivative(name, x), numeric, rtol=1e-7, atol=1e-9)


def test_extremes_give_finite_values_and_zero_slopes_without_warnings():
    x = np.array([-1000.0, 1000.0], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert sigmoid_derivative(x).tolist() == [0.0, 0.0]
        assert tanh_derivative(x).tolist() == [0.0, 0.0]
        assert relu(x).tolist() == [0.0, 1000.0]


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_saturation_threshold_is_where_the_slope_falls_to_one_percent_of_its_peak(name):
    edge = saturation_threshold(name, 0.01)
    peak = float(activation_derivative(name, 0.0))
    assert float(activation_derivative(name, edge)) == pytest.approx(0.01 * peak, rel=1e-9)
    assert float(activation_derivative(name, edge - 0.01)) > 0.01 * peak
    assert float(activation_derivative(name, -(edge + 0.01))) < 0.01 * peak


def test_relu_never_saturates_and_bad_names_or_fractions_are_refused():
    assert saturation_threshold("relu") == math.inf
    with pytest.raises(ValueError, match="one of sigmoid, tanh, relu"):
        activation("gelu", [1.0])
    with pytest.raises(ValueError, match="fraction"):
        saturation_threshold("tanh", 1.5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_log_softmax_and_temperature_match_torch(dtype):
    ref = load(dtype, "softmax")
    close(softmax(ref["logits"]), ref["softmax"], dtype)
    close(log_softmax(ref["logits"]), ref["log_softmax"], dtype)
    for temperature in (0.5, 1.0, 2.0):
        tempered = softmax_with_temperature(ref["logits"], temperature)
        assert tempered.dtype == np.dtype(dtype)
        close(tempered, ref[f"softmax_T{temperature:g}"], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_and_its_gradient_match_torch_mean_reduction(dtype):
    ref = load(dtype, "softmax")
    loss = cross_entropy(ref["logits"], ref["target"])
    assert loss.dtype == np.dtype(dtype)
    close(loss, ref["cross_entropy"], dtype)
    close(cross_entropy_backward(ref["logits"], ref["target"]), ref["d_logits"], dtype)


def test_cross_entropy_gradient_equals_central_differences():
    rng = np.random.default_rng(3)
    logits, target = rng.normal(size=(4, 5)), np.array([0, 4, 2, 2])
    grad = cross_entropy_backward(logits, target)
    step, numeric = 1e-6, np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        plus, minus = logits.copy(), logits.copy()
        plus[index] += step
        minus[index] -= step
        numeric[index] = (cross_entropy(plus, target) - cross_entropy(minus, target)) / (2 * step)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)  # softmax minus one-hot sums to 0


def test_cross_entropy_refuses_bad_targets_and_non_finite_logits_in_backward():
    logits = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        cross_entropy(logits, [0, 1, 2])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        cross_entropy(logits, [0, 3])
    with pytest.raises(ValueError, match="integer"):
        cross_entropy(logits, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"\(B, C\)"):
        cross_entropy(np.zeros(3), [0])
    with pytest.raises(ValueError, match="inf or NaN"):
        cross_entropy_backward(np.array([[0.0, np.nan, 1.0]]), [0])


def test_temperature_sharpens_below_one_and_flattens_above_one():
    logits = np.array([3.0, 1.0, 0.5, 0.0, -1.0])
    distributions = [softmax_with_temperature(logits, t) for t in (0.25, 0.5, 1.0, 2.0, 8.0)]
    entropies = [float(entropy(p)) for p in distributions]
    tops = [float(p.max()) for p in distributions]
    assert entropies == sorted(entropies) and tops == sorted(tops, reverse=True)
    assert entropies[-1] < math.log(5) and entropy(np.eye(5)[0]) == 0.0
    with pytest.raises(ValueError, match="positive finite"):
        softmax_with_temperature(logits, 0.0)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 2.5, 7.0])
def test_recover_temperature_reads_back_the_temperature_used(temperature):
    logits = np.array([2.0, -0.5, 1.0, 0.25])
    p = softmax_with_temperature(logits, temperature)
    assert recover_temperature(logits, p) == pytest.approx(temperature, rel=1e-12)


def test_recover_temperature_refuses_flat_logits_and_reversed_rankings():
    with pytest.raises(ValueError, match="equal"):
        recover_temperature([1.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="backwards"):
        recover_temperature([1.0, 0.0], [0.3, 0.7])


def test_which_temperature_picks_the_candidate_behind_a_rounded_distribution():
    logits = np.array([3.0, 1.0, 0.5, 0.0, -1.0])
    candidates = (0.5, 1.0, 2.0)
    for temperature in candidates:
        shown = np.round(softmax_with_temperature(logits, temperature), 2)  # as a quiz prints it
        assert which_temperature(logits, shown, candidates) == temperature
