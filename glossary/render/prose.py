"""Prose that wraps like a careful typesetter: never inside a formula, an interval or a command.

rich wraps text at any space, so a caption breaks as ``h_t = tanh(W_ih x_t +`` / ``W_hh h_(t-1) +
b)`` and an interval as ``[-1,`` / ``1]``. ``wrap_lines`` first finds the spaces that must not
break, then fills lines greedily at the others:

- inside a bracketed group whose words are all math-like (``(0, 1)``, ``[-1, 1]``,
  ``(W_hn h + b_hn)``); a bracket of words (``(same weights)``) still breaks;
- on both sides of an operator standing alone (``=``, ``+``, ``->``, ``<=``...), and between two
  math-like words (``sum_k exp(z_k``), so ``h_t = tanh(...)`` moves to a line as one piece;
- inside a command (``glossary show lstm``, ``glossary demo lstm-step --forget-bias 3``).

A formula wider than the whole line breaks before its relations (``=``, ``<``, ``->``...), as a
typesetter breaks a displayed equation, when every piece then fits: at 40 columns the quiz's
``f = sigmoid(0.5 + 3) = sigmoid(3.5) = 0.97`` keeps its answer. Where even that does not fit,
it is cut with an ellipsis (it is a picture of an equation; the demo's ``--json`` and
``--code`` keep the full thing); a command wider than the line, which a
learner must be able to copy, breaks at its spaces instead. Continuation lines take a hanging
indent, and prose lines stop at ``CAP`` columns on wide terminals, where longer lines read badly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

CAP = 88  # the longest prose line, whatever the terminal's width
OPERATORS = frozenset(
    ["=", "==", "!=", "+", "-", "*", "/", "<", ">", "<=", ">=", "->", "=>", "~", "≈", "×", "·", "≤", "≥", "±"]
)
RELATIONS = frozenset(["=", "==", "!=", "<", ">", "<=", ">=", "->", "=>", "~", "≈", "≤", "≥"])
FUNCTIONS = frozenset(["log", "exp", "tanh", "sigmoid", "softmax", "max", "min", "sum", "sqrt", "argmax"])
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?%?")
_MATH_MARK = re.compile(r"[_^|=<>*/+()\[\]]")
_WORD = re.compile(r"\S+")
_COMMAND = re.compile(r"\bglossary(?: (?:--?[\w-]+(?:=\S+)?|[\w'\"][\w.:'\"/=-]*))+")
_OPENERS, _CLOSERS = "([{", ")]}"


def _math_like(word: str) -> bool:
    """A word that reads as part of a formula: a symbol, a number, a subscript, a bracket, f(x)."""
    core = word.strip(",.;:")
    if not core:
        return False
    if len(core) == 1 and core.isalpha():
        return True
    bare = core.strip("()[]{},.;:!?")
    if len(bare) > 1 and bare.isalpha() and bare not in FUNCTIONS:
        return False  # a word in brackets, "(same" or "word)", is prose
    return bool(_NUMBER.fullmatch(core) or _MATH_MARK.search(core) or core in FUNCTIONS or core in OPERATORS)


def _bracket_groups(line: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each outermost balanced bracket group in the line."""
    depth, start = 0, 0
    for index, char in enumerate(line):
        if char in _OPENERS:
            if depth == 0:
                start = index
            depth += 1
        elif char in _CLOSERS and depth:
            depth -= 1
            if depth == 0:
                yield start, index + 1


def _joined_gaps(line: str, words: list[re.Match[str]]) -> list[bool]:
    """For each gap between two neighbouring words, whether a break there would split a formula
    or a command (the i-th entry is the gap after the i-th word)."""
    math = [_math_like(word.group()) for word in words]
    joined = [
        left.group() in OPERATORS or right.group() in OPERATORS or (math[i] and math[i + 1])
        for i, (left, right) in enumerate(pairwise(words))
    ]
    groups = [(start, end) for start, end in _bracket_groups(line) if _all_math(line[start + 1 : end - 1])]
    spans = groups + [match.span() for match in _COMMAND.finditer(line)]
    for begin, end in spans:  # a formula in brackets or a command keeps the plain spaces inside it
        for i, (left, right) in enumerate(pairwise(words)):
            gap = line[left.end() : right.start()]
            if begin <= left.end() and right.start() <= end and not gap.strip(" "):
                joined[i] = True
    return joined


def _all_math(text: str) -> bool:
    return all(_math_like(word) for word in text.split())


def _units(line: str, start: int) -> list[tuple[int, int, bool]]:
    """The line from ``start`` cut into unbreakable units: (start, end, is_command)."""
    words = list(_WORD.finditer(line))
    joined = _joined_gaps(line, words)
    commands = [match.span() for match in _COMMAND.finditer(line)] if "glossary" in line else []
    units: list[tuple[int, int, bool]] = []
    for i, match in enumerate(words):
        if match.start() < start:
            continue
        if units and joined[i - 1]:
            units[-1] = (units[-1][0], match.end(), units[-1][2])
        else:
            in_command = any(begin <= match.start() < end for begin, end in commands)
            units.append((match.start(), match.end(), in_command))
    return units


def _cut(piece: Text, width: int) -> Text:
    """``piece`` cut to ``width`` columns, its last one an ellipsis."""
    if piece.cell_len <= width:
        return piece
    cut = piece[: max(width - 1, 0)]
    cut.rstrip()
    cut.append("…", style="dim")
    return cut


def _split_command(line: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """A command too wide for the line, as its words: it wraps rather than lose a character."""
    return [(match.start(), match.end(), False) for match in _WORD.finditer(line[:end], start)]


def _split_formula(line: str, start: int, end: int, room: int) -> list[tuple[int, int, bool]]:
    """A formula too wide for the line, as pieces each starting at a relation (``= 0.97``), when
    every piece fits in ``room``; else the formula whole, to be cut."""
    whole = [(start, end, False)]
    breaks = [m.start() for m in _WORD.finditer(line[:end], start + 1) if m.group() in RELATIONS]
    bounds = zip([start, *breaks], [*breaks, end], strict=True)
    pieces = [(begin, len(line[:stop].rstrip()), False) for begin, stop in bounds]
    return pieces if breaks and all(stop - begin <= room for begin, stop, _ in pieces) else whole


def wrap_lines(text: Text, width: int, hang: int = 0, fold: bool = False) -> list[Text]:
    """``text`` as lines of at most ``width`` columns, broken only where prose may break.

    Each paragraph (a line of ``text``) keeps its leading indent; its continuation lines are
    indented ``hang`` columns more. Spacing inside a line is kept as written. A piece wider than
    its line is cut with an ellipsis, or with ``fold`` (a name, where every letter counts)
    continued on the next lines.
    """
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        plain_line = paragraph.plain.rstrip()
        indent = len(plain_line) - len(plain_line.lstrip(" "))
        if len(plain_line) <= width or not plain_line.strip():
            kept = paragraph[: len(plain_line)]
            lines.append(kept)
            continue
        units: list[tuple[int, int, bool]] = []
        for start, end, is_command in _units(plain_line, indent):
            room = width - indent - hang
            if end - start <= room:
                units.append((start, end, False))
            elif is_command:
                units.extend(_split_command(plain_line, start, end))
            else:
                units.extend(_split_formula(plain_line, start, end, room))
        current: tuple[int, int] | None = None
        prefix = indent
        for start, end, _ in units:
            if current is None:
                current = (start, end)
            elif prefix + end - current[0] <= width:
                current = (current[0], end)
            else:
                lines += _placed(paragraph[current[0] : current[1]], prefix, indent + hang, width, fold)
                prefix = indent + hang
                current = (start, end)
        if current is not None:
            lines += _placed(paragraph[current[0] : current[1]], prefix, indent + hang, width, fold)
    return lines


def _placed(piece: Text, prefix: int, hanging: int, width: int, fold: bool) -> list[Text]:
    """``piece`` after ``prefix`` spaces: cut to the line, or folded onto hanging lines."""
    if not fold or piece.cell_len <= width - prefix:
        return [Text(" " * prefix) + _cut(piece, width - prefix)]
    offsets = _fold_offsets(piece.plain, width - prefix, max(width - hanging, 1))
    parts = piece.divide(offsets)
    return [Text(" " * (prefix if index == 0 else hanging)) + part for index, part in enumerate(parts)]


def _fold_offsets(text: str, first: int, rest: int) -> list[int]:
    """Where to fold ``text`` so its first line holds ``first`` columns and the others ``rest``:
    after a hyphen where one falls in reach (out-of- / vocabulary), else at the last column."""
    offsets: list[int] = []
    start, room = 0, max(first, 1)
    while cell_len(text[start:]) > room:
        end = start
        while end < len(text) and cell_len(text[start : end + 1]) <= room:
            end += 1
        hyphen = text.rfind("-", start, end)
        cut = hyphen + 1 if hyphen > start else max(end, start + 1)
        offsets.append(cut)
        start, room = cut, rest
    return offsets


class Prose:
    """Text drawn with ``wrap_lines``: formulas and commands whole, a hanging indent, at most CAP wide."""

    def __init__(
        self, text: str | Text, style: str = "", hang: int = 0, cap: int | None = CAP, fold: bool = False
    ) -> None:
        self.text = Text(text, style=style) if isinstance(text, str) else text
        self.hang = hang
        self.cap = cap
        self.fold = fold

    def lines(self, console: Console, width: int) -> list[Text]:
        """The wrapped lines at ``width`` (capped)."""
        return wrap_lines(self.text, min(width, self.cap) if self.cap else width, self.hang, self.fold)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Each wrapped line, styled as the text was, never wrapped again by rich."""
        base = console.get_style(self.text.style) if self.text.style else None
        for line in self.lines(console, options.max_width):
            yield from Segment.apply_style(line.render(console, end=""), base)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as its longest line at the available width."""
        longest = max((line.cell_len for line in self.lines(console, options.max_width)), default=0)
        return Measurement(1, longest)
