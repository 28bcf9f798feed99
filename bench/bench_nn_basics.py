"""Benchmark seqml's MLP backprop, cross-entropy and gradient-descent loop against PyTorch on CPU.

Run in the reference venv (PyTorch is a bench/fixture dependency only, never a runtime one):

    PYTHONPATH=. /work/refvenv/bin/python bench/bench_nn_basics.py --threads 1
    PYTHONPATH=. /work/refvenv/bin/python bench/bench_nn_basics.py --threads 2

OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are set before NumPy is imported and
``torch.set_num_threads`` gets the same N; run 1 and 2 threads as separate processes. Ours and
torch are timed alternately so both see the same background load; each figure is the median of
R timed runs after warm-up. Both sides do the same work: a forward pass that keeps what the
backward pass needs, then every gradient (torch: autograd ``backward``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=30)
    return parser.parse_args()


ARGS = parse_args()
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(ARGS.threads)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402  (after the thread variables)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from seqml.activations import cross_entropy, cross_entropy_backward  # noqa: E402
from seqml.backprop import MLPParams, mlp_backward, mlp_forward  # noqa: E402
from seqml.gradient_descent import descend, make_regression_data  # noqa: E402

torch.set_num_threads(ARGS.threads)


def median_ms(function: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``function`` in milliseconds, after three warm-up calls."""
    for _ in range(3):
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def mlp_case(batch: int, sizes: tuple[int, ...]) -> tuple[Callable[[], object], Callable[[], object]]:
    """Forward + backward of a tanh MLP with cross-entropy, ours and torch's, same numbers."""
    rng = np.random.default_rng(0)
    weights = tuple(rng.uniform(-0.1, 0.1, (b, a)) for a, b in itertools.pairwise(sizes))
    biases = tuple(rng.uniform(-0.1, 0.1, b) for b in sizes[1:])
    x = rng.standard_normal((batch, sizes[0]))
    target = rng.integers(0, sizes[-1], batch)
    params = MLPParams(weights, biases, "tanh")
    torch_weights = [torch.tensor(w, requires_grad=True) for w in weights]
    torch_biases = [torch.tensor(b, requires_grad=True) for b in biases]
    torch_x, torch_target = torch.tensor(x), torch.tensor(target)

    def ours() -> object:
        return mlp_backward(params, mlp_forward(params, x, target))

    def theirs() -> object:
        h = torch_x
        for w, b in zip(torch_weights[:-1], torch_biases[:-1], strict=True):
            h = torch.tanh(F.linear(h, w, b))
        loss = F.cross_entropy(F.linear(h, torch_weights[-1], torch_biases[-1]), torch_target)
        for tensor in (*torch_weights, *torch_biases):
            tensor.grad = None
        loss.backward()
        return loss

    return ours, theirs


def cross_entropy_case(batch: int, classes: int) -> tuple[Callable[[], object], Callable[[], object]]:
    """Mean cross-entropy and its gradient with respect to the logits."""
    rng = np.random.default_rng(1)
    logits, target = rng.standard_normal((batch, classes)), rng.integers(0, classes, batch)
    torch_logits = torch.tensor(logits, requires_grad=True)
    torch_target = torch.tensor(target)

    def ours() -> object:
        return cross_entropy(logits, target), cross_entropy_backward(logits, target)

    def theirs() -> object:
        torch_logits.grad = None
        loss = F.cross_entropy(torch_logits, torch_target)
        loss.backward()
        return loss

    return ours, theirs


def descent_case(steps: int) -> tuple[Callable[[], object], Callable[[], object]]:
    """``steps`` full-batch updates of least squares on 200 samples, recording the loss each step."""
    data = make_regression_data(200, np.random.default_rng(0))
    lr = 0.4
    torch_x, torch_y = torch.tensor(data.x), torch.tensor(data.y)

    def ours() -> object:
        return descend(data.x, data.y, lr, steps, np.random.default_rng(0))

    def theirs() -> object:
        layer = torch.nn.Linear(2, 1, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.zero_()
            layer.bias.zero_()
        optimizer = torch.optim.SGD(layer.parameters(), lr=lr)
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss = torch.mean((layer(torch_x)[:, 0] - torch_y) ** 2)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    return ours, theirs


def main() -> None:
    """One table: case, ours, torch, and the ratio ours / torch."""
    cases = {
        "MLP fwd+bwd B=2 3-4-3 (demo size)": mlp_case(2, (3, 4, 3)),
        "MLP fwd+bwd B=64 32-64-10": mlp_case(64, (32, 64, 10)),
        "MLP fwd+bwd B=256 256-512-512-10": mlp_case(256, (256, 512, 512, 10)),
        "cross-entropy + grad B=512 C=1000": cross_entropy_case(512, 1000),
        "least squares GD, 100 steps": descent_case(100),
    }
    print(f"threads={ARGS.threads} repeats={ARGS.repeats} numpy {np.__version__} torch {torch.__version__}")
    print(f"{'case':36s} {'ours ms':>9s} {'torch ms':>9s} {'ratio':>6s}")
    for name, (ours, theirs) in cases.items():
        ours_ms, torch_ms = [], []
        for _ in range(3):  # alternate so both see the same background load
            ours_ms.append(median_ms(ours, ARGS.repeats))
            torch_ms.append(median_ms(theirs, ARGS.repeats))
        a, b = statistics.median(ours_ms), statistics.median(torch_ms)
        print(f"{name:36s} {a:9.3f} {b:9.3f} {a / b:6.2f}")


if __name__ == "__main__":
    main()
