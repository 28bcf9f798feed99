"""The learner's statistics drawn: headline numbers, a 7-day due forecast and a mastery map.

Bars and blocks repeat the digits next to them, so the view reads the same with NO_COLOR.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.charts import bar
from glossary.render.safe import plain
from glossary.render.when import due_text

if TYPE_CHECKING:
    from glossary.fitting import Fit
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


def forecast_view(stats: Stats) -> RenderableType:
    """Cards due on each of the next seven days as bars (today: overdue and later today; a card
    held back by sibling burying or a daily limit counts on the day it can be asked)."""
    lines: list[RenderableType] = [Text("Due in the next 7 days")]
    most = max((count for _, count in stats.forecast), default=0) or 1
    width = max((len(str(count)) for _, count in stats.forecast), default=1)
    for index, (day, count) in enumerate(stats.forecast):
        label = "today" if index == 0 else date.fromisoformat(day).strftime("%a %d")
        bars = Text(bar(count / most, BAR_WIDTH), style="cyan")
        lines.append(Text.assemble(f" {label:<6} ", bars, f" {count:>{width}}"))
    return Group(*lines)


def _cell(term: TermMastery) -> Text:
    if term.retrievability is None:
        return Text("·" * BAR_WIDTH, style="dim")
    return Text(bar(term.retrievability, BAR_WIDTH), style=STYLES[_level(term)])


def mastery_view(stats: Stats) -> RenderableType:
    """Per topic a strip of one mark per term, then a bar per seen term; the strips start in one
    column and the names of every topic share one width, so the bars line up down the screen."""
    parts: list[RenderableType] = [
        Text("Mastery (FSRS chance of recall tomorrow)", style="bold"),
        Text("Each strip has one mark per term of the topic, in pack order:", style="dim"),
        Text("█ known (≥85%)  ▒ shaky  ░ weak (<50%)  · not yet seen", style="dim"),
    ]
    title_width = max((cell_len(plain(title)) for _, title, _ in stats.mastery), default=0)
    every = [t for _, _, terms in stats.mastery for t in terms]
    name_width = max((cell_len(plain(t.name)) for t in every if t.retrievability is not None), default=0)
    for _topic, title, terms in stats.mastery:
        blocks = Text()
        for term in terms:
            blocks.append(MARKS[_level(term)], style=STYLES[_level(term)])
        seen = [t for t in terms if t.retrievability is not None]
        missed = sum(t.last_failed for t in terms)
        note = f"  {len(seen)}/{len(terms)} seen" + (f", {missed} missed last time" if missed else "")
        heading = _t(title, "bold magenta")
        heading.align("left", title_width + 1)
        parts.append(Text.assemble(heading, blocks, (note, "dim")))
        for term in seen:
            name = _t(term.name)
            name.align("left", name_width)
            parts.append(Text.assemble("  ", name, " ", _cell(term), f" {term.retrievability:>4.0%}"))
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


def fit_view(fit: Fit, save: bool) -> RenderableType:
    """``stats --fit``: the log-loss of FSRS's predictions before and after fitting your reviews."""
    if fit.reviews < fit.needed:
        return Text(
            f"Too few reviews to fit: {fit.reviews} of the {fit.needed} needed (reviews a day or "
            "more after the card's previous one). Keep studying with FSRS's default parameters."
        )
    gain = (fit.before - fit.after) / fit.before if fit.before else 0.0
    lines = [
        Text(f"Fitted FSRS to {fit.reviews} of your reviews.", style="bold"),
        Text(
            f"Log-loss of the predicted recall: {fit.before:.4f} with FSRS's defaults, "
            f"{fit.after:.4f} with your own parameters ({gain:.1%} lower)."
        ),
    ]
    if save and fit.after < fit.before:
        lines.append(Text("Saved: your cards are scheduled with your own parameters from now on."))
    elif fit.after < fit.before:
        lines.append(Text("Not saved; schedule with them: glossary stats --fit --save", style="dim"))
    else:
        lines.append(Text("FSRS's defaults already fit you as well: nothing to save.", style="dim"))
    return Group(*lines)


def fit_json(fit: Fit, save: bool) -> dict:
    """``stats --fit --json``."""
    enough = fit.reviews >= fit.needed
    return {
        "reviews": fit.reviews,
        "needed": fit.needed,
        "log_loss_before": fit.before if enough else None,
        "log_loss_after": fit.after if enough else None,
        "parameters": list(fit.parameters) if enough else None,
        "saved": bool(save and enough and fit.after < fit.before),
    }
