"""Sinusoidal positional encodings: how a Transformer tells "dog bites man" from "man bites dog".

    PE(t, 2i)     = sin(t / base^(2i / d_model))
    PE(t, 2i + 1) = cos(t / base^(2i / d_model))

Attention itself ignores order (it weighs a set of keys), so each position adds its own vector to
the word's embedding; nearby positions get similar vectors, and PE(t + k) is a fixed linear
function of PE(t) for every offset k.

Reference: Vaswani et al., "Attention Is All You Need" (NeurIPS 2017), section 3.5.
"""

from __future__ import annotations

import numpy as np


def sinusoidal_positional_encoding(
    length: int, d_model: int, base: float = 10000.0, dtype: np.typing.DTypeLike = np.float64
) -> np.ndarray:
    """(length, d_model) table: sin on even dimensions, cos on odd ones, wavelengths 2 pi .. base 2 pi."""
    if length < 1 or d_model < 1:
        raise ValueError(f"length and d_model must be >= 1, got {length} and {d_model}")
    if not base > 1:
        raise ValueError(f"base must be > 1, got {base}")
    positions = np.arange(length, dtype=np.float64)[:, None]  # (T, 1)
    even = np.arange(0, d_model, 2, dtype=np.float64)  # the 2i of each sin/cos pair
    angles = positions / base ** (even / d_model)  # (T, ceil(d/2))
    table = np.empty((length, d_model), dtype=np.float64)
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles[:, : d_model // 2])  # an odd d_model has no cos for the last pair
    return table.astype(dtype, copy=False)


if __name__ == "__main__":
    print(sinusoidal_positional_encoding(4, 6).round(3))
