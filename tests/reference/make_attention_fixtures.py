"""Generate the golden values that tests/test_attention.py compares against.

Runs only in the reference venv with PyTorch, never in the test suite:

    /work/refvenv/bin/python tests/reference/make_attention_fixtures.py

``F.scaled_dot_product_attention`` cases (keys ``<dtype>__sdpa_<case>__<name>``): plain, causal
(square and with more queries than keys, top-left aligned), a boolean mask with one fully masked
row, and scores in the hundreds. Each stores the inputs, the output, the upstream gradient G and
dQ, dK, dV of the loss sum(O * G) from autograd.

``nn.MultiheadAttention(batch_first=True)`` cases (keys ``<dtype>__mha_<case>__<name>``): cross
attention with distinct query, key and value, and causal self-attention (one tensor as all three,
PyTorch boolean attn_mask = True above the diagonal). Each stores the parameters, the output, the
head-averaged and per-head weights, and the gradients of sum(out * G) on the inputs and on every
parameter. float32 cases are computed natively in float32 from the same float64 numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "attention.npz"
SEED = 20240917
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def numpy_of(tensor: torch.Tensor) -> np.ndarray:
    """Detached NumPy copy, keeping the tensor's dtype."""
    return tensor.detach().cpu().numpy().copy()


def sdpa_case(
    generator: torch.Generator,
    lead: tuple[int, ...],
    T_q: int,
    T_k: int,
    d_k: int,
    d_v: int,
    causal: bool = False,
    mask: torch.Tensor | None = None,
    gain: float = 1.0,
) -> dict[str, np.ndarray]:
    """One SDPA forward and its autograd backward, in both dtypes, from the same numbers."""
    shapes = ((*lead, T_q, d_k), (*lead, T_k, d_k), (*lead, T_k, d_v), (*lead, T_q, d_v))
    q, k, v, grad = (torch.randn(*s, generator=generator, dtype=torch.float64) for s in shapes)
    q, k = q * gain, k * gain
    out: dict[str, np.ndarray] = {}
    for name, dtype in DTYPES.items():
        inputs = [t.detach().clone().to(dtype).requires_grad_() for t in (q, k, v)]
        result = F.scaled_dot_product_attention(*inputs, attn_mask=mask, is_causal=causal)
        (result * grad.to(dtype)).sum().backward()
        values = {
            "query": inputs[0], "key": inputs[1], "value": inputs[2], "grad_out": grad.to(dtype),
            "output": result, "dquery": inputs[0].grad, "dkey": inputs[1].grad, "dvalue": inputs[2].grad,
        }  # fmt: skip
        if mask is not None:
            values["mask"] = mask
        out.update({f"{name}__{k_}": numpy_of(t) for k_, t in values.items()})
    return out


def mha_case(
    generator: torch.Generator, batch: int, L: int, S: int, E: int, heads: int, self_causal: bool
) -> dict[str, np.ndarray]:
    """One nn.MultiheadAttention forward (weights averaged and per head) and its gradients."""
    module64 = torch.nn.MultiheadAttention(E, heads, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # non-zero biases, so their gradients and their use are both tested
        module64.in_proj_bias.normal_(generator=generator)
        module64.out_proj.bias.normal_(generator=generator)
    x_q = torch.randn(batch, L, E, generator=generator, dtype=torch.float64)
    x_k = torch.randn(batch, S, E, generator=generator, dtype=torch.float64)
    x_v = torch.randn(batch, S, E, generator=generator, dtype=torch.float64)
    grad = torch.randn(batch, L, E, generator=generator, dtype=torch.float64)
    out: dict[str, np.ndarray] = {}
    for name, dtype in DTYPES.items():
        module = torch.nn.MultiheadAttention(E, heads, batch_first=True, dtype=dtype)
        module.load_state_dict({k: v.to(dtype) for k, v in module64.state_dict().items()})
        if self_causal:
            x = x_q.detach().clone().to(dtype).requires_grad_()
            mask = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)  # True = masked
            result, averaged = module(x, x, x, attn_mask=mask)
            _, per_head = module(x, x, x, attn_mask=mask, average_attn_weights=False)
            (result * grad.to(dtype)).sum().backward()
            values = {"x": x, "dx": x.grad}
        else:
            xs = [t.detach().clone().to(dtype).requires_grad_() for t in (x_q, x_k, x_v)]
            result, averaged = module(*xs)
            _, per_head = module(*xs, average_attn_weights=False)
            (result * grad.to(dtype)).sum().backward()
            values = {"query": xs[0], "key": xs[1], "value": xs[2]}
            values.update({"dquery": xs[0].grad, "dkey": xs[1].grad, "dvalue": xs[2].grad})
        values.update({"output": result, "weights_averaged": averaged, "weights": per_head})
        values["grad_out"] = grad.to(dtype)
        for param_name, param in module.named_parameters():
            flat = param_name.replace(".", "_")  # out_proj.weight -> out_proj_weight
            values[flat] = param
            values[f"d_{flat}"] = param.grad
        out.update({f"{name}__{k}": numpy_of(v) for k, v in values.items()})
    return out


def main() -> None:
    """Write every case into one small npz file."""
    generator = torch.Generator().manual_seed(SEED)
    torch.manual_seed(SEED)  # the module's own initialisation
    mask = torch.rand(2, 5, 6, generator=generator) > 0.4  # True = may attend
    mask[:, :, 0] = True  # every query sees at least the first key ...
    mask[0, 1] = False  # ... except one that sees nothing: PyTorch returns zeros there
    cases = {
        "sdpa_plain": sdpa_case(generator, (2, 3), 5, 6, 4, 3),
        "sdpa_causal": sdpa_case(generator, (2, 3), 5, 5, 4, 3, causal=True),
        "sdpa_causal_wide": sdpa_case(generator, (2,), 6, 4, 4, 3, causal=True),
        "sdpa_masked": sdpa_case(generator, (2,), 5, 6, 4, 3, mask=mask),
        "sdpa_large": sdpa_case(generator, (2,), 5, 6, 4, 3, gain=25.0),
        "mha_cross": mha_case(generator, 2, 4, 5, 8, 2, self_causal=False),
        "mha_self_causal": mha_case(generator, 2, 5, 5, 12, 3, self_causal=True),
    }
    arrays = {
        f"{k.split('__')[0]}__{case}__{k.split('__')[1]}": v
        for case, d in cases.items()
        for k, v in d.items()
    }
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURE, **arrays)
    print(f"wrote {len(arrays)} arrays to {FIXTURE} ({FIXTURE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
