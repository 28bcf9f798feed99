"""Card views: exact layout pieces a learner relies on."""

from __future__ import annotations

import io
import shlex

import pytest
from rich.console import Console
from rich.text import Text

from glossary.model import Term
from glossary.render.cards import Rows, demo_command, shell_word


@pytest.mark.parametrize("value", ["three purple", "", "it's", 'a"b', 2, 1.5, "ok", "$(rm -rf ~)"])
def test_shell_word_reads_back_as_the_same_single_argument(value: object) -> None:
    assert shlex.split(f"cmd {shell_word(value)}") == ["cmd", str(value)]


def test_demo_command_is_copy_pastable_with_its_parameters() -> None:
    term = Term(
        "oov", "OOV", "s", "d", "src", "t", demo="ngram", demo_params={"text": "three purple", "n": 3}
    )
    assert demo_command(term) == "glossary demo ngram --n 3 --text 'three purple'"


def test_rows_hang_wrapped_values_under_their_column() -> None:
    console = Console(file=io.StringIO(), width=30, color_system=None)
    console.print(Rows([(Text("uses"), Text("sigmoid, tanh, softmax, embedding, attention"))]))
    assert console.file.getvalue().splitlines() == [
        "uses  sigmoid, tanh, softmax,",
        "      embedding, attention",
    ]


def test_wrapped_paragraph_keeps_its_style_on_every_line() -> None:
    from glossary.render.cards import Paragraph

    console = Console(file=io.StringIO(), width=20, force_terminal=True, color_system="standard")
    console.print(Paragraph(Text("a bold summary that wraps", style="bold")))
    assert console.file.getvalue() == "\x1b[1ma bold summary that\x1b[0m\n\x1b[1mwraps\x1b[0m\n"


def _rich_tree(node):
    from rich.tree import Tree

    tree = Tree(node.label)

    def grow(branch, children) -> None:
        for child in children:
            grow(branch.add(child.label), child.children)

    grow(tree, node.children)
    return tree


@pytest.mark.parametrize("width", [12, 24, 40, 80])
@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("ascii_only", [False, True])
def test_the_guided_tree_draws_what_richs_tree_draws(width: int, colour: bool, ascii_only: bool) -> None:
    from glossary.render.tree import GuidedTree, Node

    leaf = Node(Text.assemble(("uses ", "cyan"), "a label long enough to wrap at narrow widths"))
    layered = Text("overlapping styles", style="italic")
    layered.stylize("bold", 0, 11)
    layered.stylize("red", 5, 18)
    root = Node(
        Text("recurrent neural network (RNN)", style="bold"),
        (
            Node(Text("is a kind of sequence model"), (leaf, Node(Text("tab\there")))),
            Node(Text("has the part hidden state"), (Node(Text("see also hidden layer")),)),
            leaf,
            Node(Text("two\nlines"), (leaf,)),
            Node(layered, (Node(Text.assemble(("a", "red"), ("b", "blue"), "c")),)),
        ),
    )

    def drawn(renderable) -> str:
        encoding = "ascii" if ascii_only else "utf-8"
        file = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace")
        console = Console(
            file=file, width=width, force_terminal=colour, color_system="standard" if colour else None
        )
        console.print(renderable)
        file.flush()
        return file.buffer.getvalue().decode(encoding, errors="replace")

    assert drawn(GuidedTree(root)) == drawn(_rich_tree(root))


@pytest.mark.parametrize("width", [40, 60, 80, 140])
def test_the_list_never_breaks_a_formula_and_folds_long_names_under_themselves(width: int) -> None:
    from glossary.render.cards import term_list_chunks

    sigmoid = Term(
        "sigmoid", "sigmoid", "The S-shaped function 1 / (1 + exp(-x)) squashing any x", "d", "s", "t"
    )
    oov = Term(
        "oov", "out-of-vocabulary token", "The stand-in for unknown words", "d", "s", "t", abbreviation="OOV"
    )
    console = Console(file=io.StringIO(), width=width, color_system=None)
    for part in term_list_chunks([("Topic (topic)", [sigmoid, oov])], [("sigmoid", ""), (oov.name, "OOV")]):
        console.print(part)
    lines = console.file.getvalue().splitlines()
    assert any("1 / (1 + exp(-x))" in line for line in lines), lines  # the formula on one line
    assert all(len(line) <= width and "…" not in line for line in lines), lines
    text = "\n".join(lines)  # the summary holds none of the name's words
    assert "out-of-" in text and "vocabulary" in text and "(OOV)" in text  # folded, every letter kept
