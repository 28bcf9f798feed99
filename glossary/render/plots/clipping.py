"""The clipping run as a chart: the gradient before and after clipping, as arrows in a plane."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.clipping import ClippingResult


def figure(result: ClippingResult) -> Figure:
    """Both gradients as arrows from the origin, on their two largest components when there are more.

    The clipping region is drawn too: the max-norm circle (norm methods; a projection of the
    full vector never leaves it) or the clip-value square (by value).
    """
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Rectangle

    before = np.concatenate([np.ravel(array) for array in result.before])
    after = np.concatenate([np.ravel(array) for array in result.after])
    names = [f"{name}[{index}]" for name, array in zip(result.names, result.before, strict=True)
             for index in range(np.size(array))]  # fmt: skip
    axes_index = sorted(np.argsort(-np.abs(before))[:2]) if before.size > 2 else list(range(before.size))
    if len(axes_index) == 1:
        axes_index = [axes_index[0], axes_index[0]]
    first, second = axes_index
    fig = Figure(figsize=(7.5, 7), layout="constrained")
    axes = fig.add_subplot()
    limit = result.threshold
    if result.method == "value":
        axes.add_patch(Rectangle((-limit, -limit), 2 * limit, 2 * limit, fill=False, linestyle="--",
                                 color="grey", label=f"clip value box [-{limit:g}, {limit:g}]"))  # fmt: skip
    else:
        # Clipping scales every component alike, so in two of many the arrow stops inside the circle.
        of_all = f" (the norm of all {before.size} components)" if before.size > 2 else ""
        axes.add_patch(Circle((0, 0), limit, fill=False, linestyle="--", color="grey",
                              label=f"max norm {limit:g}{of_all}"))  # fmt: skip
    for vector, colour, label in (
        (before, "tab:red", "before clipping"),
        (after, "tab:blue", "after clipping"),
    ):
        arrow = {"arrowstyle": "-|>", "color": colour, "linewidth": 2.5, "mutation_scale": 20}
        axes.annotate("", xy=(vector[first], vector[second]), xytext=(0, 0), arrowprops=arrow)
        axes.plot(
            [],
            [],
            color=colour,
            linewidth=2.5,
            label=f"{label} ({vector[first]:+.2f}, {vector[second]:+.2f})",
        )
    reach = max(np.abs(before[[first, second]]).max(), limit) * 1.15
    axes.set_xlim(-reach, reach)
    axes.set_ylim(-reach, reach)
    axes.set_aspect("equal")
    axes.axhline(0, color="black", linewidth=0.6)
    axes.axvline(0, color="black", linewidth=0.6)
    projected = " (its two largest components)" if before.size > 2 else ""
    axes.set_xlabel(f"{names[first]}")
    axes.set_ylabel(f"{names[second]}")
    angle = "" if result.angle_degrees is None else f", turned {result.angle_degrees:.1f} degrees"
    axes.set_title(f"Clipping by {result.method}: the gradient{projected}\n||g|| {result.norm_before:.3g} -> "
                   f"{result.norm_after:.3g}{angle}")  # fmt: skip
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left")
    return fig
