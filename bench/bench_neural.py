"""Benchmark seqml's LSTM and clipping against PyTorch on CPU, in one run, as one table.

Run in a venv with PyTorch 2.13 (a bench/fixture dependency only, never a runtime one):

    PYTHONPATH=. /work/refvenv/bin/python bench/bench_neural.py [--threads 1 2] [--repeats R]

Each thread count runs in its own child process (one table, a ``threads`` column). Both libraries
get the same thread count: OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are set before NumPy is
imported and ``torch.set_num_threads`` is called with the same N. PyTorch's forward runs under
``torch.no_grad()`` (its fastest inference path), while our forward also keeps every gate for
backward: the comparison is, if anything, tilted towards PyTorch. Forward + backward: ours is
``lstm_forward`` then ``lstm_backward`` from a fixed upstream gradient on every output; torch is
the same forward with autograd on (the input requires grad, as ours returns dx), then
``output.backward(G)``, with gradients set to None before each run so neither side accumulates.
Ours and torch are timed alternately, so both see the same background load; each figure is the
median of R timed runs after warm-up runs. The machine is shared: with 2 threads a small
per-step GEMM may wait for a descheduled worker, so run it several times and read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


ARGS = parse_args()
if not ARGS.child:  # the parent runs one child per thread count and prints the README's table
    table: list[list] = []
    for count in ARGS.threads:
        command = [
            sys.executable,
            __file__,
            "--child",
            "--threads",
            str(count),
            "--repeats",
            str(ARGS.repeats),
        ]

        done = subprocess.run(command, check=True, capture_output=True, text=True)
        print(done.stderr + done.stdout.splitlines()[0], file=sys.stderr)
        table += [json.loads(row) for row in done.stdout.splitlines()[1:]]
    print("| benchmark | threads | ours ms | torch ms | ratio | goal |")
    print("|---|---|---|---|---|---|")
    for name, threads, ours, theirs, goal in sorted(table, key=lambda row: row[1]):
        ratio = ours / theirs
        met = "" if goal == "n/a" else " met" if ratio <= float(goal.split()[1].rstrip("x")) else " MISSED"
        ours_ms, theirs_ms = (f"{ms:.0f}" if ms >= 100 else f"{ms:.3g}" for ms in (ours * 1e3, theirs * 1e3))
        print(f"| {name} | {threads} | {ours_ms} | {theirs_ms} | {ratio:.2f}x | {goal}{met} |")
    sys.exit(0)
THREADS = ARGS.threads[0]
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(THREADS)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402  (after the thread variables)
import torch  # noqa: E402

from seqml.clipping import clip_by_global_norm  # noqa: E402
from seqml.lstm import LSTMParams, lstm_backward, lstm_forward, lstm_step  # noqa: E402

torch.set_num_threads(THREADS)
T, B, I, H = 100, 32, 128, 256  # noqa: E741  (the sizes the issue names)


def compare(
    ours: Callable[[], object],
    theirs: Callable[[], object],
    repeats: int,
    setup: Callable[[], object] | None = None,
    warmup: int = 3,
) -> tuple[float, float]:
    """Median wall times of ours and theirs, timed alternately so both see the same machine load.

    ``setup`` (untimed) runs before every timed call, e.g. to restore arrays scaled in place.
    """
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


def lstm_rows(repeats: int) -> list[tuple[str, float, float, str]]:
    """LSTM layer over 100 steps and one LSTMCell step, float32, same weights in both."""
    torch.manual_seed(0)
    layer = torch.nn.LSTM(I, H)
    cell = torch.nn.LSTMCell(I, H)
    with torch.no_grad():
        cell.load_state_dict({k.removesuffix("_l0"): v for k, v in layer.state_dict().items()})
    params = LSTMParams(*(p.detach().numpy().copy() for p in layer.parameters()))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, B, I)).astype(np.float32)
    x_torch = torch.from_numpy(x)
    h0 = np.zeros((B, H), dtype=np.float32)
    h0_torch, c0_torch = torch.zeros(B, H), torch.zeros(B, H)

    ours = lstm_forward(params, x)
    with torch.no_grad():
        theirs, _ = layer(x_torch)
    difference = float(np.max(np.abs(ours.hidden_states - theirs.numpy())))
    assert difference < 1e-4, f"LSTM outputs differ by {difference}"

    def torch_layer() -> None:
        with torch.no_grad():
            layer(x_torch)

    def torch_cell() -> None:
        with torch.no_grad():
            cell(x_torch[0], (h0_torch, c0_torch))

    upstream = rng.standard_normal((T, B, H)).astype(np.float32)
    upstream_torch = torch.from_numpy(upstream)
    x_grad = x_torch.clone().requires_grad_(True)

    def ours_both() -> None:
        lstm_backward(params, lstm_forward(params, x), upstream)

    def torch_both() -> None:
        for parameter in (*layer.parameters(), x_grad):
            parameter.grad = None
        output, _ = layer(x_grad)
        output.backward(upstream_torch)

    ours_grads = lstm_backward(params, lstm_forward(params, x), upstream)
    torch_both()
    difference = float(np.max(np.abs(ours_grads.weight_hh - layer.weight_hh_l0.grad.numpy())))
    assert difference < 1e-2 * float(np.max(np.abs(ours_grads.weight_hh))), f"dW_hh differs by {difference}"

    layer_ours, layer_torch = compare(lambda: lstm_forward(params, x), torch_layer, repeats)
    both_ours, both_torch = compare(ours_both, torch_both, repeats)
    step_ours, step_torch = compare(lambda: lstm_step(params, x[0], h0, h0), torch_cell, repeats * 50)
    return [
        (f"LSTM forward T={T} B={B} I={I} H={H} f32", layer_ours, layer_torch, "<= 1.5x"),
        ("LSTM forward + backward, same sizes", both_ours, both_torch, "<= 1.5x"),
        (f"LSTM cell step B={B} I={I} H={H} f32", step_ours, step_torch, "<= 1.2x"),
    ]


def clipping_rows(repeats: int) -> list[tuple[str, float, float, str]]:
    """Global 2-norm clipping over 5M float32 values in several arrays, clipped case.

    Three rows: in place against ``clip_grad_norm_`` (same semantics), into caller buffers against
    ``clip_grad_norm_``, and new arrays against torch cloning the gradients first (both leave the
    inputs untouched and pay for fresh memory).
    """
    rng = np.random.default_rng(1)
    shapes = [(1024, 1024)] * 4 + [(512, 1024), (256, 1024), (128, 2048), (64, 1024), (5000,)]
    grads = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    total = sum(g.size for g in grads)
    params = [torch.nn.Parameter(torch.zeros(shape)) for shape in shapes]

    # torch scales in place: every timed call of either in-place variant gets the original values
    # back first (untimed), so each one really multiplies.
    torch_grads = [torch.from_numpy(g.copy()) for g in grads]
    our_copies = [g.copy() for g in grads]

    def restore() -> None:
        for g, mine, theirs in zip(grads, our_copies, torch_grads, strict=True):
            np.copyto(mine, g)
            theirs.copy_(torch.from_numpy(g))

    def torch_clip() -> torch.Tensor:
        for param, g in zip(params, torch_grads, strict=True):
            param.grad = g
        return torch.nn.utils.clip_grad_norm_(params, 1.0)

    ours_result = clip_by_global_norm(grads, 1.0)
    # Both accumulate in float32; check against the float64 norm and print both errors.
    exact = float(np.sqrt(sum(np.dot(g.ravel().astype(np.float64), g.ravel()) for g in grads)))
    restore()
    torch_total = float(torch_clip())
    print(
        f"global norm vs float64: ours rel. error {abs(ours_result.total_norm / exact - 1):.1e}, "
        f"torch {abs(torch_total / exact - 1):.1e}",
        file=sys.stderr,
    )
    assert abs(ours_result.total_norm / exact - 1) <= 1e-5, (ours_result.total_norm, exact)
    buffers = [np.empty_like(g) for g in grads]

    def torch_clone_and_clip() -> None:
        for param, g in zip(params, grads, strict=True):
            param.grad = torch.from_numpy(g).clone()  # leave the inputs untouched, like ours
        torch.nn.utils.clip_grad_norm_(params, 1.0)

    label = f"global-norm clip {total / 1e6:.1f}M f32, {len(shapes)} arrays"
    rows = []
    for variant, ours, theirs in (
        ("in place", lambda: clip_by_global_norm(our_copies, 1.0, in_place=True), torch_clip),
        ("into out=", lambda: clip_by_global_norm(grads, 1.0, out=buffers), torch_clip),
        ("fresh arrays", lambda: clip_by_global_norm(grads, 1.0), torch_clone_and_clip),
    ):
        goal = "n/a" if variant == "into out=" else "<= 1.0x"  # torch has no out= variant
        rows.append((f"{label}, {variant}", *compare(ours, theirs, repeats, restore), goal))
    return rows


def main() -> None:
    """Measure every row at this process's thread count; print a header, then one JSON row each."""
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, threads {THREADS}: numpy/OpenBLAS "
        f"{os.environ['OPENBLAS_NUM_THREADS']}, torch {torch.get_num_threads()}; "
        f"median of {ARGS.repeats} (cell step: {ARGS.repeats * 50}) runs"
    )
    for name, ours, theirs, goal in lstm_rows(ARGS.repeats) + clipping_rows(ARGS.repeats):
        print(json.dumps([name, THREADS, ours, theirs, goal]))


if __name__ == "__main__":
    main()
