"""The attention run as a chart: the weight matrix as a heatmap, queries down, keys across."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.attention import AttentionResult


def figure(result: AttentionResult) -> Figure:
    """Each row a query word's weights over the key words (rows sum to 1), the largest outlined."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    words = list(result.words)
    size = max(6.0, 0.55 * len(words) + 3)
    fig = Figure(figsize=(size + 1.5, size), layout="constrained")
    axes = fig.add_subplot()
    image = axes.imshow(result.shown, cmap="viridis", vmin=0, vmax=max(float(result.shown.max()), 1e-12))
    for row, column in enumerate(result.strongest):
        axes.add_patch(Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="white", linewidth=2))
    axes.set_xticks(range(len(words)), words, rotation=45, ha="right")
    axes.set_yticks(range(len(words)), words)
    axes.set_xlabel("key (the word attended to); outlined: each query's strongest key")
    axes.set_ylabel("query (the word reading)")
    which = "average over heads" if result.head == 0 else f"head {result.head} of {result.heads}"
    mask = ", causal mask" if result.causal else ""
    axes.set_title(f"Self-attention weights ({which}{mask})")
    bar = fig.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label("attention weight (each row sums to 1)")
    return fig
