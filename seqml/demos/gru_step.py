"""gru-step: one GRU step on a small input, gate by gate.

    r  = sigmoid(W_ir x + b_ir + W_hr h + b_hr)          reset gate
    z  = sigmoid(W_iz x + b_iz + W_hz h + b_hz)          update gate
    n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))       candidate
    h' = (1 - z) * n + z * h                             (PyTorch: z multiplies the old state)

A fresh GRU (``seqml.gru.init_gru``) takes one step from a random old state. ``update_bias`` is
added to the update gate's bias: positive values push z towards 1, so h' copies h; negative
values push it towards 0, so h' is the candidate. The result splits h' into the part copied
from h (z * h) and the part written from the candidate ((1 - z) * n), so the mix is visible.

Importing this module loads no NumPy: ``run`` imports it, so listing the demos stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param

if TYPE_CHECKING:
    import numpy as np

INPUT_SIZE = 3  # a small x, enough to drive every gate
NOTICE = (
    "z near 1 copies the old state through: the GRU's way of keeping memory, "
    "with one gate fewer than an LSTM."
)


@dataclass(frozen=True)
class GRUStepResult:
    """One GRU step: the input, the old state, both gates, the candidate and the new state."""

    update_bias: float
    x: np.ndarray  # (I,)
    h_prev: np.ndarray  # h, (H,)
    reset_gate: np.ndarray  # r, (H,)
    update_gate: np.ndarray  # z
    hidden_projection: np.ndarray  # W_hn h + b_hn, what r scales
    candidate: np.ndarray  # n
    copied: np.ndarray  # z * h, the part of h' taken from the old state
    written: np.ndarray  # (1 - z) * n, the part of h' taken from the candidate
    h: np.ndarray  # h' = copied + written
    mean_update: float  # the average z: the share of the old state kept


def run(params: dict[str, Any], rng: np.random.Generator) -> GRUStepResult:
    """Take one step of a fresh GRU from a random old state, keeping every gate for display."""
    from seqml.gru import gru_cell, init_gru

    hidden = params["hidden"]
    gru = init_gru(INPUT_SIZE, hidden, rng, update_bias=params["update_bias"])
    x = rng.normal(size=(1, INPUT_SIZE))
    h_prev = rng.uniform(-0.9, 0.9, size=(1, hidden))  # an old state with something to keep
    h, cache = gru_cell(gru, x, h_prev)
    z = cache.update_gate[0]
    return GRUStepResult(
        update_bias=float(params["update_bias"]),
        x=x[0],
        h_prev=h_prev[0],
        reset_gate=cache.reset_gate[0],
        update_gate=z,
        hidden_projection=cache.hidden_projection[0],
        candidate=cache.candidate[0],
        copied=z * h_prev[0],
        written=(1 - z) * cache.candidate[0],
        h=h[0],
        mean_update=float(z.mean()),
    )


DEMO = Demo(
    name="gru-step",
    title="One GRU step, gate by gate",
    summary="Reset and update gates, the candidate, and the new state they mix.",
    terms=("gated-recurrent-unit", "hidden-state", "recurrent-cell"),
    params=(
        Param("hidden", "int", 4, 1, 8, help="size of the hidden state"),
        Param(
            "update_bias",
            "float",
            2.0,
            -5.0,
            5.0,
            help="added to the update gate's bias: high copies the old state, low writes the candidate",
        ),
    ),
    notice=NOTICE,
    runner=run,
    code=("seqml.gru:gru_cell", "seqml.gru:init_gru"),
)
