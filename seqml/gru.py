"""GRU cell and layer in PyTorch's layout (gate order r, z, n; two biases), with BPTT.

One step, with x (B, I), h (B, H), W_ih = [W_ir; W_iz; W_in] (3H, I), W_hh = [W_hr; W_hz; W_hn]
(3H, H) and the biases split the same way:

    r  = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)       reset gate: how much of h the candidate sees
    z  = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)       update gate: how much of h is copied through
    m  = h W_hn^T + b_hn                                   the recurrent part of the candidate
    n  = tanh(x W_in^T + b_in + r * m)                     candidate state
    h' = (1 - z) * n + z * h

PyTorch (and this module) let z multiply the OLD state; Cho et al. (2014) and some texts write
h' = z * n + (1 - z) * h instead, the same cell with z renamed 1 - z. A GRU has no separate cell
state: h is both the memory and the output, and z near 1 copies it through unchanged.

Backward through one step, given the total gradient g on h' (from the loss and from step t+1):

    dn   = g * (1 - z)              dz = g * (h - n)
    da_n = dn * (1 - n^2)           (pre-activation of n; also the gradient on x W_in^T + b_in)
    dm   = da_n * r                 dr = da_n * m
    da_r = dr * r (1 - r)           da_z = dz * z (1 - z)
    dh   = g * z + [da_r, da_z, dm] W_hh        dx = [da_r, da_z, da_n] W_ih

The direct path dh = g * z is the GRU's additive memory: with z near 1 the gradient, like the
state, passes a step almost unchanged.

Speed (``gru_forward`` is benchmarked against ``torch.nn.GRU``, bench/bench_gru.py): all T*B inputs
are projected in one (T*B, I+1) x (I+1, 3H) product before the time loop, straight into the
(T, B, 3H) gate buffer, with b_ih and the r and z parts of b_hh folded in as a row of weights
against a column of ones (b_hn cannot be folded: r multiplies it). Each step then adds one
recurrent product and updates its contiguous (B, 3H) block in place, into preallocated buffers.
NumPy's float32 tanh is not vectorised on this machine kind (about 5 ns a value, against 2 for
exp), so the activations go through exp:

    sigmoid(a) = 1 / (1 + exp(-a))          tanh(a) = 2 / (1 + exp(-2a)) - 1

with the rows of the input weights pre-scaled by -1 (r, z) and -2 (n), exact in binary, so the
buffer holds -a and -2a ready for one exp call. Both forms are stable at +/-1000: exp overflows
to inf, and 1 / (1 + inf) = 0 is the right limit (the overflow flag is silenced on purpose).
The price: a tanh near 0 keeps its absolute accuracy (about one unit in the last place of 1),
not its relative one, which is all h' = n + z (h - n) needs. ``gru_cell`` is the slow, literal
transcription of the equations above (with ``seqml.numerics.sigmoid`` and ``np.tanh``), for
reading and for the demo.

References: Cho et al., "Learning phrase representations using RNN encoder-decoder for statistical
machine translation" (EMNLP 2014); Chung et al., "Empirical evaluation of gated recurrent neural
networks on sequence modeling" (2014); PyTorch ``torch.nn.GRU`` documentation for the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from seqml.numerics import sigmoid

__all__ = [
    "GRUCache",
    "GRUForward",
    "GRUGradients",
    "GRUParams",
    "UpdateGateExercise",
    "gru_backward",
    "gru_cell",
    "gru_forward",
    "init_gru",
    "update_gate_exercise",
]


@dataclass(frozen=True)
class GRUParams:
    """GRU weights shaped like PyTorch's, plus pre-scaled copies cached on first use.

    Treat the arrays as read-only after the first forward: the cached copies are not refreshed.
    """

    weight_ih: np.ndarray  # (3H, I), row blocks r, z, n
    weight_hh: np.ndarray  # (3H, H)
    bias_ih: np.ndarray  # (3H,)
    bias_hh: np.ndarray  # (3H,)

    def __post_init__(self) -> None:
        """Check the four shapes agree, so a transposed weight fails here and not mid-loop."""
        H = np.shape(self.weight_hh)[-1] if np.ndim(self.weight_hh) == 2 else -1
        rows = np.shape(self.weight_ih)[0] if np.ndim(self.weight_ih) == 2 else -1
        expected = {"weight_hh": (3 * H, H), "bias_ih": (3 * H,), "bias_hh": (3 * H,)}
        if H < 1 or rows != 3 * H or any(np.shape(getattr(self, k)) != v for k, v in expected.items()):
            raise ValueError(
                "GRU weights must be weight_ih (3H, I), weight_hh (3H, H), bias_ih and bias_hh (3H,); "
                f"got {np.shape(self.weight_ih)}, {np.shape(self.weight_hh)}, "
                f"{np.shape(self.bias_ih)}, {np.shape(self.bias_hh)}"
            )

    @property
    def input_size(self) -> int:
        """Width I of each input vector."""
        return int(self.weight_ih.shape[1])

    @property
    def hidden_size(self) -> int:
        """Width H of the hidden state."""
        return int(self.weight_hh.shape[1])

    @property
    def dtype(self) -> np.dtype:
        """Compute dtype: inputs are cast to it so float32 stays float32 throughout."""
        return self.weight_hh.dtype

    @cached_property
    def _row_scale(self) -> np.ndarray:
        """Per-row factor -1 on the sigmoid gates (r, z), -2 on the candidate rows: (3H, 1).

        The forward loop then finds -a_r, -a_z and -2 a_n ready for exp: sigmoid(a) = 1 / (1 +
        exp(-a)) and tanh(a) = 2 / (1 + exp(-2a)) - 1. Both factors are exact in binary.
        """
        H = self.hidden_size
        scale = np.full((3 * H, 1), -1.0, dtype=self.dtype)
        scale[2 * H :] = -2.0
        return scale

    @cached_property
    def scaled_input_weights_with_bias(self) -> np.ndarray:
        """(3H, I + 1) [W_ih | b_ih + (b_hr, b_hz, 0)] times the row scale: bias folded into the GEMM."""
        H = self.hidden_size
        bias = self.bias_ih.copy()
        bias[: 2 * H] += self.bias_hh[: 2 * H]
        combined = np.concatenate([self.weight_ih, bias[:, None]], axis=1)
        return np.ascontiguousarray(combined * self._row_scale)

    @cached_property
    def scaled_weight_hh(self) -> np.ndarray:
        """(3H, H) W_hh with the r and z rows negated; the n rows stay as they are (r scales them)."""
        H = self.hidden_size
        scaled = self.weight_hh.copy()
        scaled[: 2 * H] *= -1
        return np.ascontiguousarray(scaled)

    @cached_property
    def bias_hn(self) -> np.ndarray:
        """(H,) b_hn, the one bias that cannot be folded into the input product."""
        return np.ascontiguousarray(self.bias_hh[2 * self.hidden_size :])


@dataclass(frozen=True)
class GRUCache:
    """One step's intermediates: what the demo draws and what a backward pass would need."""

    x: np.ndarray  # (B, I)
    h_prev: np.ndarray  # (B, H)
    reset_gate: np.ndarray  # r, (B, H)
    update_gate: np.ndarray  # z
    hidden_projection: np.ndarray  # m = h W_hn^T + b_hn, what r scales
    candidate: np.ndarray  # n
    h: np.ndarray  # h'


@dataclass(frozen=True)
class GRUForward:
    """A whole sequence's states and gate activations, kept for BPTT and for display."""

    inputs: np.ndarray  # x, (T, B, I)
    h0: np.ndarray  # (B, H)
    hidden_states: np.ndarray  # h_1..h_T, (T, B, H)
    gates: np.ndarray  # activated r, z, n per step, (T, B, 3H)
    hidden_projections: np.ndarray  # m_t = h_{t-1} W_hn^T + b_hn, (T, B, H)

    def _block(self, k: int) -> np.ndarray:
        H = self.hidden_states.shape[2]
        return self.gates[:, :, k * H : (k + 1) * H]

    @property
    def reset_gate(self) -> np.ndarray:
        """r_t for every step, (T, B, H)."""
        return self._block(0)

    @property
    def update_gate(self) -> np.ndarray:
        """z_t for every step, (T, B, H)."""
        return self._block(1)

    @property
    def candidate(self) -> np.ndarray:
        """n_t for every step, (T, B, H)."""
        return self._block(2)

    @property
    def h_last(self) -> np.ndarray:
        """h_T, PyTorch's h_n for one layer."""
        return self.hidden_states[-1]


@dataclass(frozen=True)
class GRUGradients:
    """Gradients on every parameter (PyTorch layout), the inputs and h_0."""

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray
    dx: np.ndarray  # (T, B, I)
    dh0: np.ndarray  # (B, H)
    hidden_grads: np.ndarray  # total dL/dh_t, t = 1..T, (T, B, H)


def init_gru(
    input_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    dtype: np.typing.DTypeLike = np.float64,
    update_bias: float = 0.0,
) -> GRUParams:
    """PyTorch's U(-1/sqrt(H), 1/sqrt(H)) init, plus update_bias added to bias_ih's z-slice.

    Only b_iz is shifted (b_hz keeps its random draw), so the effective update-gate bias
    b_iz + b_hz moves by exactly update_bias; a large one starts the GRU copying its state.
    """
    if input_size < 1 or hidden_size < 1:
        raise ValueError(f"input_size and hidden_size must be >= 1, got {input_size} and {hidden_size}")
    bound = 1.0 / np.sqrt(hidden_size)

    def draw(*shape: int) -> np.ndarray:
        return rng.uniform(-bound, bound, size=shape).astype(dtype)

    weight_ih = draw(3 * hidden_size, input_size)
    weight_hh = draw(3 * hidden_size, hidden_size)
    bias_ih = draw(3 * hidden_size)
    bias_hh = draw(3 * hidden_size)
    bias_ih[hidden_size : 2 * hidden_size] += update_bias
    return GRUParams(weight_ih, weight_hh, bias_ih, bias_hh)


def _check_state(name: str, state: np.ndarray, shape: tuple[int, int]) -> None:
    if state.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {state.shape}")


def gru_cell(params: GRUParams, x: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, GRUCache]:
    """One GRU update (like ``torch.nn.GRUCell``), written line for line as the equations."""
    x = np.asarray(x, dtype=params.dtype)
    h = np.asarray(h, dtype=params.dtype)
    if x.ndim != 2 or x.shape[1] != params.input_size:
        raise ValueError(f"x must have shape (B, {params.input_size}), got {x.shape}")
    _check_state("h", h, (x.shape[0], params.hidden_size))
    W_ir, W_iz, W_in = np.split(params.weight_ih, 3)
    W_hr, W_hz, W_hn = np.split(params.weight_hh, 3)
    b_ir, b_iz, b_in = np.split(params.bias_ih, 3)
    b_hr, b_hz, b_hn = np.split(params.bias_hh, 3)

    r = sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)  # reset gate
    z = sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)  # update gate
    m = h @ W_hn.T + b_hn  # the old state's say in the candidate, before the reset gate
    n = np.tanh(x @ W_in.T + b_in + r * m)  # candidate
    h_new = (1 - z) * n + z * h  # z near 1 copies the old state through
    return h_new, GRUCache(x, h, r, z, m, n, h_new)


def gru_forward(params: GRUParams, x: np.ndarray, h0: np.ndarray | None = None) -> GRUForward:
    """Run the GRU over x (T, B, I) like a one-layer ``torch.nn.GRU``, keeping every state."""
    dtype = params.dtype
    x = np.asarray(x, dtype=dtype)
    if x.ndim != 3 or x.shape[2] != params.input_size or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (T, B, {params.input_size}) with T, B >= 1, got {x.shape}")
    T, B, n_in = x.shape
    H = params.hidden_size
    h0 = np.zeros((B, H), dtype=dtype) if h0 is None else np.asarray(h0, dtype=dtype)
    _check_state("h0", h0, (B, H))

    # Every input projected at once: [x | 1] (T*B, I+1) @ [W_ih | b]^T (I+1, 3H), written into the
    # gate buffer itself; step t adds its recurrent term to the contiguous (B, 3H) block gates[t].
    x_ones = np.empty((T * B, n_in + 1), dtype=dtype)
    x_ones[:, :n_in] = x.reshape(T * B, n_in)
    x_ones[:, n_in] = 1
    gates = (x_ones @ params.scaled_input_weights_with_bias.T).reshape(T, B, 3 * H)

    hidden = np.empty((T, B, H), dtype=dtype)
    projections = np.empty((T, B, H), dtype=dtype)  # m_t, kept for the gradient on r
    recurrent = np.empty((3 * H, B), dtype=dtype)  # scratch for W_hh h^T (r, z rows negated)
    weight_hh, bias_hn = params.scaled_weight_hh, params.bias_hn
    h = h0
    # exp(-a) overflows to inf for a below about -88 (float32): 1 / (1 + inf) = 0 is then the
    # right sigmoid, so the overflow flag is expected and silenced, not a fault.
    with np.errstate(over="ignore"):
        for t in range(T):
            a = gates[t]  # (B, 3H): -(x_t W_ir^T + b_ir + b_hr), -(... z ...), -2 (x_t W_in^T + b_in)
            # The tall weight on the left, as in lstm.py: faster with OpenBLAS at B=32, H=256.
            np.matmul(weight_hh, h.T, out=recurrent)
            rz = a[:, : 2 * H]
            rz += recurrent[: 2 * H].T  # -a_r, -a_z
            np.exp(rz, out=rz)
            rz += 1
            np.divide(1, rz, out=rz)  # r, z = 1 / (1 + exp(-a))
            m = projections[t]
            np.add(recurrent[2 * H :].T, bias_hn, out=m)  # m = h W_hn^T + b_hn
            candidate = a[:, 2 * H :]
            h_t = hidden[t]
            np.multiply(rz[:, :H], m, out=h_t)  # r * m, using h_t as scratch
            h_t *= -2
            candidate += h_t  # -2 a_n
            np.exp(candidate, out=candidate)
            candidate += 1
            np.divide(2, candidate, out=candidate)
            candidate -= 1  # n = tanh(a_n) = 2 / (1 + exp(-2 a_n)) - 1
            # h' = (1 - z) n + z h = n + z (h - n): one multiply fewer.
            np.subtract(h, candidate, out=h_t)
            h_t *= rz[:, H:]
            h_t += candidate
            h = h_t
    return GRUForward(x, h0, hidden, gates, projections)


def gru_backward(
    params: GRUParams,
    forward: GRUForward,
    dL_dh: np.ndarray,
    dL_dh_last: np.ndarray | None = None,
) -> GRUGradients:
    """Backpropagate through time from dL/dh_t on every step (T, B, H), plus optionally dL/dh_n."""
    x, hidden = forward.inputs, forward.hidden_states
    T, B, H = hidden.shape
    dtype = hidden.dtype
    dL_dh = np.asarray(dL_dh, dtype=dtype)
    if dL_dh.shape != hidden.shape:
        raise ValueError(f"dL_dh must have shape {hidden.shape}, got {dL_dh.shape}")
    if not np.all(np.isfinite(dL_dh)):
        raise ValueError("dL_dh holds NaN or infinite values: the loss gradient is already broken")
    carry = np.zeros((B, H), dtype=dtype)  # dL/dh_t arriving from step t+1 (and from h_n)
    if dL_dh_last is not None:
        dL_dh_last = np.asarray(dL_dh_last, dtype=dtype)
        _check_state("dL_dh_last", dL_dh_last, (B, H))
        if not np.all(np.isfinite(dL_dh_last)):
            raise ValueError("dL_dh_last holds NaN or infinite values")
        carry += dL_dh_last

    d_input = np.empty((T, B, 3 * H), dtype=dtype)  # gradient on x_t W_ih^T + b_ih: da_r, da_z, da_n
    d_hidden = np.empty((T, B, 3 * H), dtype=dtype)  # gradient on h_{t-1} W_hh^T + b_hh: da_r, da_z, dm
    hidden_grads = np.empty_like(hidden)
    scratch = np.empty((B, H), dtype=dtype)
    for t in range(T - 1, -1, -1):
        gate = forward.gates[t]
        r, z, n = gate[:, :H], gate[:, H : 2 * H], gate[:, 2 * H :]
        h_prev = hidden[t - 1] if t > 0 else forward.h0
        da, dg = d_input[t], d_hidden[t]
        # Step 1: h_t feeds the loss and step t+1; its total gradient is the sum of both.
        g = np.add(dL_dh[t], carry, out=hidden_grads[t])
        # Step 2: h_t = (1 - z) n + z h_{t-1}: to z through (h_{t-1} - n), to n through (1 - z).
        da_z = da[:, H : 2 * H]
        np.subtract(h_prev, n, out=da_z)
        da_z *= g
        da_z *= z
        np.subtract(1, z, out=scratch)
        da_z *= scratch  # da_z = g (h - n) z (1 - z)
        da_n = da[:, 2 * H :]
        np.multiply(g, scratch, out=da_n)  # dn = g (1 - z)
        np.multiply(n, n, out=scratch)
        np.subtract(1, scratch, out=scratch)
        da_n *= scratch  # through tanh: da_n = dn (1 - n^2)
        # Step 3: n = tanh(... + r * m): to m through r, to r through m and its sigmoid.
        np.multiply(da_n, r, out=dg[:, 2 * H :])  # dm
        da_r = da[:, :H]
        np.multiply(da_n, forward.hidden_projections[t], out=da_r)
        da_r *= r
        np.subtract(1, r, out=scratch)
        da_r *= scratch
        dg[:, : 2 * H] = da[:, : 2 * H]  # r and z see x and h through the same sum
        # Step 4: what flows to h_{t-1}: directly through z, and through every W_hh block.
        np.matmul(dg, params.weight_hh, out=carry)
        np.multiply(g, z, out=scratch)
        carry += scratch
    # Step 5: weights are shared over time, so their gradients sum over steps: one product each.
    d_input_flat = d_input.reshape(T * B, 3 * H)
    d_hidden_flat = d_hidden.reshape(T * B, 3 * H)
    h_prev_all = np.concatenate([forward.h0[None], hidden[:-1]]).reshape(T * B, H)
    return GRUGradients(
        weight_ih=d_input_flat.T @ x.reshape(T * B, -1),
        weight_hh=d_hidden_flat.T @ h_prev_all,
        bias_ih=d_input_flat.sum(axis=0),
        bias_hh=d_hidden_flat.sum(axis=0),
        dx=(d_input_flat @ params.weight_ih).reshape(x.shape),
        dh0=carry,
        hidden_grads=hidden_grads,
    )


@dataclass(frozen=True)
class UpdateGateExercise:
    """Numbers for a quiz question on the update gate, with the answers of common mistakes."""

    h_prev: float  # old state h of one unit
    candidate: float  # n
    update_preactivation: float  # a_z = x W_iz^T + b_iz + h W_hz^T + b_hz
    update_gate: float  # z = sigmoid(a_z)
    new_state: float  # h' = (1 - z) n + z h, PyTorch's convention
    swapped: float  # z n + (1 - z) h: the other convention, or z read as "how much to write"
    without_copy: float  # (1 - z) n: the gated candidate with the copied old state left out
    candidate_only: float  # forgetting the old state: h' = n
    copy_only: float  # forgetting the candidate: h' = h


def update_gate_exercise(rng: np.random.Generator) -> UpdateGateExercise:
    """Draw one GRU unit's old state, candidate and update pre-activation, and run the update.

    The gate is drawn from values a person can multiply by hand (0.1, 0.25, 0.8...) and its
    pre-activation is the logit of that value; every distractor differs from the answer at two
    decimals, so a multiple-choice question built on it has one right option.
    """
    while True:
        h_prev = float(rng.choice([-0.8, -0.6, -0.4, 0.4, 0.6, 0.8]))
        candidate = float(rng.choice([-0.9, -0.5, -0.2, 0.2, 0.5, 0.9]))
        gate = float(rng.choice([0.1, 0.2, 0.25, 0.75, 0.8, 0.9]))
        preactivation = float(np.log(gate / (1 - gate)))
        # A one-unit GRU whose input weights carry the chosen numbers (x = 1; W_hh and the biases
        # are 0, so m = 0 and the reset gate has nothing to scale): the same cell the demo runs.
        params = GRUParams(
            weight_ih=np.array([[0.0], [preactivation], [np.arctanh(candidate)]]),
            weight_hh=np.zeros((3, 1)),
            bias_ih=np.zeros(3),
            bias_hh=np.zeros(3),
        )
        h_new, cache = gru_cell(params, np.ones((1, 1)), np.full((1, 1), h_prev))
        z, n = float(cache.update_gate[0, 0]), float(cache.candidate[0, 0])
        exercise = UpdateGateExercise(
            h_prev=h_prev,
            candidate=n,
            update_preactivation=preactivation,
            update_gate=z,
            new_state=float(h_new[0, 0]),
            swapped=z * n + (1 - z) * h_prev,
            without_copy=(1 - z) * n,
            candidate_only=n,
            copy_only=h_prev,
        )
        shown = {
            f"{value:.2f}"
            for value in (
                exercise.new_state,
                exercise.swapped,
                exercise.without_copy,
                exercise.candidate_only,
                exercise.copy_only,
            )
        }
        if len(shown) == 5:
            return exercise


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = init_gru(input_size=3, hidden_size=4, rng=rng, update_bias=2.0)
    h, cache = gru_cell(params, rng.standard_normal((1, 3)), np.zeros((1, 4)))
    print("update gate z:", cache.update_gate.round(3), " reset gate r:", cache.reset_gate.round(3))
    forward = gru_forward(params, rng.standard_normal((6, 2, 3)))
    grads = gru_backward(params, forward, np.ones_like(forward.hidden_states))
    print("h_T =", forward.h_last.round(3), " ||dL/dW_hh|| =", np.linalg.norm(grads.weight_hh))
