"""Benchmark seqml's GRU layer against ``torch.nn.GRU`` on CPU, in one run, as one table.

Run with PyTorch 2.13 (a bench/fixture dependency only, never a runtime one), once per thread
count, each in its own process:

    PYTHONPATH=. /work/refvenv/bin/python bench/bench_gru.py --threads 1
    PYTHONPATH=. /work/refvenv/bin/python bench/bench_gru.py --threads 2

Both libraries get the same thread count: OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are set before
NumPy is imported and ``torch.set_num_threads`` is called with the same N. Rows:

- forward, T=100 B=32 I=128 H=256 float32: ours keeps every gate for backward, torch runs under
  ``torch.no_grad()`` (its fastest inference path), so the comparison leans towards torch;
- forward + backward: ours is ``gru_forward`` then ``gru_backward`` from a fixed upstream gradient
  on every output; torch is the same forward with autograd on, then ``output.backward(G)``, with
  parameter gradients set to None (untimed) before each run so neither side accumulates.

Ours and torch are timed alternately, so both see the same background load; each figure is the
median of R timed runs after warm-up runs. With 2 threads on a 2-core machine that is busy with
other work, every small per-step GEMM waits for a descheduled worker thread: both libraries slow
down ten- to thirtyfold and only the ratio means anything (``OMP_WAIT_POLICY=PASSIVE`` spares
torch, not OpenBLAS, and then the ratio measures the thread pools, not the code).
"""

from __future__ import annotations

import argparse
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

from seqml.gru import GRUParams, gru_backward, gru_forward  # noqa: E402

torch.set_num_threads(ARGS.threads)
T, B, I, H = 100, 32, 128, 256  # noqa: E741  (the sizes the issue names)
GOAL = 1.5


def compare(
    ours: Callable[[], object],
    theirs: Callable[[], object],
    repeats: int,
    setup: Callable[[], object] | None = None,
    warmup: int = 3,
) -> tuple[float, float]:
    """Median wall times of ours and theirs, timed alternately so both see the same machine load."""
    for _ in range(warmup):
        for run in (ours, theirs):
            if setup is not None:
                setup()
            run()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, bucket in zip((ours, theirs), times, strict=True):
            if setup is not None:
                setup()
            start = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def gru_rows(repeats: int) -> list[tuple[str, float, float]]:
    """GRU layer forward, and forward + backward, float32, the same weights and inputs in both."""
    torch.manual_seed(0)
    layer = torch.nn.GRU(I, H)
    params = GRUParams(*(p.detach().numpy().copy() for p in layer.parameters()))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, B, I)).astype(np.float32)
    upstream = rng.standard_normal((T, B, H)).astype(np.float32)
    x_torch, upstream_torch = torch.from_numpy(x), torch.from_numpy(upstream)

    # Same numbers first: a fast wrong answer is no result.
    ours = gru_forward(params, x)
    with torch.no_grad():
        theirs, _ = layer(x_torch)
    difference = float(np.max(np.abs(ours.hidden_states - theirs.numpy())))
    assert difference < 1e-4, f"GRU outputs differ by {difference}"
    grads = gru_backward(params, ours, upstream)
    x_grad = x_torch.clone().requires_grad_()
    output, _ = layer(x_grad)
    output.backward(upstream_torch)
    for ours_grad, param in zip(
        (grads.weight_ih, grads.weight_hh, grads.bias_ih, grads.bias_hh), layer.parameters(), strict=True
    ):
        scale = float(param.grad.abs().max())
        assert float(np.max(np.abs(ours_grad - param.grad.numpy()))) < 1e-4 * scale
    assert float(np.max(np.abs(grads.dx - x_grad.grad.numpy()))) < 1e-4 * float(x_grad.grad.abs().max())

    def torch_forward() -> None:
        with torch.no_grad():
            layer(x_torch)

    def torch_forward_backward() -> None:
        output, _ = layer(x_grad)
        output.backward(upstream_torch)

    def clear_torch_grads() -> None:
        layer.zero_grad(set_to_none=True)
        x_grad.grad = None

    def ours_forward_backward() -> None:
        gru_backward(params, gru_forward(params, x), upstream)

    forward = compare(lambda: gru_forward(params, x), torch_forward, repeats)
    both = compare(ours_forward_backward, torch_forward_backward, repeats, setup=clear_torch_grads)
    label = f"T={T} B={B} I={I} H={H} f32"
    return [(f"GRU forward {label}", *forward), (f"GRU forward+backward {label}", *both)]


def main() -> None:
    """Measure every row, then print one table with the ratio ours / torch."""
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, threads: numpy/OpenBLAS "
        f"{os.environ['OPENBLAS_NUM_THREADS']}, torch {torch.get_num_threads()}, "
        f"median of {ARGS.repeats} runs"
    )
    sys.stdout.flush()
    rows = gru_rows(ARGS.repeats)
    print(f"{'benchmark':<48} {'ours ms':>9} {'torch ms':>9} {'ratio':>7} {'goal':>8}  met")
    for name, ours, theirs in rows:
        ratio = ours / theirs
        met = "yes" if ratio <= GOAL else "NO"
        print(f"{name:<48} {ours * 1e3:9.3f} {theirs * 1e3:9.3f} {ratio:6.2f}x {f'<= {GOAL}x':>8}  {met}")


if __name__ == "__main__":
    main()
