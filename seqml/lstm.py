"""LSTM cell and layer in PyTorch's layout (gate order i, f, g, o; two biases), with BPTT.

One step, with x_t (B, I), h_{t-1} and c_{t-1} (B, H), and W_ih (4H, I), W_hh (4H, H):

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh        (B, 4H), split into four (B, H) blocks
    i_t = sigmoid(a_i)      input gate: how much of the candidate to write
    f_t = sigmoid(a_f)      forget gate: how much of the old cell to keep
    g_t = tanh(a_g)         candidate values
    o_t = sigmoid(a_o)      output gate: how much of the cell to expose
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

``lstm_cell`` computes one step exactly as written here, gate by gate, to be read; ``lstm_step``
and ``lstm_forward`` are the fast forms below, tested equal to it to 1e-12 in float64.

Backward through one step, given the total gradients dh_t and dc_t (from the loss and from
step t+1):

    dc    = dc_t + dh_t * o_t * (1 - tanh(c_t)^2)
    da_o  = dh_t * tanh(c_t) * o_t (1 - o_t)
    da_i  = dc * g_t * i_t (1 - i_t)
    da_f  = dc * c_{t-1} * f_t (1 - f_t)
    da_g  = dc * i_t * (1 - g_t^2)
    dc_{t-1} = dc * f_t          dh_{t-1} = da W_hh          dx_t = da W_ih

The forget-gate path dc_{t-1} = dc * f_t is why an LSTM with f near 1 keeps gradients alive over
long spans (see ``seqml.gradient_flow``).

Speed (the layer forward and forward+backward must stay within 1.5x of ``torch.nn.LSTM`` on CPU,
bench/bench_neural.py): all T*B inputs are projected in one (T*B, I+1) x (I+1, 4H) matrix product
before the time loop, the biases folded in as a row of the weight matrix against a column of
ones, straight into the (T, B, 4H) gate buffer; each step then adds one recurrent product to its
contiguous (B, 4H) block and updates it in place, into preallocated buffers. NumPy's float32
tanh is not vectorised on this machine kind (about 5 ns a value, against 2 for exp), so
``lstm_forward`` computes every activation through exp:

    sigmoid(a) = 1 / (1 + exp(-a))          tanh(a) = 2 / (1 + exp(-2a)) - 1

with the rows of the weights and biases scaled once per call by -1 (i, f, o) and -2 (g), exact
in binary, so the buffer holds -a and -2a ready for one exp over all four gates. Both forms are
stable at +/-1000: exp overflows to inf and 1 / (1 + inf) = 0 is the right limit (the overflow
flag is silenced on purpose). The price: a tanh near 0 keeps its absolute accuracy (about one
unit in the last place of 1) but not its relative one, which is all the cell update and its
gradients need; the stable ``seqml.numerics.sigmoid`` is the one to use when a tiny probability
itself matters. ``lstm_step`` (one cell, for the demo) keeps the single-tanh form
sigmoid(a) = 0.5 * (1 + tanh(a / 2)). ``lstm_backward`` works per step in preallocated scratch
buffers, the three cell-gradient gates (i, f, g) in one broadcast product. Nothing is cached on
``LSTMParams``, so a weight updated in place is used by the next call.

References: Hochreiter and Schmidhuber, "Long short-term memory" (Neural Computation, 1997);
Gers, Schmidhuber and Cummins, "Learning to forget" (2000) for the forget gate; Jozefowicz,
Zaremba and Sutskever, "An empirical exploration of recurrent network architectures" (ICML 2015)
for a positive forget-gate bias; PyTorch ``torch.nn.LSTM`` documentation for the layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqml.numerics import sigmoid

__all__ = [
    "LSTMCache",
    "LSTMCellOutput",
    "LSTMForward",
    "LSTMGradients",
    "LSTMParams",
    "init_lstm",
    "lstm_backward",
    "lstm_cell",
    "lstm_forward",
    "lstm_step",
]


@dataclass(frozen=True)
class LSTMParams:
    """LSTM weights shaped like PyTorch's; arrays may be updated in place between calls."""

    weight_ih: np.ndarray  # (4H, I), row blocks i, f, g, o
    weight_hh: np.ndarray  # (4H, H)
    bias_ih: np.ndarray  # (4H,)
    bias_hh: np.ndarray  # (4H,)

    @property
    def input_size(self) -> int:
        """Width I of each input vector."""
        return int(self.weight_ih.shape[1])

    @property
    def hidden_size(self) -> int:
        """Width H of the hidden and cell states."""
        return int(self.weight_hh.shape[1])

    @property
    def dtype(self) -> np.dtype:
        """Compute dtype: inputs are cast to it so float32 stays float32 throughout."""
        return self.weight_hh.dtype

    def scaled_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """[W_ih | b_ih + b_hh] (4H, I + 1) and W_hh (4H, H), rows scaled by -1 (i, f, o), -2 (g).

        The gate buffer then holds -a (sigmoid gates) and -2a (candidate), ready for exp.
        Made afresh on every call, never cached: an in-place update of a weight (an optimiser
        step) is seen by the next forward, just as the backward pass sees it.
        """
        H = self.hidden_size
        scale = np.full((4 * H, 1), -1.0, dtype=self.dtype)
        scale[2 * H : 3 * H] = -2.0  # g: tanh(a) = 2 / (1 + exp(-2a)) - 1
        bias = (self.bias_ih + self.bias_hh)[:, None]
        input_weights = np.concatenate([self.weight_ih, bias], axis=1) * scale
        return input_weights, np.ascontiguousarray(self.weight_hh * scale)


@dataclass(frozen=True)
class LSTMCache:
    """One step's intermediates: the gate activations a teacher draws and what backward needs."""

    x: np.ndarray  # (B, I)
    h_prev: np.ndarray  # (B, H)
    c_prev: np.ndarray  # (B, H)
    input_gate: np.ndarray  # i_t, (B, H)
    forget_gate: np.ndarray  # f_t
    candidate: np.ndarray  # g_t
    output_gate: np.ndarray  # o_t
    c: np.ndarray  # c_t
    tanh_c: np.ndarray  # tanh(c_t)


@dataclass(frozen=True)
class LSTMForward:
    """A whole sequence's states and gate activations, kept for BPTT and for the gate table."""

    inputs: np.ndarray  # x, (T, B, I)
    h0: np.ndarray  # (B, H)
    c0: np.ndarray  # (B, H)
    hidden_states: np.ndarray  # h_1..h_T, (T, B, H)
    cell_states: np.ndarray  # c_1..c_T, (T, B, H)
    tanh_cells: np.ndarray  # tanh(c_t), (T, B, H)
    gates: np.ndarray  # activated gates, (T, B, 4H), blocks i, f, g, o

    def _block(self, k: int) -> np.ndarray:
        H = self.hidden_states.shape[2]
        return self.gates[:, :, k * H : (k + 1) * H]

    @property
    def input_gate(self) -> np.ndarray:
        """i_t for every step, (T, B, H)."""
        return self._block(0)

    @property
    def forget_gate(self) -> np.ndarray:
        """f_t for every step, (T, B, H)."""
        return self._block(1)

    @property
    def candidate(self) -> np.ndarray:
        """g_t for every step, (T, B, H)."""
        return self._block(2)

    @property
    def output_gate(self) -> np.ndarray:
        """o_t for every step, (T, B, H)."""
        return self._block(3)

    @property
    def h_last(self) -> np.ndarray:
        """h_T, PyTorch's h_n for one layer."""
        return self.hidden_states[-1]

    @property
    def c_last(self) -> np.ndarray:
        """c_T, PyTorch's c_n for one layer."""
        return self.cell_states[-1]


@dataclass(frozen=True)
class LSTMGradients:
    """Gradients on every parameter (PyTorch layout), the inputs, h_0 and c_0."""

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray
    dx: np.ndarray  # (T, B, I)
    dh0: np.ndarray  # (B, H)
    dc0: np.ndarray  # (B, H)
    hidden_grads: np.ndarray  # total dL/dh_t, t = 1..T, (T, B, H)
    cell_grads: np.ndarray  # total dL/dc_t, t = 1..T, (T, B, H)


def init_lstm(
    input_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    dtype: np.typing.DTypeLike = np.float64,
    forget_bias: float = 0.0,
) -> LSTMParams:
    """PyTorch's U(-1/sqrt(H), 1/sqrt(H)) init, plus forget_bias added to bias_ih's f-slice.

    Only bias_ih is shifted (bias_hh keeps its random draw), so the effective forget-gate bias
    b_ih + b_hh moves by exactly forget_bias, as a single Keras-style bias would.
    """
    if input_size < 1 or hidden_size < 1:
        raise ValueError(f"input_size and hidden_size must be >= 1, got {input_size} and {hidden_size}")
    bound = 1.0 / np.sqrt(hidden_size)

    def draw(*shape: int) -> np.ndarray:
        return rng.uniform(-bound, bound, size=shape).astype(dtype)

    weight_ih = draw(4 * hidden_size, input_size)
    weight_hh = draw(4 * hidden_size, hidden_size)
    bias_ih = draw(4 * hidden_size)
    bias_hh = draw(4 * hidden_size)
    bias_ih[hidden_size : 2 * hidden_size] += forget_bias
    return LSTMParams(weight_ih, weight_hh, bias_ih, bias_hh)


@dataclass(frozen=True)
class LSTMCellOutput:
    """One step's four gates and new state, as ``lstm_cell`` computes them from the equations."""

    input_gate: np.ndarray  # i, (B, H)
    forget_gate: np.ndarray  # f
    candidate: np.ndarray  # g
    output_gate: np.ndarray  # o
    c: np.ndarray  # c_t = f * c_{t-1} + i * g
    h: np.ndarray  # h_t = o * tanh(c_t)


def lstm_cell(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    weight_ih: np.ndarray,
    weight_hh: np.ndarray,
    bias_ih: np.ndarray,
    bias_hh: np.ndarray,
) -> LSTMCellOutput:
    """One LSTM step written exactly as the equations, gate by gate: the one to read.

    ``lstm_step`` and ``lstm_forward`` compute the same numbers faster (one product for all four
    gates, pre-halved weights, one tanh); the tests hold them to this function. x is (B, I),
    h and c are (B, H); the weights and biases are in PyTorch's layout, row blocks i, f, g, o.
    """
    x, h, c = np.asarray(x), np.asarray(h), np.asarray(c)
    H = weight_hh.shape[1]
    if weight_ih.shape[0] != 4 * H or weight_hh.shape != (4 * H, H):
        raise ValueError(
            f"weight_ih must be (4H, I) and weight_hh (4H, H), got {weight_ih.shape} and {weight_hh.shape}"
        )
    if bias_ih.shape != (4 * H,) or bias_hh.shape != (4 * H,):
        raise ValueError(
            f"bias_ih and bias_hh must have shape ({4 * H},), got {bias_ih.shape} and {bias_hh.shape}"
        )
    if x.ndim != 2 or x.shape[1] != weight_ih.shape[1]:
        raise ValueError(f"x must have shape (B, {weight_ih.shape[1]}), got {x.shape}")
    if h.shape != (x.shape[0], H) or c.shape != (x.shape[0], H):
        raise ValueError(f"h and c must have shape {(x.shape[0], H)}, got {h.shape} and {c.shape}")
    # PyTorch's layout: each weight and bias stacks the four gates' rows in the order i, f, g, o.
    W_ii, W_if, W_ig, W_io = np.split(weight_ih, 4)  # each (H, I)
    W_hi, W_hf, W_hg, W_ho = np.split(weight_hh, 4)  # each (H, H)
    b_ii, b_if, b_ig, b_io = np.split(bias_ih, 4)  # each (H,)
    b_hi, b_hf, b_hg, b_ho = np.split(bias_hh, 4)
    i = sigmoid(x @ W_ii.T + b_ii + h @ W_hi.T + b_hi)  # input gate: how much candidate to write
    f = sigmoid(x @ W_if.T + b_if + h @ W_hf.T + b_hf)  # forget gate: how much old cell to keep
    g = np.tanh(x @ W_ig.T + b_ig + h @ W_hg.T + b_hg)  # candidate values, in (-1, 1)
    o = sigmoid(x @ W_io.T + b_io + h @ W_ho.T + b_ho)  # output gate: how much cell to expose
    c_t = f * c + i * g
    h_t = o * np.tanh(c_t)
    return LSTMCellOutput(i, f, g, o, c_t, h_t)


def _activate(a: np.ndarray, H: int) -> None:
    """Turn pre-activations (i, f, o pre-halved) into gate values in place, (B, 4H)."""
    np.tanh(a, out=a)  # g is done; i, f, o hold tanh(a/2)
    for block in (a[:, : 2 * H], a[:, 3 * H :]):
        block *= 0.5  # sigmoid(a) = 0.5 * tanh(a/2) + 0.5
        block += 0.5


def lstm_step(
    params: LSTMParams, x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
) -> tuple[np.ndarray, np.ndarray, LSTMCache]:
    """One LSTM cell update (like ``torch.nn.LSTMCell``), returning h_t, c_t and the gates."""
    dtype = params.dtype
    x_t = np.asarray(x_t, dtype=dtype)
    h_prev = np.asarray(h_prev, dtype=dtype)
    c_prev = np.asarray(c_prev, dtype=dtype)
    H = params.hidden_size
    if x_t.ndim != 2 or x_t.shape[1] != params.input_size:
        raise ValueError(f"x_t must have shape (B, {params.input_size}), got {x_t.shape}")
    B = x_t.shape[0]
    if h_prev.shape != (B, H) or c_prev.shape != (B, H):  # no silent broadcast of one state
        raise ValueError(f"h_prev and c_prev must have shape {(B, H)}, got {h_prev.shape} and {c_prev.shape}")
    # a^T = W_ih x^T + W_hh h^T + b, (4H, B): BLAS is faster with the tall weight on the left.
    a_t = params.weight_ih @ x_t.T
    a_t += params.weight_hh @ h_prev.T
    a_t += (params.bias_ih + params.bias_hh)[:, None]
    a = a_t.T  # (B, 4H) view
    a[:, : 2 * H] *= 0.5  # i, f and o take tanh(a / 2): exact, a power of two
    a[:, 3 * H :] *= 0.5
    _activate(a, H)
    i, f, g, o = (a[:, k * H : (k + 1) * H] for k in range(4))  # (B, H) views
    c = f * c_prev
    c += i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = LSTMCache(x_t, h_prev, c_prev, i, f, g, o, c, tanh_c)
    return h, c, cache


def lstm_forward(
    params: LSTMParams,
    x: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> LSTMForward:
    """Run the LSTM over x (T, B, I) like a one-layer ``torch.nn.LSTM``, keeping every state."""
    dtype = params.dtype
    x = np.asarray(x, dtype=dtype)
    if x.ndim != 3 or x.shape[2] != params.input_size or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (T, B, {params.input_size}) with T, B >= 1, got {x.shape}")
    T, B, n_in = x.shape
    H = params.hidden_size
    h0 = np.zeros((B, H), dtype=dtype) if h0 is None else np.asarray(h0, dtype=dtype)
    c0 = np.zeros((B, H), dtype=dtype) if c0 is None else np.asarray(c0, dtype=dtype)
    if h0.shape != (B, H) or c0.shape != (B, H):
        raise ValueError(f"h0 and c0 must have shape {(B, H)}, got {h0.shape} and {c0.shape}")

    # Every input projected at once, before the loop: [x | 1] (T*B, I+1) @ [W_ih | b]^T (I+1, 4H).
    # The column of ones folds both biases into the same product. The result is the gate
    # buffer itself: step t only adds its recurrent term to the contiguous (B, 4H) block gates[t]
    # and activates it in place.
    x_ones = np.empty((T * B, n_in + 1), dtype=dtype)
    x_ones[:, :n_in] = x.reshape(T * B, n_in)
    x_ones[:, n_in] = 1
    input_weights, weight_hh = params.scaled_weights()  # -a and -2a, once per call
    gates = (x_ones @ input_weights.T).reshape(T, B, 4 * H)

    hidden = np.empty((T, B, H), dtype=dtype)
    cells = np.empty((T, B, H), dtype=dtype)
    tanh_cells = np.empty((T, B, H), dtype=dtype)
    recurrent = np.empty((4 * H, B), dtype=dtype)  # scratch for W_hh h_{t-1}^T
    product = np.empty((B, H), dtype=dtype)  # scratch for i * g
    h, c = h0, c0
    # exp(-a) overflows to inf for a below about -88 (float32): 1 / (1 + inf) = 0 is then the
    # right sigmoid, so the overflow flag is expected and silenced, not a fault.
    with np.errstate(over="ignore"):
        for t in range(T):
            a = gates[t]  # (B, 4H): -a_i, -a_f, -2 a_g, -a_o, input part and biases so far
            # W_hh h^T with the tall weight on the left: with one thread, 183 us plus 22 us for
            # the transposed add, against 204 us for h W_hh^T at B=32, H=256; with two threads
            # OpenBLAS runs this shape 1.5x faster than the other one.
            np.matmul(weight_hh, h.T, out=recurrent)
            a += recurrent.T
            np.exp(a, out=a)
            a += 1
            np.divide(1, a, out=a)  # i, f, o = 1 / (1 + exp(-a)); the g block needs 2x - 1
            g = a[:, 2 * H : 3 * H]
            g *= 2
            g -= 1
            c_t = cells[t]
            np.multiply(a[:, H : 2 * H], c, out=c_t)  # f * c_{t-1}
            np.multiply(a[:, :H], g, out=product)  # i * g
            c_t += product
            tanh_c = tanh_cells[t]
            np.multiply(c_t, -2, out=tanh_c)
            np.exp(tanh_c, out=tanh_c)
            tanh_c += 1
            np.divide(2, tanh_c, out=tanh_c)
            tanh_c -= 1  # tanh(c_t) = 2 / (1 + exp(-2 c_t)) - 1
            np.multiply(a[:, 3 * H :], tanh_c, out=hidden[t])  # h_t = o * tanh(c_t)
            h, c = hidden[t], c_t
    return LSTMForward(x, h0, c0, hidden, cells, tanh_cells, gates)


def lstm_backward(
    params: LSTMParams,
    forward: LSTMForward,
    dL_dh: np.ndarray,
    dL_dc_last: np.ndarray | None = None,
) -> LSTMGradients:
    """Backpropagate through time from dL/dh_t on every step (T, B, H) and optionally dL/dc_T."""
    x, hidden, cells = forward.inputs, forward.hidden_states, forward.cell_states
    T, B, H = hidden.shape
    dtype = hidden.dtype
    dL_dh = np.asarray(dL_dh, dtype=dtype)
    if dL_dh.shape != hidden.shape:
        raise ValueError(f"dL_dh must have shape {hidden.shape}, got {dL_dh.shape}")
    carry_c = np.zeros((B, H), dtype=dtype)  # dL/dc_t arriving from step t+1
    if dL_dc_last is not None:
        dL_dc_last = np.asarray(dL_dc_last, dtype=dtype)
        if dL_dc_last.shape != (B, H):  # no silent broadcast of one gradient over the batch
            raise ValueError(f"dL_dc_last must have shape {(B, H)}, got {dL_dc_last.shape}")
        carry_c = carry_c + dL_dc_last
    carry_h = np.zeros((B, H), dtype=dtype)  # dL/dh_t arriving from step t+1

    d_pre = np.empty((T, B, 4 * H), dtype=dtype)  # gradient on the pre-activations a_t
    hidden_grads = np.empty_like(hidden)
    cell_grads = np.empty_like(hidden)
    # Scratch, reused by every step: the local derivative of each gate times the factor its
    # gradient meets (g, c_{t-1}, i, tanh(c_t)), and two (B, H) temporaries.
    local = np.empty((B, 4, H), dtype=dtype)
    scratch = np.empty((B, H), dtype=dtype)
    for t in range(T - 1, -1, -1):
        gate = forward.gates[t]
        i, f, g, o = gate[:, :H], gate[:, H : 2 * H], gate[:, 2 * H : 3 * H], gate[:, 3 * H :]
        tanh_c = forward.tanh_cells[t]
        c_prev = cells[t - 1] if t > 0 else forward.c0
        # Step 1: h_t feeds the loss and step t+1; its total gradient is the sum of both.
        dh = np.add(dL_dh[t], carry_h, out=hidden_grads[t])
        # Step 2: h_t = o * tanh(c_t) sends gradient to o and, through tanh, to c_t, which
        # also receives dc_{t+1} * f_{t+1} from the next step (carry_c).
        np.multiply(tanh_c, tanh_c, out=scratch)
        np.subtract(1, scratch, out=scratch)  # 1 - tanh(c_t)^2
        scratch *= o
        dc = np.multiply(dh, scratch, out=cell_grads[t])
        dc += carry_c
        # Step 3: through each gate's nonlinearity; sigmoid' = s(1 - s), tanh' = 1 - tanh^2.
        flat = local.reshape(B, 4 * H)
        np.subtract(1, gate, out=flat)
        flat *= gate  # s(1 - s), right for i, f and o
        local_g = local[:, 2]
        np.multiply(g, g, out=local_g)
        np.subtract(1, local_g, out=local_g)  # 1 - g^2
        local[:, 0] *= g  # da_i = dc * g * i(1 - i)
        local[:, 1] *= c_prev  # da_f = dc * c_{t-1} * f(1 - f)
        local_g *= i  # da_g = dc * i * (1 - g^2)
        local[:, 3] *= tanh_c  # da_o = dh * tanh(c_t) * o(1 - o)
        da = d_pre[t].reshape(B, 4, H)
        np.multiply(local[:, :3], dc[:, None, :], out=da[:, :3])
        np.multiply(local[:, 3], dh, out=da[:, 3])
        # Step 4: what flows to step t-1: the cell through the forget gate, h through W_hh.
        carry_c = np.multiply(dc, f, out=carry_c)
        np.matmul(d_pre[t], params.weight_hh, out=carry_h)
    # Step 5: weights are shared over time, so their gradients sum over steps: stacking the
    # steps turns each sum into one matrix product.
    d_flat = d_pre.reshape(T * B, 4 * H)
    h_prev = np.concatenate([forward.h0[None], hidden[:-1]]).reshape(T * B, H)
    grad_bias = d_flat.sum(axis=0)
    return LSTMGradients(
        weight_ih=d_flat.T @ x.reshape(T * B, -1),
        weight_hh=d_flat.T @ h_prev,
        bias_ih=grad_bias,
        bias_hh=grad_bias.copy(),
        dx=(d_flat @ params.weight_ih).reshape(x.shape),
        dh0=carry_h,
        dc0=carry_c,
        hidden_grads=hidden_grads,
        cell_grads=cell_grads,
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = init_lstm(input_size=3, hidden_size=4, rng=rng, forget_bias=1.0)
    h, c, cache = lstm_step(params, rng.standard_normal((1, 3)), np.zeros((1, 4)), np.zeros((1, 4)))
    print("forget gate:", cache.forget_gate.round(3))
    forward = lstm_forward(params, rng.standard_normal((6, 2, 3)))
    grads = lstm_backward(params, forward, np.ones_like(forward.hidden_states))
    print("h_T =", forward.h_last.round(3), " ||dL/dW_hh|| =", np.linalg.norm(grads.weight_hh))
