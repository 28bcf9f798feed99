"""Benchmark one training step of the character LSTM against PyTorch on CPU, side by side.

Run in a venv with PyTorch (a bench dependency only, never a runtime one), once per thread count,
each in its own process:

    PYTHONPATH=. /work/refvenv/bin/python bench/bench_train.py --threads 1
    PYTHONPATH=. /work/refvenv/bin/python bench/bench_train.py --threads 2

One step = forward through T=25 characters for B=32 streams (one-hot input, V=40), LSTM with
H=128, linear read-out, mean cross-entropy, full BPTT backward, global-norm clipping and an SGD
update, in float32, with the same weights and data on both sides. PyTorch runs
``nn.LSTM`` + ``nn.Linear`` + ``F.cross_entropy``, ``loss.backward()``, ``clip_grad_norm_`` and
``torch.optim.SGD.step()``. Ours runs ``seqml.char_model.loss_and_gradients``,
``clip_by_global_norm`` and ``sgd_step`` (which allocate new arrays: the model is a frozen
value). The thread variables are set before NumPy is imported and ``torch.set_num_threads`` gets
the same N. The two are timed alternately, so both see the same background load; each figure is
the median of R timed steps after warm-up steps. Also timed: the forward+backward alone, without
clipping and update, and the tanh RNN step for scale.
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
    parser.add_argument("--repeats", type=int, default=40)
    return parser.parse_args()


ARGS = parse_args()
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(ARGS.threads)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402  (after the thread variables)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from seqml.char_model import PARAM_NAMES, CharModel, loss_and_gradients  # noqa: E402
from seqml.clipping import clip_by_global_norm  # noqa: E402
from seqml.lstm import LSTMParams  # noqa: E402
from seqml.optimizers import sgd_step  # noqa: E402
from seqml.rnn import RNNParams  # noqa: E402

torch.set_num_threads(ARGS.threads)
T, B, V, H = 25, 32, 40, 128
LR, CLIP = 0.1, 5.0


def compare(ours: Callable[[], object], theirs: Callable[[], object], repeats: int, warmup: int = 5):
    """Median wall times of ours and theirs, timed alternately so both see the same machine load."""
    for _ in range(warmup):
        ours()
        theirs()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, bucket in zip((ours, theirs), times, strict=True):
            start = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


class TorchChar(torch.nn.Module):
    """The reference model: one-hot characters, one recurrent layer, a linear read-out."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.layer = (torch.nn.LSTM if kind == "lstm" else torch.nn.RNN)(V, H)
        self.out = torch.nn.Linear(H, V)

    def named(self) -> list[torch.Tensor]:
        """Parameters in seqml.char_model.PARAM_NAMES order."""
        layer = self.layer
        return [
            layer.weight_ih_l0,
            layer.weight_hh_l0,
            layer.bias_ih_l0,
            layer.bias_hh_l0,
            self.out.weight,
            self.out.bias,
        ]

    def loss(self, x: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        output, _ = self.layer(x)
        return F.cross_entropy(self.out(output).reshape(-1, V), targets.reshape(-1))


def rows(kind: str, repeats: int) -> list[tuple[str, float, float]]:
    """Full training step and forward+backward only, for one layer kind."""
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    inputs = rng.integers(0, V, size=(T, B))
    targets = rng.integers(0, V, size=(T, B))
    reference = TorchChar(kind)
    arrays = [p.detach().numpy().copy() for p in reference.named()]
    layer = LSTMParams if kind == "lstm" else RNNParams
    model = CharModel(kind, layer(*arrays[:4]), arrays[4], arrays[5])
    x = F.one_hot(torch.from_numpy(inputs), V).float()
    y = torch.from_numpy(targets)
    optimizer = torch.optim.SGD(reference.parameters(), lr=LR)

    # Sanity: both compute the same loss and gradients before anything is timed.
    ours_step = loss_and_gradients(model, inputs, targets)
    reference.zero_grad()
    loss = reference.loss(x, y)
    loss.backward()
    assert abs(ours_step.loss - loss.item()) < 1e-5 * loss.item()
    for name, grad, param in zip(PARAM_NAMES, ours_step.grads, reference.named(), strict=True):
        np.testing.assert_allclose(grad, param.grad.numpy(), rtol=1e-3, atol=1e-6, err_msg=name)

    state = {"model": model}

    def ours_train() -> None:
        current = state["model"]
        step = loss_and_gradients(current, inputs, targets)
        clipped = clip_by_global_norm(step.grads, CLIP).grads
        state["model"] = current.with_arrays(sgd_step(current.arrays(), clipped, LR))

    def theirs_train() -> None:
        optimizer.zero_grad()
        reference.loss(x, y).backward()
        torch.nn.utils.clip_grad_norm_(reference.parameters(), CLIP)
        optimizer.step()

    def ours_backward() -> None:
        loss_and_gradients(model, inputs, targets)

    def theirs_backward() -> None:
        reference.zero_grad()
        reference.loss(x, y).backward()

    label = "LSTM" if kind == "lstm" else "tanh RNN"
    return [
        (f"char {label}: train step (fwd+bwd+clip+SGD)", *compare(ours_train, theirs_train, repeats)),
        (f"char {label}: forward + backward", *compare(ours_backward, theirs_backward, repeats)),
    ]


def main() -> None:
    print(f"threads={ARGS.threads}  T={T} B={B} V={V} H={H} float32  medians of {ARGS.repeats}")
    print(f"{'case':<44} {'seqml ms':>9} {'torch ms':>9} {'ratio':>6}")
    for kind in ("lstm", "rnn"):
        for name, ours, theirs in rows(kind, ARGS.repeats):
            print(f"{name:<44} {ours * 1e3:9.2f} {theirs * 1e3:9.2f} {ours / theirs:6.2f}")


if __name__ == "__main__":
    main()
