"""View of the ``seq2seq`` demo: loss curves, accuracy per output position, examples, the lesson."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.cards import Paragraph
from glossary.render.safe import plain
from glossary.render.sparklines import Formulas, SparkChart, SparkRow, linear_scale, spark

if TYPE_CHECKING:
    from seqml.demos.seq2seq import Seq2SeqResult

EQUATIONS = (
    "decoder state_0 = encoder's final state",
    "input u_t = y_(t-1) (forced) or argmax z_(t-1) (own)",
    "L = -mean log softmax(z_t)[y_t]",
)
SHORT = {"teacher forcing": "forced", "own guesses": "own"}  # row labels that fit 60 columns


def _percent(value: float) -> str:
    """A share as a whole percentage; no value is a dash."""
    return "-" if math.isnan(value) else f"{100 * value:.0f}%"


def _accuracy_rows(result: Seq2SeqResult) -> list[RenderableType]:
    """Per-position accuracy, free-running and fed the truth, one row per decoder and mode."""
    positions = range(1, result.length + 1)
    label_width = 12
    header = Text("position".ljust(label_width) + "".join(f"{p:>5}" for p in positions) + "  whole")
    rows: list[RenderableType] = [
        Text("accuracy on held-out sequences, greedy decoding", style="bold"),
        header,
    ]
    for decoder in result.runs:
        short = SHORT.get(decoder.label, decoder.label)
        for mode, values, whole in (
            ("free", decoder.free_accuracy, _percent(decoder.sequence_accuracy)),
            ("truth", decoder.forced_accuracy, ""),
        ):
            line = f"{short} {mode}".ljust(label_width) + "".join(f"{_percent(float(v)):>5}" for v in values)
            rows.append(Text((line + (f"{whole:>7}" if whole else "")).rstrip()))
    legend = (
        "forced: trained with teacher forcing; own: trained on its own guesses. free: decoded "
        "feeding back its own guesses, as at inference; truth: fed the true previous digit."
    )
    return [*rows, Paragraph(Text(legend, style="dim"))]


def _marked(output: str, target: str) -> Text:
    """The output with wrong digits underlined and red, then where they are in words."""
    text = Text()
    for guess, truth in zip(output, target, strict=True):
        text.append(plain(guess), style="bold red underline" if guess != truth else "")
    wrong = [str(i + 1) for i, (g, t) in enumerate(zip(output, target, strict=True)) if g != t]
    text.append("  right" if not wrong else f"  wrong at {' '.join(wrong)}")
    return text


def view(result: Seq2SeqResult) -> RenderableType:
    """Loss curves, the accuracy table, the after-first-mistake numbers, examples and the notice."""
    setting = (
        f"reverse {result.length} digits: {result.cell.upper()} encoder -> {result.cell.upper()} decoder "
        f"(H={result.hidden}), Adam lr={result.lr:g}, {result.steps} steps of {result.batch} sequences per "
        f"decoder, tested on {result.test_size} held-out sequences"
    )
    parts: list[RenderableType] = [Paragraph(Text(setting))]
    losses = [[float(v) for v in decoder.losses] for decoder in result.runs]
    top = max((max(values) for values in losses if values), default=1.0)
    scale = linear_scale(0.0, top)
    rows = [
        SparkRow(
            f"{decoder.label} loss",
            lambda columns, values=values: spark(values, result.steps, columns, scale),
            f"{values[0]:.3f} -> {values[-1]:.3f}",
        )
        for decoder, values in zip(result.runs, losses, strict=True)
    ]
    parts += [Text(""), SparkChart(rows, result.steps), Text("")]
    parts += _accuracy_rows(result)
    parts.append(Text(""))
    summary = "; ".join(
        f"{decoder.label} {_percent(decoder.after_mistake_accuracy)}" for decoder in result.runs
    )
    parts.append(Paragraph(Text(f"right after the first mistake in a sequence: {summary}")))
    if result.examples:
        parts.append(Text(""))
        parts.append(
            Paragraph(
                Text(
                    "held-out sequences where the teacher-forced decoder slips before its last digit "
                    "(source -> reversed), free-running:",
                    style="bold",
                )
            )
        )
        width = max(len(decoder.label) for decoder in result.runs)
        for example in result.examples:
            parts.append(Text(f"{plain(example.source)} -> {plain(example.target)}"))
            for decoder, output in zip(result.runs, example.outputs, strict=True):
                line = Text("  " + decoder.label.ljust(width) + "  ")
                line.append_text(_marked(output, example.target))
                parts.append(line)
    parts.append(Text(""))
    parts.append(Formulas(EQUATIONS))
    return Group(*parts)
