"""Demo: gradient descent and minibatch SGD at a rate that crawls, one that converges, one that diverges.

Linear regression on seeded synthetic data has a quadratic loss, so the learning rate at which
full-batch descent diverges is known in advance: 2 / lambda_max of the loss Hessian. By default
the demo picks its three rates as 0.05x, 0.5x and 1.1x of that critical rate and says so; an
explicit ``lr`` runs that one rate instead. Every run records the full-data loss after every
step (the whole curve is in the result), and a diverging run is stopped and reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param

if TYPE_CHECKING:
    import numpy as np

    from seqml.gradient_descent import DescentRun

NOTICE = (
    "The learning rate decides everything: far below the critical rate 2/lambda_max the loss "
    "crawls, near half of it the loss converges in a few dozen steps, and just above it the loss "
    "explodes; minibatch SGD follows the same pattern with a noisier, slightly higher floor."
)

SAMPLES = 200
DEFAULT_MULTIPLES = (0.05, 0.5, 1.1)  # of the critical rate: crawls, converges, diverges


@dataclass(frozen=True)
class RateRun:
    """One learning rate under one method, with what theory predicted for full-batch descent."""

    method: str  # "gradient descent" or "SGD"
    multiple: float  # lr / critical learning rate
    regime: str  # full-batch theory at this lr: converges | overshoots | diverges
    run: DescentRun


@dataclass(frozen=True)
class GradientDescentResult:
    """The data's curvature, the critical rate, and one loss curve per (rate, method)."""

    samples: int
    steps: int
    batch: int
    lambda_min: float  # smallest Hessian eigenvalue: the flattest direction
    lambda_max: float  # largest: the steepest direction, which sets the critical rate
    critical_lr: float  # 2 / lambda_max
    optimum_loss: float  # least-squares L*, the floor of every curve
    automatic: bool  # True when the rates were chosen from the critical rate
    divergence_factor: float  # a run stops when its loss passes this many times its start
    runs: tuple[RateRun, ...]  # per rate: gradient descent, then SGD


def run(params: dict[str, Any], rng: np.random.Generator) -> GradientDescentResult:
    """Make the data, find 2/lambda_max, and train at each rate by both methods."""
    import numpy as np

    from seqml import gradient_descent as gd

    data = gd.make_regression_data(SAMPLES, rng)
    eigenvalues = np.linalg.eigvalsh(gd.hessian(data.x))
    critical = gd.critical_learning_rate(data.x)
    *_, best = gd.optimum(data.x, data.y)
    automatic = params["lr"] == 0
    rates = [multiple * critical for multiple in DEFAULT_MULTIPLES] if automatic else [params["lr"]]
    batch = min(params["batch"], SAMPLES)
    runs = []
    for lr in rates:
        regime = gd.learning_rate_regime(lr, data.x)
        for method, method_batch in (("gradient descent", None), ("SGD", batch)):
            descent = gd.descend(data.x, data.y, lr, params["steps"], rng, batch=method_batch)
            runs.append(RateRun(method, lr / critical, regime, descent))
    return GradientDescentResult(
        samples=SAMPLES,
        steps=params["steps"],
        batch=batch,
        lambda_min=float(eigenvalues[0]),
        lambda_max=float(eigenvalues[-1]),
        critical_lr=critical,
        optimum_loss=best,
        automatic=automatic,
        divergence_factor=gd.DIVERGENCE_FACTOR,
        runs=tuple(runs),
    )


DEMO = Demo(
    name="gradient-descent",
    title="Gradient descent and SGD at three learning rates",
    summary="Loss curves at learning rates that crawl, converge and diverge (2/lambda_max).",
    terms=("gradient-descent", "stochastic-gradient-descent", "learning-rate", "loss-function"),
    params=(
        Param(
            "lr",
            "float",
            0.0,
            0.0,
            100.0,
            help="learning rate; 0 picks 0.05x, 0.5x and 1.1x of the critical rate 2/lambda_max",
        ),
        Param("steps", "int", 100, 1, 2000, help="parameter updates per run"),
        Param("batch", "int", 16, 1, SAMPLES, help=f"minibatch size for SGD (of {SAMPLES} samples)"),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.gradient_descent:descend",
        "seqml.gradient_descent:critical_learning_rate",
        "seqml.gradient_descent:mse_gradient",
    ),
)
