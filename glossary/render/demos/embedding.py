"""View of the embedding demo: tokens to ids, one-hot rows, embedding rows, neighbours, bags.

Every word shown came from the learner's sentence or corpus, so each goes through ``plain`` into
a ``Text``. Numbers keep all their digits: vectors wrap between numbers, never inside one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from glossary.render.charts import add_column, add_row, bar
from glossary.render.prose import Prose
from glossary.render.safe import plain

if TYPE_CHECKING:
    from seqml.demos.embedding import EmbeddingResult


def _table(title: str = "", caption: str = "") -> Table:
    """A frameless table with a rule under the header; Text titles are never parsed as markup."""
    return Table(
        title=Prose(title) if title else None,  # a formula in it never breaks (render/prose.py)
        caption=Prose(caption) if caption else None,
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )


def _one_hot_pattern(column: int, size: int) -> str:
    """A one-hot row in words: [0 x3, 1, 0 x125] for column 3 of 129."""
    parts = []
    if column:
        parts.append(f"0 x{column}")
    parts.append("1")
    if size - column - 1:
        parts.append(f"0 x{size - column - 1}")
    return "[" + ", ".join(parts) + "]"


def _vector(values: object) -> Text:
    """Signed numbers with three decimals, separated by spaces so wrapping never splits one."""
    return Text(" ".join(f"{float(v):+.3f}" for v in values))  # type: ignore[attr-defined]


def _tokens_table(result: EmbeddingResult) -> RenderableType:
    """Each token: what the model sees, its id and its one-hot row."""
    kept = f"{result.vocabulary_size - 1} of {result.corpus_types} corpus words kept"
    limit = f"min count {result.min_count}" + (f", at most {result.max_size}" if result.max_size else "")
    title = Text(f"tokens -> ids: V={result.vocabulary_size} ({kept} + <unk> as id 0; {limit})")
    table = _table()
    add_column(table, "token", no_wrap=True)
    add_column(table, "seen as", no_wrap=True)
    add_column(table, "id", justify="right", no_wrap=True)
    add_column(table, f"one-hot row ({result.vocabulary_size} columns)", no_wrap=True)
    for position, token in enumerate(result.tokens):
        token_id = int(result.ids[position])
        row = result.one_hot[position]
        add_row(
            table,
            Text(plain(token)),
            Text(plain(result.mapped[position]), style="bold" if token_id else "yellow"),
            str(token_id),
            Text(_one_hot_pattern(int(row.argmax()), row.shape[0])),
        )
    return Group(title, table)


def _vectors_table(result: EmbeddingResult) -> RenderableType:
    """Each token's embedding row, looked up by id."""
    title = Text(f"ids -> vectors: E[id] is row id of the {result.vocabulary_size} x {result.dim} table E")
    table = _table()
    add_column(table, "token", no_wrap=True)
    add_column(table, "id", justify="right", no_wrap=True)
    add_column(table, f"E[id] (D={result.dim})")
    for position, token in enumerate(result.tokens):
        add_row(table, Text(plain(token)), str(int(result.ids[position])), _vector(result.vectors[position]))
    return Group(title, table)


def _unknown_lines(result: EmbeddingResult) -> Text:
    """Which typed words became <unk>, and why: never seen, or seen too rarely."""
    text = Text()
    if not result.out_of_vocabulary:
        text.append(f"every typed word is in the vocabulary (seen at least {result.min_count} times)")
        return text
    reasons = []
    for item in result.out_of_vocabulary:
        if item.corpus_count == 0:
            reasons.append(f"{plain(item.token)} (never in the corpus)")
        elif item.corpus_count >= result.min_count:
            reasons.append(f"{plain(item.token)} ({item.corpus_count} times, beyond max size)")
        else:
            reasons.append(f"{plain(item.token)} ({item.corpus_count}x, below {result.min_count})")
    text.append("out of vocabulary -> <unk>: ")
    text.append(", ".join(reasons))
    text.append(". They share one row of E, so the model cannot tell them apart.")
    return text


def _neighbours(result: EmbeddingResult) -> RenderableType:
    """The word's nearest neighbours by cosine, with the table they come from named."""
    heading = Text(f"nearest neighbours of '{plain(result.word)}' by cosine", style="bold")
    description = Text(f"table: {plain(result.table_description)}", style="dim")
    if not result.neighbours:
        return Group(heading, Prose(plain(result.neighbour_note)), Prose(description))
    table = _table()
    add_column(table, "#", justify="right", no_wrap=True)
    add_column(table, "word", no_wrap=True)
    add_column(table, "cosine", no_wrap=True)
    for rank, (word, cosine) in enumerate(result.neighbours, start=1):
        add_row(table, str(rank), Text(plain(word)), Text(f"{bar(max(cosine, 0.0), 10)} {cosine:+.3f}"))
    return Group(heading, table, Prose(description))


def _bag_and_bigrams(result: EmbeddingResult) -> RenderableType:
    """The sentence and its reversal: one bag of words, different bigrams."""
    comparison = result.comparison
    bag = "  ".join(
        f"{plain(word)}:{int(count)}"
        for word, count in zip(comparison.vocabulary, comparison.first_bag, strict=True)
    )
    same_bag = "the same bag" if comparison.same_bag else "different bags"
    heading = Text("bag of words vs bigrams: the sentence and its words reversed", style="bold")
    bags = Text(f"bag (word:count, for both; {same_bag}): {bag}")
    shared = set(comparison.shared_bigrams)
    table = _table()
    add_column(table, "bigrams as typed", no_wrap=True)
    add_column(table, "bigrams reversed", no_wrap=True)
    first = [pair for pair, _ in comparison.first_bigrams]
    second = [pair for pair, _ in comparison.second_bigrams]
    for row in range(max(len(first), len(second), 1)):
        cells = []
        for pairs in (first, second):
            if row < len(pairs):
                pair = pairs[row]
                mark = "  (in both)" if pair in shared else ""
                cells.append(Text(f"{plain(pair[0])} {plain(pair[1])}{mark}"))
            else:
                cells.append(Text("-" if row == 0 else ""))
        add_row(table, *cells)
    if comparison.same_bag and not comparison.same_bigrams:
        verdict = "same bag, different bigrams: a bag of words cannot tell them apart; bigrams can."
    else:
        verdict = "the reversal reads the same here, so bigrams cannot tell them apart either."
    return Group(heading, Prose(bags, hang=2), table, Prose(verdict))


def view(result: EmbeddingResult) -> RenderableType:
    """Tokens and ids, one-hot and embedding rows, the exact lookup, neighbours, bag vs bigrams."""
    proof = Text(
        f"onehot(ids) @ E equals E[ids] exactly: max |difference| = {result.lookup_difference:g} "
        "(the single 1 picks row id, each 0 * E[j] adds 0), so frameworks look the row up instead."
    )
    corpus = Text(
        f"corpus: {result.corpus_tokens} tokens; typed text tokenized into {len(result.tokens)} tokens "
        "(lowercase words).",
        style="dim",
    )
    return Group(
        _tokens_table(result),
        Prose(_unknown_lines(result)),
        Text(""),
        _vectors_table(result),
        Prose(proof),
        Prose(corpus),
        Text(""),
        _neighbours(result),
        Text(""),
        _bag_and_bigrams(result),
    )
