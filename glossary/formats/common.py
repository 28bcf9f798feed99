"""What the CSV and Markdown readers share: format names, reading a file safely, slugs, summaries.

A file is read as the TOML loader reads a pack: a regular file, under the pack size cap, UTF-8,
errors at ``file:line``. Slugs and default summaries follow the pack rules (data/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from glossary.errors import PackError
from glossary.packs import MAX_PACK_BYTES, SLUG, Pack

IMPORT_FORMATS = ("toml", "csv", "markdown")
EXPORT_FORMATS = ("anki", "markdown", "json", "toml", "reviews-csv")
_BY_SUFFIX = {".toml": "toml", ".csv": "csv", ".md": "markdown", ".markdown": "markdown"}
SUMMARY_CHARS = 110  # the pack rule for a summary (data/README.md)


class ParsedFile(NamedTuple):
    """A file read into a pack, with its unchecked links as (line, Link) and each slug's line.

    The fields are those of the TOML loader's parse result, so the same cross-pack checks apply.
    """

    pack: Pack
    links: list
    text: str
    term_lines: dict


def import_format(path: str | Path, chosen: str | None = None) -> str:
    """The format of a file to import: the one asked for, else its extension's (TOML otherwise)."""
    return chosen or _BY_SUFFIX.get(Path(path).suffix.lower(), "toml")


def read_text(path: Path, limit: int = MAX_PACK_BYTES) -> str:
    """A regular file's text: checked before reading (no FIFO hangs, no /dev/zero), capped, UTF-8.

    The checks are ``glossary.packs.read_regular_file``'s. A UTF-8 byte-order mark (spreadsheets
    write one) is dropped.
    """
    from glossary.packs import read_regular_file

    raw = read_regular_file(path, limit)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PackError(path, line, "not valid UTF-8 text") from None
    return text.removeprefix("\ufeff")


def slugify(name: str) -> str:
    """A slug from a name: lowercase ASCII words joined by hyphens ("" when none is left)."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def checked_slug(name: str, given: str, path: Path, line: int | None) -> str:
    """The slug given, or one derived from the name; either must follow the pack rule."""
    slug = given.strip() or slugify(name)
    if not slug:
        raise PackError(path, line, f"cannot derive a slug from '{name}'; give one in a slug column")
    if not SLUG.match(slug):
        raise PackError(path, line, f"slug '{slug}' must be lowercase words joined by hyphens")
    return slug


def default_summary(definition: str) -> str:
    """The definition's first sentence, cut to 110 characters at a word boundary (with "…")."""
    flat = " ".join(definition.split())
    first = re.split(r"(?<=[.!?])\s+", flat, maxsplit=1)[0]
    if len(first) <= SUMMARY_CHARS:
        return first
    head = first[: SUMMARY_CHARS - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:") + "…"


def check_length(value: str, name: str, path: Path, line: int | None) -> str:
    """Apply the pack loader's length rule for a field (the summary rule at least)."""
    import glossary.packs as packs

    limits = getattr(packs, "MAX_CHARS", {"summary": SUMMARY_CHARS})
    limit = limits.get(name)
    if limit is not None and len(value) > limit:
        raise PackError(path, line, f"field '{name}' is {len(value):,} characters long; the limit is {limit}")
    return value


def topic_title(topic: str) -> str:
    """A readable title for a topic slug: "my-terms" -> "My terms"."""
    return topic.replace("-", " ").capitalize()
