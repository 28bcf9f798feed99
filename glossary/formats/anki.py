"""Chosen terms as an Anki deck (``.apkg``), built with ``genanki`` (imported here only: ~0.3 s).

Three note types, one per question kind a static card can ask without our quiz's live choices:

    seqml-glossary term/definition   two cards: term -> definition, and definition -> term
                                     (the definition shown with every spelling of the term masked)
    seqml-glossary cloze             the definition with the term's spellings as one cloze
                                     (only for terms whose definition names them)
    seqml-glossary abbreviation      abbreviation -> name (only for terms that have one)

Every id is derived from our own names, so re-exporting updates the same notes in Anki instead
of adding copies: the note types' and decks' ids from their names, each note's guid from the
term's slug and the kind. One deck per topic (``seqml-glossary::<title>``); tags name the topic
and the pack. Content is text: every field is HTML-escaped, braces become entities (no cloze or
template syntax can come from content), and control and format characters are shown as visible
escapes, so the field separator and terminal escapes never pass through.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from glossary.formats.export import Export
    from glossary.model import Card, Term

CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; max-width: 40em; margin: auto; }
.summary { color: #555; } .links { font-size: 16px; color: #333; } .links b { font-weight: 600; }"""
MASK = "[...]"
# Kinds of note, their fields and card templates: (model name, fields, [(template, front, back)]).
_BACK_EXTRA = '<div class="summary">{{Summary}}</div><div class="links">{{Links}}</div>'
NOTE_TYPES = {
    "basic": (
        "seqml-glossary term/definition",
        ["Term", "Definition", "MaskedDefinition", "Summary", "Links", "Slug"],
        [
            ("Term -> definition", "{{Term}}", "{{FrontSide}}<hr id=answer>{{Definition}}" + _BACK_EXTRA),
            (
                "Definition -> term",
                "{{MaskedDefinition}}",
                "{{FrontSide}}<hr id=answer>{{Term}}" + _BACK_EXTRA,
            ),
        ],
    ),
    "cloze": (
        "seqml-glossary cloze",
        ["Text", "Term", "Summary", "Links", "Slug"],
        [("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<hr id=answer>{{Term}}" + _BACK_EXTRA)],
    ),
    "abbreviation": (
        "seqml-glossary abbreviation",
        ["Abbreviation", "Name", "Summary", "Links", "Slug"],
        [("Abbreviation -> name", "{{Abbreviation}}", "{{FrontSide}}<hr id=answer>{{Name}}" + _BACK_EXTRA)],
    ),
}


def stable_id(name: str) -> int:
    """An id in genanki's recommended range [2**30, 2**31), the same for the same name everywhere."""
    digest = hashlib.sha256(f"seqml-glossary:{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def note_guid(slug: str, kind: str) -> str:
    """The note's guid: one per term and kind, so Anki updates the note on a re-import."""
    import genanki

    return genanki.guid_for("seqml-glossary", slug, kind)


def visible(text: str) -> str:
    """Control, format and separator characters (except newline and tab) as visible escapes."""
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
        else c
        for c in text
    )


def field(text: str) -> str:
    """Text as an inert HTML field: escaped, braces as entities, line breaks as ``<br>``."""
    escaped = html.escape(visible(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")
    return escaped.replace("\n", "<br>")


def _spellings_pattern(term: Term) -> re.Pattern | None:
    """Every spelling of the term as whole words (longest first), as the quiz masks them."""
    from glossary.quiz.bank import spellings_of

    spellings = sorted({s for s in spellings_of(term) if len(s) > 1}, key=len, reverse=True)
    pieces = []
    for spelling in spellings:
        words = [re.escape(word) for word in re.split(r"[\s\-]+", spelling) if word]
        if words:
            pieces.append(r"[\s\-]*".join(words) + r"(?:s|es)?")
    if not pieces:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(pieces) + r")(?!\w)", re.IGNORECASE)


def masked_fields(term: Term) -> tuple[str, str | None]:
    """(the definition with the term masked, the cloze text or None when the definition never names it)."""
    pattern = _spellings_pattern(term)
    pieces = pattern.split(term.definition) if pattern else [term.definition]
    found = pattern.findall(term.definition) if pattern else []
    masked, cloze = field(pieces[0]), field(pieces[0])
    for match, after in zip(found, pieces[1:], strict=True):
        masked += MASK + field(after)
        cloze += "{{c1::" + field(match) + "}}" + field(after)
    return masked, (cloze if found else None)


def _links(card: Card) -> str:
    if not card.links:
        return ""
    items = "".join(f"<li>{field(view.label)} <b>{field(view.other_name)}</b></li>" for view in card.links)
    return f"<ul>{items}</ul>"


def _models() -> dict:
    import genanki

    return {
        kind: genanki.Model(
            stable_id(f"model:{kind}"),
            name,
            fields=[{"name": name} for name in fields],
            templates=[{"name": t, "qfmt": front, "afmt": back} for t, front, back in templates],
            css=CSS,
            model_type=genanki.Model.CLOZE if kind == "cloze" else genanki.Model.FRONT_BACK,
        )
        for kind, (name, fields, templates) in NOTE_TYPES.items()
    }


def notes_of(card: Card, origin: str) -> list[tuple[str, list[str], list[str]]]:
    """(kind, fields, tags) of every note a term gives."""
    term = card.term
    tags = [
        "seqml-glossary",
        f"topic::{term.topic}",
        f"pack::{term.topic if origin == 'user' else 'bundled'}",
    ]
    summary, links, slug = field(term.summary), _links(card), field(term.slug)
    masked, cloze = masked_fields(term)
    notes = [("basic", [field(term.name), field(term.definition), masked, summary, links, slug], tags)]
    if cloze is not None:
        notes.append(("cloze", [cloze, field(term.name), summary, links, slug], tags))
    if term.abbreviation:
        notes.append(
            ("abbreviation", [field(term.abbreviation), field(term.name), summary, links, slug], tags)
        )
    return notes


def write_apkg(export: Export, file: BinaryIO, timestamp: float | None = None) -> int:
    """Write the deck package to ``file``; return how many notes it holds.

    genanki's own ``write_to_file`` leaves its temporary collection behind in the temp folder,
    so the collection is built here in a temporary directory that is always removed.
    """
    import itertools
    import os
    import sqlite3
    import tempfile
    import time
    import zipfile

    import genanki

    models = _models()
    decks = {
        info.topic: genanki.Deck(stable_id(f"deck:{info.topic}"), f"seqml-glossary::{visible(info.title)}")
        for info in export.topics
    }
    count = 0
    for card in export.cards:
        for kind, fields, tags in notes_of(card, export.origins.get(card.term.slug, "bundled")):
            note = genanki.Note(
                model=models[kind], fields=fields, tags=tags, guid=note_guid(card.term.slug, kind)
            )
            decks[card.term.topic].add_note(note)
            count += 1
    moment = time.time() if timestamp is None else timestamp
    with tempfile.TemporaryDirectory(prefix="glossary-apkg-") as folder:
        database = os.path.join(folder, "collection.anki2")
        conn = sqlite3.connect(database)
        try:
            genanki.Package(list(decks.values())).write_to_db(
                conn.cursor(), moment, itertools.count(int(moment * 1000))
            )
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", "{}")
    return count
