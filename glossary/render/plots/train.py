"""The training runs as a chart: loss and gradient norm per update, clipping events marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.train import TrainResult


def figure(result: TrainResult) -> Figure:
    """Loss on top, gradient norm (log) below, one colour per run; x marks a clipped update."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 7), layout="constrained")
    loss_axes, norm_axes = fig.subplots(2, 1, sharex=True)
    for index, run in enumerate(result.runs):
        colour = f"C{index}"
        updates = np.arange(1, len(run.losses) + 1)
        loss_axes.plot(updates, run.losses, color=colour, label=run.label)
        norm_axes.plot(updates, run.grad_norms, color=colour, label=run.label)
        clipped = np.flatnonzero(run.clipped)
        if clipped.size:
            norm_axes.plot(updates[clipped], run.grad_norms[clipped], "x", color=colour, markersize=5,
                           label=f"{run.label}: clipped ({clipped.size} updates)")  # fmt: skip
        if run.clip > 0:
            norm_axes.axhline(
                run.clip, color=colour, linestyle=":", linewidth=1, label=f"max norm {run.clip:g}"
            )
        if run.blow_up_step is not None:
            for axes in (loss_axes, norm_axes):
                axes.axvline(run.blow_up_step, color=colour, linestyle="--", linewidth=1)
            loss_axes.annotate(f" {run.label}: blew up ({run.blow_up_quantity}) at update {run.blow_up_step}",
                               (run.blow_up_step, 0.95), xycoords=("data", "axes fraction"), color=colour,
                               ha="left", va="top")  # fmt: skip
    loss_axes.axhline(result.uniform_loss, color="grey", linestyle="--", linewidth=1,
                      label=f"uniform guess ln V = {result.uniform_loss:.2f}")  # fmt: skip
    loss_axes.set_ylabel("loss (nats per character)")
    loss_axes.set_title(
        f"Training a character {result.model.upper()}: {result.compare} compared (lr {result.lr:g})"
    )
    loss_axes.legend(loc="center right")
    norm_axes.set_yscale("log")
    norm_axes.set_xlabel("update")
    norm_axes.set_ylabel("gradient norm before clipping")
    norm_axes.legend(loc="upper right", fontsize=9)
    for axes in (loss_axes, norm_axes):
        axes.grid(True, alpha=0.3)
    return fig
