"""Two optimisers for the training demos: plain SGD and Adam, as pure functions on arrays.

    SGD:   theta <- theta - lr * g

    Adam:  m <- beta1 m + (1 - beta1) g                   first moment (running mean of g)
           v <- beta2 v + (1 - beta2) g^2                 second moment (running mean of g^2)
           m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)     bias correction, t = 1, 2, ...
           theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)

Both return new arrays and leave their inputs alone, so a training run can keep the initial
weights and train them twice (with and without clipping) from the very same start. Adam's step
size is about lr per weight whatever the gradient's scale, which is why it trains the small
seq2seq demo in seconds where SGD needs a tuned rate; SGD's step is proportional to the gradient,
which is why an exploding gradient wrecks it and clipping rescues it.

References: Robbins and Monro, "A stochastic approximation method" (1951); Kingma and Ba, "Adam:
a method for stochastic optimization" (ICLR 2015), algorithm 1, which is also what
``torch.optim.Adam`` computes with its defaults (no weight decay, no amsgrad).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["AdamState", "adam_step", "init_adam", "sgd_step"]


def _check_pairs(params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
    """One gradient per parameter, of the same shape: a mismatch is a bug upstream, not data."""
    if len(params) != len(grads):
        raise ValueError(f"{len(grads)} gradients for {len(params)} parameters")
    for index, (param, grad) in enumerate(zip(params, grads, strict=True)):
        if param.shape != grad.shape:
            raise ValueError(f"gradient {index} has shape {grad.shape}, parameter has {param.shape}")


def sgd_step(params: Sequence[np.ndarray], grads: Sequence[np.ndarray], lr: float) -> tuple[np.ndarray, ...]:
    """theta - lr * g for every array, in the parameters' dtype."""
    _check_pairs(params, grads)
    pairs = zip(params, grads, strict=True)
    return tuple((param - lr * grad).astype(param.dtype, copy=False) for param, grad in pairs)


@dataclass(frozen=True)
class AdamState:
    """Adam's running moments and its step count t (0 before the first update)."""

    first: tuple[np.ndarray, ...]  # m
    second: tuple[np.ndarray, ...]  # v
    t: int
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8


def init_adam(
    params: Sequence[np.ndarray], beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
) -> AdamState:
    """Zero moments shaped like the parameters (PyTorch's defaults for the constants)."""
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1 and eps > 0):
        raise ValueError(f"need 0 <= beta1, beta2 < 1 and eps > 0, got {beta1}, {beta2}, {eps}")
    zeros = tuple(np.zeros_like(param) for param in params)
    return AdamState(zeros, tuple(np.zeros_like(param) for param in params), 0, beta1, beta2, eps)


def adam_step(
    params: Sequence[np.ndarray], grads: Sequence[np.ndarray], state: AdamState, lr: float
) -> tuple[tuple[np.ndarray, ...], AdamState]:
    """One Adam update: the new parameters and the new state (moments and t advanced)."""
    _check_pairs(params, grads)
    if len(state.first) != len(params):
        raise ValueError(f"Adam state holds {len(state.first)} arrays for {len(params)} parameters")
    t = state.t + 1
    beta1, beta2 = state.beta1, state.beta2
    correction1, correction2 = 1 - beta1**t, 1 - beta2**t
    new_params, firsts, seconds = [], [], []
    for param, grad, m, v in zip(params, grads, state.first, state.second, strict=True):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        # PyTorch's order of operations: sqrt(v) / sqrt(1 - beta2^t), then + eps.
        denominator = np.sqrt(v) / math.sqrt(correction2) + state.eps  # Python floats keep float32
        step = (lr / correction1) * m / denominator
        new_params.append((param - step).astype(param.dtype, copy=False))
        firsts.append(m.astype(param.dtype, copy=False))
        seconds.append(v.astype(param.dtype, copy=False))
    new_state = AdamState(tuple(firsts), tuple(seconds), t, beta1, beta2, state.eps)
    return tuple(new_params), new_state


if __name__ == "__main__":
    # Minimise f(w) = (w - 3)^2 both ways from w = 0.
    w_sgd = w_adam = (np.zeros(1),)
    state = init_adam(w_adam)
    for _ in range(100):
        w_sgd = sgd_step(w_sgd, (2 * (w_sgd[0] - 3),), lr=0.1)
        w_adam, state = adam_step(w_adam, (2 * (w_adam[0] - 3),), state, lr=0.1)
    print("SGD", w_sgd[0], " Adam", w_adam[0])
