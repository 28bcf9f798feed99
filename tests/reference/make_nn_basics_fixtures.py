"""Generate the golden values that tests/test_{activations,backprop,gradient_descent}.py compare against.

Runs only in a venv with PyTorch, never in the test suite:

    /work/refvenv/bin/python tests/reference/make_nn_basics_fixtures.py

Writes ``tests/fixtures/nn_basics.npz`` with keys ``<dtype>__<case>__<name>`` for float64 and
float32 (the float32 case is computed natively in float32 from the same numbers):

- ``act``: sigmoid, tanh and relu of a grid holding 0, +/-1000 and random values, and each one's
  derivative by autograd (the gradient of sum f(x)), so relu'(0) records PyTorch's convention;
- ``softmax``: softmax, log_softmax and softmax(z / T) for T = 0.5, 1, 2 of random logits plus a
  +/-1000 row; F.cross_entropy (mean reduction) and its gradient with respect to the logits;
- ``net_tanh``, ``net_relu``, ``deep_tanh``: nn.Linear -> activation -> ... -> nn.Linear ->
  F.cross_entropy, with every weight, the forward values and the gradients of the loss with
  respect to every weight, bias, intermediate (retain_grad) and the input;
- ``sgd``: a linear regression nn.Linear(3, 1) with nn.MSELoss, one torch.optim.SGD step (the
  weights before and after, the loss and gradients), and the largest eigenvalue of the loss
  Hessian from torch.autograd.functional.hessian (so 2 / lambda_max is checked independently).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = 20240918
DTYPES = {"float64": torch.float64, "float32": torch.float32}
TEMPERATURES = (0.5, 1.0, 2.0)


def numpy_of(tensor: torch.Tensor) -> np.ndarray:
    """Detached NumPy copy, keeping the tensor's dtype."""
    return tensor.detach().cpu().numpy().copy()


def activation_case(generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Each activation and its autograd derivative on a grid with 0, the extremes and noise."""
    special = torch.tensor([0.0, -1000.0, 1000.0, -20.0, 20.0, -1e-8, 1e-8, 3.0, -3.0], dtype=torch.float64)
    x64 = torch.cat([special, 4 * torch.randn(23, generator=generator, dtype=torch.float64)])
    out: dict[str, torch.Tensor] = {}
    for name, dtype in DTYPES.items():
        for function_name, function in (
            ("sigmoid", torch.sigmoid),
            ("tanh", torch.tanh),
            ("relu", torch.relu),
        ):
            x = x64.detach().clone().to(dtype).requires_grad_()
            y = function(x)
            y.sum().backward()
            out[f"{name}__act__x"] = x
            out[f"{name}__act__{function_name}"] = y
            out[f"{name}__act__d_{function_name}"] = x.grad
    return out


def softmax_case(generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Softmax, log-softmax, temperature and mean cross-entropy with its gradient."""
    logits64 = 3 * torch.randn(6, 5, generator=generator, dtype=torch.float64)
    logits64[0] = torch.tensor([-1000.0, 0.0, 1000.0, 999.0, -5.0], dtype=torch.float64)
    target = torch.tensor([2, 0, 4, 1, 3, 0])
    out: dict[str, torch.Tensor] = {}
    for name, dtype in DTYPES.items():
        logits = logits64.detach().clone().to(dtype).requires_grad_()
        loss = F.cross_entropy(logits, target)
        loss.backward()
        values = {
            "logits": logits,
            "target": target,
            "softmax": torch.softmax(logits, dim=-1),
            "log_softmax": torch.log_softmax(logits, dim=-1),
            "cross_entropy": loss,
            "d_logits": logits.grad,
        }
        for temperature in TEMPERATURES:
            values[f"softmax_T{temperature:g}"] = torch.softmax(logits / temperature, dim=-1)
        out.update({f"{name}__softmax__{k}": v for k, v in values.items()})
    return out


def network_case(
    generator: torch.Generator, label: str, activation: str, sizes: tuple[int, ...], batch: int
) -> dict[str, torch.Tensor]:
    """An MLP with cross-entropy, every intermediate's gradient kept with retain_grad."""
    layers64 = [torch.nn.Linear(a, b, dtype=torch.float64) for a, b in itertools.pairwise(sizes)]
    x64 = torch.randn(batch, sizes[0], generator=generator, dtype=torch.float64)
    target = torch.randint(0, sizes[-1], (batch,), generator=generator)
    function = {"tanh": torch.tanh, "relu": torch.relu}[activation]
    out: dict[str, torch.Tensor] = {}
    for name, dtype in DTYPES.items():
        layers = [torch.nn.Linear(a, b, dtype=dtype) for a, b in itertools.pairwise(sizes)]
        for layer, layer64 in zip(layers, layers64, strict=True):
            layer.load_state_dict({k: v.to(dtype) for k, v in layer64.state_dict().items()})
        x = x64.detach().clone().to(dtype).requires_grad_()
        values: dict[str, torch.Tensor] = {"x": x, "target": target}
        h = x
        for index, layer in enumerate(layers[:-1], start=1):
            z = layer(h)
            z.retain_grad()
            h = function(z)
            h.retain_grad()
            values[f"z{index}"], values[f"h{index}"] = z, h
        logits = layers[-1](h)
        logits.retain_grad()
        loss = F.cross_entropy(logits, target)
        loss.backward()
        values.update(logits=logits, loss=loss, d_logits=logits.grad, dx=x.grad)
        for index, layer in enumerate(layers, start=1):
            values[f"W{index}"], values[f"b{index}"] = layer.weight, layer.bias
            values[f"dW{index}"], values[f"db{index}"] = layer.weight.grad, layer.bias.grad
        for index in range(1, len(layers)):
            values[f"dz{index}"], values[f"dh{index}"] = values[f"z{index}"].grad, values[f"h{index}"].grad
        out.update({f"{name}__{label}__{k}": v for k, v in values.items()})
    return out


def sgd_case(generator: torch.Generator) -> dict[str, torch.Tensor]:
    """One SGD step of least squares, and the largest Hessian eigenvalue of the same loss."""
    x64 = torch.randn(32, 3, generator=generator, dtype=torch.float64) * torch.tensor([2.0, 1.0, 0.3])
    y64 = x64 @ torch.tensor([1.5, -2.0, 0.5], dtype=torch.float64) + 0.7
    y64 = y64 + 0.1 * torch.randn(32, generator=generator, dtype=torch.float64)
    layer64 = torch.nn.Linear(3, 1, dtype=torch.float64)
    lr = 0.05
    out: dict[str, torch.Tensor] = {}
    for name, dtype in DTYPES.items():
        layer = torch.nn.Linear(3, 1, dtype=dtype)
        layer.load_state_dict({k: v.to(dtype) for k, v in layer64.state_dict().items()})
        x, y = x64.to(dtype), y64.to(dtype)
        values: dict[str, torch.Tensor] = {
            "x": x,
            "y": y,
            "lr": torch.tensor(lr, dtype=dtype),
            "weight": layer.weight[0].detach().clone(),
            "bias": layer.bias[0].detach().clone(),
        }
        optimizer = torch.optim.SGD(layer.parameters(), lr=lr)
        optimizer.zero_grad()
        loss = torch.nn.MSELoss()(layer(x)[:, 0], y)
        loss.backward()
        values.update(loss=loss, d_weight=layer.weight.grad[0], d_bias=layer.bias.grad[0])
        optimizer.step()
        values.update(weight_after=layer.weight[0], bias_after=layer.bias[0])

        def mse(theta: torch.Tensor, x: torch.Tensor = x, y: torch.Tensor = y) -> torch.Tensor:
            return torch.mean((x @ theta[:3] + theta[3] - y) ** 2)

        theta = torch.cat([values["weight"], values["bias"].reshape(1)])
        hessian = torch.autograd.functional.hessian(mse, theta)
        values["hessian_max_eigenvalue"] = torch.linalg.eigvalsh(hessian)[-1]
        out.update({f"{name}__sgd__{k}": v for k, v in values.items()})
    return out


def main() -> None:
    """Write the fixture with one seeded generator so a rerun reproduces the file."""
    torch.manual_seed(SEED)  # nn.Linear initialisation draws from the global generator
    generator = torch.Generator().manual_seed(SEED)
    tensors: dict[str, torch.Tensor] = {}
    tensors.update(activation_case(generator))
    tensors.update(softmax_case(generator))
    tensors.update(network_case(generator, "net_tanh", "tanh", (4, 6, 3), batch=5))
    tensors.update(network_case(generator, "net_relu", "relu", (4, 6, 3), batch=5))
    tensors.update(network_case(generator, "deep_tanh", "tanh", (4, 5, 5, 5, 3), batch=4))
    tensors.update(sgd_case(generator))
    arrays = {key: numpy_of(value) for key, value in tensors.items()}
    meta = {"torch_version": np.array(torch.__version__), "seed": np.array(SEED)}
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / "nn_basics.npz"
    np.savez_compressed(path, **meta, **arrays)
    print(f"{path.name}: {len(arrays)} arrays, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
