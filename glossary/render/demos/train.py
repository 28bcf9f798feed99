"""View of the ``train`` demo: loss and gradient-norm sparklines per run, the blow-up, samples."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.cards import Paragraph
from glossary.render.safe import plain
from glossary.render.sparklines import (
    Formulas,
    SparkChart,
    SparkRow,
    linear_scale,
    log_scale,
    marks,
    spark,
)

if TYPE_CHECKING:
    from seqml.demos.train import TrainCurve, TrainResult

NUMBERS_WIDTH = 20  # "3.281 -> 2.345e+04" and "max 1.234e+04" fit: every run's chart aligns
EQUATIONS = (
    "BPTT: g = dL/dtheta summed over every step",
    "clipping: g <- g * min(1, c / ||g||_2)",
    "SGD: theta <- theta - lr * g",
)


def _number(value: float) -> str:
    """Losses and norms to four significant digits; huge ones in scientific notation."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def _setting(result: TrainResult) -> str:
    """The shared setting of every run, in one sentence."""
    model = "tanh RNN" if result.model == "rnn" else "LSTM"
    optimizer = "SGD" if result.optimizer == "sgd" else "Adam"
    return (
        f"char-level {model} (H={result.hidden}) on {result.corpus_characters} characters "
        f"(V={result.vocabulary_size}), {optimizer} lr={result.lr:g}, {result.steps} steps per run. "
        f"Loss in nats per character: ln V = {result.uniform_loss:.3f} is a uniform guess; above "
        f"{result.divergence_loss:.3f} a run counts as blown up and stops."
    )


def _outcome(curve: TrainCurve, steps: int) -> Text:
    """The run's headline: where it blew up, or where its loss got to."""
    text = Text(plain(curve.label), style="bold")
    first = _number(float(curve.losses[0]))
    clipped = int(curve.clipped.sum())
    if curve.blow_up_step is not None:
        text.append(f": BLEW UP at step {curve.blow_up_step}", style="bold red")
        value = _number(curve.blow_up_value)
        text.append(
            {
                "loss": f", the loss jumped to {value}",
                "gradient norm": f", the gradient norm became {value}",
            }.get(curve.blow_up_quantity, ", a weight overflowed")
        )
    else:
        text.append(f": loss {first} -> {_number(curve.final_loss)} in {steps} steps")
    if curve.clip > 0:
        text.append(f", clipped {clipped} of {len(curve.clipped)} steps")
    return text


def _chart(
    result: TrainResult, curve: TrainCurve, grad_scale: Callable[[float], float], loss_floor: float
) -> SparkChart:
    """Loss, gradient norm and clipping marks of one run on the shared scales."""
    steps = result.steps
    loss_scale = linear_scale(loss_floor, result.divergence_loss)
    losses = [float(v) for v in curve.losses]
    norms = [float(v) for v in curve.grad_norms]
    rows = [
        SparkRow(
            "loss",
            lambda columns: spark(losses, steps, columns, loss_scale),
            f"{_number(losses[0])} -> {_number(losses[-1])}",
        ),
        SparkRow(
            "||g||",
            lambda columns: spark(norms, steps, columns, grad_scale, reduce="max"),
            f"max {_number(max(norms, key=lambda v: (math.isnan(v), v)))}",
        ),
    ]
    if curve.clip > 0:
        flags = [bool(v) for v in curve.clipped]
        rows.append(SparkRow("clip", lambda columns: marks(flags, steps, columns), f"{sum(flags)} clipped"))
    return SparkChart(rows, steps, numbers_width=NUMBERS_WIDTH)


def view(result: TrainResult) -> RenderableType:
    """Each run as a headline and three sparklines (loss, gradient norm, clipping), then samples."""
    all_norms = [float(v) for curve in result.runs for v in curve.grad_norms]
    grad_scale, low, high = log_scale(all_norms)
    finite = [float(v) for curve in result.runs for v in curve.losses if math.isfinite(v)]
    loss_floor = min(finite, default=0.0)
    parts: list[RenderableType] = [Paragraph(Text(_setting(result)))]
    for curve in result.runs:
        parts.append(Text(""))
        parts.append(Paragraph(_outcome(curve, result.steps)))
        parts.append(_chart(result, curve, grad_scale, loss_floor))
    parts.append(
        Paragraph(
            Text(
                f"loss bars: {_number(loss_floor)} to {result.divergence_loss:.3f} "
                "(a full bar is a blow-up); ||g|| bars: "
                f"log scale 1e{low:+03d} to 1e{high:+03d}, the largest norm in each column; "
                "^ marks columns with a clipped step.",
                style="dim",
            )
        )
    )
    samples = [(curve.label, sample) for curve in result.runs for sample in curve.samples]
    if samples:
        parts.append(Text(""))
        parts.append(Text("text sampled from the model (↵ is a newline):", style="bold"))
        for label, sample in samples:
            shown = plain(sample.text).replace("\n", "↵").replace("\t", " ")
            line = Text(f"{plain(label)}, step {sample.step}: ", style="dim")
            line.append(shown)
            parts.append(Paragraph(line))
    parts.append(Text(""))
    parts.append(Formulas(EQUATIONS))
    return Group(*parts)
