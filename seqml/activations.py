"""Activation functions, their derivatives, softmax with temperature, and cross-entropy.

Element-wise activations and the slopes backpropagation multiplies by:

    sigmoid(x) = 1 / (1 + exp(-x))          sigmoid'(x) = s (1 - s),    peak 1/4 at x = 0
    tanh(x)                                 tanh'(x)    = 1 - tanh(x)^2, peak 1 at x = 0
    relu(x)    = max(0, x)                  relu'(x)    = 1 if x > 0 else 0   (0 at x = 0)

The slopes are evaluated as e / (1 + e)^2 (e = exp(-|x|)) and 4 e / (1 + e)^2 (e = exp(-2|x|)),
the same quantities without the cancellation of 1 - s or 1 - t^2 near saturation. PyTorch's
backward forms 1 - y^2 and y (1 - y) from the output y, so in float32 its saturated slopes carry
an absolute error of about one float32 epsilon (1.2e-7); ours stay accurate to relative 1e-6.

A unit *saturates* where its slope falls below a small fraction c of the peak (c = 1% here): the
gradient through it almost vanishes, so its weights stop learning. Solving the slope equations:

    sigmoid: s (1 - s) = c / 4   ->  |x| = logit((1 + sqrt(1 - c)) / 2)      (c = 0.01: 5.99)
    tanh:    1 - t^2   = c       ->  |x| = artanh(sqrt(1 - c))              (c = 0.01: 2.99)

ReLU never saturates for x > 0 (slope 1) and is flat, "dead", for every x < 0. At x = 0 we use
slope 0, PyTorch's convention (its backward passes gradient only where x > 0).

Softmax with temperature T > 0, over the last axis:

    softmax_T(z)_j = exp(z_j / T) / sum_k exp(z_k / T)

T < 1 sharpens the distribution toward the largest logit (T -> 0: one-hot), T > 1 flattens it
(T -> inf: uniform). Its entropy H(p) = -sum_j p_j log p_j (nats) rises with T. Because
log p_j - log p_k = (z_j - z_k) / T, the temperature can be read back from a distribution.

Cross-entropy of a batch of B logit rows against integer targets y_b (PyTorch's mean reduction):

    L = -(1/B) sum_b log softmax(z_b)_{y_b}
    dL/dz_b = (softmax(z_b) - onehot(y_b)) / B

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 6.2.2 (softmax and
cross-entropy) and 6.3 (hidden units, ReLU, saturation); Glorot, Bordes and Bengio, "Deep sparse
rectifier neural networks" (AISTATS 2011); Hinton, Vinyals and Dean, "Distilling the knowledge in
a neural network" (2015) for temperature.
"""

from __future__ import annotations

import math

import numpy as np

from seqml.numerics import as_float, log_softmax, sigmoid, softmax, tanh

__all__ = [
    "ACTIVATIONS",
    "activation",
    "activation_derivative",
    "cross_entropy",
    "cross_entropy_backward",
    "entropy",
    "recover_temperature",
    "relu",
    "relu_derivative",
    "saturation_threshold",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softmax_with_temperature",
    "tanh",
    "tanh_derivative",
    "which_temperature",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu")
PEAK_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def relu(x: np.typing.ArrayLike) -> np.ndarray:
    """max(0, x): the identity for positive inputs and zero for negative ones."""
    x = as_float(x)
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def sigmoid_derivative(x: np.typing.ArrayLike) -> np.ndarray:
    """s (1 - s), computed as e / (1 + e)^2 with e = exp(-|x|): accurate where s is near 1.

    Forming 1 - s directly loses every digit once s rounds to 1 (x > 17 in float32); the
    rewritten form keeps full relative precision and is 0, not NaN, at +/-1000.
    """
    x = as_float(x)
    e = np.exp(-np.abs(x))
    return e / ((1 + e) * (1 + e))


def tanh_derivative(x: np.typing.ArrayLike) -> np.ndarray:
    """1 - tanh(x)^2 = 4 e / (1 + e)^2 with e = exp(-2|x|), free of the cancellation near +/-1."""
    x = as_float(x)
    e = np.exp(-2 * np.abs(x))
    return 4 * e / ((1 + e) * (1 + e))


def relu_derivative(x: np.typing.ArrayLike) -> np.ndarray:
    """1 where x > 0, else 0; at exactly 0 the slope is 0, as PyTorch's backward has it."""
    x = as_float(x)
    return (x > 0).astype(x.dtype)


_FUNCTIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}
_DERIVATIVES = {"sigmoid": sigmoid_derivative, "tanh": tanh_derivative, "relu": relu_derivative}


def _check_name(name: str) -> None:
    """Name the allowed activations instead of failing with a KeyError."""
    if name not in _FUNCTIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")


def activation(name: str, x: np.typing.ArrayLike) -> np.ndarray:
    """Apply the activation called ``name`` (sigmoid, tanh or relu) element-wise."""
    _check_name(name)
    return _FUNCTIONS[name](x)


def activation_derivative(name: str, x: np.typing.ArrayLike) -> np.ndarray:
    """The slope of the activation called ``name`` at each x."""
    _check_name(name)
    return _DERIVATIVES[name](x)


def saturation_threshold(name: str, fraction: float = 0.01) -> float:
    """The |x| beyond which the slope stays below ``fraction`` of its peak (inf: never saturates).

    For ReLU the answer is inf: its slope for x > 0 is always the peak (for x < 0 it is 0, the
    dead side, which is not saturation of a squashing curve but the end of all learning signal).
    """
    _check_name(name)
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    if name == "relu":
        return math.inf
    if name == "sigmoid":
        # s (1 - s) = fraction / 4  ->  s = (1 + sqrt(1 - fraction)) / 2, x = log(s / (1 - s)).
        root = math.sqrt(1 - fraction)
        return math.log((1 + root) / (1 - root))
    return math.atanh(math.sqrt(1 - fraction))


def _check_temperature(temperature: float) -> float:
    """Temperature divides the logits: it must be a positive finite number."""
    temperature = float(temperature)
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a positive finite number, got {temperature}")
    return temperature


def softmax_with_temperature(
    logits: np.typing.ArrayLike, temperature: float = 1.0, axis: int = -1
) -> np.ndarray:
    """softmax(z / T): T < 1 sharpens toward the top logit, T > 1 flattens toward uniform."""
    temperature = _check_temperature(temperature)
    z = as_float(logits)
    return softmax(z / np.asarray(temperature, dtype=z.dtype), axis=axis)


def entropy(probabilities: np.typing.ArrayLike, axis: int = -1) -> np.ndarray:
    """H(p) = -sum p log p in nats, with 0 log 0 = 0 so a one-hot distribution has entropy 0."""
    p = as_float(probabilities)
    terms = np.zeros_like(p)
    positive = p > 0
    terms[positive] = p[positive] * np.log(p[positive])
    return -np.sum(terms, axis=axis)


def recover_temperature(logits: np.typing.ArrayLike, probabilities: np.typing.ArrayLike) -> float:
    """The T for which softmax(z / T) = p, by least squares on log p_j - mean = (z_j - mean) / T.

    Centring both sides removes the normaliser log sum exp(z / T); the fit then has one
    unknown, 1/T. Needs at least two distinct logits and strictly positive probabilities.
    """
    z = as_float(logits).astype(np.float64)
    p = as_float(probabilities).astype(np.float64)
    if z.ndim != 1 or z.shape != p.shape or z.size < 2:
        raise ValueError(
            f"logits and probabilities must be 1-D of the same length >= 2, got {z.shape} and {p.shape}"
        )
    if not (np.all(np.isfinite(z)) and np.all(p > 0) and np.all(np.isfinite(p))):
        raise ValueError("logits must be finite and every probability positive to read a temperature")
    centred_z = z - z.mean()
    log_p = np.log(p)
    centred_log_p = log_p - log_p.mean()
    spread = float(centred_z @ centred_z)
    if spread == 0:
        raise ValueError("all logits are equal: every temperature gives the uniform distribution")
    inverse = float(centred_z @ centred_log_p) / spread
    if inverse <= 0:
        raise ValueError("the distribution ranks the logits backwards: no positive temperature fits")
    return 1.0 / inverse


def which_temperature(
    logits: np.typing.ArrayLike, probabilities: np.typing.ArrayLike, candidates: tuple[float, ...]
) -> float:
    """The candidate temperature whose softmax(z / T) is closest (total variation) to p.

    The quiz "which temperature gives this distribution?" shows p rounded for print; picking the
    nearest candidate is robust to that rounding, unlike reading T back exactly.
    """
    if not candidates:
        raise ValueError("candidates must name at least one temperature")
    p = as_float(probabilities).astype(np.float64)
    distances = [
        0.5 * float(np.abs(softmax_with_temperature(np.asarray(logits, dtype=np.float64), t) - p).sum())
        for t in candidates
    ]
    return float(candidates[int(np.argmin(distances))])


def _check_targets(logits: np.ndarray, target: np.typing.ArrayLike) -> np.ndarray:
    """Targets are one class index per row: shape (B,), integers in [0, C)."""
    if logits.ndim != 2 or logits.shape[0] < 1 or logits.shape[1] < 1:
        raise ValueError(f"logits must have shape (B, C) with B, C >= 1, got {logits.shape}")
    target = np.asarray(target)
    if target.shape != (logits.shape[0],):
        raise ValueError(
            f"target must have shape ({logits.shape[0]},), one class per row, got {target.shape}"
        )
    if not np.issubdtype(target.dtype, np.integer):
        raise ValueError(f"target must hold integer class indices, got dtype {target.dtype}")
    if target.size and (target.min() < 0 or target.max() >= logits.shape[1]):
        raise ValueError(
            f"target classes must be in [0, {logits.shape[1]}), got {target.min()}..{target.max()}"
        )
    return target


def cross_entropy(logits: np.typing.ArrayLike, target: np.typing.ArrayLike) -> np.ndarray:
    """Mean over the batch of -log softmax(z_b)[y_b], via log_softmax so +/-1000 stays exact."""
    z = as_float(logits)
    target = _check_targets(z, target)
    picked = log_softmax(z, axis=-1)[np.arange(z.shape[0]), target]
    return np.asarray(-np.mean(picked))  # a 0-d array of the logits' dtype


def cross_entropy_backward(logits: np.typing.ArrayLike, target: np.typing.ArrayLike) -> np.ndarray:
    """dL/dz = (softmax(z) - onehot(y)) / B for the mean cross-entropy; non-finite logits raise."""
    z = as_float(logits)
    target = _check_targets(z, target)
    if not np.all(np.isfinite(z)):
        raise ValueError("logits hold inf or NaN: the cross-entropy gradient would be meaningless")
    grad = softmax(z, axis=-1)
    grad[np.arange(z.shape[0]), target] -= 1
    return grad / np.asarray(z.shape[0], dtype=z.dtype)


if __name__ == "__main__":
    x = np.linspace(-6.0, 6.0, 7)
    for name in ACTIVATIONS:
        print(f"{name:8s}", activation(name, x).round(3), "slope", activation_derivative(name, x).round(4))
        print(f"{'':8s} saturates beyond |x| = {saturation_threshold(name):.2f}")
    logits = np.array([2.0, 1.0, 0.0, -1.0])
    for temperature in (0.5, 1.0, 2.0):
        p = softmax_with_temperature(logits, temperature)
        read_back = recover_temperature(logits, p)
        print(f"T={temperature}: p={p.round(3)}  H={entropy(p):.3f} nats  T read back {read_back:.3f}")
    print(
        "cross-entropy", cross_entropy(logits[None], [0]), "grad", cross_entropy_backward(logits[None], [0])
    )
