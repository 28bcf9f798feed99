"""Bidirectional tanh RNN in PyTorch's ``bidirectional=True`` layout, built on ``seqml.rnn``.

Two independent RNNs read the same sequence x_1..x_T (each x_t of shape (B, I)), one in each
direction, with their own weights (PyTorch names them ``*_l0`` and ``*_l0_reverse``):

    forward:   f_t = tanh(x_t W_ih^T + b_ih + f_{t-1} W_hh^T + b_hh),     t = 1..T,  f_0 = h0[0]
    backward:  b_t = tanh(x_t V_ih^T + c_ih + b_{t+1} V_hh^T + c_hh),     t = T..1,  b_{T+1} = h0[1]
    output_t = [f_t ; b_t]                                  (B, 2H): concatenated, forward first
    h_n      = [f_T ; b_1]                                  (2, B, H): each direction's LAST state

So output_t summarises the whole sentence around position t: f_t the words up to t, b_t the words
from t to the end. Even the first position's output depends on the last word, through b_1.

Backward: the gradient on output_t splits into df_t (first H columns) and db_t (last H); each
direction runs ordinary BPTT (``seqml.rnn.rnn_backward``) in its own time order, the reverse one
on the flipped sequence; the gradient on h_n joins f_T and b_1; the input gradient is the sum

    dx_t = df-side dx_t + db-side dx_t

because both directions read the same x_t.

References: Schuster and Paliwal, "Bidirectional recurrent neural networks" (IEEE Trans. Signal
Processing, 1997); Graves and Schmidhuber, "Framewise phoneme classification with bidirectional
LSTM and other neural network architectures" (Neural Networks, 2005); PyTorch ``torch.nn.RNN``
documentation for the layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from seqml.rnn import RNNForward, RNNGradients, RNNParams, init_rnn, rnn_backward, rnn_forward

__all__ = [
    "BidirectionalForward",
    "BidirectionalGradients",
    "BidirectionalParams",
    "bidirectional_backward",
    "bidirectional_forward",
    "init_bidirectional",
]

PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@dataclass(frozen=True)
class BidirectionalParams:
    """The two directions' weights, each a one-layer ``RNNParams`` of the same shapes."""

    forward: RNNParams  # PyTorch's *_l0
    reverse: RNNParams  # PyTorch's *_l0_reverse

    def __post_init__(self) -> None:
        """Both directions must read the same inputs and return states of the same width."""
        shapes = [tuple(np.shape(getattr(p, n)) for n in PARAM_NAMES) for p in (self.forward, self.reverse)]
        if shapes[0] != shapes[1]:
            raise ValueError(f"the two directions' weights differ in shape: {shapes[0]} and {shapes[1]}")

    @property
    def input_size(self) -> int:
        """Width I of each input vector."""
        return self.forward.input_size

    @property
    def hidden_size(self) -> int:
        """Width H of ONE direction's state; the output is 2H wide."""
        return self.forward.hidden_size

    @classmethod
    def from_state_dict(cls, arrays: Mapping[str, np.ndarray]) -> BidirectionalParams:
        """Read PyTorch's names (weight_ih_l0, ..., bias_hh_l0_reverse) into the two directions."""
        missing = [f"{n}_l0{s}" for s in ("", "_reverse") for n in PARAM_NAMES if f"{n}_l0{s}" not in arrays]
        if missing:
            raise ValueError(f"missing bidirectional RNN weights: {', '.join(missing)}")
        return cls(
            forward=RNNParams(*(np.asarray(arrays[f"{n}_l0"]) for n in PARAM_NAMES)),
            reverse=RNNParams(*(np.asarray(arrays[f"{n}_l0_reverse"]) for n in PARAM_NAMES)),
        )


@dataclass(frozen=True)
class BidirectionalForward:
    """Both directions' runs, and the states re-aligned to the input's time order."""

    inputs: np.ndarray  # x, (T, B, I)
    forward_run: RNNForward  # over x_1..x_T
    reverse_run: RNNForward  # over x_T..x_1: its step s is position T - s

    @property
    def forward_states(self) -> np.ndarray:
        """f_t, t = 1..T, (T, B, H): the words up to and including t."""
        return self.forward_run.hidden_states

    @property
    def backward_states(self) -> np.ndarray:
        """b_t, t = 1..T, (T, B, H), in input order: the words from t to the end."""
        return self.reverse_run.hidden_states[::-1]

    @property
    def outputs(self) -> np.ndarray:
        """[f_t ; b_t] per position, (T, B, 2H): PyTorch's ``output``."""
        return np.concatenate([self.forward_states, self.backward_states], axis=2)

    @property
    def h_n(self) -> np.ndarray:
        """(2, B, H): f_T and b_1, each direction's final state, as PyTorch's ``h_n``."""
        return np.stack([self.forward_run.h_last, self.reverse_run.h_last])


@dataclass(frozen=True)
class BidirectionalGradients:
    """Gradients on both directions' parameters (PyTorch layout), the inputs and h0."""

    forward: RNNGradients  # *_l0
    reverse: RNNGradients  # *_l0_reverse, its time axis in the reverse run's order
    dx: np.ndarray  # (T, B, I), both directions summed
    dh0: np.ndarray  # (2, B, H)

    def named(self) -> dict[str, np.ndarray]:
        """Parameter gradients under PyTorch's names, e.g. ``weight_hh_l0_reverse``."""
        return {
            f"{name}_l0{suffix}": getattr(grads, name)
            for suffix, grads in (("", self.forward), ("_reverse", self.reverse))
            for name in PARAM_NAMES
        }


def init_bidirectional(
    input_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    dtype: np.typing.DTypeLike = np.float64,
) -> BidirectionalParams:
    """Two independent PyTorch-style RNN initialisations, forward direction first."""
    return BidirectionalParams(
        forward=init_rnn(input_size, hidden_size, rng, dtype),
        reverse=init_rnn(input_size, hidden_size, rng, dtype),
    )


def bidirectional_forward(
    params: BidirectionalParams, x: np.ndarray, h0: np.ndarray | None = None
) -> BidirectionalForward:
    """Run both directions over x (T, B, I); h0 is (2, B, H), forward direction first."""
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[2] != params.input_size or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (T, B, {params.input_size}) with T, B >= 1, got {x.shape}")
    B, H = x.shape[1], params.hidden_size
    starts: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    if h0 is not None:
        h0 = np.asarray(h0)
        if h0.shape != (2, B, H):
            raise ValueError(f"h0 must have shape {(2, B, H)} (direction, batch, hidden), got {h0.shape}")
        starts = (h0[0], h0[1])
    forward_run = rnn_forward(params.forward, x, starts[0])
    # The reverse direction is the same recurrence over the flipped sequence.
    reverse_run = rnn_forward(params.reverse, np.ascontiguousarray(x[::-1]), starts[1])
    return BidirectionalForward(x, forward_run, reverse_run)


def bidirectional_backward(
    params: BidirectionalParams,
    forward: BidirectionalForward,
    dL_doutput: np.ndarray,
    dL_dh_n: np.ndarray | None = None,
) -> BidirectionalGradients:
    """BPTT for both directions from dL/doutput (T, B, 2H) and optionally dL/dh_n (2, B, H)."""
    T, B, H = forward.forward_states.shape
    dtype = forward.forward_states.dtype
    dL_doutput = np.asarray(dL_doutput, dtype=dtype)
    if dL_doutput.shape != (T, B, 2 * H):
        raise ValueError(f"dL_doutput must have shape {(T, B, 2 * H)}, got {dL_doutput.shape}")
    if not np.all(np.isfinite(dL_doutput)):
        raise ValueError("dL_doutput holds NaN or infinite values: the loss gradient is already broken")
    # Step 1: split the output gradient by direction; the reverse half goes into the reverse
    # run's own time order (its step s is position T - s).
    d_forward = dL_doutput[:, :, :H].copy()
    d_reverse = dL_doutput[::-1, :, H:].copy()
    # Step 2: h_n holds f_T and b_1, the LAST step of each run: their gradients join there.
    if dL_dh_n is not None:
        dL_dh_n = np.asarray(dL_dh_n, dtype=dtype)
        if dL_dh_n.shape != (2, B, H):
            raise ValueError(f"dL_dh_n must have shape {(2, B, H)}, got {dL_dh_n.shape}")
        if not np.all(np.isfinite(dL_dh_n)):
            raise ValueError("dL_dh_n holds NaN or infinite values")
        d_forward[-1] += dL_dh_n[0]
        d_reverse[-1] += dL_dh_n[1]
    # Step 3: each direction is an ordinary RNN: BPTT in its own time order.
    forward_grads = rnn_backward(params.forward, forward.forward_run, d_forward)
    reverse_grads = rnn_backward(params.reverse, forward.reverse_run, d_reverse)
    # Step 4: both directions read x_t, so its gradient is the sum (the reverse one flipped back).
    return BidirectionalGradients(
        forward=forward_grads,
        reverse=reverse_grads,
        dx=forward_grads.dx + reverse_grads.dx[::-1],
        dh0=np.stack([forward_grads.dh0, reverse_grads.dh0]),
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = init_bidirectional(input_size=3, hidden_size=2, rng=rng)
    x = rng.standard_normal((4, 1, 3))
    before = bidirectional_forward(params, x)
    x[-1] += 1.0  # change only the last input
    after = bidirectional_forward(params, x)
    for name in ("forward_states", "backward_states"):
        change = np.abs(getattr(after, name) - getattr(before, name)).sum(axis=(1, 2))
        print(f"change in {name} per position:", change.round(4))
