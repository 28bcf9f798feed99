"""Benchmark seqml's multi-head attention against PyTorch's nn.MultiheadAttention on CPU.

Run with the reference venv (PyTorch is a benchmark dependency only, never a runtime one):

    PYTHONPATH=. /work/refvenv/bin/python bench/bench_attention.py              # 1 and 2 threads
    PYTHONPATH=. /work/refvenv/bin/python bench/bench_attention.py --threads 1  # one process

Without ``--threads`` the script runs itself once per thread count, each in a fresh process, so
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS are set before NumPy and torch load, and
``torch.set_num_threads`` gets the same N. Sizes: B=8, 8 heads, T=128, head dim 64 (E=512),
float32, self-attention, same weights in both. PyTorch runs under ``torch.no_grad()`` in eval mode.

Rows:
  * MHA forward against ``mha(x, x, x)`` with its default ``need_weights=True``: both return the
    weights (ours per head, torch averaged over heads). This is the goal row (<= 1.5x).
  * MHA forward against ``need_weights=False``, PyTorch's fused fast path (no weights returned,
    a flash-attention style kernel): shown for context, we always materialise the weights.
  * scaled dot-product attention alone on (B, H, T, d) against ``F.scaled_dot_product_attention``.
  * MHA forward + backward against autograd (``mha(x, x, x)[0]`` then ``backward``).
  * SDPA forward + backward against autograd through ``F.scaled_dot_product_attention``.
Ours and torch are timed alternately so both see the same background load; each figure is the
median of R timed runs after warm-up runs; "best" is the ratio of the fastest runs, a hint of what
a quiet machine would show.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="one thread count (0: run 1 and 2)")
    parser.add_argument("--repeats", type=int, default=30)
    return parser.parse_args()


ARGS = parse_args()
if ARGS.threads == 0:  # the driver: one child process per thread count
    for threads in (1, 2):
        command = [sys.executable, __file__, "--threads", str(threads), "--repeats", str(ARGS.repeats)]
        subprocess.run(command, check=True)
    sys.exit(0)
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(ARGS.threads)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402  (after the thread variables)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from seqml.attention import (  # noqa: E402
    MultiheadAttentionParams,
    attention_backward,
    multihead_attention_backward,
    multihead_attention_forward,
    scaled_dot_product_attention,
)

torch.set_num_threads(ARGS.threads)
B, H, T, D = 8, 8, 128, 64
E = H * D


def compare(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int, warmup: int = 3
) -> tuple[float, float, float, float]:
    """Median and best wall times of ours and theirs, timed alternately under the same machine load."""
    for _ in range(warmup):
        ours()
        theirs()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, bucket in zip((ours, theirs), times, strict=True):
            start = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1]), min(times[0]), min(times[1])


def rows(repeats: int) -> list[tuple[str, float, float, float, float, str]]:
    """Every comparison, after checking that both sides compute the same numbers."""
    torch.manual_seed(0)
    module = torch.nn.MultiheadAttention(E, H, batch_first=True).eval()
    with torch.no_grad():
        module.in_proj_bias.normal_()  # non-zero biases, so adding them is part of the work
        module.out_proj.bias.normal_()
    params = MultiheadAttentionParams(
        module.in_proj_weight.detach().numpy().copy(),
        module.in_proj_bias.detach().numpy().copy(),
        module.out_proj.weight.detach().numpy().copy(),
        module.out_proj.bias.detach().numpy().copy(),
        num_heads=H,
    )
    rng = np.random.default_rng(0)
    x = rng.standard_normal((B, T, E)).astype(np.float32)
    x_torch = torch.from_numpy(x)

    ours = multihead_attention_forward(params, x)
    with torch.no_grad():
        theirs, averaged = module(x_torch, x_torch, x_torch)
    difference = float(np.max(np.abs(ours.output - theirs.numpy())))
    assert difference < 1e-4, f"MHA outputs differ by {difference}"
    assert float(np.max(np.abs(ours.average_weights - averaged.numpy()))) < 1e-5

    def ours_mha() -> None:
        multihead_attention_forward(params, x)

    def torch_weights() -> None:
        with torch.no_grad():
            module(x_torch, x_torch, x_torch)

    def torch_fast() -> None:
        with torch.no_grad():
            module(x_torch, x_torch, x_torch, need_weights=False)

    q, k, v = (rng.standard_normal((B, H, T, D)).astype(np.float32) for _ in range(3))
    q_t, k_t, v_t = (torch.from_numpy(a) for a in (q, k, v))

    def ours_sdpa() -> None:
        scaled_dot_product_attention(q, k, v)

    def torch_sdpa() -> None:
        with torch.no_grad():
            F.scaled_dot_product_attention(q_t, k_t, v_t)

    upstream = rng.standard_normal((B, T, E)).astype(np.float32)
    upstream_torch = torch.from_numpy(upstream)
    x_grad = x_torch.clone().requires_grad_()

    def ours_train() -> None:
        forward = multihead_attention_forward(params, x)
        multihead_attention_backward(params, forward, upstream)

    def torch_train() -> None:
        module.zero_grad(set_to_none=True)
        x_grad.grad = None
        output, _ = module(x_grad, x_grad, x_grad)
        output.backward(upstream_torch)

    grads = multihead_attention_backward(params, ours, upstream)
    torch_train()
    gap = float(np.max(np.abs(grads.in_proj_weight - module.in_proj_weight.grad.numpy())))
    assert gap < 1e-3 * float(np.abs(grads.in_proj_weight).max()), f"in_proj gradients differ by {gap}"

    q_grad, k_grad, v_grad = (t.clone().requires_grad_() for t in (q_t, k_t, v_t))
    sdpa_upstream = rng.standard_normal((B, H, T, D)).astype(np.float32)
    sdpa_upstream_torch = torch.from_numpy(sdpa_upstream)

    def ours_sdpa_train() -> None:
        attention_backward(scaled_dot_product_attention(q, k, v), sdpa_upstream)

    def torch_sdpa_train() -> None:
        for tensor in (q_grad, k_grad, v_grad):
            tensor.grad = None
        F.scaled_dot_product_attention(q_grad, k_grad, v_grad).backward(sdpa_upstream_torch)

    label = f"B={B} H={H} T={T} d={D} f32"
    train_repeats = max(repeats // 2, 5)
    cases = [
        (f"MHA forward, weights returned, {label}", ours_mha, torch_weights, repeats, "<= 1.5x"),
        ("MHA forward vs torch fast path (no weights)", ours_mha, torch_fast, repeats, "n/a"),
        (f"SDPA forward alone, {label}", ours_sdpa, torch_sdpa, repeats, "n/a"),
        (f"MHA forward + backward, {label}", ours_train, torch_train, train_repeats, "n/a"),
        (f"SDPA forward + backward, {label}", ours_sdpa_train, torch_sdpa_train, train_repeats, "n/a"),
    ]
    return [(name, *compare(ours, theirs, count), goal) for name, ours, theirs, count, goal in cases]


def main() -> None:
    """Measure every row, then print one table with the ratio ours / torch (medians, and bests)."""
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, threads: numpy/OpenBLAS "
        f"{os.environ['OPENBLAS_NUM_THREADS']}, torch {torch.get_num_threads()}, "
        f"median of {ARGS.repeats} runs (forward + backward: half as many)"
    )
    sys.stdout.flush()
    print(f"{'benchmark':<54} {'ours ms':>8} {'torch ms':>8} {'ratio':>6} {'best':>6} {'goal':>7}  met")
    for name, ours, theirs, ours_best, theirs_best, goal in rows(ARGS.repeats):
        ratio = ours / theirs
        met = "-" if goal == "n/a" else "yes" if ratio <= float(goal.split()[1].rstrip("x")) else "NO"
        print(
            f"{name:<54} {ours * 1e3:8.2f} {theirs * 1e3:8.2f} {ratio:5.2f}x "
            f"{ours_best / theirs_best:5.2f}x {goal:>7}  {met}"
        )


if __name__ == "__main__":
    main()
