"""The clipping demo: one exploding gradient clipped by value, by norm or by global norm.

    value:        g'_j = clip(g_j, -v, v)                     (per element, v the clip value; the
                                                              direction can turn)
    norm:         g'   = g * min(1, max_norm / ||g||_p)       (per array)
    global-norm:  g'_a = g_a * min(1, max_norm / ||(g_1, .., g_A)||_p)    (all arrays together)
    angle(g, g')  = arccos(g . g' / (||g||_2 ||g'||_2))

The clipping functions are ``seqml.clipping``'s; this module draws the gradients and measures the
result. NumPy is imported inside ``run``, so listing the demos stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

CLIPPING_SHAPES = {"weight": 4, "bias": 3}  # two small gradient arrays, as in one layer
DEFAULT_LIMIT = 5.0  # the default of both --max-norm and --clip-value
NOTICE = (
    "Clipping by norm or global norm shrinks the gradient but keeps its direction "
    "(angle 0), while clipping by value can turn it."
)


@dataclass(frozen=True)
class ClippingResult:
    """Gradients before and after clipping, their norms, and how far the direction turned."""

    method: str
    threshold: float  # the clip value (method value) or the max norm (norm, global-norm)
    threshold_option: str  # the option that set it: --clip-value or --max-norm
    p: float
    names: tuple[str, ...]
    before: tuple[np.ndarray, ...]
    after: tuple[np.ndarray, ...]
    norm_before: float  # p-norm of all gradients together
    norm_after: float
    angle_degrees: float | None  # None when either vector is zero (no direction)
    clipped: bool


def _threshold(params: dict[str, Any]) -> tuple[float, str]:
    """The limit the chosen method uses and the option it came from.

    Value clipping takes --clip-value, and also accepts --max-norm in its place (its spelling
    before the two were told apart); a limit the chosen method cannot use is an error, never
    silently ignored.
    """
    max_norm, clip_value = params["max_norm"], params["clip_value"]
    if params["method"] != "value":
        if clip_value != DEFAULT_LIMIT:
            raise ParamError(
                "--clip-value applies to --method value; norm clipping takes --max-norm", "clip_value"
            )
        return max_norm, "--max-norm"
    if max_norm == DEFAULT_LIMIT:
        return clip_value, "--clip-value"
    if clip_value not in (DEFAULT_LIMIT, max_norm):
        raise ParamError(
            "value clipping takes one limit: give --clip-value (or --max-norm), not both", "clip_value"
        )
    return max_norm, "--max-norm"


def _p_norm(vector: np.ndarray, p: float) -> float:
    """||v||_p of a flat vector, p in {1, 2, inf}."""
    import numpy as np

    return float(np.linalg.norm(vector, ord=p))


def run(params: dict[str, Any], rng: np.random.Generator) -> ClippingResult:
    """Clip two random gradient arrays three ways and measure how each changes the direction."""
    import numpy as np

    from seqml import clipping

    p = float(params["p"])
    method = params["method"]
    threshold, threshold_option = _threshold(params)
    names = tuple(CLIPPING_SHAPES)
    # Standard deviation 5 over 7 numbers: a joint 2-norm near 13, an "exploding" step that the
    # default limit of 5 clips.
    before = tuple(rng.normal(0.0, 5.0, size=size) for size in CLIPPING_SHAPES.values())
    if method == "value":
        after = tuple(clipping.clip_by_value(grad, threshold) for grad in before)
    elif method == "norm":
        after = tuple(clipping.clip_by_norm(grad, threshold, p=p).grad for grad in before)
    else:
        after = tuple(clipping.clip_by_global_norm(list(before), threshold, p=p).grads)
    after = tuple(np.asarray(grad, dtype=np.float64) for grad in after)
    flat_before, flat_after = np.concatenate(before), np.concatenate(after)
    lengths = np.linalg.norm(flat_before) * np.linalg.norm(flat_after)
    angle = None
    if lengths > 0:
        cosine = np.clip(flat_before @ flat_after / lengths, -1.0, 1.0)
        angle = float(np.degrees(np.arccos(cosine)))
    return ClippingResult(
        method=method,
        threshold=threshold,
        threshold_option=threshold_option,
        p=p,
        names=names,
        before=before,
        after=after,
        norm_before=_p_norm(flat_before, p),
        norm_after=_p_norm(flat_after, p),
        angle_degrees=angle,
        clipped=not np.array_equal(flat_before, flat_after),
    )


DEMO = Demo(
    name="clipping",
    title="Gradient clipping by value, norm and global norm",
    summary="The gradient before and after clipping, its norm, and the angle it turned.",
    terms=("gradient-clipping", "exploding-gradient-problem"),
    params=(
        Param(
            "max_norm", "float", DEFAULT_LIMIT, 0.0, 1e6, help="largest allowed p-norm (norm, global-norm)"
        ),
        Param(
            "method",
            "choice",
            "global-norm",
            choices=("value", "norm", "global-norm"),
            help="clip each element, each array's norm, or all arrays' joint norm",
        ),
        Param("p", "choice", "2", choices=("1", "2", "inf"), help="which p-norm"),
        Param(
            "clip_value",
            "float",
            DEFAULT_LIMIT,
            0.0,
            1e6,
            help="largest allowed |element| (method value; --max-norm is accepted in its place)",
        ),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.clipping:clip_by_value",
        "seqml.clipping:clip_by_norm",
        "seqml.clipping:clip_by_global_norm",
    ),
)


if __name__ == "__main__":
    import numpy as np

    for method in ("value", "norm", "global-norm"):
        result = run({**DEMO.defaults(), "method": method}, np.random.default_rng(0))
        print(
            f"{method:>11}: norm {result.norm_before:.3f} -> {result.norm_after:.3f}, "
            f"angle {result.angle_degrees:.2f} degrees"
        )
