"""Gradient clipping: by value, by the norm of one array, and by the global norm of many.

    clip_by_value:        g <- min(max(g, -v), v)                          element-wise
    clip_by_norm:         g <- g * min(1, m / (||g||_p + eps))
    clip_by_global_norm:  N = || (||g_1||_p, ..., ||g_n||_p) ||_p  (= ||concat(g_1..g_n)||_p)
                          g_k <- g_k * min(1, m / (N + eps))            same factor for every g_k

||g||_p = (sum |g_j|^p)^(1/p) for p >= 1, and ||g||_inf = max |g_j|.

Convention. PyTorch's ``torch.nn.utils.clip_grad_norm_`` multiplies by
``min(1, max_norm / (total_norm + 1e-6))``: the 1e-6 guards the division when the norm is zero,
and makes a clipped norm land just below max_norm. That is the default here (``eps=1e-6``), and
matches PyTorch to 1e-10 in float64. ``eps=0`` gives the textbook rule, where a clipped gradient
has norm exactly max_norm. Either way a zero gradient is returned unchanged (never 0/0 = NaN).

Differences from PyTorch, on purpose: a negative or NaN max_norm raises ``ValueError`` (PyTorch
silently flips the gradient's sign), and a non-finite norm (an inf or NaN in a gradient) raises
``NonFiniteGradientError`` (PyTorch only does so with ``error_if_nonfinite=True``). Inputs are
never mutated unless ``in_place=True`` is passed. A training loop that wants new arrays without
paying for fresh memory every step passes ``out=`` buffers: allocating tens of megabytes per call
costs more (page faults) than the clipping arithmetic itself.

References: Pascanu, Mikolov and Bengio, "On the difficulty of training recurrent neural
networks" (ICML 2013), which introduced norm clipping for RNNs; Mikolov's thesis (2012) for
clipping by value; PyTorch ``clip_grad_norm_`` / ``clip_grad_value_`` documentation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GlobalNormClip",
    "NonFiniteGradientError",
    "NormClip",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "global_norm",
    "vector_norm",
]

TORCH_EPS = 1e-6  # PyTorch clip_grad_norm_'s additive epsilon


class NonFiniteGradientError(ValueError):
    """A gradient holds inf or NaN: scaling it would silently poison the weights."""


@dataclass(frozen=True)
class NormClip:
    """One array clipped by its own norm: the result, the norm before and the factor applied."""

    grad: np.ndarray
    norm: float  # ||g||_p before clipping
    scale: float  # factor applied, in [0, 1]
    clipped: bool  # True when scale < 1


@dataclass(frozen=True)
class GlobalNormClip:
    """Several arrays clipped together by their joint norm, so their directions keep their ratio."""

    grads: list[np.ndarray]
    total_norm: float  # joint p-norm before clipping
    scale: float  # factor applied to every array, in [0, 1]
    clipped: bool  # True when scale < 1


def _check_max_norm(max_norm: float) -> float:
    """Reject max norms for which clipping has no meaning, naming the allowed range."""
    max_norm = float(max_norm)
    if math.isnan(max_norm) or max_norm < 0:
        raise ValueError(f"max_norm must be in [0, inf], got {max_norm}")
    return max_norm


def _check_p(p: float) -> float:
    """Only p >= 1 (or inf) defines a norm; below 1 the triangle inequality fails."""
    p = float(p)
    if math.isnan(p) or p < 1:
        raise ValueError(f"p must be in [1, inf] (a norm), got {p}")
    return p


def _raw_norm(g: np.ndarray, p: float) -> float:
    """p-norm of one array by the fastest route; may overflow to inf for huge finite values."""
    flat = g.ravel()
    if flat.size == 0:
        return 0.0
    # Overflow and inf - inf are detected by the caller from the result, not as warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        if p == 2:
            return math.sqrt(float(np.dot(flat, flat)))  # one BLAS pass, no temporary
        if p == math.inf:
            return float(max(flat.max(), -flat.min()))  # no |g| temporary
        if p == 1:
            return float(np.abs(flat).sum(dtype=np.float64))
        return float(np.sum(np.abs(flat, dtype=np.float64) ** p)) ** (1 / p)


def _lost_digits(norm: float, dtype: np.dtype, p: float) -> bool:
    """Whether the p-th powers summed for ``norm`` were so small that they were subnormal, with
    fewer bits than a float carries: a norm of 3e-161 came out 0.1% too large from squares of
    about 1e-321. The 2-norm's squares are summed in the array's own float type."""
    if p == math.inf or norm == 0:
        return False
    floating = p == 2 and np.issubdtype(dtype, np.floating)
    info = np.finfo(dtype if floating else np.float64)
    return norm**p < float(info.tiny) / float(info.eps)


def vector_norm(g: np.ndarray, p: float = 2.0) -> float:
    """p-norm of one array, exact for huge and tiny finite values; inf or NaN means bad input."""
    g = np.asarray(g)
    p = _check_p(p)
    norm = _raw_norm(g, p)
    if math.isfinite(norm) and (norm > 0 or not g.any()) and not _lost_digits(norm, g.dtype, p):
        return norm
    if not np.isfinite(g).all():
        return math.nan if np.isnan(g).any() else math.inf
    # All finite but the fast route overflowed, underflowed to 0 or summed subnormal powers:
    # rescale by the largest magnitude first, as LAPACK's nrm2 does, so the sum stays exact.
    flat = g.ravel().astype(np.float64)
    biggest = float(np.max(np.abs(flat)))
    return biggest * _raw_norm(flat / biggest, p)


def global_norm(grads: Sequence[np.ndarray], p: float = 2.0) -> float:
    """Joint p-norm of many arrays: the p-norm of their individual p-norms."""
    p = _check_p(p)
    norms = np.array([vector_norm(g, p) for g in grads], dtype=np.float64)
    return vector_norm(norms, p) if norms.size else 0.0


def _floats(grads: Sequence[np.ndarray], in_place: bool) -> list[np.ndarray]:
    """Arrays to scale: integer gradients become float64 copies (and cannot be clipped in place)."""
    arrays = [np.asarray(g) for g in grads]
    if all(np.issubdtype(g.dtype, np.floating) for g in arrays):
        return arrays
    if in_place:
        raise ValueError("in_place clipping needs floating-point arrays")
    return [g if np.issubdtype(g.dtype, np.floating) else g.astype(np.float64) for g in arrays]


def _scale_for(norm: float, max_norm: float, eps: float) -> float:
    """Clip factor min(1, max_norm / (norm + eps)), written so it never divides by zero."""
    if math.isnan(eps) or eps < 0:
        raise ValueError(f"eps must be in [0, inf), got {eps}")
    if not math.isfinite(norm):
        raise NonFiniteGradientError(
            f"gradient norm is {norm}: a gradient holds inf or NaN; clipping cannot repair it"
        )
    denominator = norm + eps
    if denominator <= max_norm or norm == 0:
        return 1.0
    return max_norm / denominator


def _scaled(g: np.ndarray, scale: float, out: np.ndarray | None) -> np.ndarray:
    """g * scale in one pass, into out (which may be g itself) or a fresh array, keeping g's dtype."""
    if out is None:
        out = np.empty_like(g)
    elif out.shape != g.shape:
        raise ValueError(f"out array has shape {out.shape}, gradient has {g.shape}")
    if scale != 1.0:
        np.multiply(g, scale, out=out, casting="same_kind")
    elif out is not g:
        np.copyto(out, g, casting="same_kind")
    return out


def _targets(
    arrays: list[np.ndarray], in_place: bool, out: Sequence[np.ndarray] | None
) -> list[np.ndarray | None]:
    """Where each scaled array goes: itself (in place), a caller's buffer, or new memory (None)."""
    if in_place and out is not None:
        raise ValueError("pass either in_place=True or out=..., not both")
    if in_place:
        return list(arrays)
    if out is None:
        return [None] * len(arrays)
    if len(out) != len(arrays):
        raise ValueError(f"out holds {len(out)} arrays for {len(arrays)} gradients")
    return list(out)


def clip_by_value(
    grads: np.typing.ArrayLike | Sequence[np.ndarray], clip_value: float
) -> np.ndarray | list[np.ndarray]:
    """Clamp every element into [-clip_value, clip_value], like ``clip_grad_value_``.

    One gradient (an array, a number or a list of numbers) gives one array back; a sequence of
    arrays (a model's parameters) gives a list of arrays. Integers come back as floats. inf is
    clamped like any large value, but NaN raises because no clamp makes it meaningful.
    """
    clip_value = float(clip_value)
    if math.isnan(clip_value) or clip_value < 0:
        raise ValueError(f"clip_value must be in [0, inf], got {clip_value}")
    # Many gradients only when the sequence holds arrays; [1.0, 5.0] is one gradient of two numbers.
    single = not (isinstance(grads, (list, tuple)) and any(isinstance(g, np.ndarray) for g in grads))
    arrays = [_float_array(grads)] if single else [_float_array(g) for g in grads]
    for g in arrays:
        if np.isnan(g).any():
            raise NonFiniteGradientError("gradient holds NaN: clipping by value cannot repair it")
    clipped = [np.asarray(np.clip(g, -clip_value, clip_value)) for g in arrays]  # 0-d stays an array
    return clipped[0] if single else clipped


def _float_array(g: np.typing.ArrayLike) -> np.ndarray:
    """An array of floats: float arrays as they are (float32 stays float32), anything else float64."""
    array = np.asarray(g)
    return array if np.issubdtype(array.dtype, np.floating) else array.astype(np.float64)


def clip_by_norm(
    grad: np.ndarray,
    max_norm: float,
    p: float = 2.0,
    eps: float = TORCH_EPS,
    in_place: bool = False,
    out: np.ndarray | None = None,
) -> NormClip:
    """Rescale one array so its p-norm is at most max_norm (PyTorch's epsilon by default)."""
    (grad,) = _floats([grad], in_place)
    max_norm = _check_max_norm(max_norm)
    norm = vector_norm(grad, p)
    scale = _scale_for(norm, max_norm, eps)
    (target,) = _targets([grad], in_place, None if out is None else [out])
    return NormClip(_scaled(grad, scale, target), norm, scale, scale < 1.0)


def clip_by_global_norm(
    grads: Sequence[np.ndarray],
    max_norm: float,
    p: float = 2.0,
    eps: float = TORCH_EPS,
    in_place: bool = False,
    out: Sequence[np.ndarray] | None = None,
) -> GlobalNormClip:
    """Rescale all arrays by one factor so their joint p-norm is at most max_norm.

    Same result as ``torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=p)`` with
    ``eps=1e-6``; returns new arrays unless ``in_place=True`` or ``out=`` buffers are given.
    """
    arrays = _floats(grads, in_place)
    max_norm = _check_max_norm(max_norm)
    total = global_norm(arrays, p)
    scale = _scale_for(total, max_norm, eps)
    targets = _targets(arrays, in_place, out)
    clipped = [_scaled(g, scale, target) for g, target in zip(arrays, targets, strict=True)]
    return GlobalNormClip(clipped, total, scale, scale < 1.0)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)) * 10, rng.standard_normal(4)]
    result = clip_by_global_norm(grads, max_norm=1.0)
    print(f"norm before {result.total_norm:.3f}, scale {result.scale:.4f}, clipped {result.clipped}")
    print("norm after ", global_norm(result.grads))
    print("by value   ", clip_by_value(np.array([-3.0, 0.5, 3.0]), 1.0))
