"""Generate the golden values that tests/test_gru.py and tests/test_bidirectional.py compare against.

Runs only in a venv with PyTorch, never in the test suite:

    /work/refvenv/bin/python tests/reference/make_gru_fixtures.py

For ``nn.GRUCell`` (one step), ``nn.GRU`` (one layer over (T, B, I)) and ``nn.RNN(bidirectional=True)``
it stores inputs, weights, forward outputs and the gradients, by autograd, of a fixed linear loss
sum(out * G) + sum(h_n * G_n), once in float64 and once in float32 computed natively in float32
from the same numbers. Keys read ``<dtype>__<name>``; parameter names are PyTorch's, with the
``_l0`` suffix dropped for the one-direction modules and kept (``_l0`` / ``_l0_reverse``) for the
bidirectional one, whose two directions must stay apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = 20240918
# Small enough for a readable fixture, big enough to mix every index.
STEPS, BATCH, INPUT_SIZE, HIDDEN_SIZE = 5, 3, 4, 6
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def numpy_of(tensor: torch.Tensor) -> np.ndarray:
    """Detached NumPy copy, keeping the tensor's dtype."""
    return tensor.detach().cpu().numpy().copy()


def random_inputs(generator: torch.Generator, *shapes: tuple[int, ...]) -> list[torch.Tensor]:
    """Standard-normal float64 tensors; float32 cases are cast from these same numbers."""
    return [torch.randn(*shape, generator=generator, dtype=torch.float64) for shape in shapes]


def gru_cell_case(generator: torch.Generator) -> dict[str, np.ndarray]:
    """One ``nn.GRUCell`` step forward and backward from a fixed upstream gradient."""
    cell64 = torch.nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE, dtype=torch.float64)
    state = (BATCH, HIDDEN_SIZE)
    x, h0, grad_h = random_inputs(generator, (BATCH, INPUT_SIZE), state, state)
    out: dict[str, np.ndarray] = {}
    for name, dtype in DTYPES.items():
        cell = torch.nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE, dtype=dtype)
        cell.load_state_dict({k: v.to(dtype) for k, v in cell64.state_dict().items()})
        xs = [t.detach().clone().to(dtype).requires_grad_() for t in (x, h0)]
        h1 = cell(xs[0], xs[1])
        (h1 * grad_h.to(dtype)).sum().backward()
        values = {"x": xs[0], "h0": xs[1], "grad_h": grad_h.to(dtype), "h1": h1, "dx": xs[0].grad,
                  "dh0": xs[1].grad}  # fmt: skip
        for param_name, param in cell.named_parameters():
            values[param_name] = param
            values[f"d_{param_name}"] = param.grad
        out.update({f"{name}__{k}": numpy_of(v) for k, v in values.items()})
    return out


def sequence_case(generator: torch.Generator, kind: str) -> dict[str, np.ndarray]:
    """A one-layer ``nn.GRU``, or a bidirectional tanh ``nn.RNN``, over (T, B, I): forward and BPTT."""
    directions = 2 if kind == "bidirectional" else 1

    def make(dtype: torch.dtype) -> torch.nn.Module:
        if kind == "gru":
            return torch.nn.GRU(INPUT_SIZE, HIDDEN_SIZE, dtype=dtype)
        return torch.nn.RNN(INPUT_SIZE, HIDDEN_SIZE, bidirectional=True, dtype=dtype)

    module64 = make(torch.float64)
    state = (directions, BATCH, HIDDEN_SIZE)  # (directions * layers, B, H)
    x, h0, grad_out, grad_h_n = random_inputs(
        generator, (STEPS, BATCH, INPUT_SIZE), state, (STEPS, BATCH, directions * HIDDEN_SIZE), state
    )
    out: dict[str, np.ndarray] = {}
    for name, dtype in DTYPES.items():
        module = make(dtype)
        module.load_state_dict({k: v.to(dtype) for k, v in module64.state_dict().items()})
        xs = [t.detach().clone().to(dtype).requires_grad_() for t in (x, h0)]
        output, h_n = module(xs[0], xs[1])
        loss = (output * grad_out.to(dtype)).sum() + (h_n * grad_h_n.to(dtype)).sum()
        loss.backward()
        values: dict[str, torch.Tensor] = {
            "x": xs[0], "h0": xs[1], "grad_out": grad_out, "grad_h_n": grad_h_n,
            "output": output, "h_n": h_n, "dx": xs[0].grad, "dh0": xs[1].grad,
        }  # fmt: skip
        if kind == "gru":  # one direction: states (B, H), names without the layer suffix
            for key in ("h0", "h_n", "dh0", "grad_h_n"):
                values[key] = values[key][0]
        for param_name, param in module.named_parameters():
            short = param_name.removesuffix("_l0") if kind == "gru" else param_name
            values[short] = param
            values[f"d_{short}"] = param.grad
        out.update({f"{name}__{k}": numpy_of(v.to(dtype)) for k, v in values.items()})
    return out


def main() -> None:
    """Write every fixture with one seeded generator so a rerun reproduces the files."""
    torch.manual_seed(SEED)  # module initialisation draws from the global generator
    generator = torch.Generator().manual_seed(SEED)
    meta = {"torch_version": np.array(torch.__version__), "seed": np.array(SEED)}
    cases = {
        "neural_gru_cell.npz": gru_cell_case(generator),
        "neural_gru.npz": sequence_case(generator, "gru"),
        "neural_bidirectional_rnn.npz": sequence_case(generator, "bidirectional"),
    }
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for filename, arrays in cases.items():
        path = FIXTURES / filename
        np.savez_compressed(path, **meta, **arrays)
        print(f"{path.name}: {len(arrays)} arrays, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
