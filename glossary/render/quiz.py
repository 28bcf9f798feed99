"""Quiz views: a question, the verdict after an answer, the session summary, and the terminal IO.

Questions carry stored text (summaries, names, examples), so every piece goes through ``plain``
inside ``Text``: an imported term cannot style or move the learner's terminal. ``TerminalIO`` is
the one place a quiz prints and reads; the core (``glossary.session.run_session``) only calls it.
The core's records are imported for types only: drawing a question never loads the quiz engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from glossary.render.prose import Prose
from glossary.render.rating import rated_line, rating_hint, rating_prompt, rating_view, undone_view
from glossary.render.safe import plain
from glossary.render.when import due_text

if TYPE_CHECKING:
    from datetime import datetime

    from glossary.quiz.base import Question
    from glossary.session import Answered, SessionResult

# The kind of question in words, for its header. The header names the term too, except where
# the term is the answer (define, recall, abbreviation, example): there it would give it away;
# nor where it is one of the options ("vanishing gradient problem" over a question whose answer
# is "exploding gradient problem"), where it would point at one.
TYPE_LABELS = {
    "define": "name the term for a definition",
    "meaning": "what it means",
    "recall": "type the term for a definition",
    "relation": "how it links to other terms",
    "example": "which kind an example is",
    "abbreviation": "what an abbreviation stands for",
    "computed": "work it out with numbers",
}
NAMES_THE_ANSWER = ("define", "recall", "abbreviation", "example")


def header_text(question: Question) -> str:
    """ "forget gate · how it links to other terms": the term and the kind of question in words."""
    kind = TYPE_LABELS.get(question.qtype, question.qtype)
    offered = {option.text.casefold() for option in question.options}
    if question.qtype in NAMES_THE_ANSWER or not question.subject or question.subject.casefold() in offered:
        return kind[:1].upper() + kind[1:]
    return f"{question.subject} \u00b7 {kind}"


def _t(text: str, style: str = "") -> Text:
    return Text(plain(text), style=style)


def question_view(question: Question, number: int, total: int) -> RenderableType:
    """The question, its numbered options (or a note that the answer is typed) and the keys."""
    header = Text.assemble(
        (f"Question {number}/{total}", "bold"),
        ("  \u00b7 ", "dim"),
        _t(header_text(question), "dim"),
    )
    # as prose: a "·" stays with the words on both sides, never ending a line on a narrow screen
    parts: list[RenderableType] = [Prose(header, hang=2), Prose(_t(question.prompt))]
    if question.detail:
        parts.append(Padding(Group(*(_t(line, "cyan") for line in question.detail)), (0, 0, 0, 4)))
    for index, option in enumerate(question.options, start=1):
        number = f"  {index}. "
        parts.append(Prose(Text.assemble(number, _t(option.text)), hang=len(number) - 2))
    keys = "type the term" if question.typed else f"1-{len(question.options)} or the option's text"
    parts.append(Prose(f"  ({keys}; ? shows the card; u undoes; q quits)", style="dim", hang=1))
    return Group(Text(), *parts)


def prompt_text(question: Question) -> str:
    """The short prompt on the input line."""
    return "Your answer: " if question.typed else f"Answer [1-{len(question.options)}]: "


def hint_view(hint: str) -> Text:
    """A re-ask after unusable input: what was wrong and what to type."""
    return _t(hint, "yellow")


def feedback_view(answered: Answered, rated: bool = True) -> RenderableType:
    """Right or wrong, the right answer with its one-line reason, and (``rated``) the rating line."""
    question, verdict = answered.question, answered.grade
    if verdict.correct:
        head = Text("\u2713 Right.", style="bold green")
        if verdict.note:
            head.append(" ")
            head.append(_t(verdict.note[:1].upper() + verdict.note[1:], "green"))
    else:
        head = Text("\u2717 Not quite.", style="bold red")
        head.append(" The answer is ")
        head.append(_t(question.answer, "bold"))
        head.append(".")
    if verdict.peeked:  # practice moves no schedule: nothing comes back sooner for it
        soon = "" if answered.recorded.practice else " and comes back soon"
        head.append(f" (You opened the card, so it counts as missed{soon}.)", style="dim")
    lines: list[RenderableType] = [Prose(head, hang=2)]
    if answered.lesson:
        lines.append(Prose(_t(answered.lesson)))
    if not answered.lesson or question.reason.rstrip(".").casefold() not in answered.lesson.casefold():
        lines.append(Prose(_t(question.reason)))  # a relation's lesson already ends with the reason
    if rated:
        lines.append(rated_line(answered))
    return Group(*lines)


def _when(due: datetime, now: datetime) -> str:
    """The next review in words, as every screen writes it (``glossary.render.when``)."""
    return due_text(due, now)


def summary_view(result: SessionResult, now: datetime, next_due: datetime | None = None) -> RenderableType:
    """The end of a session: the score, what was missed, how it ended and what comes next."""
    answered = len(result.answered)
    stopped = {
        "done": "",
        "quit": "Stopped at your request.",
        "eof": "Input ended.",
        "interrupt": "Interrupted.",
    }[result.stopped]
    lines: list[RenderableType] = [Text()]
    if stopped:
        lines.append(Text(f"{stopped} Every answer you gave is saved.", style="dim"))
    if answered:
        lines.append(Text(f"Score: {result.recalled}/{answered} right.", style="bold"))
    else:
        lines.append(Text("No answers recorded.", style="bold"))
    missed = [a for a in result.answered if not a.recalled]
    if missed:
        lines.append(Text("Review these cards:"))
        for slug in dict.fromkeys(a.question.answer_slug or a.question.slug for a in missed):
            lines.append(Text.assemble("  glossary show ", _t(slug)))
    if next_due is not None:
        lines.append(Text(f"Next review {_when(next_due, now)}.", style="dim"))
    return Group(*lines)


def tour_intro_view(name: str) -> Text:
    """The line before the tour's questions: what they are on and that they schedule nothing."""
    practice = ". They are practice: nothing is scheduled yet."
    return Text.assemble("\nNow three questions on ", _t(name), practice)


def next_steps_view(slug: str) -> RenderableType:
    """Where to go after the tour: the quiz, any card, the demos."""
    rows = (
        ("glossary quiz", "practise every term, due cards first, new ones a few a day"),
        ("glossary show TERM", f"read any term's card, such as {slug}"),
        ("glossary demos", "list every live demo"),
    )
    lines = [Text(), Text("Next steps", style="bold")]
    lines += [Text.assemble("  ", (f"{command:<20}", "cyan"), _t(what)) for command, what in rows]
    return Group(*lines)


class TerminalIO:
    """Show questions on a console and read answers line by line (terminal or pipe)."""

    def __init__(
        self,
        console: Console,
        read_line: Callable[[str], str],
        timed: bool,
        show_card: Callable[[str], RenderableType],
        echo_answers: bool = False,
    ) -> None:
        self.console = console
        self.read_line = read_line
        self.timed = timed
        self.show_card = show_card
        self.echo_answers = echo_answers  # piped input: print what was read, so a log reads naturally
        self.rates = timed  # a person at a terminal rates each right answer on the rating screen
        self.shown: tuple[Question, int, int] | None = None  # the question on screen, for ``?``

    def question(self, question: Question, number: int, total: int) -> None:
        self.shown = (question, number, total)
        self.console.print(question_view(question, number, total))

    def ask(self, question: Question) -> str:
        prompt = prompt_text(question)
        line = self.read_line(prompt)
        if self.echo_answers:
            self.console.print(Text(prompt) + _t(line.rstrip("\n")[:200]))
        return line

    def hint(self, text: str) -> None:
        self.console.print(hint_view(text))

    def card(self, slug: str) -> None:
        """The card, then the question and its options again: the card must not push them away."""
        self.console.print(self.show_card(slug))
        if self.shown is not None:
            self.console.print(question_view(*self.shown))

    def feedback(self, answered: Answered, final: bool = True) -> None:
        self.console.print(feedback_view(answered, rated=final))

    def rate(self, answered: Answered, dues: dict[int, datetime], again: bool = False) -> str:
        """Show the rating screen (once) and read a key line; the session interprets it."""
        default = answered.grade.rating
        if again:
            self.console.print(rating_hint(default))
        else:
            self.console.print(rating_view(dues, answered.recorded.reviewed_at, default))
        return self.read_line(rating_prompt(default))

    def rated(self, answered: Answered) -> None:
        self.console.print(rated_line(answered))

    def undone(self, number: int) -> None:
        self.console.print(undone_view(number))

    def last_word(self) -> str:
        return self.read_line("Enter finishes; u undoes this answer: ")
