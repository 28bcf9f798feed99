"""Numerically stable activations shared by the RNN, LSTM and language-model demos.

Equations (all element-wise unless an axis is named):

    sigmoid(x)        = 1 / (1 + exp(-x))
                      = exp(x) / (1 + exp(x))            (used for x < 0, so exp never overflows)
    tanh(x)           = (exp(x) - exp(-x)) / (exp(x) + exp(-x))
    logsumexp(x)      = m + log(sum_j exp(x_j - m)),     m = max_j x_j
    softmax(x)_j      = exp(x_j - m) / sum_k exp(x_k - m)
    log_softmax(x)_j  = (x_j - m) - log(sum_k exp(x_k - m))   (= x_j - logsumexp(x))

Shifting by the maximum keeps every exponent <= 0, so nothing overflows at +/-1000 and no
floating-point warning is raised. Every function keeps the floating dtype of its input
(float32 in, float32 out); integer input is promoted to float64.

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), section 4.1 (overflow and
underflow); Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and softmax
functions" (IMA J. Numer. Anal., 2021).
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_float", "log_softmax", "logsumexp", "sigmoid", "softmax", "tanh"]


def as_float(x: np.typing.ArrayLike) -> np.ndarray:
    """Return x as a floating array, keeping float32/float16 so callers get their dtype back."""
    array = np.asarray(x)
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    return array


def sigmoid(x: np.typing.ArrayLike) -> np.ndarray:
    """Logistic function, split by sign so exp only ever sees non-positive arguments."""
    x = as_float(x)
    # exp(-|x|) is in (0, 1]: it can underflow to 0 (harmless, silent) but never overflow.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def tanh(x: np.typing.ArrayLike) -> np.ndarray:
    """Hyperbolic tangent; NumPy's tanh saturates cleanly to +/-1, so only the dtype needs care."""
    return np.tanh(as_float(x))


def _stable_max(x: np.ndarray, axis: int | None) -> np.ndarray:
    """Row maximum used as the shift, with non-finite maxima replaced by 0 to avoid inf - inf."""
    m = np.max(x, axis=axis, keepdims=True)
    return np.where(np.isfinite(m), m, 0).astype(x.dtype, copy=False)


def logsumexp(x: np.typing.ArrayLike, axis: int | None = -1, keepdims: bool = False) -> np.ndarray:
    """log(sum(exp(x))) along an axis, shifted by the maximum so it stays finite at +/-1000."""
    x = as_float(x)
    m = _stable_max(x, axis)
    total = np.sum(np.exp(x - m), axis=axis, keepdims=True)
    # A row of only -inf sums to 0: log(0) = -inf is the right answer, not a warning.
    with np.errstate(divide="ignore"):
        result = np.log(total) + m
    if not keepdims:
        result = np.squeeze(result, axis=axis) if axis is not None else result.reshape(())
    return result


def softmax(x: np.typing.ArrayLike, axis: int = -1) -> np.ndarray:
    """Normalised exponentials along an axis; the max-shift keeps exp in (0, 1]."""
    x = as_float(x)
    e = np.exp(x - _stable_max(x, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: np.typing.ArrayLike, axis: int = -1) -> np.ndarray:
    """Log of softmax as (x - m) - log(sum exp(x - m)), exact even where softmax underflows to 0.

    Subtracting the shift m first matters in float32: x - logsumexp(x) with x near 1000 rounds
    logsumexp to a multiple of 6e-5 and loses the small log-sum, while x - m is exact.
    """
    x = as_float(x)
    shifted = x - _stable_max(x, axis)
    # A row of only -inf sums to 0: log(0) = -inf is the right answer, not a warning.
    with np.errstate(divide="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


if __name__ == "__main__":
    logits = np.array([[-1000.0, 0.0, 1000.0]], dtype=np.float32)
    print("sigmoid     ", sigmoid(logits))
    print("softmax     ", softmax(logits))
    print("log_softmax ", log_softmax(logits))
    print("logsumexp   ", logsumexp(logits))
