"""The rating screen after a revealed answer, and the line that says what was rated and when next.

After a right answer at a terminal the learner sees the four FSRS ratings with the interval each
would give (the scheduler run on a copy of the card for each), the default in brackets:

    Again <1m   Hard 6m   [Good 10m]   Easy 8d
    Enter keeps Good; 1-4 or a/h/g/e picks another; u undoes this answer.

Every due time goes through ``glossary.render.when`` so it reads as on every other screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.model import RATING_NAMES
from glossary.render.prose import Prose
from glossary.render.safe import plain
from glossary.render.when import due_text, interval_text

if TYPE_CHECKING:
    from datetime import datetime

    from glossary.session import Answered


def rating_view(dues: dict[int, datetime], now: datetime, default: int) -> RenderableType:
    """The four ratings with their intervals, the default in brackets, and the keys."""
    line = Text("  ")
    for rating, due in sorted(dues.items()):
        label = f"{RATING_NAMES[rating]} {interval_text((due - now).total_seconds())}"
        if rating > 1:
            line.append("   ")
        line.append(f"[{label}]" if rating == default else label, style="bold" if rating == default else "")
    name = RATING_NAMES[default]
    keys = Text(f"  Enter keeps {name}; 1-4 or a/h/g/e picks another; u undoes this answer.", style="dim")
    return Group(line, keys)


def rating_prompt(default: int) -> str:
    """The input line of the rating screen."""
    return f"Rating [{RATING_NAMES[default]}]: "


def rating_hint(default: int) -> Text:
    """A re-ask after a key that is not a rating."""
    return Text(
        f"Press Enter for {RATING_NAMES[default]}, 1-4 or a/h/g/e for Again/Hard/Good/Easy, or u to undo.",
        style="yellow",
    )


def rated_line(answered: Answered) -> RenderableType:
    """'Rated Good; next review in 10 minutes. Card: glossary show X', or what practice changed."""
    question, recorded = answered.question, answered.recorded
    card = Text(plain(f"Card: glossary show {question.answer_slug or question.slug}"), style="dim")
    if recorded.practice:
        head = Text("Practice: the schedule is unchanged. ", style="dim")
    else:
        when = due_text(recorded.due, recorded.reviewed_at) if recorded.due else "not scheduled"
        head = Text(f"Rated {RATING_NAMES[recorded.rating]}; next review {when}. ", style="dim")
    head.append_text(card)
    if not recorded.leech:
        return Prose(head)
    leech = Text(
        f"This card has lapsed {recorded.lapses} times: it is now a leech and suspended. Read the card, "
        f"then bring it back with: glossary unsuspend {plain(str(recorded.card_id))}",
        style="yellow",
    )
    return Group(Prose(head), Prose(leech))


def undone_view(number: int) -> Text:
    """The answer taken back, and what happens now."""
    return Text(f"Undone: the answer to question {number} is removed and its card restored. Answer it again.",
                style="yellow")  # fmt: skip
