"""Backpropagation through a small multilayer perceptron with a softmax cross-entropy loss.

Forward, for a batch x of shape (B, I), hidden layers l = 1..L and PyTorch's ``nn.Linear``
layout (W_l has shape (out, in) and acts on the right, transposed); h_0 = x:

    z_l    = h_{l-1} W_l^T + b_l            (B, H)      pre-activation of hidden layer l
    h_l    = f(z_l)                          (B, H)      f = tanh or relu
    logits = h_L W_{L+1}^T + b_{L+1}         (B, C)
    L      = -(1/B) sum_b log softmax(logits_b)[y_b]     mean cross-entropy

With one hidden layer (L = 1) this is the two-layer network x -> W1 x + b1 -> f -> W2 h + b2;
with L >= 2 it is a deep network. Backward, each step the chain rule applied once:

    dlogits   = (softmax(logits) - onehot(y)) / B          (B, C)
    dW_{L+1}  = dlogits^T h_L        db_{L+1} = sum_b dlogits        dh_L = dlogits W_{L+1}
    for l = L .. 1:
        dz_l  = dh_l * f'(z_l)        f'(z) = 1 - h_l^2 (tanh) or [z_l > 0] (relu)
        dW_l  = dz_l^T h_{l-1}        db_l  = sum_b dz_l             dh_{l-1} = dz_l W_l
    dx = dh_0

Each gradient has the shape of what it is the gradient of. relu'(0) = 0, as in PyTorch. The
gradients are checked against PyTorch autograd (float64 to 1e-10, float32 to 1e-5) and against
central finite differences, (L(theta + e) - L(theta - e)) / 2e, which ``gradient_check`` reports.

References: Rumelhart, Hinton and Williams, "Learning representations by back-propagating
errors" (Nature, 1986); Goodfellow, Bengio and Courville, *Deep Learning* (2016), section 6.5;
PyTorch ``torch.nn.Linear`` documentation for the layout and U(-1/sqrt(in), 1/sqrt(in)) init.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from seqml.activations import cross_entropy, cross_entropy_backward, relu, softmax, tanh

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "BackwardStep",
    "MLPForward",
    "MLPGradients",
    "MLPParams",
    "backward_steps",
    "gradient_check",
    "init_mlp",
    "mlp_backward",
    "mlp_forward",
    "numeric_gradients",
    "relative_error",
]

HIDDEN_ACTIVATIONS = ("tanh", "relu")


@dataclass(frozen=True)
class MLPParams:
    """Weights and biases of every layer, shaped like PyTorch's nn.Linear so fixtures load."""

    weights: tuple[np.ndarray, ...]  # W_1 .. W_{L+1}, each (out, in)
    biases: tuple[np.ndarray, ...]  # b_1 .. b_{L+1}, each (out,)
    activation: str  # tanh | relu, used by every hidden layer

    @property
    def sizes(self) -> tuple[int, ...]:
        """(I, H_1, ..., H_L, C): the width of every layer, read off the weights."""
        return (int(self.weights[0].shape[1]), *(int(w.shape[0]) for w in self.weights))

    @property
    def hidden_layers(self) -> int:
        """L, the number of hidden layers (one fewer than the weight matrices)."""
        return len(self.weights) - 1


@dataclass(frozen=True)
class MLPForward:
    """Every value the forward pass computed: the backward pass reuses them all."""

    x: np.ndarray  # h_0, (B, I)
    target: np.ndarray  # y, (B,) class indices
    pre_activations: tuple[np.ndarray, ...]  # z_1 .. z_L, each (B, H_l)
    hidden: tuple[np.ndarray, ...]  # h_1 .. h_L, each (B, H_l)
    logits: np.ndarray  # (B, C)
    probabilities: np.ndarray  # softmax(logits), (B, C)
    loss: float  # mean cross-entropy


@dataclass(frozen=True)
class MLPGradients:
    """dL/d(everything): the weights and biases to learn, every intermediate, and the input."""

    logits: np.ndarray  # dL/dlogits, (B, C)
    weights: tuple[np.ndarray, ...]  # dW_1 .. dW_{L+1}
    biases: tuple[np.ndarray, ...]  # db_1 .. db_{L+1}
    hidden: tuple[np.ndarray, ...]  # dh_1 .. dh_L
    pre_activations: tuple[np.ndarray, ...]  # dz_1 .. dz_L
    x: np.ndarray  # dL/dx, (B, I)


@dataclass(frozen=True)
class BackwardStep:
    """One named step of the backward pass, in the order it is computed."""

    name: str  # dW2
    equation: str  # dW2 = dlogits^T h1
    value: np.ndarray


def init_mlp(
    sizes: tuple[int, ...],
    activation: str,
    rng: np.random.Generator,
    dtype: np.typing.DTypeLike = np.float64,
) -> MLPParams:
    """PyTorch's nn.Linear initialisation, U(-1/sqrt(in), 1/sqrt(in)), for every layer."""
    if len(sizes) < 3 or min(sizes) < 1:
        raise ValueError(f"sizes must be (I, H_1, ..., H_L, C) with L >= 1 and every size >= 1, got {sizes}")
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1.0 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, size=(fan_out, fan_in)).astype(dtype))
        biases.append(rng.uniform(-bound, bound, size=fan_out).astype(dtype))
    params = MLPParams(tuple(weights), tuple(biases), activation)
    _check_params(params)
    return params


def _check_params(params: MLPParams) -> None:
    """Layers must chain: each weight's input width is the previous layer's output width."""
    if params.activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}, got {params.activation!r}"
        )
    if len(params.weights) < 2 or len(params.weights) != len(params.biases):
        raise ValueError(
            f"need at least two layers and one bias per weight, got {len(params.weights)} weights "
            f"and {len(params.biases)} biases"
        )
    for index, (weight, bias) in enumerate(zip(params.weights, params.biases, strict=True), start=1):
        if weight.ndim != 2 or bias.shape != (weight.shape[0],):
            raise ValueError(
                f"W{index} must be (out, in) and b{index} (out,), got {weight.shape} and {bias.shape}"
            )
        if index > 1 and weight.shape[1] != params.weights[index - 2].shape[0]:
            raise ValueError(
                f"W{index} takes {weight.shape[1]} inputs but layer {index - 1} gives "
                f"{params.weights[index - 2].shape[0]}"
            )


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    """The hidden layers' nonlinearity."""
    return tanh(z) if name == "tanh" else relu(z)


def mlp_forward(params: MLPParams, x: np.typing.ArrayLike, target: np.typing.ArrayLike) -> MLPForward:
    """Run x (B, I) through every layer and score the logits against target (B,)."""
    _check_params(params)
    dtype = params.weights[0].dtype
    x = np.asarray(x, dtype=dtype)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] != params.sizes[0]:
        raise ValueError(f"x must have shape (B, {params.sizes[0]}) with B >= 1, got {x.shape}")
    target = np.asarray(target)
    pre_activations, hidden = [], []
    h = x
    for weight, bias in zip(params.weights[:-1], params.biases[:-1], strict=True):
        z = h @ weight.T + bias  # (B, H_l)
        h = _activate(params.activation, z)
        pre_activations.append(z)
        hidden.append(h)
    logits = h @ params.weights[-1].T + params.biases[-1]  # (B, C)
    loss = cross_entropy(logits, target)  # also checks target's shape and range
    return MLPForward(
        x=x,
        target=target,
        pre_activations=tuple(pre_activations),
        hidden=tuple(hidden),
        logits=logits,
        probabilities=softmax(logits, axis=-1),
        loss=float(loss),
    )


def mlp_backward(params: MLPParams, forward: MLPForward) -> MLPGradients:
    """The chain rule applied layer by layer from the loss back to the input."""
    if not all(np.all(np.isfinite(a)) for a in (forward.x, forward.logits, *forward.hidden)):
        raise ValueError("the forward pass holds inf or NaN: its gradients would be meaningless")
    # Step 1: mean cross-entropy on softmax, dL/dlogits = (p - onehot(y)) / B.
    dlogits = cross_entropy_backward(forward.logits, forward.target)
    inputs = (forward.x, *forward.hidden)  # h_0 .. h_L: what each weight matrix multiplied
    weight_grads: list[np.ndarray] = [np.empty(0)] * len(params.weights)
    bias_grads: list[np.ndarray] = [np.empty(0)] * len(params.weights)
    hidden_grads: list[np.ndarray] = [np.empty(0)] * params.hidden_layers
    pre_grads: list[np.ndarray] = [np.empty(0)] * params.hidden_layers
    upstream = dlogits  # gradient on the current layer's output (its z, or the logits)
    for layer in range(len(params.weights) - 1, -1, -1):
        # Step 2: out = h_in W^T + b, so dW = upstream^T h_in and db sums over the batch ...
        weight_grads[layer] = upstream.T @ inputs[layer]
        bias_grads[layer] = upstream.sum(axis=0)
        # ... and the layer's input receives upstream W: dh_{l-1} = dz_l W_l (dx at the first).
        dh_in = upstream @ params.weights[layer]
        if layer > 0:
            # Step 3: through the nonlinearity, dz = dh * f'(z): 1 - h^2 (tanh), [z > 0] (relu).
            h, z = forward.hidden[layer - 1], forward.pre_activations[layer - 1]
            slope = 1 - h * h if params.activation == "tanh" else (z > 0).astype(z.dtype)
            hidden_grads[layer - 1] = dh_in
            pre_grads[layer - 1] = dh_in * slope
            upstream = pre_grads[layer - 1]
    return MLPGradients(
        logits=dlogits,
        weights=tuple(weight_grads),
        biases=tuple(bias_grads),
        hidden=tuple(hidden_grads),
        pre_activations=tuple(pre_grads),
        x=dh_in,
    )


def backward_steps(params: MLPParams, gradients: MLPGradients) -> tuple[BackwardStep, ...]:
    """The backward pass as named steps, in computation order: dlogits, dW2, db2, dh1, dz1, ..."""
    slope = "(1 - h{l}^2)" if params.activation == "tanh" else "[z{l} > 0]"
    steps = [BackwardStep("dlogits", "dlogits = (softmax(logits) - onehot(y)) / B", gradients.logits)]
    upstream = "dlogits"
    for layer in range(len(params.weights), 0, -1):  # 1-based layer numbers, W_layer
        below = f"h{layer - 1}" if layer > 1 else "x"
        steps.append(
            BackwardStep(f"dW{layer}", f"dW{layer} = {upstream}^T {below}", gradients.weights[layer - 1])
        )
        steps.append(
            BackwardStep(
                f"db{layer}", f"db{layer} = sum over batch of {upstream}", gradients.biases[layer - 1]
            )
        )
        if layer == 1:
            steps.append(BackwardStep("dx", f"dx = {upstream} W1", gradients.x))
            break
        hidden = layer - 1
        steps.append(
            BackwardStep(f"dh{hidden}", f"dh{hidden} = {upstream} W{layer}", gradients.hidden[hidden - 1])
        )
        steps.append(
            BackwardStep(
                f"dz{hidden}",
                f"dz{hidden} = dh{hidden} * " + slope.format(l=hidden),
                gradients.pre_activations[hidden - 1],
            )
        )
        upstream = f"dz{hidden}"
    return tuple(steps)


def _loss_at(params: MLPParams, x: np.ndarray, target: np.ndarray) -> float:
    """The scalar loss, the only thing finite differences look at."""
    return mlp_forward(params, x, target).loss


def numeric_gradients(
    params: MLPParams, x: np.typing.ArrayLike, target: np.typing.ArrayLike, step: float = 1e-5
) -> dict[str, np.ndarray]:
    """Central differences of the loss for every weight, bias and input, in float64.

    The step 1e-5 balances the O(step^2) truncation error against the O(eps / step) rounding
    error (eps = 2.2e-16): relative errors come out near 1e-10, against 1e-9 at a step of 1e-6.
    Two forward passes per number: only for small networks, which is what a check needs.
    """
    params64 = MLPParams(
        tuple(w.astype(np.float64) for w in params.weights),
        tuple(b.astype(np.float64) for b in params.biases),
        params.activation,
    )
    x64 = np.array(x, dtype=np.float64)
    arrays = {f"W{i}": w for i, w in enumerate(params64.weights, start=1)}
    arrays |= {f"b{i}": b for i, b in enumerate(params64.biases, start=1)}
    arrays["x"] = x64
    result = {}
    for name, array in arrays.items():  # perturb each array in place, then restore it
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + step
            plus = _loss_at(params64, x64, target)
            array[index] = saved - step
            minus = _loss_at(params64, x64, target)
            array[index] = saved
            numeric[index] = (plus - minus) / (2 * step)
        result[name] = numeric
    return result


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / max(||a||, ||n||): scale-free, and 0 when both are exactly zero."""
    scale = max(float(np.linalg.norm(analytic)), float(np.linalg.norm(numeric)))
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric)) / scale


def gradient_check(
    params: MLPParams, forward: MLPForward, gradients: MLPGradients, step: float = 1e-5
) -> dict[str, float]:
    """Relative error of every backpropagated gradient against central differences."""
    numeric = numeric_gradients(params, forward.x, forward.target, step)
    analytic = {f"W{i}": g for i, g in enumerate(gradients.weights, start=1)}
    analytic |= {f"b{i}": g for i, g in enumerate(gradients.biases, start=1)}
    analytic["x"] = gradients.x
    return {name: relative_error(analytic[name].astype(np.float64), numeric[name]) for name in analytic}


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = init_mlp((3, 4, 3), "tanh", rng)
    x, y = rng.standard_normal((2, 3)), np.array([0, 2])
    forward = mlp_forward(params, x, y)
    gradients = mlp_backward(params, forward)
    print(f"loss = {forward.loss:.6f}")
    for step in backward_steps(params, gradients):
        print(f"{step.equation:40s} shape {step.value.shape}")
    print(
        "max relative error vs finite differences:", max(gradient_check(params, forward, gradients).values())
    )
