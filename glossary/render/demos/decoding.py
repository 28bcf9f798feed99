"""View of the decoding demo: greedy's sentence against the beam's, each with its log2 probability.

Words come from the learner's text or corpus and go through ``plain``. Log-probabilities are in
bits (log base 2), as ``ngram``'s ``logscore``; every one keeps three decimals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from glossary.render.charts import add_column, add_row
from glossary.render.prose import Prose
from glossary.render.safe import plain

if TYPE_CHECKING:
    from seqml.decoding import Hypothesis
    from seqml.demos.decoding import DecodingResult

MODEL_NAMES = {
    "kneser-ney": "Kneser-Ney (NLTK-style, d=0.1)",
    "modified-kneser-ney": "modified Kneser-Ney (KenLM-style)",
    "mle": "MLE (unsmoothed)",
    "laplace": "Laplace (add-one)",
    "witten-bell": "Witten-Bell",
}


def _table() -> Table:
    """A frameless table with a rule under the header."""
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)


def _sentence(hypothesis: Hypothesis) -> Text:
    """The generated words; a sentence cut at the length limit ends in '...'."""
    words = " ".join(plain(token) for token in hypothesis.tokens)
    if not hypothesis.tokens:
        return Text("(nothing: no next word has probability > 0)")
    return Text(words if hypothesis.finished else words + " ...")


def _probability(log2_probability: float) -> str:
    """2 ** log2 P, in scientific notation so small ones never read as 0."""
    return f"{2.0**log2_probability:.3e}"


def _steps(label: str, hypothesis: Hypothesis) -> Text:
    """Word by word: each word with its own log2 P, so one can see where a sentence lost."""
    text = Text(f"{label}: ", style="bold")
    text.append(
        "  ".join(
            f"{plain(t)}({p:.3f})" for t, p in zip(hypothesis.tokens, hypothesis.step_log_probs, strict=True)
        )
    )
    return text


def view(result: DecodingResult) -> RenderableType:
    """Where the decoders start, what the first step offers, then the sentences side by side."""
    model = MODEL_NAMES.get(result.model, result.model)
    start = f"continuing '{plain(' '.join(result.typed))}'" if result.typed else "a new sentence"
    heading = Prose(
        f"{start}: model sees {plain(' '.join(result.context))}; {model}, n={result.order}, "
        f"{result.corpus_tokens} corpus tokens, V={result.vocabulary_size}",
    )
    parts: list[RenderableType] = [heading]
    if result.unknown:
        parts.append(
            Text("not in the corpus (read as <UNK>): " + ", ".join(plain(w) for w in result.unknown))
        )
    first = Text("first word, log2 P: ", style="dim")
    first.append("  ".join(f"{plain(word)}({value:.3f})" for word, value in result.first_step))
    parts.append(first)

    table = _table()
    add_column(table, "decoder", no_wrap=True)
    add_column(table, "sentence")
    add_column(table, "log2 P", justify="right", no_wrap=True)
    add_column(table, "P", justify="right", no_wrap=True)
    if result.length_alpha:
        add_column(table, "score", justify="right", no_wrap=True)

    def row(label: str, hypothesis: Hypothesis) -> None:
        cells = [
            Text(label),
            _sentence(hypothesis),
            f"{hypothesis.log_probability:.3f}",
            _probability(hypothesis.log_probability),
        ]
        if result.length_alpha:
            cells.append(f"{hypothesis.score:.3f}")
        add_row(table, *cells)

    row("greedy", result.greedy)
    table.add_section()
    for rank, hypothesis in enumerate(result.beam, start=1):
        row(f"beam #{rank}", hypothesis)
    parts.append(table)

    gain = result.gain
    if gain > 1e-9:
        verdict = (
            f"beam search (B={result.width}) found a sentence {result.gain_factor:.1f} times more probable "
            f"than greedy's (log2 P {gain:+.3f}): greedy took the likeliest word at every step and "
            "could not go back."
        )
    elif gain < -1e-9 and result.length_alpha:
        verdict = (
            f"greedy's sentence has the higher total (log2 P {-gain:+.3f}), but the beam ranks by "
            "log2 P / length^alpha, which favours longer sentences."
        )
    elif gain < -1e-9:
        verdict = (
            f"here greedy's sentence is more probable than the beam's best (log2 P {-gain:+.3f}): a beam "
            "can prune the greedy path; it is a heuristic, not an exact search."
        )
    else:
        verdict = f"here greedy already finds the beam's best sentence (B={result.width}); try --width 1..5."
    parts.append(Prose(verdict))
    if result.beam and result.beam[0].tokens != result.greedy.tokens:
        parts.append(_steps("greedy", result.greedy))
        parts.append(_steps("beam #1", result.beam[0]))
    ranking = (
        f"ranked by log2 P / length^{result.length_alpha:g} (length normalisation on)"
        if result.length_alpha
        else "ranked by the plain total (length normalisation off, the default)"
    )
    parts.append(Text("log2 P(y) = sum_t log2 P(y_t | context, y_<t)", style="dim"))
    parts.append(
        Prose(
            f"in bits; {ranking}; a sentence stops at </s> or after {result.max_words} tokens ('...').",
            style="dim",
        )
    )
    return Group(*parts)
