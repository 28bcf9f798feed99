"""Scaled dot-product attention, multi-head attention and sinusoidal positional encodings.

Scaled dot-product attention, for queries Q (..., T_q, d_k), keys K (..., T_k, d_k) and values
V (..., T_k, d_v):

    S = Q K^T / sqrt(d_k) + M          scores (..., T_q, T_k); M is 0 where allowed, -inf where masked
    P = softmax(S) along the keys      each row of P sums to 1
    O = P V                            (..., T_q, d_v)

The mask is boolean and True where a query MAY look at a key (``F.scaled_dot_product_attention``'s
convention; ``nn.MultiheadAttention``'s boolean ``attn_mask`` means the opposite). The causal mask
lets query i see keys j <= i, aligned at the top left as PyTorch's ``is_causal`` is.

A fully masked row has no key to attend to: its softmax would be 0/0. We give it weights 0 and
output 0 (as ``F.scaled_dot_product_attention`` does in PyTorch 2.13, where ``nn.MultiheadAttention``
gives NaN) and flag it in ``empty_rows``, so it is neither NaN nor silent.

Backward, from the upstream gradient dO (..., T_q, d_v):

    dV = P^T dO
    dP = dO V^T
    dS = P * (dP - rowsum(dP * P))     the softmax Jacobian; masked entries have P = 0, so dS = 0
    dQ = dS K / sqrt(d_k)              dK = dS^T Q / sqrt(d_k)

Multi-head attention (``nn.MultiheadAttention``, batch_first=True) with E = H * d and inputs
query (B, L, E), key and value (B, S, E):

    [W_q; W_k; W_v] = in_proj_weight (3E, E),  [b_q; b_k; b_v] = in_proj_bias (3E,)
    Q = query W_q^T + b_q,  K = key W_k^T + b_k,  V = value W_v^T + b_v, each split into H heads of d
    head_h = attention(Q_h, K_h, V_h)                      (B, L, d) per head
    output = concat_h(head_h) W_o^T + b_o                   W_o = out_proj.weight (E, E)

Sinusoidal positional encodings ("Attention Is All You Need", section 3.5):

    PE[pos, 2i]     = sin(pos / 10000^(2i / d_model))
    PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model))

References: Vaswani et al., "Attention Is All You Need" (NeurIPS 2017); Bahdanau, Cho and Bengio,
"Neural Machine Translation by Jointly Learning to Align and Translate" (ICLR 2015); PyTorch
``torch.nn.functional.scaled_dot_product_attention`` and ``torch.nn.MultiheadAttention``
documentation for the layouts, the mask conventions and the initialisation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "AttentionForward",
    "AttentionGradients",
    "MultiheadAttentionForward",
    "MultiheadAttentionGradients",
    "MultiheadAttentionParams",
    "attention_backward",
    "batched_matmul",
    "causal_mask",
    "init_multihead_attention",
    "multihead_attention_backward",
    "multihead_attention_forward",
    "scaled_dot_product_attention",
]


# --------------------------------------------------------------------------- helpers


def _float_array(name: str, value: np.typing.ArrayLike, dtype: np.dtype | None = None) -> np.ndarray:
    """A finite floating array (integers become float64); NaN or inf raise, naming the input."""
    array = np.asarray(value)
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or inf; attention needs finite numbers")
    return array


def causal_mask(query_length: int, key_length: int) -> np.ndarray:
    """Boolean (T_q, T_k) mask, True where query i may see key j, i.e. j <= i (top-left aligned)."""
    if query_length < 1 or key_length < 1:
        raise ValueError(f"lengths must be >= 1, got {query_length} and {key_length}")
    return np.tri(query_length, key_length, dtype=bool)


def _allowed(
    mask: np.typing.ArrayLike | None, causal: bool, shape: tuple[int, ...], T_q: int, T_k: int
) -> np.ndarray | None:
    """The combined boolean mask broadcast to the scores' shape, or None when every key is allowed."""
    allowed = None
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != np.bool_:
            raise ValueError(
                f"mask must be boolean (True = may attend), got dtype {mask.dtype}; "
                "additive float masks are not supported"
            )
        try:
            allowed = np.broadcast_to(mask, shape)
        except ValueError:
            raise ValueError(f"mask of shape {mask.shape} does not broadcast to the scores {shape}") from None
    if causal:
        tri = causal_mask(T_q, T_k)
        allowed = tri if allowed is None else allowed & tri
    return None if allowed is None else np.broadcast_to(allowed, shape)


def _softmax_rows_inplace(scores: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """Softmax over the last axis, written into ``scores``; returns the (...,) flags of empty rows.

    Masked scores become -inf and so exp(-inf) = 0. The row maximum is subtracted first so every
    exponent is <= 0 (no overflow at +/-1000). A row the mask empties entirely is shifted by 0
    and divided by 1 instead of 0, which leaves its weights at exactly 0. Emptiness comes from the
    mask, never from the scores: a row whose scores overflowed to -inf is an error, not "empty".
    """
    if allowed is None:
        empty = np.zeros((*scores.shape[:-1], 1), dtype=bool)
    else:
        empty = ~allowed.any(axis=-1, keepdims=True)
        np.copyto(scores, -np.inf, where=~allowed)
    row_max = scores.max(axis=-1, keepdims=True)
    has_empty = bool(empty.any())
    if has_empty:
        row_max[empty] = 0.0
    if not np.isfinite(row_max).all():  # finite inputs whose products overflowed
        raise ValueError("attention scores overflowed to inf; scale the queries or keys down")
    scores -= row_max
    np.exp(scores, out=scores)
    total = scores.sum(axis=-1, keepdims=True)
    if has_empty:
        total[empty] = 1.0
    scores /= total
    return empty[..., 0]


# OpenBLAS splits one GEMM over n = M*N*K / 2**18 threads (interface/gemm.c: SMP_THRESHOLD_MIN
# 65536 times GEMM_MULTITHREAD_THRESHOLD 4). Attention is many small GEMMs (B*H of 128 x 128 x 64
# at the benchmark size): threading each one costs more synchronisation than it saves, and on a
# busy machine a thread left waiting for its partner's core stalls every product (measured here:
# 8x slower at 2 threads). Blocks of rows small enough to stay on one thread avoid that.
_SINGLE_THREAD_WORK = 2**18  # M*N*K below which OpenBLAS keeps a GEMM on one thread
_MIN_BLOCK_ROWS = 16  # fewer rows per block and BLAS loses efficiency: let large GEMMs thread


def batched_matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """a @ b over stacked (..., M, K) x (..., K, N), in row blocks that keep each GEMM on one thread.

    The same products as ``np.matmul(a, b, out=out)``, only in more, smaller BLAS calls (which
    may round the last bit differently). ``a`` and ``b`` may be strided views.
    """
    M, K = a.shape[-2:]
    N = b.shape[-1]
    if out is None:
        out = np.empty((*np.broadcast_shapes(a.shape[:-2], b.shape[:-2]), M, N), dtype=np.result_type(a, b))
    rows = _SINGLE_THREAD_WORK // max(N * K, 1)
    if rows >= M or rows < _MIN_BLOCK_ROWS:
        return np.matmul(a, b, out=out)
    for start in range(0, M, rows):
        np.matmul(a[..., start : start + rows, :], b, out=out[..., start : start + rows, :])
    return out


# --------------------------------------------------------------------------- scaled dot-product


@dataclass(frozen=True)
class AttentionForward:
    """One scaled dot-product attention: the output, the weights, and what backward needs."""

    output: np.ndarray  # (..., T_q, d_v)
    weights: np.ndarray  # (..., T_q, T_k), rows sum to 1 (0 for empty rows)
    query: np.ndarray  # (..., T_q, d_k)
    key: np.ndarray  # (..., T_k, d_k)
    value: np.ndarray  # (..., T_k, d_v)
    scale: float  # 1 / sqrt(d_k) unless given
    empty_rows: np.ndarray  # (..., T_q) bool: queries with every key masked (weights and output 0)


@dataclass(frozen=True)
class AttentionGradients:
    """dL/dQ, dL/dK, dL/dV, shaped like the inputs."""

    dquery: np.ndarray
    dkey: np.ndarray
    dvalue: np.ndarray


def scaled_dot_product_attention(
    query: np.typing.ArrayLike,
    key: np.typing.ArrayLike,
    value: np.typing.ArrayLike,
    mask: np.typing.ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
) -> AttentionForward:
    """softmax(Q K^T * scale, masked) V; ``mask`` is boolean, True where a query may see a key."""
    dtype = np.result_type(*(np.asarray(a).dtype for a in (query, key, value)))
    if dtype not in (np.float32, np.float64):  # integers or float16 in: compute in float64
        dtype = np.dtype(np.float64)
    Q = _float_array("query", query, dtype)
    K = _float_array("key", key, dtype)
    V = _float_array("value", value, dtype)
    if Q.ndim < 2 or K.ndim != Q.ndim or V.ndim != Q.ndim:
        raise ValueError(
            f"query, key and value need the same number (>= 2) of dimensions (..., T, d), "
            f"got shapes {Q.shape}, {K.shape}, {V.shape}"
        )
    if Q.shape[:-2] != K.shape[:-2] or Q.shape[:-2] != V.shape[:-2]:
        raise ValueError(f"leading (batch) dimensions differ: {Q.shape}, {K.shape}, {V.shape}")
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(f"query and key need the same width d_k, got {Q.shape[-1]} and {K.shape[-1]}")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(f"key and value need the same length T_k, got {K.shape[-2]} and {V.shape[-2]}")
    if min(Q.shape[-2:]) < 1 or min(K.shape[-2:]) < 1 or V.shape[-1] < 1:
        raise ValueError(f"every length and width must be >= 1, got {Q.shape}, {K.shape}, {V.shape}")
    T_q, T_k = Q.shape[-2], K.shape[-2]
    if scale is None:
        scale = 1.0 / math.sqrt(Q.shape[-1])
    elif not math.isfinite(scale):
        raise ValueError(f"scale must be finite, got {scale}")
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is caught, with a message, below
        if Q.shape[-1] < K.shape[-2]:  # scale whichever is smaller: Q (T_q x d_k) or S (T_q x T_k)
            scores = batched_matmul(Q * dtype.type(scale), np.swapaxes(K, -1, -2))  # (..., T_q, T_k)
        else:
            scores = batched_matmul(Q, np.swapaxes(K, -1, -2))
            scores *= dtype.type(scale)
    allowed = _allowed(mask, causal, scores.shape, T_q, T_k)
    empty = _softmax_rows_inplace(scores, allowed)
    output = batched_matmul(scores, V)
    return AttentionForward(output, scores, Q, K, V, float(scale), empty)


def attention_backward(forward: AttentionForward, d_output: np.typing.ArrayLike) -> AttentionGradients:
    """Backpropagate dL/dO through O = softmax(S) V and S = Q K^T * scale, step by step."""
    P, Q, K, V = forward.weights, forward.query, forward.key, forward.value
    dO = _float_array("d_output", d_output, P.dtype)
    if dO.shape != forward.output.shape:
        raise ValueError(f"d_output must have the output's shape {forward.output.shape}, got {dO.shape}")
    # Step 1: O = P V, so V receives P^T dO and P receives dO V^T.
    dV = batched_matmul(np.swapaxes(P, -1, -2), dO)
    dP = batched_matmul(dO, np.swapaxes(V, -1, -2))
    # Step 2: through the softmax of each row, dS_ij = P_ij (dP_ij - sum_k dP_ik P_ik).
    # Masked and empty-row entries have P = 0, so no gradient reaches their scores.
    dS = dP
    dS -= np.sum(dP * P, axis=-1, keepdims=True)
    dS *= P
    # Step 3: S = scale * Q K^T.
    dS *= P.dtype.type(forward.scale)
    dQ = batched_matmul(dS, K)
    dK = batched_matmul(np.swapaxes(dS, -1, -2), Q)
    return AttentionGradients(dQ, dK, dV)


# --------------------------------------------------------------------------- multi-head


@dataclass(frozen=True)
class MultiheadAttentionParams:
    """Weights laid out exactly as ``nn.MultiheadAttention``'s, so its state_dict loads directly."""

    in_proj_weight: np.ndarray  # (3E, E): W_q, W_k, W_v stacked
    in_proj_bias: np.ndarray  # (3E,)
    out_proj_weight: np.ndarray  # (E, E)
    out_proj_bias: np.ndarray  # (E,)
    num_heads: int

    @property
    def embed_dim(self) -> int:
        """Model width E, read off out_proj so it cannot disagree."""
        return int(self.out_proj_weight.shape[0])

    @property
    def head_dim(self) -> int:
        """Width d = E / H of each head."""
        return self.embed_dim // self.num_heads

    def __post_init__(self) -> None:
        """Refuse inconsistent shapes here, once, rather than deep inside a matmul."""
        E, H = self.out_proj_weight.shape[0], self.num_heads
        if H < 1 or E % H != 0:
            raise ValueError(f"embed_dim {E} must be a positive multiple of num_heads {H}")
        expected = {
            "in_proj_weight": (3 * E, E),
            "in_proj_bias": (3 * E,),
            "out_proj_weight": (E, E),
            "out_proj_bias": (E,),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {getattr(self, name).shape}")


def init_multihead_attention(
    embed_dim: int, num_heads: int, rng: np.random.Generator, dtype: np.typing.DTypeLike = np.float64
) -> MultiheadAttentionParams:
    """PyTorch's initialisation: Xavier-uniform in_proj, U(+/-1/sqrt(E)) out_proj, zero biases."""
    if embed_dim < 1 or num_heads < 1 or embed_dim % num_heads != 0:
        raise ValueError(f"embed_dim {embed_dim} must be a positive multiple of num_heads {num_heads}")
    E = embed_dim
    xavier = math.sqrt(6.0 / (E + 3 * E))  # fan_in E, fan_out 3E
    linear = 1.0 / math.sqrt(E)
    return MultiheadAttentionParams(
        in_proj_weight=rng.uniform(-xavier, xavier, (3 * E, E)).astype(dtype),
        in_proj_bias=np.zeros(3 * E, dtype=dtype),
        out_proj_weight=rng.uniform(-linear, linear, (E, E)).astype(dtype),
        out_proj_bias=np.zeros(E, dtype=dtype),
        num_heads=num_heads,
    )


@dataclass(frozen=True)
class MultiheadAttentionForward:
    """Outputs, per-head weights and the intermediates the backward pass reuses."""

    output: np.ndarray  # (B, L, E)
    weights: np.ndarray  # (B, H, L, S) per head; rows sum to 1
    query: np.ndarray  # (B, L, E) inputs
    key: np.ndarray  # (B, S, E)
    value: np.ndarray  # (B, S, E)
    q: np.ndarray  # (B, H, L, d) projected queries, already multiplied by 1/sqrt(d)
    k: np.ndarray  # (B, H, S, d)
    v: np.ndarray  # (B, H, S, d)
    context: np.ndarray  # (B, L, E) heads concatenated, before out_proj
    empty_rows: np.ndarray  # (B, H, L) bool; nn.MultiheadAttention gives NaN there, we give 0

    @property
    def average_weights(self) -> np.ndarray:
        """(B, L, S): the mean over heads, what ``average_attn_weights=True`` returns."""
        return self.weights.mean(axis=1)


@dataclass(frozen=True)
class MultiheadAttentionGradients:
    """Gradients on the three inputs and on every parameter, named as in PyTorch."""

    dquery: np.ndarray
    dkey: np.ndarray
    dvalue: np.ndarray
    in_proj_weight: np.ndarray
    in_proj_bias: np.ndarray
    out_proj_weight: np.ndarray
    out_proj_bias: np.ndarray


def _check_inputs(
    params: MultiheadAttentionParams, query: np.ndarray, key: np.ndarray, value: np.ndarray
) -> None:
    """Shapes (B, L, E), (B, S, E), (B, S, E) with E the model width."""
    E = params.embed_dim
    if query.ndim != 3 or query.shape[-1] != E or min(query.shape) < 1:
        raise ValueError(f"query must have shape (B, L, {E}) with B, L >= 1, got {query.shape}")
    for name, array in (("key", key), ("value", value)):
        if array.ndim != 3 or array.shape[0] != query.shape[0] or array.shape[-1] != E or array.shape[1] < 1:
            wanted = f"({query.shape[0]}, S, {E})"
            raise ValueError(f"{name} must have shape {wanted} with S >= 1, got {array.shape}")
    if key.shape[1] != value.shape[1]:
        raise ValueError(f"key and value need the same length S, got {key.shape[1]} and {value.shape[1]}")


def _split_heads(x: np.ndarray, H: int) -> np.ndarray:
    """(B, T, E) -> (B, H, T, d) as a strided view: BLAS reads it without a copy."""
    B, T, E = x.shape
    return x.reshape(B, T, H, E // H).transpose(0, 2, 1, 3)


def multihead_attention_forward(
    params: MultiheadAttentionParams,
    query: np.typing.ArrayLike,
    key: np.typing.ArrayLike | None = None,
    value: np.typing.ArrayLike | None = None,
    mask: np.typing.ArrayLike | None = None,
    causal: bool = False,
) -> MultiheadAttentionForward:
    """nn.MultiheadAttention(batch_first=True) forward; key defaults to query, value to key.

    ``mask`` is boolean, True where a query may see a key, shaped (L, S), (B, L, S) or
    (B, H, L, S): the negation of PyTorch's boolean ``attn_mask``.
    """
    dtype = params.in_proj_weight.dtype
    x_q = _float_array("query", query, dtype)
    self_attention = (key is None or key is query) and (value is None or value is query)
    x_k = x_q if key is None or key is query else _float_array("key", key, dtype)
    x_v = x_k if value is None or value is key else _float_array("value", value, dtype)
    _check_inputs(params, x_q, x_k, x_v)
    B, L, E = x_q.shape
    S, H = x_k.shape[1], params.num_heads
    d = E // H
    W, b = params.in_proj_weight, params.in_proj_bias
    scale = dtype.type(1.0 / math.sqrt(d))
    with np.errstate(over="ignore", invalid="ignore"):  # huge inputs: the softmax check reports it
        if self_attention:
            # One (B*L, E) x (E, 3E) product instead of three; the columns are [q | k | v].
            qkv = x_q.reshape(B * L, E) @ W.T
            qkv += b
            qkv = qkv.reshape(B, L, 3, E)
            q_all, k_all, v_all = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]
        else:
            q_all = (x_q.reshape(B * L, E) @ W[:E].T + b[:E]).reshape(B, L, E)
            k_all = (x_k.reshape(B * S, E) @ W[E : 2 * E].T + b[E : 2 * E]).reshape(B, S, E)
            v_all = (x_v.reshape(B * S, E) @ W[2 * E :].T + b[2 * E :]).reshape(B, S, E)
        q_all *= scale  # scaling the (B, L, E) queries costs less than scaling the (B, H, L, S) scores
        q, k, v = (_split_heads(t, H) for t in (q_all, k_all, v_all))
        weights = batched_matmul(q, k.transpose(0, 1, 3, 2))  # (B, H, L, S)
    if mask is not None and np.ndim(mask) == 3:  # (B, L, S): one mask per sequence, for every head
        mask = np.asarray(mask)[:, None]
    allowed = _allowed(mask, causal, weights.shape, L, S)
    empty = _softmax_rows_inplace(weights, allowed)
    context = np.empty((B, L, H, d), dtype=dtype)
    batched_matmul(weights, v, out=context.transpose(0, 2, 1, 3))  # written straight into (B, L, H, d)
    context = context.reshape(B, L, E)
    output = context.reshape(B * L, E) @ params.out_proj_weight.T
    output += params.out_proj_bias
    return MultiheadAttentionForward(
        output=output.reshape(B, L, E),
        weights=weights,
        query=x_q,
        key=x_k,
        value=x_v,
        q=q,
        k=k,
        v=v,
        context=context,
        empty_rows=empty,
    )


def multihead_attention_backward(
    params: MultiheadAttentionParams, forward: MultiheadAttentionForward, d_output: np.typing.ArrayLike
) -> MultiheadAttentionGradients:
    """Backpropagate dL/d(output) (B, L, E) to the inputs and every parameter.

    When key or value was the query itself (self-attention), add the returned dquery, dkey and
    dvalue to get the gradient on that one shared input.
    """
    dtype = params.in_proj_weight.dtype
    dY = _float_array("d_output", d_output, dtype)
    if dY.shape != forward.output.shape:
        raise ValueError(f"d_output must have the output's shape {forward.output.shape}, got {dY.shape}")
    B, L, E = forward.query.shape
    S, H = forward.key.shape[1], params.num_heads
    d = E // H
    P, q, k, v = forward.weights, forward.q, forward.k, forward.v
    # Step 1: output = context W_o^T + b_o.
    dY_flat = dY.reshape(B * L, E)
    d_out_weight = dY_flat.T @ forward.context.reshape(B * L, E)
    d_out_bias = dY_flat.sum(axis=0)
    d_context = _split_heads((dY_flat @ params.out_proj_weight).reshape(B, L, E), H)  # (B, H, L, d)
    # Step 2: each head's context = P v: v receives P^T dC, P receives dC v^T.
    dv = batched_matmul(P.transpose(0, 1, 3, 2), d_context)  # (B, H, S, d)
    dS = batched_matmul(d_context, v.transpose(0, 1, 3, 2))  # (B, H, L, S), dP for now
    # Step 3: through each row's softmax: dS = P * (dP - rowsum(dP * P)).
    dS -= np.sum(dS * P, axis=-1, keepdims=True)
    dS *= P
    # Step 4: S = q k^T with q already scaled: k receives dS^T q; the unscaled queries dS k * scale.
    dk = batched_matmul(dS.transpose(0, 1, 3, 2), q)  # (B, H, S, d)
    dq = batched_matmul(dS, k)
    dq *= dtype.type(1.0 / math.sqrt(d))
    # Step 5: merge the heads back to (B*T, E) and go through the three input projections.
    merged = [t.transpose(0, 2, 1, 3).reshape(-1, E) for t in (dq, dk, dv)]
    inputs = (forward.query.reshape(B * L, E), forward.key.reshape(B * S, E), forward.value.reshape(B * S, E))
    W = params.in_proj_weight
    d_in_weight = np.concatenate([g.T @ x for g, x in zip(merged, inputs, strict=True)])
    d_in_bias = np.concatenate([g.sum(axis=0) for g in merged])
    d_inputs = [g @ W[i * E : (i + 1) * E] for i, g in enumerate(merged)]
    return MultiheadAttentionGradients(
        dquery=d_inputs[0].reshape(B, L, E),
        dkey=d_inputs[1].reshape(B, S, E),
        dvalue=d_inputs[2].reshape(B, S, E),
        in_proj_weight=d_in_weight,
        in_proj_bias=d_in_bias,
        out_proj_weight=d_out_weight,
        out_proj_bias=d_out_bias,
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 5, 8))  # one sentence of 5 tokens, width 8
    params = init_multihead_attention(8, 2, rng)
    forward = multihead_attention_forward(params, x, causal=True)
    print("head 0 weights (rows = queries, causal):\n", forward.weights[0, 0].round(3))
    grads = multihead_attention_backward(params, forward, np.ones_like(forward.output))
    print("||dL/d in_proj_weight|| =", np.linalg.norm(grads.in_proj_weight))
