"""Vanishing and exploding gradients: how ||dL/dh_{T-k}|| changes with the distance k.

For a tanh RNN, h_t = tanh(a_t) with a_t = W_hh h_{t-1} + W_ih x_t (column-vector notation), the
gradient travels back one step as

    dL/dh_{t-1} = W_hh^T diag(1 - h_t^2) dL/dh_t,   so   ||dL/dh_{T-k}|| <= (rho_max * 1)^k ||dL/dh_T||

where 1 - h_t^2 <= 1. Repeated multiplication by the same matrix makes the norm shrink or grow
geometrically with k: vanishing when the recurrent matrix is contractive, exploding when it is
expansive and the tanh stays out of saturation (Bengio, Simard and Frasconi 1994; Pascanu,
Mikolov and Bengio 2013).

The exact linear case, h_t = W h_{t-1} + x_t with W = rho * Q, Q orthogonal: W^T = rho Q^T and
Q^T preserves norms, so ||dL/dh_{T-k}|| = rho^k ||dL/dh_T|| exactly, for every k.

In an LSTM the cell state carries gradient back through dL/dc_{t-1} = f_t * dL/dc_t (plus
terms through the gates), so a forget gate held near 1 by a positive bias keeps it alive
(Gers et al. 2000; Jozefowicz et al. 2015).

``classify`` names the trend of a norm curve by its overall change per step,

    r = (||dL/dh_{T-K}|| / ||dL/dh_T||) ** (1 / K)        (the geometric mean factor per step)

and calls it vanishing when r ** 30 < 1/10 (at that rate the gradient loses a factor of 10 within
30 steps, r < 0.926), exploding when r ** 30 > 10 (r > 1.080), stable otherwise. The rate, not a
change over the whole span, so the verdict does not depend on how many steps are drawn (rho = 0.5
vanishes after 2 steps as after 30), and from the end points, so an LSTM whose norm falls tenfold
in its first two steps and then holds is not called stable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from seqml.lstm import init_lstm, lstm_backward, lstm_forward
from seqml.rnn import RNNParams, rnn_backward, rnn_forward

__all__ = [
    "GradientNorms",
    "classify",
    "linear_gradient_norms",
    "lstm_gradient_norms",
    "orthogonal",
    "per_step_factor",
    "rnn_gradient_norms",
]

Verdict = Literal["vanishing", "exploding", "stable"]


@dataclass(frozen=True)
class GradientNorms:
    """Gradient norm at each distance k back from the loss, ready for a log-scale bar chart."""

    model: str  # "rnn", "lstm" or "linear"
    k: np.ndarray  # 0..steps
    norms: np.ndarray  # ||dL/dh_{T-k}||, norms[0] = ||dL/dh_T|| = 1
    rho: float | None = None  # spectral radius of the recurrent matrix (rnn, linear)
    forget_bias: float | None = None  # lstm only
    cell_norms: np.ndarray | None = None  # lstm only: ||dL/dc_{T-k}||

    @property
    def verdict(self) -> Verdict:
        """The curve's trend, as ``classify`` names it."""
        return classify(self.norms)


def _check(steps: int, hidden: int, rho: float | None = None) -> None:
    """Reject sizes that make the experiment meaningless, naming the allowed range."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if hidden < 1:
        raise ValueError(f"hidden must be >= 1, got {hidden}")
    if rho is not None and not (math.isfinite(rho) and rho >= 0):
        raise ValueError(f"rho must be a finite number >= 0, got {rho}")


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal matrix (Haar-distributed) from the QR factors of a Gaussian matrix."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)  # sign fix makes the draw uniform


def _unit(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random direction for dL/dh_T, so no coordinate is favoured."""
    u = rng.standard_normal(n)
    return u / np.linalg.norm(u)


def _norms_back(grads: np.ndarray, first: np.ndarray) -> np.ndarray:
    """||grads[T-1-k]|| for k = 0..T-1, then the norm of the gradient on the initial state."""
    per_step = np.linalg.norm(grads.reshape(grads.shape[0], -1), axis=1)[::-1]
    return np.append(per_step, np.linalg.norm(first))


def rnn_gradient_norms(
    rho: float,
    steps: int,
    hidden: int,
    rng: np.random.Generator,
    input_scale: float = 0.01,
    recurrent: Literal["orthogonal", "gaussian"] = "orthogonal",
) -> GradientNorms:
    """BPTT through a tanh RNN whose W_hh has spectral radius rho, from a unit dL/dh_T.

    Small inputs (``input_scale``) keep tanh near its linear range, so rho decides the trend;
    larger inputs saturate tanh and make gradients vanish even for rho >= 1.
    """
    _check(steps, hidden, rho)
    if recurrent == "orthogonal":
        W = orthogonal(hidden, rng)  # every eigenvalue on the unit circle
    elif recurrent == "gaussian":
        W = rng.standard_normal((hidden, hidden)) / math.sqrt(hidden)
        W /= np.max(np.abs(np.linalg.eigvals(W)))
    else:
        raise ValueError(f"recurrent must be 'orthogonal' or 'gaussian', got {recurrent!r}")
    params = RNNParams(
        weight_ih=orthogonal(hidden, rng),
        weight_hh=rho * W,
        bias_ih=np.zeros(hidden),
        bias_hh=np.zeros(hidden),
    )
    forward = rnn_forward(params, input_scale * rng.standard_normal((steps, 1, hidden)))
    upstream = np.zeros_like(forward.hidden_states)
    upstream[-1, 0] = _unit(hidden, rng)  # the loss reads h_T only
    grads = rnn_backward(params, forward, upstream)
    return GradientNorms(
        model="rnn",
        k=np.arange(steps + 1),
        norms=_norms_back(grads.hidden_grads, grads.dh0),
        rho=float(rho),
    )


def lstm_gradient_norms(
    forget_bias: float,
    steps: int,
    hidden: int,
    rng: np.random.Generator,
    input_scale: float = 1.0,
) -> GradientNorms:
    """BPTT through a PyTorch-initialised LSTM with the given forget-gate bias, from a unit dL/dh_T."""
    _check(steps, hidden)
    if not math.isfinite(forget_bias):
        raise ValueError(f"forget_bias must be finite, got {forget_bias}")
    params = init_lstm(hidden, hidden, rng, forget_bias=forget_bias)
    forward = lstm_forward(params, input_scale * rng.standard_normal((steps, 1, hidden)))
    upstream = np.zeros_like(forward.hidden_states)
    upstream[-1, 0] = _unit(hidden, rng)
    grads = lstm_backward(params, forward, upstream)
    return GradientNorms(
        model="lstm",
        k=np.arange(steps + 1),
        norms=_norms_back(grads.hidden_grads, grads.dh0),
        forget_bias=float(forget_bias),
        cell_norms=_norms_back(grads.cell_grads, grads.dc0),
    )


def linear_gradient_norms(rho: float, steps: int, hidden: int, rng: np.random.Generator) -> GradientNorms:
    """The exact case: W = rho * Q with Q orthogonal, where ||dL/dh_{T-k}|| = rho^k."""
    _check(steps, hidden, rho)
    W = rho * orthogonal(hidden, rng)
    g = _unit(hidden, rng)  # dL/dh_T
    norms = np.empty(steps + 1)
    norms[0] = np.linalg.norm(g)
    for k in range(1, steps + 1):
        g = W.T @ g  # dL/dh_{t-1} = W^T dL/dh_t: no nonlinearity to shrink it
        norms[k] = np.linalg.norm(g)
    return GradientNorms(model="linear", k=np.arange(steps + 1), norms=norms, rho=float(rho))


def per_step_factor(norms: np.ndarray) -> float:
    """r = (norms[-1] / norms[0]) ** (1 / K): the overall factor a gradient norm changes by per step."""
    norms = _checked_norms(norms)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return float((norms[-1] / norms[0]) ** (1.0 / (norms.size - 1)))


def classify(norms: np.ndarray, factor: float = 10.0, horizon: int = 30) -> Verdict:
    """Vanishing or exploding when, at its overall rate per step, the norm would shrink or grow by
    ``factor`` within ``horizon`` steps; stable otherwise."""
    norms = _checked_norms(norms)
    if not factor > 1:
        raise ValueError(f"factor must be > 1, got {factor}")
    if not horizon >= 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    if np.isinf(norms).any():
        return "exploding"
    if (norms == 0).any():
        return "vanishing"  # underflowed to zero on the way back
    # log10 of the change over ``horizon`` steps at the curve's mean rate.
    change = horizon * math.log10(per_step_factor(norms))
    if change < -math.log10(factor):
        return "vanishing"
    if change > math.log10(factor):
        return "exploding"
    return "stable"


def _checked_norms(norms: np.ndarray) -> np.ndarray:
    """A 1-D float array of at least two non-negative norms, or a clear ValueError."""
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 1 or norms.size < 2:
        raise ValueError("norms must be a 1-D array of at least two gradient norms")
    if np.isnan(norms).any() or (norms < 0).any():
        raise ValueError("norms must be non-negative numbers (no NaN)")
    return norms


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    for rho in (0.8, 1.0, 1.2):
        result = rnn_gradient_norms(rho, steps=40, hidden=32, rng=rng)
        print(f"rnn  rho={rho}: {result.norms[[0, 10, 20, 40]].round(4)} {result.verdict}")
    for bias in (0.0, 3.0):
        result = lstm_gradient_norms(bias, steps=40, hidden=32, rng=rng)
        print(f"lstm bias={bias}: {result.norms[[0, 10, 20, 40]].round(4)} {result.verdict}")
    print("linear rho=0.9:", linear_gradient_norms(0.9, 5, 8, rng).norms.round(6))
