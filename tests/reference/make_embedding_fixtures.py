"""Write tests/fixtures/embedding_torch.npz: PyTorch one-hot, embedding lookup and gradient, cosine.

Not needed by the test suite; run it with the reference venv (PyTorch, CPU):

    /work/refvenv/bin/python tests/reference/make_embedding_fixtures.py

Keys (``_f64`` / ``_f32`` give the dtype of the table and gradients):
    ids, V                     a (2, 5) batch of ids with repeats, and the vocabulary size
    one_hot                    F.one_hot(ids, V) (int64 in PyTorch)
    table_*, lookup_*          nn.Embedding weight and its output for ids
    upstream_*, grad_*         dL/dy and the weight's gradient after (y * upstream).sum().backward()
    cos_a_*, cos_b_*, cos_*    F.cosine_similarity(a, b, dim=-1) on rows that include a zero vector,
                               a tiny vector (below eps), opposite and parallel vectors, and +-1000
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "fixtures" / "embedding_torch.npz"


def main() -> None:
    """Draw inputs with NumPy (seeded), compute with PyTorch, save both."""
    rng = np.random.default_rng(20240609)
    V, D = 7, 4
    ids = np.array([[0, 3, 3, 6, 1], [2, 2, 2, 5, 0]], dtype=np.int64)
    arrays: dict[str, np.ndarray] = {"ids": ids, "V": np.array(V)}
    arrays["one_hot"] = F.one_hot(torch.from_numpy(ids), V).numpy()
    table = rng.normal(size=(V, D))
    upstream = rng.normal(size=(*ids.shape, D))
    cos_a = rng.normal(size=(8, D))
    cos_b = rng.normal(size=(8, D))
    cos_a[0] = 0.0  # zero vector: cosine 0
    cos_a[1] = [1e-9, 0.0, 0.0, 0.0]  # below eps: clamped norm
    cos_b[1] = [1e-9, 0.0, 0.0, 0.0]
    cos_b[2] = -3.0 * cos_a[2]  # opposite: -1
    cos_b[3] = 0.5 * cos_a[3]  # parallel: +1
    cos_a[4] = [1000.0, -1000.0, 1000.0, 999.0]  # large entries
    cos_b[4] = [-1000.0, 1000.0, 1000.0, 1000.0]
    for name, dtype in (("f64", torch.float64), ("f32", torch.float32)):
        layer = torch.nn.Embedding(V, D, dtype=dtype)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(table))
        output = layer(torch.from_numpy(ids))
        grad_out = torch.from_numpy(upstream).to(dtype)
        (output * grad_out).sum().backward()
        arrays[f"table_{name}"] = layer.weight.detach().numpy().copy()
        arrays[f"lookup_{name}"] = output.detach().numpy()
        arrays[f"upstream_{name}"] = grad_out.numpy()
        arrays[f"grad_{name}"] = layer.weight.grad.numpy()
        a = torch.from_numpy(cos_a).to(dtype)
        b = torch.from_numpy(cos_b).to(dtype)
        arrays[f"cos_a_{name}"] = a.numpy()
        arrays[f"cos_b_{name}"] = b.numpy()
        arrays[f"cos_{name}"] = F.cosine_similarity(a, b, dim=-1).numpy()
    np.savez_compressed(OUTPUT, **arrays)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes), torch {torch.__version__}")


if __name__ == "__main__":
    main()
