"""Generate the PyTorch golden values that tests/test_char_model.py and test_optimizers.py compare to.

Runs only in a venv with PyTorch, never in the test suite:

    /work/refvenv/bin/python tests/reference/make_train_fixtures.py

For a character model (one-hot input -> ``nn.RNN`` or ``nn.LSTM`` -> ``nn.Linear`` -> mean
``F.cross_entropy``) it stores, in float64 and in float32 (computed natively from the same
numbers), one training step from a non-zero initial state:

* ``full``: the loss, every parameter's gradient, the final state, the global gradient norm
  returned by ``clip_grad_norm_`` (max norm 0.05, so it clips), and the weights after
  ``torch.optim.SGD`` (lr 0.5) applied to the clipped gradient;
* ``truncated``: the same chunk with the state detached every 4 steps (windows 4 and 2):
  the loss (unchanged) and the truncated gradients;
* ``adam``: the weights after two ``torch.optim.Adam`` steps (lr 0.01) on the full-BPTT loss.

Keys read ``<dtype>__<kind>__<case>__<name>``; the inputs (ids, weights, state) are stored under
``<dtype>__<kind>__input__<name>``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = 20250309
STEPS, BATCH, VOCABULARY, HIDDEN = 6, 3, 7, 5
WINDOW = 4
CLIP, SGD_LR, ADAM_LR = 0.05, 0.5, 0.01
DTYPES = {"float64": torch.float64, "float32": torch.float32}
NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_out", "bias_out")


def numpy_of(tensor: torch.Tensor) -> np.ndarray:
    """Detached NumPy copy, keeping the tensor's dtype."""
    return tensor.detach().cpu().numpy().copy()


class CharModel(torch.nn.Module):
    """The reference model: one-hot characters through one recurrent layer and a linear read-out."""

    def __init__(self, kind: str, dtype: torch.dtype) -> None:
        super().__init__()
        make = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[kind]
        self.kind = kind
        self.layer = make(VOCABULARY, HIDDEN, dtype=dtype)
        self.out = torch.nn.Linear(HIDDEN, VOCABULARY, dtype=dtype)

    def named(self) -> dict[str, torch.nn.Parameter]:
        """Parameters under the names seqml.char_model uses."""
        return {
            "weight_ih": self.layer.weight_ih_l0,
            "weight_hh": self.layer.weight_hh_l0,
            "bias_ih": self.layer.bias_ih_l0,
            "bias_hh": self.layer.bias_hh_l0,
            "weight_out": self.out.weight,
            "bias_out": self.out.bias,
        }

    def loss(
        self, inputs: torch.Tensor, targets: torch.Tensor, state: tuple[torch.Tensor, ...], window: int
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Mean cross-entropy over the chunk; the state is detached at every window boundary."""
        dtype = self.out.weight.dtype
        x = F.one_hot(inputs, VOCABULARY).to(dtype)
        outputs = []
        for start in range(0, STEPS, window):
            if start > 0:
                state = tuple(s.detach() for s in state)  # the gradient stops here
            piece = x[start : start + window]
            if self.kind == "rnn":
                output, h = self.layer(piece, state[0][None])
                state = (h[0],)
            else:
                output, (h, c) = self.layer(piece, (state[0][None], state[1][None]))
                state = (h[0], c[0])
            outputs.append(output)
        logits = self.out(torch.cat(outputs))
        return F.cross_entropy(logits.reshape(-1, VOCABULARY), targets.reshape(-1)), state


def case(kind: str, generator: torch.Generator) -> dict[str, np.ndarray]:
    """Every fixture of one layer kind, both dtypes."""
    inputs = torch.randint(0, VOCABULARY, (STEPS, BATCH), generator=generator)
    targets = torch.randint(0, VOCABULARY, (STEPS, BATCH), generator=generator)
    count = 1 if kind == "rnn" else 2
    state64 = tuple(
        0.5 * torch.randn(BATCH, HIDDEN, generator=generator, dtype=torch.float64) for _ in range(count)
    )
    reference = CharModel(kind, torch.float64)
    out: dict[str, np.ndarray] = {}
    for dtype_name, dtype in DTYPES.items():

        def fresh(dtype: torch.dtype = dtype) -> CharModel:
            model = CharModel(kind, dtype)
            model.load_state_dict({k: v.to(dtype) for k, v in reference.state_dict().items()})
            return model

        def put(
            case_name: str, name: str, value: torch.Tensor | np.ndarray, dtype_name: str = dtype_name
        ) -> None:
            array = value if isinstance(value, np.ndarray) else numpy_of(value)
            out[f"{dtype_name}__{kind}__{case_name}__{name}"] = array

        state = tuple(s.to(dtype) for s in state64)
        put("input", "inputs", inputs.numpy().astype(np.int64))
        put("input", "targets", targets.numpy().astype(np.int64))
        for index, s in enumerate(state):
            put("input", f"state{index}", s)
        model = fresh()
        for name, param in model.named().items():
            put("input", name, param)

        # full BPTT, then clipping and one SGD step
        loss, final = model.loss(inputs, targets, state, STEPS)
        loss.backward()
        put("full", "loss", loss)
        for index, s in enumerate(final):
            put("full", f"state{index}", s)
        for name, param in model.named().items():
            put("full", f"d_{name}", param.grad)
        total = torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        put("full", "total_norm", total)
        torch.optim.SGD(model.parameters(), lr=SGD_LR).step()
        for name, param in model.named().items():
            put("full", f"sgd_{name}", param)

        # truncated BPTT over the same chunk
        model = fresh()
        loss, _ = model.loss(inputs, targets, state, WINDOW)
        loss.backward()
        put("truncated", "loss", loss)
        for name, param in model.named().items():
            put("truncated", f"d_{name}", param.grad)

        # two Adam steps (no clipping), each on the loss at the current weights
        model = fresh()
        optimizer = torch.optim.Adam(model.parameters(), lr=ADAM_LR)
        for _ in range(2):
            optimizer.zero_grad()
            loss, _ = model.loss(inputs, targets, state, STEPS)
            loss.backward()
            optimizer.step()
        for name, param in model.named().items():
            put("adam", name, param)
    return out


def main() -> None:
    """Write tests/fixtures/train_char.npz."""
    torch.manual_seed(SEED)  # nn.RNN / nn.LSTM / nn.Linear draw their initial weights from it
    generator = torch.Generator().manual_seed(SEED)
    values: dict[str, np.ndarray] = {}
    for kind in ("rnn", "lstm"):
        values.update(case(kind, generator))
    values["meta__constants"] = np.array([STEPS, BATCH, VOCABULARY, HIDDEN, WINDOW], dtype=np.int64)
    values["meta__rates"] = np.array([CLIP, SGD_LR, ADAM_LR])
    path = FIXTURES / "train_char.npz"
    np.savez_compressed(path, **values)
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(values)} arrays)")


if __name__ == "__main__":
    main()
