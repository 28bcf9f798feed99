"""Demo: one forward and one backward pass through a tiny network, every gradient named and shown.

A batch of a few random inputs goes through x -> W1 x + b1 -> tanh or relu -> W2 h + b2 ->
softmax cross-entropy (more hidden layers with ``layers``). The backward pass is listed in the
order the chain rule computes it, dL/dlogits first and dL/dx last, each with its equation, its
shape (always the shape of what it is the gradient of) and its values. Then every gradient is
compared with central finite differences of the loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param

if TYPE_CHECKING:
    import numpy as np

    from seqml.backprop import BackwardStep, MLPForward

NOTICE = (
    "Each gradient has the shape of the thing it is the gradient of, the error signal dlogits = "
    "(p - onehot(y)) / B flows backwards through W2 and the activation's slope, and the chain "
    "rule's answers agree with finite differences to about nine digits."
)

INPUT_SIZE = 3
CLASSES = 3
FD_STEP = 1e-5


@dataclass(frozen=True)
class GradientCheckRow:
    """One learnable array (or the input): its gradient's size and its error against differences."""

    name: str  # W1, b1, ..., x
    shape: tuple[int, ...]
    norm: float  # ||dL/d name||
    relative_error: float  # ||analytic - numeric|| / max(||analytic||, ||numeric||)


@dataclass(frozen=True)
class BackpropResult:
    """The forward values, the named backward steps, and the finite-difference check."""

    activation: str
    sizes: tuple[int, ...]  # (I, H_1, ..., H_L, C)
    forward: MLPForward
    steps: tuple[BackwardStep, ...]
    checks: tuple[GradientCheckRow, ...]
    max_relative_error: float
    fd_step: float


def run(params: dict[str, Any], rng: np.random.Generator) -> BackpropResult:
    """Initialise the network, draw a batch, run forward and backward, and check by differences."""
    from seqml import backprop

    sizes = (INPUT_SIZE, *(params["hidden"] for _ in range(params["layers"])), CLASSES)
    network = backprop.init_mlp(sizes, params["activation"], rng)
    x = rng.standard_normal((params["batch"], INPUT_SIZE))
    target = rng.integers(0, CLASSES, size=params["batch"])
    forward = backprop.mlp_forward(network, x, target)
    gradients = backprop.mlp_backward(network, forward)
    errors = backprop.gradient_check(network, forward, gradients, FD_STEP)
    analytic = {f"W{i}": g for i, g in enumerate(gradients.weights, start=1)}
    analytic |= {f"b{i}": g for i, g in enumerate(gradients.biases, start=1)}
    analytic["x"] = gradients.x
    checks = tuple(
        GradientCheckRow(name, analytic[name].shape, float((analytic[name] ** 2).sum() ** 0.5), errors[name])
        for name in analytic
    )
    return BackpropResult(
        activation=params["activation"],
        sizes=sizes,
        forward=forward,
        steps=backprop.backward_steps(network, gradients),
        checks=checks,
        max_relative_error=max(errors.values()),
        fd_step=FD_STEP,
    )


DEMO = Demo(
    name="backprop",
    title="Backpropagation, step by step",
    summary="Every gradient of a tiny network's backward pass, checked by finite differences.",
    terms=("backpropagation", "hidden-layer", "deep-neural-network", "loss-function", "cross-entropy"),
    params=(
        Param("hidden", "int", 4, 1, 8, help="units in each hidden layer"),
        Param(
            "activation", "choice", "tanh", choices=("tanh", "relu"), help="the hidden layers' nonlinearity"
        ),
        Param("batch", "int", 2, 1, 8, help="examples in the batch (the loss is their mean)"),
        Param("layers", "int", 1, 1, 3, help="hidden layers: 1 is a two-layer network, 2 or more is deep"),
    ),
    notice=NOTICE,
    runner=run,
    code=("seqml.backprop:mlp_forward", "seqml.backprop:mlp_backward", "seqml.backprop:gradient_check"),
)
