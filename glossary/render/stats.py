"""The learner's statistics drawn: headline numbers, a 7-day due forecast and a mastery map.

Bars and blocks repeat the digits next to them, so the view reads the same with NO_COLOR.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from glossary.render.charts import bar
from glossary.render.safe import plain
from glossary.render.when import due_text

if TYPE_CHECKING:
    from glossary.progress import Stats, TermMastery

BAR_WIDTH = 20


def _t(text: str, style: str = "") -> Text:
    return Text(plain(text), style=style)


def _level(term: TermMastery) -> str:
    """new, weak, shaky or known; a term missed in its latest review is never known."""
    value = term.retrievability
    if value is None:
        return "new"
    if value < 0.5:
        return "weak"
    return "shaky" if value < 0.85 or term.last_failed else "known"


STYLES = {"new": "dim", "weak": "red", "shaky": "yellow", "known": "green"}
MARKS = {"new": "·", "weak": "░", "shaky": "▒", "known": "█"}


def headline(stats: Stats) -> Text:
    """Reviews, retention and streak on one line."""
    retention = f"{stats.retention:.0%}" if stats.retention is not None else "-"
    days = "day" if stats.streak == 1 else "days"
    return Text.assemble(
        ("Reviews ", "bold"),
        f"{stats.reviews} ({stats.reviewed_today} today)   ",
        ("Retention ", "bold"),
        f"{retention}   ",
        ("Streak ", "bold"),
        f"{stats.streak} {days}",
    )


def due_line(stats: Stats) -> Text | None:
    """'Due now: 3 · next review now': what ``glossary review`` would do at this moment."""
    if stats.next_due is None or stats.now is None:
        return None
    from datetime import datetime

    when = due_text(datetime.fromisoformat(stats.next_due), stats.now)
    return Text.assemble(("Due now ", "bold"), f"{stats.due_now}   ", ("Next review ", "bold"), when)


def forecast_view(stats: Stats) -> Table:
    """Cards due on each of the next seven days as bars (today: overdue and later today; a card
    held back by sibling burying or a daily limit counts on the day it can be asked)."""
    table = Table(title="Due in the next 7 days", title_justify="left", box=None, show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    most = max((count for _, count in stats.forecast), default=0) or 1
    for index, (day, count) in enumerate(stats.forecast):
        label = "today" if index == 0 else date.fromisoformat(day).strftime("%a %d")
        table.add_row(label, Text(bar(count / most, BAR_WIDTH), style="cyan"), str(count))
    return table


def _cell(term: TermMastery) -> Text:
    if term.retrievability is None:
        return Text("·" * BAR_WIDTH, style="dim")
    return Text(bar(term.retrievability, BAR_WIDTH), style=STYLES[_level(term)])


def mastery_view(stats: Stats) -> RenderableType:
    """Per topic: one block per term (█ known, ▒ shaky, ░ weak, · new), then a bar per seen term."""
    parts: list[RenderableType] = [Text("Mastery (FSRS chance of recall tomorrow)", style="bold")]
    for _topic, title, terms in stats.mastery:
        blocks = Text()
        for term in terms:
            blocks.append(MARKS[_level(term)], style=STYLES[_level(term)])
        seen = [t for t in terms if t.retrievability is not None]
        missed = sum(t.last_failed for t in terms)
        note = f"  {len(seen)}/{len(terms)} seen" + (f", {missed} missed last time" if missed else "")
        parts.append(Text.assemble(_t(f"{title} ", "bold magenta"), blocks, (note, "dim")))
        if seen:
            table = Table(box=None, show_header=False, padding=(0, 1, 0, 2))
            table.add_column(no_wrap=True)
            table.add_column(no_wrap=True)
            table.add_column(justify="right")
            for term in seen:
                table.add_row(_t(term.name), _cell(term), f"{term.retrievability:.0%}")
            parts.append(table)
    parts.append(Text("█ known (≥85%)  ▒ shaky  ░ weak (<50%)  · not yet seen", style="dim"))
    return Group(*parts)


def confusions_view(stats: Stats) -> RenderableType:
    """ "You confuse bigram and trigram (3x)", most frequent first."""
    if not stats.confusions:
        return Text("No confusions recorded.", style="dim")
    lines = [Text("Confusions", style="bold")]
    for first, second, count in stats.confusions[:10]:
        lines.append(Text.assemble("  you confuse ", _t(first, "bold"), " and ", _t(second, "bold"),
                                   f" ({count}x)"))  # fmt: skip
    return Group(*lines)


def relation_errors_view(stats: Stats) -> RenderableType | None:
    """ "forget gate: you picked RNN, the answer is LSTM (1x)": links the learner misplaced."""
    if not stats.relation_errors:
        return None
    lines = [Text("Relation errors", style="bold")]
    for term, picked, answer, count in stats.relation_errors[:10]:
        lines.append(Text.assemble("  ", _t(term, "bold"), ": you picked ", _t(picked), ", the answer is ",
                                   _t(answer), f" ({count}x)"))  # fmt: skip
    return Group(*lines)


def stats_view(stats: Stats) -> RenderableType:
    """Everything ``glossary stats`` shows, top to bottom."""
    if stats.reviews == 0:
        intro = Text("No reviews yet. Start with: glossary tour  (or glossary quiz)", style="bold")
    else:
        intro = headline(stats)
    due = due_line(stats)
    parts: list[RenderableType] = [intro, *([due] if due else []), Text(), forecast_view(stats)]
    parts += [Text(), mastery_view(stats)]
    parts += [Text(), confusions_view(stats)]
    relation_errors = relation_errors_view(stats)
    if relation_errors is not None:
        parts += [Text(), relation_errors]
    return Group(*parts)
