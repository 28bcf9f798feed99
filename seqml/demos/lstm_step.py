"""The lstm-step demo: one LSTM step from a random state, gate by gate.

    i = sigma(W_ii x + b_ii + W_hi h + b_hi)     f = sigma(W_if x + b_if + W_hf h + b_hf)
    g = tanh(W_ig x + b_ig + W_hg h + b_hg)      o = sigma(W_io x + b_io + W_ho h + b_ho)
    c_t = f * c_{t-1} + i * g                    h_t = o * tanh(c_t)

The model is ``seqml.lstm``'s; this module draws a random input and state and keeps every gate
for the view. NumPy is imported inside ``run``, so listing the demos stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param

if TYPE_CHECKING:
    import numpy as np

LSTM_INPUT_SIZE = 3
NOTICE = (
    "The forget gate f decides how much of c_prev survives into c: raise --forget-bias "
    "and f moves toward 1, so the new cell state stays close to the old one."
)


@dataclass(frozen=True)
class LSTMStepResult:
    """One LSTM step: the inputs, the four gate activations and the new cell and hidden state."""

    forget_bias: float
    x: np.ndarray  # (I,)
    h_prev: np.ndarray  # (H,)
    c_prev: np.ndarray  # (H,)
    input_gate: np.ndarray  # i
    forget_gate: np.ndarray  # f
    candidate: np.ndarray  # g
    output_gate: np.ndarray  # o
    c: np.ndarray
    h: np.ndarray


def run(params: dict[str, Any], rng: np.random.Generator) -> LSTMStepResult:
    """Take one step of a fresh LSTM from a random state, keeping every gate for display."""
    from seqml.lstm import init_lstm, lstm_step

    hidden = params["hidden"]
    lstm = init_lstm(LSTM_INPUT_SIZE, hidden, rng, forget_bias=params["forget_bias"])
    x = rng.normal(size=(1, LSTM_INPUT_SIZE))
    h_prev = rng.uniform(-0.5, 0.5, size=(1, hidden))
    c_prev = rng.normal(size=(1, hidden))
    h, c, cache = lstm_step(lstm, x, h_prev, c_prev)
    return LSTMStepResult(
        forget_bias=params["forget_bias"],
        x=x[0],
        h_prev=h_prev[0],
        c_prev=c_prev[0],
        input_gate=cache.input_gate[0],
        forget_gate=cache.forget_gate[0],
        candidate=cache.candidate[0],
        output_gate=cache.output_gate[0],
        c=c[0],
        h=h[0],
    )


DEMO = Demo(
    name="lstm-step",
    title="One LSTM step, gate by gate",
    summary="Input, forget, candidate and output gates, then the new cell and hidden state.",
    terms=("long-short-term-memory", "forget-gate", "cell-state"),
    params=(
        Param("hidden", "int", 4, 1, 8, help="size of the hidden and cell state"),
        Param(
            "forget_bias",
            "float",
            1.0,
            -5.0,
            5.0,
            help="added to the forget gate's bias: high keeps the old cell state",
        ),
    ),
    notice=NOTICE,
    runner=run,
    code=("seqml.lstm:lstm_cell", "seqml.lstm:init_lstm"),
)


if __name__ == "__main__":
    import numpy as np

    result = run({**DEMO.defaults(), "hidden": 3}, np.random.default_rng(0))
    print("forget gate:", result.forget_gate.round(3), "h:", result.h.round(3))
