"""Output that behaves (issue 10): source never wrapped, formulas never broken, prose capped."""

from __future__ import annotations

import io
import textwrap

import pytest
from rich.console import Console

from glossary.render.demos import code_view
from glossary.render.trim import trimming
from seqml.demos import DEMOS, code_sources


def _functions(listing: str) -> list[tuple[str, str]]:
    """The listing split at its '# seqml.module:function' headers."""
    found: list[tuple[str, list[str]]] = []
    for line in listing.split("\n"):
        if line.startswith("# seqml."):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return [(name, "\n".join(lines)) for name, lines in found]


def test_piped_code_is_never_wrapped_and_every_function_compiles(run) -> None:
    result = run("demo", "lstm-step", "--code", env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    functions = _functions(result.output)
    assert [name for name, _ in functions] == [name for name, _ in code_sources(DEMOS["lstm-step"])]
    for name, source in functions:
        compile(textwrap.dedent(source), name, "exec")
    longest = max(len(line) for _, source in code_sources(DEMOS["lstm-step"]) for line in source.splitlines())
    assert longest > 40  # the listing really is wider than the pipe's columns
    assert max(len(line) for line in result.output.split("\n")) == longest


def test_on_a_terminal_a_long_source_line_is_cut_with_an_ellipsis_not_wrapped() -> None:
    source = "def f(x):\n    return x + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11\n"
    console = trimming(Console(width=30, file=io.StringIO(), color_system=None))
    console.print(code_view([("m:f", source)]))
    lines = console.file.getvalue().split("\n")
    assert lines[:3] == ["# m:f", "def f(x):", "    return x + 1 + 2 + 3 + 4 …"]
    assert all(len(line) <= 30 for line in lines)


def _wrap(text: str, width: int, hang: int = 0) -> list[str]:
    from rich.text import Text

    from glossary.render.prose import wrap_lines

    return [line.plain for line in wrap_lines(Text(text), width, hang)]


def test_a_formula_moves_to_its_own_line_whole() -> None:
    lines = _wrap("one RNN cell, run once per word: h_t = tanh(W_ih x_t + W_hh h_(t-1) + b)", 60)
    assert lines == ["one RNN cell, run once per word:", "h_t = tanh(W_ih x_t + W_hh h_(t-1) + b)"]


def test_an_interval_is_never_split_but_a_bracket_of_words_may_be() -> None:
    for width in range(12, 40):
        lines = _wrap("the slope lies in [-1, 1] (like any tanh, a squashing function)", width)
        assert any("[-1, 1]" in line for line in lines)
    assert _wrap("(like any tanh, a squashing)", 14) == ["(like any", "tanh, a", "squashing)"]


def test_a_formula_wider_than_the_screen_is_cut_with_an_ellipsis() -> None:
    assert _wrap("h_t = tanh(W_ih x_t + W_hh h_(t-1) + b)", 20) == ["h_t = tanh(W_ih x_t…"]


def test_a_command_stays_whole_and_breaks_at_its_words_only_when_wider_than_the_line() -> None:
    text = "Rated Good; next review in 10 minutes. Card: glossary show vanishing-gradient-problem"
    assert _wrap(text, 70) == [
        "Rated Good; next review in 10 minutes. Card:",
        "glossary show vanishing-gradient-problem",
    ]
    long_command = "run glossary demo lstm-step --forget-bias 3 --hidden 8 --seed 7"
    assert " ".join(_wrap(long_command, 24, hang=2)).split() == long_command.split()


def test_quiz_options_wrap_with_a_hanging_indent() -> None:
    from glossary.quiz.base import Option, Question
    from glossary.render.quiz import question_view

    long_option = "a network run once per element of a sequence, feeding its hidden values into the next run"
    question = Question(
        slug="rnn",
        qtype="meaning",
        prompt="What does RNN mean?",
        answer="x",
        answer_slug="rnn",
        reason="",
        options=(Option(text=long_option, slug="rnn"), Option(text="short", slug="lstm")),
    )
    console = trimming(Console(width=50, file=io.StringIO(), color_system=None))
    console.print(question_view(question, 1, 1))
    lines = console.file.getvalue().split("\n")
    first = next(index for index, line in enumerate(lines) if line.startswith("  1. "))
    assert lines[first + 1].startswith("     ") and lines[first + 1].strip()
    assert lines[first + 2].startswith("     ") or lines[first + 2].startswith("  2. ")


def test_prose_stops_at_88_columns_on_a_wide_terminal_while_tables_use_the_width(run) -> None:
    card = run("show", "lstm", env={"COLUMNS": "140"}).output
    assert max(len(line) for line in card.split("\n")) <= 88
    assert max(len(line) for line in card.split("\n")) > 80
    demo = run(
        "demo", "rnn-unroll", "--text", "the cat sat on the mat and then it ran", env={"COLUMNS": "140"}
    ).output
    notice = demo[demo.index("Notice:") :].split("\n")
    assert len(notice) > 2 and max(len(line) for line in notice) <= 88
    assert max(len(line) for line in demo.split("\n")) > 88  # the unrolled table takes the room


@pytest.mark.parametrize(
    "name", ["gru-step", "lstm-step", "bidirectional", "decoding", "embedding", "gradient-flow"]
)
def test_every_demo_caption_stops_at_88_columns_on_a_wide_terminal(run, name: str) -> None:
    """Captions are prose: only tables, charts, formulas and the parameter line may be wider."""
    output = run("demo", name, env={"COLUMNS": "200"}).output
    long_prose = [
        line
        for line in output.split("\n")
        if len(line) > 88
        and not line.startswith("--")
        and not set(line) & set("│─┃━▁▂▃▄▅▆▇█▏▎▍▌▋▊▉")
        and "  " not in line.strip()  # columns of a table or a row of formulas
    ]
    assert long_prose == []


def test_a_formula_wider_than_the_line_breaks_before_a_relation_rather_than_lose_its_answer() -> None:
    """At 40 columns the quiz's feedback read ``... = sigmoid(3.5) = 0…``: the answer was cut."""
    text = "f = sigmoid(0.5 + 3) = sigmoid(3.5) = 0.97: it keeps 97% of the old cell state."
    assert _wrap(text, 40) == [
        "f = sigmoid(0.5 + 3) = sigmoid(3.5)",
        "= 0.97: it keeps 97% of the old cell",
        "state.",
    ]
    assert all("…" not in line for width in range(20, 60) for line in _wrap(text, width))


def test_a_question_header_never_names_a_term_that_is_one_of_its_options() -> None:
    """A computed question on the vanishing gradient card, answer 'exploding gradient problem',
    was headed 'vanishing gradient problem · work it out with numbers': it pointed at a wrong option."""
    from dataclasses import replace

    from glossary.quiz.base import Option, Question
    from glossary.render.quiz import header_text

    options = (
        Option(text="exploding gradient problem", slug="exploding-gradient-problem"),
        Option(text="vanishing gradient problem", slug="vanishing-gradient-problem"),
    )
    question = Question(
        slug="vanishing-gradient-problem",
        qtype="computed",
        prompt="rho = 1.5 over 50 steps: what happens?",
        answer="exploding gradient problem",
        answer_slug="exploding-gradient-problem",
        reason="",
        options=options,
        subject="vanishing gradient problem",
    )
    assert header_text(question) == "Work it out with numbers"
    numbers = replace(question, options=(Option(text="0.97", slug=""), Option(text="0.03", slug="")))
    assert header_text(numbers) == "vanishing gradient problem · work it out with numbers"


@pytest.mark.parametrize("width", [30, 40, 50])
def test_a_quiz_header_never_ends_a_line_on_its_separator_and_hangs_under_itself(width: int) -> None:
    import io

    from rich.console import Console

    from glossary.quiz.base import Option, Question
    from glossary.render.quiz import question_view

    question = Question(
        slug="vanishing-gradient-problem", qtype="links", prompt="Which term is linked?", answer="a",
        answer_slug="a", reason="", options=(Option("a", "a"), Option("b", "b")),
        subject="vanishing gradient problem",
    )  # fmt: skip
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(question_view(question, 12, 20))
    lines = console.file.getvalue().splitlines()
    header = lines[lines.index(next(line for line in lines if line.startswith("Question"))) :][:3]
    assert not any(line.rstrip().endswith("\u00b7") for line in header), header
    assert header[1].startswith("  "), header  # the continuation hangs under the header
