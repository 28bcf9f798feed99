"""The gradient-flow demo: how far a gradient survives flowing back through time.

    ||dL/dh_{T-k}|| against k for a tanh RNN whose W_hh has spectral radius rho (roughly rho^k),
    the exact linear rho^k, and an LSTM through h and through its cell (dc_{t-1} = f_t * dc_t)

The back-propagation is ``seqml.gradient_flow``'s; this module picks the models to compare and
labels the curves. NumPy is imported inside ``run``, so listing the demos stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param

if TYPE_CHECKING:
    import numpy as np

GRADIENT_FLOW_HIDDEN = 16
GRADIENT_FLOW_RHOS = (0.5, 1.5)  # beside the chosen rho: one clearly vanishing, one exploding
NOTICE = (
    "Through the tanh RNN the gradient shrinks or grows roughly like rho^k, while the "
    "LSTM's cell path, its forget gate near 1, keeps it alive far longer."
)


@dataclass(frozen=True)
class GradientCurve:
    """||dL/dh_{T-k}|| for k = 0..steps under one model, and what the trend looks like."""

    label: str
    norms: np.ndarray  # (steps + 1,)
    verdict: str  # vanishing | exploding | stable, from the rate per step (see classify)
    per_step: float  # overall factor per step, (norms[-1] / norms[0]) ** (1 / steps)


@dataclass(frozen=True)
class GradientFlowResult:
    """Gradient norm against distance k: RNN at several rho and LSTM h and cell, plus exact rho^k."""

    steps: int
    rho: float
    forget_bias: float
    curves: tuple[GradientCurve, ...]  # the series drawn, in column order
    linear: GradientCurve  # the exact linear RNN at rho: norms are rho^k, the yardstick


def _curve(label: str, result: Any) -> GradientCurve:
    """A labelled curve from a norms dataclass (field ``norms``) or a bare array of norms."""
    import numpy as np

    from seqml.gradient_flow import classify, per_step_factor

    norms = np.asarray(getattr(result, "norms", result), dtype=np.float64)
    return GradientCurve(label, norms, classify(norms), per_step_factor(norms))


def run(params: dict[str, Any], rng: np.random.Generator) -> GradientFlowResult:
    """Back-propagate one unit gradient through time under each model and record its norm."""
    from seqml import gradient_flow

    steps, rho, forget_bias = params["steps"], params["rho"], params["forget_bias"]
    curves = []
    for value in sorted({rho, *GRADIENT_FLOW_RHOS}):
        norms = gradient_flow.rnn_gradient_norms(value, steps, GRADIENT_FLOW_HIDDEN, rng)
        curves.append(_curve(f"RNN rho={value:g}", norms))
    linear = _curve(
        "linear rho^k", gradient_flow.linear_gradient_norms(rho, steps, GRADIENT_FLOW_HIDDEN, rng)
    )
    lstm = gradient_flow.lstm_gradient_norms(forget_bias, steps, GRADIENT_FLOW_HIDDEN, rng)
    # Through h the LSTM gradient also passes the output gate each step; the cell path is the
    # one the forget gate protects, so both are drawn.
    curves.append(_curve("LSTM h", lstm.norms))
    curves.append(_curve("LSTM cell", lstm.cell_norms))
    return GradientFlowResult(steps, rho, forget_bias, tuple(curves), linear)


DEMO = Demo(
    name="gradient-flow",
    title="Vanishing and exploding gradients through time",
    summary="Gradient norm k steps back: tanh RNN at several rho against an LSTM.",
    terms=("vanishing-gradient-problem", "exploding-gradient-problem", "spectral-radius"),
    params=(
        Param("rho", "float", 0.9, 0.1, 2.0, help="spectral radius of the RNN's W_hh"),
        Param("steps", "int", 30, 1, 100, help="how many steps to back-propagate"),
        Param(
            "forget_bias",
            "float",
            3.0,
            -5.0,
            5.0,
            help="the LSTM's forget-gate bias (3 holds the gate near 0.95)",
        ),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.gradient_flow:rnn_gradient_norms",
        "seqml.gradient_flow:lstm_gradient_norms",
    ),
)


if __name__ == "__main__":
    import numpy as np

    for curve in run(DEMO.defaults(), np.random.default_rng(0)).curves:
        print(f"{curve.label:>12}: x{curve.per_step:.3f} per step, {curve.verdict}")
