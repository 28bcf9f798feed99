"""``glossary cards``: each card of the learner's record on three short lines, then a tally.

    long-short-term-memory:recall · review
      due in 3 days (Wed 04 Mar 09:00 UTC+01:00) · recall now 97%
      stability 3.2 days · difficulty 5.1 of 10 · 4 reviews · 1 lapse

Three lines rather than a table: a due time with its zone does not fit a column at 80 columns,
and lines never end in padding. Due times go through ``glossary.render.when``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.safe import plain
from glossary.render.when import due_text

if TYPE_CHECKING:
    from glossary.deck import CardInfo, CardList


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def card_lines(card: CardInfo, now) -> list[Text]:
    """The three lines of one card."""
    head = Text.assemble((plain(str(card.card_id)), "bold"), f" \u00b7 {card.state}")
    if card.suspended:
        head.append(f" \u00b7 suspended ({card.suspended})", style="yellow")
    elif card.leech:
        head.append(" \u00b7 leech", style="yellow")
    if card.due is None:
        when = "  not yet studied"
    elif card.suspended:
        when = "  not planned while suspended"
    else:
        when = f"  due {due_text(card.ready or card.due, now)}"
        if card.ready is not None and card.ready > card.due and card.ready > now:
            when += " (held for tomorrow: a sibling was studied today or the daily limit is reached)"
    if card.recall_now is not None:
        when += f" \u00b7 recall now {card.recall_now:.0%}"
    lines = [head, Text(when)]
    if card.stability is not None and card.difficulty is not None:
        memory = f"  stability {card.stability:.1f} days \u00b7 difficulty {card.difficulty:.1f} of 10"
        counts = f" \u00b7 {_plural(card.reviews, 'review')} \u00b7 {_plural(card.lapses, 'lapse')}"
        lines.append(Text(memory + counts, style="dim"))
    return lines


def _none_found(filters: tuple[str, ...]) -> str:
    """'No leeches.', 'No due cards.': a filter that finds nothing is no reason to go and study."""
    if not filters:
        return "No recorded cards. Study some with: glossary quiz"
    kinds = " and ".join(f for f in filters if f != "leeches")
    noun = "leeches" if "leeches" in filters else "cards"
    return f"No {kinds} {noun}." if kinds else f"No {noun}."


def cards_view(listing: CardList) -> RenderableType:
    """Every card asked for, then how many are due now, suspended and leeches."""
    if not listing.cards:
        return Text(_none_found(listing.filters), style="bold")
    parts: list[RenderableType] = []
    for card in listing.cards:
        parts += card_lines(card, listing.now)
    due = sum(1 for c in listing.cards if c.ready is not None and c.ready <= listing.now and not c.suspended)
    suspended = sum(1 for c in listing.cards if c.suspended)
    leeches = sum(1 for c in listing.cards if c.leech)
    leech_word = "leech" if leeches == 1 else "leeches"
    total = _plural(len(listing.cards), "card")
    tally = f"{total}: {due} due now, {suspended} suspended, {leeches} {leech_word}."
    parts.append(Text(tally, style="bold"))
    return Group(*parts)
