"""The seq2seq runs as a chart: training loss, and accuracy per output position."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from seqml.demos.seq2seq import Seq2SeqResult


def figure(result: Seq2SeqResult) -> Figure:
    """Loss per step for each decoder run; free-running and teacher-forced accuracy by position."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 5), layout="constrained")
    loss_axes, accuracy_axes = fig.subplots(1, 2)
    positions = np.arange(1, result.length + 1)
    for index, run in enumerate(result.runs):
        colour = f"C{index}"
        loss_axes.plot(np.arange(1, len(run.losses) + 1), run.losses, color=colour, label=run.label)
        accuracy_axes.plot(
            positions, run.free_accuracy, "o-", color=colour, label=f"{run.label}: own guesses fed back"
        )
        accuracy_axes.plot(
            positions, run.forced_accuracy, "s:", color=colour, label=f"{run.label}: true digits fed"
        )
    loss_axes.set_xlabel("training step")
    loss_axes.set_ylabel("loss (nats per digit)")
    loss_axes.set_title("Training loss")
    loss_axes.legend(loc="upper right")
    accuracy_axes.set_xlabel("output position")
    accuracy_axes.set_ylabel("share of test digits right")
    accuracy_axes.set_ylim(0, 1.02)
    accuracy_axes.set_xticks(positions)
    accuracy_axes.set_title(f"Accuracy by position ({result.test_size} test sequences)")
    accuracy_axes.legend(loc="lower left", fontsize=9)
    for axes in (loss_axes, accuracy_axes):
        axes.grid(True, alpha=0.3)
    fig.suptitle(f"Reversing {result.length} digits with a {result.cell.upper()} encoder-decoder")
    return fig
