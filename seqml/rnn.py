"""Elman RNN (tanh) unrolled over time, with backpropagation through time (BPTT).

Forward, for t = 1..T, in PyTorch's ``nn.RNN`` layout (weights act on the right, transposed):

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh        (B, H)
    h_t = tanh(a_t)

with x of shape (T, B, I), W_ih of shape (H, I), W_hh of shape (H, H) and h_0 given (zeros by
default). Every hidden state h_1..h_T is kept: the demo draws one column per timestep.

Backward, from upstream gradients dL/dh_t on every hidden state (for example a loss on each
output), the total gradient on h_t also collects what flows back from step t+1:

    g_t      = dL/dh_t (upstream) + da_{t+1} W_hh              (total gradient on h_t)
    da_t     = g_t * (1 - h_t^2)                               (through tanh)
    dW_ih    = sum_t da_t^T x_t        dW_hh = sum_t da_t^T h_{t-1}
    db_ih    = db_hh = sum_t sum_b da_t
    dx_t     = da_t W_ih               dh_0 = da_1 W_hh

References: Elman, "Finding structure in time" (Cognitive Science, 1990); Werbos,
"Backpropagation through time: what it does and how to do it" (Proc. IEEE, 1990); PyTorch
``torch.nn.RNN`` documentation for the layout and the U(-1/sqrt(H), 1/sqrt(H)) initialisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "RNNForward",
    "RNNGradients",
    "RNNParams",
    "init_rnn",
    "rnn_backward",
    "rnn_forward",
]


@dataclass(frozen=True)
class RNNParams:
    """Weights of one tanh RNN layer, shaped exactly like PyTorch's so fixtures load directly."""

    weight_ih: np.ndarray  # (H, I)
    weight_hh: np.ndarray  # (H, H)
    bias_ih: np.ndarray  # (H,)
    bias_hh: np.ndarray  # (H,)

    @property
    def input_size(self) -> int:
        """Width I of each input vector, read off weight_ih so it cannot disagree."""
        return int(self.weight_ih.shape[1])

    @property
    def hidden_size(self) -> int:
        """Width H of the hidden state."""
        return int(self.weight_hh.shape[0])


@dataclass(frozen=True)
class RNNForward:
    """Everything the backward pass and the unrolled picture need: inputs and every h_t."""

    inputs: np.ndarray  # x, (T, B, I)
    h0: np.ndarray  # (B, H)
    hidden_states: np.ndarray  # h_1..h_T, (T, B, H)

    @property
    def h_last(self) -> np.ndarray:
        """Final hidden state h_T, what a classifier on the whole sequence would read."""
        return self.hidden_states[-1]


@dataclass(frozen=True)
class RNNGradients:
    """Gradients of the loss with respect to every parameter, the inputs and h_0."""

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray
    dx: np.ndarray  # (T, B, I)
    dh0: np.ndarray  # (B, H)
    hidden_grads: np.ndarray  # total dL/dh_t for t = 1..T, (T, B, H): the BPTT signal per step


def init_rnn(
    input_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    dtype: np.typing.DTypeLike = np.float64,
) -> RNNParams:
    """PyTorch's default initialisation, U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias."""
    if input_size < 1 or hidden_size < 1:
        raise ValueError(f"input_size and hidden_size must be >= 1, got {input_size} and {hidden_size}")
    bound = 1.0 / np.sqrt(hidden_size)

    def draw(*shape: int) -> np.ndarray:
        return rng.uniform(-bound, bound, size=shape).astype(dtype)

    return RNNParams(
        weight_ih=draw(hidden_size, input_size),
        weight_hh=draw(hidden_size, hidden_size),
        bias_ih=draw(hidden_size),
        bias_hh=draw(hidden_size),
    )


def _check_inputs(params: RNNParams, x: np.ndarray) -> None:
    """Fail with the expected shape rather than a broadcasting error deep inside the loop."""
    if x.ndim != 3 or x.shape[2] != params.input_size or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (T, B, {params.input_size}) with T, B >= 1, got {x.shape}")


def rnn_forward(params: RNNParams, x: np.ndarray, h0: np.ndarray | None = None) -> RNNForward:
    """Unroll the RNN over x (T, B, I), keeping every hidden state for BPTT and for display.

    x is cast to the parameters' dtype, so float32 weights compute (and back-propagate) in float32.
    """
    dtype = params.weight_hh.dtype
    x = np.asarray(x, dtype=dtype)
    _check_inputs(params, x)
    T, B, _ = x.shape
    H = params.hidden_size
    h0 = np.zeros((B, H), dtype=dtype) if h0 is None else np.asarray(h0, dtype=dtype)
    if h0.shape != (B, H):
        raise ValueError(f"h0 must have shape {(B, H)}, got {h0.shape}")
    # The input term does not depend on h, so all T*B inputs go through one matrix product.
    pre = (x.reshape(T * B, -1) @ params.weight_ih.T).reshape(T, B, H)
    pre += params.bias_ih + params.bias_hh
    hidden = np.empty((T, B, H), dtype=dtype)
    h = h0
    for t in range(T):
        np.matmul(h, params.weight_hh.T, out=hidden[t])  # h_{t-1} W_hh^T
        hidden[t] += pre[t]
        np.tanh(hidden[t], out=hidden[t])  # h_t = tanh(a_t)
        h = hidden[t]
    return RNNForward(inputs=x, h0=h0, hidden_states=hidden)


def rnn_backward(params: RNNParams, forward: RNNForward, dL_dh: np.ndarray) -> RNNGradients:
    """Backpropagate upstream gradients on every h_t (T, B, H) through time to weights, inputs."""
    x, hidden = forward.inputs, forward.hidden_states
    T, B, H = hidden.shape
    dL_dh = np.asarray(dL_dh, dtype=hidden.dtype)
    if dL_dh.shape != hidden.shape:
        raise ValueError(f"dL_dh must have shape {hidden.shape}, got {dL_dh.shape}")

    da = np.empty_like(hidden)  # gradient on the pre-activation a_t at every step
    hidden_grads = np.empty_like(hidden)
    carry = np.zeros((B, H), dtype=hidden.dtype)  # gradient arriving at h_t from step t+1
    for t in range(T - 1, -1, -1):
        # Step 1: h_t feeds the loss directly (dL_dh[t]) and the next step (carry); add both.
        g = hidden_grads[t]
        np.add(dL_dh[t], carry, out=g)
        # Step 2: through tanh, d tanh(a)/da = 1 - tanh(a)^2 = 1 - h_t^2.
        np.multiply(g, 1 - hidden[t] * hidden[t], out=da[t])
        # Step 3: a_t = ... + h_{t-1} W_hh^T, so h_{t-1} receives da_t W_hh.
        np.matmul(da[t], params.weight_hh, out=carry)
    # Step 4: the weights are shared across time, so their gradients sum over every step;
    # stacking the steps turns those sums into single matrix products.
    da_flat = da.reshape(T * B, H)
    h_prev = np.concatenate([forward.h0[None], hidden[:-1]]).reshape(T * B, H)
    grad_bias = da_flat.sum(axis=0)
    return RNNGradients(
        weight_ih=da_flat.T @ x.reshape(T * B, -1),
        weight_hh=da_flat.T @ h_prev,
        bias_ih=grad_bias,
        bias_hh=grad_bias.copy(),
        # Step 5: a_t = x_t W_ih^T + ..., so each input receives da_t W_ih.
        dx=(da_flat @ params.weight_ih).reshape(x.shape),
        dh0=carry,  # after the loop, carry holds da_1 W_hh: the gradient on h_0
        hidden_grads=hidden_grads,
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = init_rnn(input_size=3, hidden_size=4, rng=rng)
    x = rng.standard_normal((5, 2, 3))
    forward = rnn_forward(params, x)
    print("h_T =", forward.h_last)
    grads = rnn_backward(params, forward, np.ones_like(forward.hidden_states))
    print("||dL/dW_hh|| =", np.linalg.norm(grads.weight_hh))
