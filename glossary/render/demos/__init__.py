"""Views of demo results: what a teacher would draw on the board, as rich renderables.

Functions return renderables and never print. Text that came from the user or from a file (the
typed context, corpus words, RNN input words) goes through ``plain`` into ``rich.text.Text``,
which never parses markup, so neither markup nor control characters reach the terminal.
Numbers are always printed, so the views read the same piped, with NO_COLOR, or in colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from glossary.render.charts import (
    LogBarChart,
    add_column,
    add_row,
    bar,
    gauge,
    sample_rows,
    signed,
    signed_bar,
)
from glossary.render.safe import plain

if TYPE_CHECKING:
    from glossary.demo_runner import DemoRun
    from seqml.demos import (
        ClippingResult,
        Demo,
        GradientFlowResult,
        LSTMStepResult,
        NgramResult,
        RNNUnrollResult,
    )
    from seqml.sequence import NextItemResult

GRADIENT_ROWS = 16  # rows of the gradient-flow chart before it samples k
EXAMPLE_ITEMS = 5  # predicted items shown per viewer in the next-item examples


def _table(title: str = "", caption: str = "") -> Table:
    """The house table: a light frame, titles on the left, nothing that needs colour to read."""
    return Table(
        title=Text(title) if title else None,  # Text: never parsed as markup or emoji codes
        caption=Text(caption) if caption else None,
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )


def _format_value(value: Any) -> str:
    """A parameter value as a person would type it."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def demo_header(demo: Demo, params: Mapping[str, Any], seed: int) -> Text:
    """The demo's title, then its parameters and the seed, so a run can be repeated exactly."""
    settings = []
    for param in demo.params:
        value = params.get(param.name, param.default)
        if param.name == "corpus":
            value = value or "bundled nursery.txt"
        shown = _format_value(value)
        if param.type == "str":
            shown = repr(shown)
        settings.append(f"{param.name}={plain(shown)}")
    header = Text(demo.title, style="bold")
    header.append(f"  ({demo.name})\n", style="dim")
    header.append(" ".join(settings) + f" seed={seed}", style="dim")
    return header


def demo_list(demos: Sequence[Demo]) -> Table:
    """The registry as a table: name, what it shows, its parameters and the terms it illustrates."""
    table = _table(caption="Run one: glossary demo NAME [--param value]...  (--help lists ranges)")
    add_column(table, "demo", style="bold", no_wrap=True)
    add_column(table, "shows")
    add_column(table, "parameters")
    for demo in demos:
        params = ", ".join(f"{p.name}={_format_value(p.default) or 'nursery.txt'}" for p in demo.params)
        add_row(table, Text(demo.name), Text(demo.summary), Text(plain(params)))
    return table


# --------------------------------------------------------------------------- n-gram


def _probability(value: float) -> str:
    """Probabilities to three decimals, tiny ones in scientific notation so they never read 0."""
    if value == 0:
        return "0"
    if value < 0.001:
        return f"{value:.0e}"
    return f"{value:.3f}"


MODEL_HEADERS = {
    "mle": "MLE",
    "laplace": "Laplace\nadd-one",
    "witten-bell": "Witten-Bell\nNLTK",
    "kneser-ney": "Kneser-Ney\nNLTK d=0.1",
    "modified-kneser-ney": "mod. KN\nKenLM",
}


def ngram_view(result: NgramResult) -> RenderableType:
    """Top next words per smoothing model, side by side, with each model's perplexity below."""
    if result.context and set(result.context) == {"<s>"}:
        title = (
            f"at the start of a sentence ({' '.join(result.context)}, n={result.order}) the next word is ..."
        )
    elif result.context:
        title = f"after '{plain(' '.join(result.context))}' (n={result.order}) the next word is ..."
    else:
        title = "unigram (n=1): the likeliest words, whatever came before"
    table = _table(
        title=title,
        caption=(
            f"corpus: {result.corpus_sentences} sentences, {result.corpus_tokens} tokens, "
            f"vocabulary {result.vocabulary_size}. PP: perplexity of the typed text "
            f"'{plain(result.text)}' as a sentence; inf means a zero probability somewhere."
        ),
    )
    add_column(table, "#", justify="right", no_wrap=True, min_width=2)
    for prediction in result.predictions:
        add_column(table, MODEL_HEADERS.get(prediction.model, prediction.model), overflow="fold")
    depth = max([1, *(len(p.top) for p in result.predictions)])
    for rank in range(depth):
        cells: list[Text | str] = [str(rank + 1)]
        for prediction in result.predictions:
            if rank < len(prediction.top):
                word, probability = prediction.top[rank]
                cells.append(Text.assemble((plain(word), "bold"), f" {_probability(probability)}"))
            else:
                cells.append("-" if rank == 0 else "")
        add_row(table, *cells)
    table.add_section()
    add_row(table, "PP", *[_perplexity(p.perplexity) for p in result.predictions])
    notes = [f"{p.model}: {plain(p.note)}" for p in result.predictions if p.note]
    if not notes:
        return table
    return Group(table, Text("\n".join(notes), style="dim"))


def _perplexity(value: float) -> str:
    """Perplexity to two decimals; inf stays inf, and no value (NaN) is a dash."""
    if math.isnan(value):
        return "-"
    return "inf" if math.isinf(value) else f"{value:.2f}"


# --------------------------------------------------------------------------- RNN unrolled


class UnrolledRNN:
    """The unrolled RNN, one column per timestep, continued below (like a board) when too wide."""

    label_width = 12  # "h_t[7]" plus padding, the column divider and the table's edges

    def __init__(self, result: RNNUnrollResult) -> None:
        self.result = result

    def _chunks(self, width: int) -> list[tuple[int, int]]:
        """Split timesteps 1..T into runs whose columns (plus the carried-in state) fit ``width``."""
        words = self.result.words
        # Each column: its widest cell ("+0.123", "t=12" or the word), padding 1 + 1 and a divider.
        cell = [max(6, len(f"t={t + 1}"), len(plain(word))) + 3 for t, word in enumerate(words)]
        available = max(width - self.label_width - 9, max(cell))  # 9: the carried-in state
        chunks, start, used = [], 0, 0
        for t, size in enumerate(cell):
            if used + size > available and t > start:
                chunks.append((start, t))
                start, used = t, 0
            used += size
        chunks.append((start, len(words)))
        return chunks

    def _table(self, start: int, stop: int, first: bool, last: bool) -> Table:
        """Columns t=start (the state carried in) to t=stop, rows x_t, h_t[unit] and |h_t|."""
        import numpy as np  # here, not at the top: listing demos must not load NumPy

        result = self.result
        states = np.vstack([result.h0[None, :], result.hidden_states])  # row t is h_t, h_0 first
        table = _table(
            title="one RNN cell, run once per word: h_t = tanh(W_ih x_t + W_hh h_(t-1) + b)" if first else "",
            caption="each column's h_t is fed, with the next word, into the same cell (same weights)"
            if last
            else "continued below",
        )
        add_column(table, "", no_wrap=True)
        for t in range(start, stop + 1):
            add_column(table, f"t={t}", justify="right", no_wrap=True, overflow="fold")
        add_row(table, "x_t", "", *[Text(plain(word), style="bold") for word in result.words[start:stop]])
        add_row(table, "", f"h{start}", *["↓" for _ in range(start, stop)])
        for unit in range(states.shape[1]):
            add_row(table, f"h_t[{unit}]", *[signed(float(states[t, unit])) for t in range(start, stop + 1)])
        table.add_section()
        norms = np.sqrt((states[start : stop + 1] ** 2).sum(axis=1))
        add_row(table, "|h_t|", *[f"{float(n):.3f}" for n in norms])
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """As many timesteps per table as the width allows."""
        chunks = self._chunks(options.max_width)
        for index, (start, stop) in enumerate(chunks):
            yield self._table(start, stop, first=index == 0, last=index == len(chunks) - 1)


def rnn_unroll_view(result: RNNUnrollResult) -> RenderableType:
    """The unrolled RNN: one column per timestep, the word read and the hidden state it leaves."""
    steps = len(result.words)
    arrows = Text("h0 → " + " → ".join(f"[RNN: {plain(w)}]" for w in result.words) + f" → h{steps}")
    return Group(arrows, UnrolledRNN(result))


# --------------------------------------------------------------------------- LSTM step


class LSTMStepTable:
    """Gate gauges per unit; below ~78 columns the bars give way to the digits they repeat."""

    def __init__(self, result: LSTMStepResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Draw with 3-cell gauges when they fit, digits only when they do not."""
        result = self.result
        narrow = options.max_width < 78
        bars = 0 if narrow else 3
        table = _table(
            title="one LSTM step: c = f*c_prev + i*g,  h = o*tanh(c)",
            caption=(
                "i input gate, f forget gate, o output gate: sigmoids in (0, 1), 0 shuts and 1 lets "
                "everything through; g candidate: a tanh in (-1, 1)"
            ),
        )
        if narrow:  # no frame: every cell keeps its digits
            table.box = None
        for name in ("unit", "c_prev", "i", "f", "g", "o", "c", "h"):
            add_column(table, name, justify="right" if name == "unit" else "left", no_wrap=True)
        for unit in range(result.h.shape[0]):
            add_row(
                table,
                str(unit),
                signed(float(result.c_prev[unit])),
                gauge(float(result.input_gate[unit]), bars),
                gauge(float(result.forget_gate[unit]), bars),
                signed_bar(float(result.candidate[unit]), 1.0, bars),
                gauge(float(result.output_gate[unit]), bars),
                signed(float(result.c[unit])),
                signed(float(result.h[unit])),
            )
        yield table


def lstm_step_view(result: LSTMStepResult) -> RenderableType:
    """Gate values per unit as gauges, then how they combine into the new cell and hidden state."""
    kept = float(result.forget_gate.mean())
    note = Text(
        f"forget_bias={result.forget_bias:g}: the forget gate averages {kept:.2f}, so each unit keeps "
        f"about {kept:.0%} of its old cell state (a bias of +1 starts training with memory on)."
    )
    return Group(LSTMStepTable(result), note)


# --------------------------------------------------------------------------- clipping


def _norm_name(p: float) -> str:
    """||g||_2, ||g||_1 or ||g||_inf."""
    return f"||g||_{'inf' if math.isinf(p) else f'{p:g}'}"


def clipping_view(result: ClippingResult) -> RenderableType:
    """The gradient before and after, element by element, with the norms and the angle between."""
    method = {
        "value": f"each element clipped to [-{result.max_norm:g}, {result.max_norm:g}]",
        "norm": f"each array scaled so its {_norm_name(result.p)} <= {result.max_norm:g}",
        "global-norm": (
            f"all arrays scaled together so their joint {_norm_name(result.p)} <= {result.max_norm:g}"
        ),
    }[result.method]
    scale = max((abs(float(v)) for grad in result.before for v in grad), default=0.0)
    table = _table(title=f"clipping by {result.method}: {method}")
    add_column(table, "element", no_wrap=True)
    add_column(table, "before", no_wrap=True)
    add_column(table, "after", no_wrap=True)
    for name, before, after in zip(result.names, result.before, result.after, strict=True):
        for index, (old, new) in enumerate(zip(before.tolist(), after.tolist(), strict=True)):
            add_row(table, f"{name}[{index}]", signed_bar(old, scale), signed_bar(new, scale))
    norm = _norm_name(result.p)
    summary = Text()
    summary.append(f"{norm} of all gradients: {result.norm_before:.3f} -> {result.norm_after:.3f}")
    summary.append(" (clipped)\n" if result.clipped else " (unchanged: already within the limit)\n")
    if result.angle_degrees is None:
        summary.append("angle: undefined, a zero vector has no direction")
    else:
        turned = "direction kept" if result.angle_degrees < 0.01 else "direction changed"
        summary.append(f"angle between before and after: {result.angle_degrees:.2f} degrees ({turned})")
    return Group(table, summary)


# --------------------------------------------------------------------------- gradient flow


def gradient_flow_view(result: GradientFlowResult) -> RenderableType:
    """||dL/dh_(T-k)|| against k as bars on a log axis: RNN at several rho, and the LSTM."""
    shown = [curve for curve in result.curves if not curve.label.startswith("linear")]
    rows = list(sample_rows(result.steps + 1, GRADIENT_ROWS))
    chart = LogBarChart(
        [str(k) for k in rows],
        [(curve.label, [float(curve.norms[k]) for k in rows]) for curve in shown],
        row_title="k",
    )
    title = Text(
        f"gradient norm ||dL/dh_(T-k)|| flowing k steps back (T={result.steps})",
        style="bold",
    )
    verdicts = Text(
        "; ".join(f"{curve.label}: {curve.verdict}" for curve in result.curves),
        style="dim",
    )
    parts: list[RenderableType] = [title, chart, verdicts]
    cell = next((curve for curve in result.curves if curve.label.startswith("LSTM cell")), None)
    if cell is not None and cell.verdict == "vanishing":
        parts.append(
            Text(
                "the LSTM cell still loses its gradient at this forget bias: "
                "try --forget-bias 3 to hold the forget gate near 1"
            )
        )
    return Group(*parts)


# --------------------------------------------------------------------------- next item


def _items(items: Sequence[int], target: int) -> str:
    """Item ids with the true next item starred, so a hit shows without colour."""
    return " ".join(f"*{item}*" if item == target else str(item) for item in items)


def next_item_view(result: NextItemResult) -> RenderableType:
    """Recall@k and MRR side by side, then a few viewers with each ranker's guesses."""
    scores = _table(
        title=f"next-item prediction: {result.users} viewers, {result.items} items, last item held out",
    )
    add_column(scores, "metric", no_wrap=True)
    add_column(scores, "bigram (order-aware)", no_wrap=True)
    add_column(scores, "popularity (no order)", no_wrap=True)
    for label, values in ((f"Recall@{result.k}", result.recall_at_k), ("MRR", result.mrr)):
        add_row(
            scores,
            label,
            *[
                Text.assemble((bar(values[name], 10), "cyan"), f" {values[name]:.3f}")
                for name in ("bigram", "popularity")
            ],
        )
    shown = min(result.k, EXAMPLE_ITEMS)
    more = " …" if result.k > shown else ""
    examples = _table(
        caption="*n* marks the item actually watched next; rank is its place in the full ranking"
    )
    add_column(examples, "last watched", no_wrap=True)
    add_column(examples, "next", justify="right", min_width=4, no_wrap=True)
    add_column(examples, f"bigram top {result.k}", overflow="fold")
    add_column(examples, "rank", justify="right", min_width=4, no_wrap=True)
    add_column(examples, f"popularity top {result.k}", overflow="fold")
    add_column(examples, "rank", justify="right", min_width=4, no_wrap=True)
    for example in result.examples:
        add_row(
            examples,
            "… " + " ".join(str(item) for item in example.history[-3:]),
            str(example.target),
            _items(example.bigram_top[:shown], example.target) + more,
            str(example.bigram_rank),
            _items(example.popularity_top[:shown], example.target) + more,
            str(example.popularity_rank),
        )
    return Group(scores, examples)


# --------------------------------------------------------------------------- dispatch

VIEWS = {
    "ngram": ngram_view,
    "rnn-unroll": rnn_unroll_view,
    "lstm-step": lstm_step_view,
    "clipping": clipping_view,
    "gradient-flow": gradient_flow_view,
    "next-item": next_item_view,
}


def demo_view(run: DemoRun) -> RenderableType:
    """Header plus the demo's own picture."""
    return Group(demo_header(run.demo, run.params, run.seed), VIEWS[run.demo.name](run.result))


def code_view(sources: Sequence[tuple[str, str]]) -> RenderableType:
    """The core functions' source with syntax highlighting, each under its qualified name."""
    from rich.syntax import Syntax

    parts: list[RenderableType] = []
    for name, source in sources:
        parts.append(Text(f"# {name}", style="bold"))
        parts.append(Syntax(source, "python", theme="ansi_dark", line_numbers=False, word_wrap=True))
    return Group(*parts)


def run_term_demo(demo_name: str, demo_params: Mapping[str, object], seed: int) -> RenderableType:
    """A term card's demo, run with the pack's parameters; a bad pack gives one line, not a crash."""
    from glossary.demo_runner import run_demo
    from seqml.demos import ParamError

    try:
        run = run_demo(demo_name, demo_params, seed)
    except ParamError as error:
        return Text(f"demo {plain(demo_name)} cannot run: {plain(str(error))}", style="red")
    return demo_view(run)
