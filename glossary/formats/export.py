"""``glossary export``: choose the terms (all, a topic or a pack), then write them in one format.

The choice is one record, ``Export``: the topics, each term's card (its links worded from its
end) and the stored links touching those terms. Each writer turns it into bytes or text; the
JSON shape lives with the other ``--json`` shapes in ``glossary/render/json.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from glossary.errors import Invalid

if TYPE_CHECKING:
    from collections.abc import Callable

    from glossary.model import Card, Link
    from glossary.results import TopicInfo
    from glossary.store import Store


class Export(NamedTuple):
    """The terms chosen for an export, with what every format needs to write them."""

    topics: tuple  # of TopicInfo, in list order, only those holding chosen terms
    cards: tuple  # of Card, by topic then pack order
    links: tuple  # of Link: every stored link with at least one end among the chosen terms
    origins: dict  # slug -> bundled | user

    @property
    def slugs(self) -> set[str]:
        """The chosen terms' slugs."""
        return {card.term.slug for card in self.cards}


def choose(store: Store, topic: str | None = None, pack: str | None = None) -> Export:
    """The terms of the whole store, of one topic, or of one pack (a learner's pack by its topic).

    A pack is what one file added: a learner's pack is named by its topic; a bundled topic is
    its own pack too. When a learner's pack shares a bundled topic's name, ``--pack`` means the
    learner's terms.
    """
    if topic is not None and pack is not None:
        raise Invalid("choose --topic or --pack, not both", "--pack")
    topics: list[TopicInfo] = store.topics()
    known = [info.topic for info in topics]
    wanted = None
    if topic is not None:
        wanted = store.topic_slug(topic)
    elif pack is not None:
        wanted = store.topic_slug(pack, "--pack", "pack")
    origins = {row[0]: row[1] for row in store.conn.execute("SELECT slug, origin FROM terms")}
    terms = store.terms(wanted)
    if pack is not None and any(origins[term.slug] == "user" for term in terms):
        terms = [term for term in terms if origins[term.slug] == "user"]
    chosen = {term.slug for term in terms}
    order = {name: index for index, name in enumerate(known)}
    terms.sort(key=lambda term: order.get(term.topic, len(order)))
    cards: list[Card] = [store.card_of(term.slug) for term in terms]
    links: list[Link] = [link for link in store.all_links() if link.source in chosen or link.target in chosen]
    held = {term.topic for term in terms}
    return Export(
        tuple(info for info in topics if info.topic in held),
        tuple(cards),
        tuple(links),
        {slug: origins[slug] for slug in chosen},
    )


def render_text(export: Export, kind: str) -> str:
    """Markdown or a TOML pack (JSON is shaped by ``glossary.render.json``, as every --json is)."""
    if kind == "markdown":
        from glossary.formats.markdown_pack import write_markdown

        return write_markdown(export)
    if kind == "toml":
        from glossary.formats.toml_pack import write_toml

        return write_toml(export)
    raise ValueError(f"not a text export format: {kind}")


class Written(NamedTuple):
    """What an export wrote: how many terms (or reviews), in which format, where ("-": stdout)."""

    kind: str
    count: int
    what: str  # term(s) | note(s) | review(s), agreeing with count
    target: str


def _counted(count: int, noun: str) -> str:
    """'1 term', '2 terms': the noun agrees with the count it follows."""
    return noun if count == 1 else noun + "s"


def check_output(target: str, kind: str, stdout_is_terminal: bool) -> str:
    """Refuse a target that cannot work before any export work starts; return it unchanged."""
    import os

    if target == "-":
        if kind == "anki" and stdout_is_terminal:
            raise Invalid("an Anki deck is binary: give a file with -o deck.apkg, or pipe it", "--output")
        return target
    if os.path.isdir(target):
        raise Invalid(f"{target} is a directory; name a file", "--output")
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise Invalid(f"no such directory: {folder}", "--output")
    if not os.access(folder if not os.path.exists(target) else target, os.W_OK):
        raise Invalid(f"cannot write {target} (permission denied)", "--output")
    return target


def export(
    store: Store,
    kind: str,
    target: str,
    topic: str | None,
    pack: str | None,
    shape_json: Callable[[Export], str],
    stdout: BinaryIO,
) -> Written:
    """Choose the terms and write them in ``kind`` to ``target`` (a file, or stdout for "-").

    ``shape_json`` is ``glossary.render.json.dumps``, handed in so the core imports no view.
    A file is written next to its final name and renamed into place, so a failed export never
    leaves half a file where a good one was.
    """
    chosen = choose(store, topic, pack)
    if kind == "reviews-csv":
        from glossary.formats.reviews_csv import review_rows, write_reviews_csv

        rows = review_rows(store.conn, chosen.slugs)
        written = Written(kind, len(rows), _counted(len(rows), "review"), target)
        data = write_reviews_csv(rows).encode()
    elif kind == "anki":
        import io

        from glossary.formats.anki import write_apkg

        buffer = io.BytesIO()
        notes = write_apkg(chosen, buffer)
        written = Written(kind, notes, _counted(notes, "note"), target)
        data = buffer.getvalue()
    else:
        text = shape_json(chosen) + "\n" if kind == "json" else render_text(chosen, kind)
        written = Written(kind, len(chosen.cards), _counted(len(chosen.cards), "term"), target)
        data = text.encode()
    _write(target, data, stdout)
    return written


def _write(target: str, data: bytes, stdout: BinaryIO) -> None:
    import os
    import tempfile

    if target == "-":
        stdout.write(data)
        stdout.flush()
        return
    if os.path.exists(target) and not os.path.isfile(target):  # /dev/null, a FIFO: write in place
        with open(target, "wb") as file:
            file.write(data)
        return
    folder = os.path.dirname(os.path.abspath(target))
    handle, temporary = tempfile.mkstemp(prefix=".glossary-export-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as open() would create it, not mkstemp's 0600
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
