"""Gradient descent and minibatch SGD on least squares, and the learning rate that makes it diverge.

The model is linear regression, y_hat = X w + b, with the mean squared error of PyTorch's
``nn.MSELoss`` (N samples, A = [X, 1] the inputs with a column of ones for the bias):

    L(theta)      = (1/N) ||A theta - y||^2                  theta = (w, b)
    grad L        = (2/N) A^T (A theta - y)
    Hessian       = (2/N) A^T A                               the same at every theta
    update        theta <- theta - lr * grad L               (full batch: gradient descent)
                  theta <- theta - lr * grad L_batch         (a random minibatch: SGD)

Because the loss is quadratic, full-batch gradient descent is exact linear algebra: along each
eigenvector of the Hessian (eigenvalue lambda_i) the error is multiplied by (1 - lr lambda_i)
every step. So, with lambda_max the largest eigenvalue:

    lr <  1 / lambda_max   every error shrinks monotonically           "converges"
    lr <  2 / lambda_max   the steepest error overshoots but shrinks   "overshoots"
    lr >= 2 / lambda_max   the steepest error grows without bound      "diverges"

2 / lambda_max is the *critical learning rate*. How fast the run converges is set by the
slowest direction, max_i |1 - lr lambda_i| per step: a rate far below the critical one makes
the small-eigenvalue directions crawl. Minibatch SGD follows noisy gradients whose curvature
varies from batch to batch, so near the critical rate it can fail a little earlier; with a
constant rate it settles into a noise floor above the optimum instead of reaching it.

A run is stopped, and reported as diverged, as soon as its loss is inf or NaN or exceeds
``DIVERGENCE_FACTOR`` times the starting loss: never an overflow warning, never a crash.

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 4.3 (the
quadratic model and the 2/lambda bound) and 8.1.3 (SGD); Bottou, Curtis and Nocedal,
"Optimization methods for large-scale machine learning" (SIAM Review, 2018); PyTorch
``torch.optim.SGD`` (plain SGD without momentum: p <- p - lr * grad).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DIVERGENCE_FACTOR",
    "DescentRun",
    "RegressionData",
    "contraction_factor",
    "critical_learning_rate",
    "descend",
    "hessian",
    "learning_rate_options",
    "learning_rate_regime",
    "make_regression_data",
    "mse_gradient",
    "mse_loss",
    "optimum",
    "sgd_step",
]

DIVERGENCE_FACTOR = 1e6  # a loss this many times the starting loss counts as diverged
REGIME_TOLERANCE = 1e-9  # relative slack at lr * lambda_max = 1 and 2, for rounding
CONVERGED_FRACTION = 1e-2  # excess loss below 1% of the starting excess counts as converged


@dataclass(frozen=True)
class RegressionData:
    """Seeded synthetic data: features of different scales so the loss valley is elongated."""

    x: np.ndarray  # (N, D)
    y: np.ndarray  # (N,)
    true_weight: np.ndarray  # (D,)
    true_bias: float


@dataclass(frozen=True)
class DescentRun:
    """One training run: its settings, the full-data loss after every step, and how it ended."""

    lr: float
    batch: int  # N for full-batch gradient descent
    losses: np.ndarray  # L(theta_0), L(theta_1), ... up to the last step run
    weight: np.ndarray  # final w (the last finite one if the run diverged)
    bias: float
    diverged_at: int | None  # the step at which divergence was detected, else None
    # What happened: "diverges" (stopped at diverged_at, or ended above its starting loss),
    # "converges" (excess loss L - L* below 1% of its start) or "crawls" (neither, yet).
    verdict: str


def make_regression_data(
    samples: int,
    rng: np.random.Generator,
    scales: tuple[float, ...] = (1.0, 0.25),
    true_weight: tuple[float, ...] = (2.0, -8.0),
    true_bias: float = 0.5,
    noise: float = 0.1,
) -> RegressionData:
    """y = x w + b + noise, with feature j drawn from N(0, scales[j]^2).

    The defaults make one direction of the loss 16 times flatter than the other (scale 0.25)
    and give it a large weight, so a small learning rate visibly crawls along it.
    """
    if samples < 2:
        raise ValueError(f"samples must be >= 2, got {samples}")
    if len(scales) != len(true_weight):
        raise ValueError(f"one scale per weight: got {len(scales)} scales and {len(true_weight)} weights")
    x = rng.standard_normal((samples, len(scales))) * np.asarray(scales)
    weight = np.asarray(true_weight, dtype=np.float64)
    y = x @ weight + true_bias + noise * rng.standard_normal(samples)
    return RegressionData(x=x, y=y, true_weight=weight, true_bias=float(true_bias))


def _check_data(x: np.ndarray, y: np.ndarray | None = None) -> None:
    """x must be (N, D) and y (N,), so a transposed array fails here and not in a product."""
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (N, D) with N, D >= 1, got {x.shape}")
    if y is not None and y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},), got {y.shape}")


def mse_loss(x: np.ndarray, y: np.ndarray, weight: np.ndarray, bias: float) -> float:
    """(1/N) ||x w + b - y||^2, nn.MSELoss with its default mean reduction."""
    residual = x @ weight + bias - y
    return float(residual @ residual) / residual.shape[0]


def mse_gradient(x: np.ndarray, y: np.ndarray, weight: np.ndarray, bias: float) -> tuple[np.ndarray, float]:
    """(dL/dw, dL/db) = (2/N) (x^T r, sum r) with r = x w + b - y."""
    residual = x @ weight + bias - y  # (N,)
    scale = 2.0 / x.shape[0]
    return scale * (x.T @ residual), scale * float(residual.sum())


def sgd_step(
    weight: np.ndarray, bias: float, grad_weight: np.ndarray, grad_bias: float, lr: float
) -> tuple[np.ndarray, float]:
    """theta <- theta - lr * grad: torch.optim.SGD without momentum or weight decay."""
    return weight - lr * grad_weight, bias - lr * grad_bias


def hessian(x: np.typing.ArrayLike) -> np.ndarray:
    """(2/N) A^T A with A = [x, 1]: the curvature of the MSE in (w, b), independent of y."""
    x = np.asarray(x, dtype=np.float64)
    _check_data(x)
    augmented = np.hstack([x, np.ones((x.shape[0], 1))])
    return (2.0 / x.shape[0]) * (augmented.T @ augmented)


def critical_learning_rate(x: np.typing.ArrayLike) -> float:
    """2 / lambda_max of the MSE Hessian: full-batch gradient descent diverges at or above it."""
    lambda_max = float(np.linalg.eigvalsh(hessian(x))[-1])
    return 2.0 / lambda_max


def _check_lr(lr: float) -> float:
    """A learning rate is a positive finite number."""
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"learning rate must be a positive finite number, got {lr}")
    return lr


def learning_rate_regime(lr: float, x: np.typing.ArrayLike) -> str:
    """What full-batch gradient descent at ``lr`` does on this data: converges, overshoots, diverges.

    lr * lambda_max is compared with 1 and 2 allowing for rounding (1e-9 relative), so the
    exact multiples of the critical rate land where the algebra puts them: 0.5x is lr =
    1/lambda_max (the steepest error vanishes in one step) and reads "converges"; 1x reads
    "diverges", since there the steepest error flips sign forever without shrinking.
    """
    lr = _check_lr(lr)
    lambda_max = float(np.linalg.eigvalsh(hessian(x))[-1])
    product = lr * lambda_max
    if product >= 2 * (1 - REGIME_TOLERANCE):
        return "diverges"
    return "overshoots" if product > 1 + REGIME_TOLERANCE else "converges"


def contraction_factor(lr: float, x: np.typing.ArrayLike) -> float:
    """max_i |1 - lr lambda_i|: the factor by which the slowest error shrinks (or grows) per step."""
    lr = _check_lr(lr)
    eigenvalues = np.linalg.eigvalsh(hessian(x))
    return float(np.max(np.abs(1 - lr * eigenvalues)))


def learning_rate_options(
    x: np.typing.ArrayLike, rng: np.random.Generator, count: int = 4
) -> tuple[tuple[float, ...], int]:
    """``count`` learning rates of which exactly one diverges, and its index: a quiz's choices.

    The safe rates sit at 0.05x..0.8x of the critical rate and the diverging one at 1.3x..3x,
    far enough from the boundary that rounding the printed rates to 3 significant digits
    cannot move any of them across it.
    """
    if count < 2:
        raise ValueError(f"count must be >= 2, got {count}")
    critical = critical_learning_rate(x)
    safe = rng.choice(np.array([0.05, 0.1, 0.2, 0.3, 0.5, 0.65, 0.8]), size=count - 1, replace=False)
    unsafe = rng.choice(np.array([1.3, 1.5, 2.0, 3.0]))
    multiples = np.sort(np.append(safe, unsafe))
    rates = tuple(float(f"{critical * multiple:.3g}") for multiple in multiples)
    return rates, int(np.flatnonzero(multiples == unsafe)[0])


def optimum(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The least-squares solution (w*, b*) and its loss L*, the floor every run is measured from."""
    augmented = np.hstack([x, np.ones((x.shape[0], 1))])
    theta, *_ = np.linalg.lstsq(augmented, y, rcond=None)
    weight, bias = theta[:-1], float(theta[-1])
    return weight, bias, mse_loss(x, y, weight, bias)


def descend(
    x: np.typing.ArrayLike,
    y: np.typing.ArrayLike,
    lr: float,
    steps: int,
    rng: np.random.Generator,
    batch: int | None = None,
) -> DescentRun:
    """Train from w = 0, b = 0 for ``steps`` updates; batch None (or >= N) is full-batch descent.

    Minibatches are drawn without replacement from a fresh permutation each epoch. The loss
    recorded after every step is the full-data loss, so both kinds of run share one scale.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    _check_data(x, y)
    lr = _check_lr(lr)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    samples = x.shape[0]
    batch = samples if batch is None else int(batch)
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    batch = min(batch, samples)
    weight, bias = np.zeros(x.shape[1]), 0.0
    losses = [mse_loss(x, y, weight, bias)]
    limit = DIVERGENCE_FACTOR * max(losses[0], np.finfo(np.float64).tiny)
    order, position = np.arange(samples), samples  # position == samples: reshuffle first
    diverged_at = None
    # A diverging run may overflow on its last step: that is detected below, not warned about.
    # One errstate around the loop: entering it every step cost a third of a small run's time.
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            if batch < samples:
                if position + batch > samples:
                    order, position = rng.permutation(samples), 0
                rows = order[position : position + batch]
                position += batch
                x_batch, y_batch = x[rows], y[rows]
            else:
                x_batch, y_batch = x, y
            grad_weight, grad_bias = mse_gradient(x_batch, y_batch, weight, bias)
            new_weight, new_bias = sgd_step(weight, bias, grad_weight, grad_bias, lr)
            loss = mse_loss(x, y, new_weight, new_bias)
            if not math.isfinite(loss) or loss > limit:
                losses.append(loss if math.isfinite(loss) else math.inf)
                diverged_at = step
                break
            weight, bias = new_weight, new_bias
            losses.append(loss)
    curve = np.array(losses)
    if diverged_at is not None or curve[-1] > curve[0]:  # blew up, or is growing when time ran out
        verdict = "diverges"
    else:
        *_, best = optimum(x, y)
        start_excess = curve[0] - best
        excess = (curve[-1] - best) / start_excess if start_excess > 0 else 0.0
        verdict = "converges" if excess < CONVERGED_FRACTION else "crawls"
    return DescentRun(
        lr=lr, batch=batch, losses=curve, weight=weight, bias=bias, diverged_at=diverged_at, verdict=verdict
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    data = make_regression_data(200, rng)
    critical = critical_learning_rate(data.x)
    print(f"critical learning rate 2/lambda_max = {critical:.4f}")
    for multiple in (0.05, 0.5, 1.1):
        run = descend(data.x, data.y, multiple * critical, 100, rng)
        steps_run = len(run.losses) - 1
        print(f"{multiple:4}x: {run.verdict:9s} final loss {run.losses[-1]:.4g} after {steps_run} steps")
