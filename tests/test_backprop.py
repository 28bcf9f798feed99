"""The MLP's forward pass and every backpropagated gradient equal PyTorch autograd and finite differences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqml.backprop import (
    MLPParams,
    backward_steps,
    gradient_check,
    init_mlp,
    mlp_backward,
    mlp_forward,
    numeric_gradients,
    relative_error,
)

FIXTURE = Path(__file__).parent / "fixtures" / "nn_basics.npz"
RTOL = {"float64": 1e-10, "float32": 1e-5}
CASES = {"net_tanh": ("tanh", 1), "net_relu": ("relu", 1), "deep_tanh": ("tanh", 3)}


def load(dtype: str, case: str) -> dict[str, np.ndarray]:
    """The PyTorch golden values of one dtype and case, keys without the prefix."""
    prefix = f"{dtype}__{case}__"
    with np.load(FIXTURE) as data:
        return {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}


def params_from(ref: dict[str, np.ndarray], activation: str, hidden_layers: int) -> MLPParams:
    """The fixture's nn.Linear weights as an MLPParams."""
    layers = range(1, hidden_layers + 2)
    return MLPParams(tuple(ref[f"W{i}"] for i in layers), tuple(ref[f"b{i}"] for i in layers), activation)


def close(actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    """Relative agreement at the dtype's tolerance, measured against the array's scale.

    Single entries of a gradient can be tiny sums of cancelling terms; their error is set by the
    size of the terms, so the floor is the tolerance times the array's largest entry.
    """
    tolerance = RTOL[dtype]
    scale = float(np.max(np.abs(expected))) or 1.0
    assert actual.dtype == np.dtype(dtype) and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance * scale)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES)
def test_forward_matches_torch_linear_layers_and_cross_entropy(dtype, case):
    ref = load(dtype, case)
    activation, hidden_layers = CASES[case]
    forward = mlp_forward(params_from(ref, activation, hidden_layers), ref["x"], ref["target"])
    for index in range(1, hidden_layers + 1):
        close(forward.pre_activations[index - 1], ref[f"z{index}"], dtype)
        close(forward.hidden[index - 1], ref[f"h{index}"], dtype)
    close(forward.logits, ref["logits"], dtype)
    assert forward.loss == pytest.approx(float(ref["loss"]), rel=RTOL[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES)
def test_every_backward_step_matches_torch_autograd(dtype, case):
    ref = load(dtype, case)
    activation, hidden_layers = CASES[case]
    params = params_from(ref, activation, hidden_layers)
    gradients = mlp_backward(params, mlp_forward(params, ref["x"], ref["target"]))
    close(gradients.logits, ref["d_logits"], dtype)
    for index in range(1, hidden_layers + 2):
        close(gradients.weights[index - 1], ref[f"dW{index}"], dtype)
        close(gradients.biases[index - 1], ref[f"db{index}"], dtype)
    for index in range(1, hidden_layers + 1):
        close(gradients.hidden[index - 1], ref[f"dh{index}"], dtype)
        close(gradients.pre_activations[index - 1], ref[f"dz{index}"], dtype)
    close(gradients.x, ref["dx"], dtype)


@pytest.mark.parametrize(
    ("activation", "sizes"), [("tanh", (3, 4, 3)), ("relu", (3, 5, 2)), ("tanh", (2, 3, 3, 4))]
)
def test_backpropagation_agrees_with_central_finite_differences(activation, sizes):
    rng = np.random.default_rng(7)
    params = init_mlp(sizes, activation, rng)
    x, target = rng.standard_normal((3, sizes[0])), rng.integers(0, sizes[-1], size=3)
    forward = mlp_forward(params, x, target)
    gradients = mlp_backward(params, forward)
    numeric = numeric_gradients(params, x, target)
    for index, (weight, bias) in enumerate(zip(gradients.weights, gradients.biases, strict=True), start=1):
        np.testing.assert_allclose(weight, numeric[f"W{index}"], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(bias, numeric[f"b{index}"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gradients.x, numeric["x"], rtol=1e-6, atol=1e-9)
    assert max(gradient_check(params, forward, gradients).values()) < 1e-7


def test_gradient_check_catches_a_wrong_gradient():
    rng = np.random.default_rng(2)
    params = init_mlp((3, 4, 3), "tanh", rng)
    forward = mlp_forward(params, rng.standard_normal((2, 3)), np.array([1, 2]))
    gradients = mlp_backward(params, forward)
    broken = type(gradients)(
        gradients.logits,
        (gradients.weights[0] * 1.01, gradients.weights[1]),
        gradients.biases,
        gradients.hidden,
        gradients.pre_activations,
        gradients.x,
    )
    errors = gradient_check(params, forward, broken)
    assert errors["W1"] > 1e-3 and errors["W2"] < 1e-7


def test_relative_error_is_scale_free_and_zero_for_two_zero_arrays():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a * (1 + 1e-6)) == pytest.approx(1e-6 / (1 + 1e-6))
    assert relative_error(1e6 * a, 1e6 * a * (1 + 1e-6)) == pytest.approx(1e-6 / (1 + 1e-6))
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_backward_steps_are_named_in_the_order_the_chain_rule_computes_them():
    rng = np.random.default_rng(0)
    params = init_mlp((3, 4, 3), "relu", rng)
    gradients = mlp_backward(params, mlp_forward(params, rng.standard_normal((2, 3)), np.array([0, 1])))
    steps = backward_steps(params, gradients)
    assert [step.name for step in steps] == ["dlogits", "dW2", "db2", "dh1", "dz1", "dW1", "db1", "dx"]
    assert dict((s.name, s.equation) for s in steps)["dz1"] == "dz1 = dh1 * [z1 > 0]"
    shapes = {step.name: step.value.shape for step in steps}
    assert shapes == {
        "dlogits": (2, 3), "dW2": (3, 4), "db2": (3,), "dh1": (2, 4),
        "dz1": (2, 4), "dW1": (4, 3), "db1": (4,), "dx": (2, 3),
    }  # fmt: skip
    deep = init_mlp((3, 4, 4, 3), "tanh", rng)
    deep_steps = backward_steps(deep, mlp_backward(deep, mlp_forward(deep, np.ones((1, 3)), [2])))
    assert [step.name for step in deep_steps][:6] == ["dlogits", "dW3", "db3", "dh2", "dz2", "dW2"]
    assert deep_steps[4].equation == "dz2 = dh2 * (1 - h2^2)"


def test_relu_passes_no_gradient_through_units_that_are_off():
    rng = np.random.default_rng(5)
    params = init_mlp((3, 6, 2), "relu", rng)
    forward = mlp_forward(params, rng.standard_normal((4, 3)), np.array([0, 1, 1, 0]))
    gradients = mlp_backward(params, forward)
    off = forward.pre_activations[0] <= 0
    assert off.any() and np.all(gradients.pre_activations[0][off] == 0)


def test_extreme_inputs_stay_finite_and_non_finite_ones_are_refused():
    params = init_mlp((2, 3, 2), "tanh", np.random.default_rng(1))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        forward = mlp_forward(params, np.array([[1000.0, -1000.0]]), [1])
        gradients = mlp_backward(params, forward)
    assert np.isfinite(forward.loss) and all(np.all(np.isfinite(w)) for w in gradients.weights)
    with pytest.raises(ValueError, match="inf or NaN"):
        mlp_backward(params, mlp_forward(params, np.array([[np.nan, 0.0]]), [0]))


def test_shapes_and_settings_are_checked_up_front():
    params = init_mlp((2, 3, 2), "tanh", np.random.default_rng(1))
    with pytest.raises(ValueError, match=r"\(B, 2\)"):
        mlp_forward(params, np.ones((1, 3)), [0])
    with pytest.raises(ValueError, match=r"shape \(1,\)"):
        mlp_forward(params, np.ones((1, 2)), [0, 1])
    with pytest.raises(ValueError, match="one of tanh, relu"):
        init_mlp((2, 3, 2), "sigmoid", np.random.default_rng(1))
    with pytest.raises(ValueError, match="L >= 1"):
        init_mlp((2, 2), "tanh", np.random.default_rng(1))
    mismatched = MLPParams((np.ones((3, 2)), np.ones((2, 4))), (np.ones(3), np.ones(2)), "tanh")
    with pytest.raises(ValueError, match="W2 takes 4 inputs but layer 1 gives 3"):
        mlp_forward(mismatched, np.ones((1, 2)), [0])
