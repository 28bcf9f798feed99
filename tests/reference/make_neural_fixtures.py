"""Generate the golden values that tests/test_{lstm,rnn,clipping}.py compare against.

Runs only in a venv with PyTorch (``pip install torch==2.13.0 numpy``), never in the test suite:

    /work/refvenv-torch/bin/python tests/reference/make_neural_fixtures.py

For ``nn.LSTMCell``, ``nn.LSTM`` and ``nn.RNN`` it stores inputs, weights, forward outputs and the
gradients of a fixed linear loss sum(out * G) (+ sum(c * G_c) for the LSTMs), once in float64 and
once in float32 computed natively in float32 from the same numbers. For ``clip_grad_norm_``
(p = 2, 1, inf; one clipped and one unclipped case) and ``clip_grad_value_`` it stores the
gradients before and after and the returned total norm. Keys read ``<dtype>__<name>``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = 20240917
# Small enough for a readable fixture, big enough to mix every index.
STEPS, BATCH, INPUT_SIZE, HIDDEN_SIZE = 5, 3, 4, 6
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def numpy_of(tensor: torch.Tensor) -> np.ndarray:
    """Detached NumPy copy, keeping the tensor's dtype."""
    return tensor.detach().cpu().numpy().copy()


def random_inputs(generator: torch.Generator, *shapes: tuple[int, ...]) -> list[torch.Tensor]:
    """Standard-normal float64 tensors; float32 cases are cast from these same numbers."""
    return [torch.randn(*shape, generator=generator, dtype=torch.float64) for shape in shapes]


def lstm_cell_case(generator: torch.Generator) -> dict[str, np.ndarray]:
    """One ``nn.LSTMCell`` step forward and backward from fixed upstream gradients."""
    cell64 = torch.nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE, dtype=torch.float64)
    state = (BATCH, HIDDEN_SIZE)
    x, h0, c0, grad_h, grad_c = random_inputs(generator, (BATCH, INPUT_SIZE), state, state, state, state)
    out: dict[str, np.ndarray] = {}
    for name, dtype in DTYPES.items():
        cell = torch.nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE, dtype=dtype)
        cell.load_state_dict({k: v.to(dtype) for k, v in cell64.state_dict().items()})
        xs = [t.detach().clone().to(dtype).requires_grad_() for t in (x, h0, c0)]
        h1, c1 = cell(xs[0], (xs[1], xs[2]))
        loss = (h1 * grad_h.to(dtype)).sum() + (c1 * grad_c.to(dtype)).sum()
        loss.backward()
        values = {
            "x": xs[0], "h0": xs[1], "c0": xs[2], "grad_h": grad_h.to(dtype),
            "grad_c": grad_c.to(dtype), "h1": h1, "c1": c1,
            "dx": xs[0].grad, "dh0": xs[1].grad, "dc0": xs[2].grad,
        }  # fmt: skip
        for param_name, param in cell.named_parameters():
            values[param_name] = param
            values[f"d_{param_name}"] = param.grad
        out.update({f"{name}__{k}": numpy_of(v) for k, v in values.items()})
    return out


def sequence_case(generator: torch.Generator, kind: str) -> dict[str, np.ndarray]:
    """A one-layer ``nn.LSTM`` or ``nn.RNN`` over (T, B, I), forward and BPTT."""
    make = {"lstm": torch.nn.LSTM, "rnn": torch.nn.RNN}[kind]
    module64 = make(INPUT_SIZE, HIDDEN_SIZE, dtype=torch.float64)
    state = (1, BATCH, HIDDEN_SIZE)  # (layers, B, H)
    x, h0, c0, grad_out, grad_c = random_inputs(
        generator, (STEPS, BATCH, INPUT_SIZE), state, state, (STEPS, BATCH, HIDDEN_SIZE), state
    )
    out: dict[str, np.ndarray] = {}
    for name, dtype in DTYPES.items():
        module = make(INPUT_SIZE, HIDDEN_SIZE, dtype=dtype)
        module.load_state_dict({k: v.to(dtype) for k, v in module64.state_dict().items()})
        xs = [t.detach().clone().to(dtype).requires_grad_() for t in (x, h0, c0)]
        values: dict[str, torch.Tensor] = {"x": xs[0], "h0": xs[1][0], "grad_out": grad_out}
        if kind == "lstm":
            output, (h_n, c_n) = module(xs[0], (xs[1], xs[2]))
            loss = (output * grad_out.to(dtype)).sum() + (c_n * grad_c.to(dtype)).sum()
            values.update(c0=xs[2][0], grad_c=grad_c[0], c_n=c_n[0])
        else:
            output, h_n = module(xs[0], xs[1])
            loss = (output * grad_out.to(dtype)).sum()
        loss.backward()
        values.update(output=output, h_n=h_n[0], dx=xs[0].grad, dh0=xs[1].grad[0])
        if kind == "lstm":
            values["dc0"] = xs[2].grad[0]
        for param_name, param in module.named_parameters():
            short = param_name.removesuffix("_l0")
            values[short] = param
            values[f"d_{short}"] = param.grad
        out.update({f"{name}__{k}": numpy_of(v.to(dtype)) for k, v in values.items()})
    return out


def clipping_case(generator: torch.Generator) -> dict[str, np.ndarray]:
    """``clip_grad_norm_`` for p = 2, 1, inf (clipped and not) and ``clip_grad_value_``."""
    shapes = [(3, 4), (5,), (2, 2, 3)]
    grads = [3 * g for g in random_inputs(generator, *shapes)]
    out: dict[str, np.ndarray] = {}
    for name, dtype in DTYPES.items():
        for i, g in enumerate(grads):
            out[f"{name}__grad{i}"] = numpy_of(g.to(dtype))
        for p_name, p in (("2", 2.0), ("1", 1.0), ("inf", float("inf"))):
            for case, max_norm in (("clipped", 1.5), ("unclipped", 1e4)):
                params = [torch.nn.Parameter(torch.zeros(s, dtype=dtype)) for s in shapes]
                for param, g in zip(params, grads, strict=True):
                    param.grad = g.to(dtype).clone()
                total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=p)
                key = f"{name}__norm_p{p_name}_{case}"
                out[f"{key}__max_norm"] = np.array(max_norm)
                out[f"{key}__total"] = numpy_of(total)
                for i, param in enumerate(params):
                    out[f"{key}__grad{i}"] = numpy_of(param.grad)
        params = [torch.nn.Parameter(torch.zeros(s, dtype=dtype)) for s in shapes]
        for param, g in zip(params, grads, strict=True):
            param.grad = g.to(dtype).clone()
        torch.nn.utils.clip_grad_value_(params, 0.5)
        out[f"{name}__value__clip_value"] = np.array(0.5)
        for i, param in enumerate(params):
            out[f"{name}__value__grad{i}"] = numpy_of(param.grad)
    return out


def main() -> None:
    """Write every fixture with one seeded generator so a rerun reproduces the files."""
    torch.manual_seed(SEED)  # module initialisation draws from the global generator
    generator = torch.Generator().manual_seed(SEED)
    meta = {"torch_version": np.array(torch.__version__), "seed": np.array(SEED)}
    cases = {
        "neural_lstm_cell.npz": lstm_cell_case(generator),
        "neural_lstm.npz": sequence_case(generator, "lstm"),
        "neural_rnn.npz": sequence_case(generator, "rnn"),
        "neural_clipping.npz": clipping_case(generator),
    }
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for filename, arrays in cases.items():
        path = FIXTURES / filename
        np.savez_compressed(path, **meta, **arrays)
        print(f"{path.name}: {len(arrays)} arrays, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
