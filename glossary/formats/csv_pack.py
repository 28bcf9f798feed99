"""Read a spreadsheet of terms (CSV) into a pack.

The layout a learner is likely to have already: a header row, then one term per row.

    term,definition,summary,aliases,topic
    Beam search,"Keeps the k best partial outputs at each step. ...",,beam decoding;beam,decoding

``term`` and ``definition`` are required; ``summary`` defaults to the definition's first
sentence (cut to 110 characters), ``aliases`` are separated by ``;``, ``topic`` names the pack
(one per file; the file's name when absent), ``slug`` and ``abbreviation`` may be given too.
Every problem is reported at ``file:line`` of the row (a field spanning lines counts from its first).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from glossary.errors import PackError
from glossary.formats.common import (
    ParsedFile,
    check_length,
    checked_slug,
    default_summary,
    slugify,
    topic_title,
)
from glossary.model import Term
from glossary.packs import SLUG, Pack

if TYPE_CHECKING:
    from pathlib import Path

REQUIRED_COLUMNS = ("term", "definition")
OPTIONAL_COLUMNS = ("summary", "aliases", "topic", "slug", "abbreviation")


def _rows(path: Path, text: str):
    """(first line, cells) of each record; csv errors become PackErrors at the record's line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        for cells in reader:
            yield previous_end + 1, cells
            previous_end = reader.line_num
    except csv.Error as error:
        raise PackError(path, previous_end + 1, f"not valid CSV ({error})") from None


def _single_line(value: str, name: str, path: Path, line: int) -> str:
    if "\n" in value or "\r" in value:
        raise PackError(path, line, f"the {name} must fit on one line")
    return value


def parse_csv(path: Path, text: str) -> ParsedFile:
    """The terms of a CSV file, as the pack the TOML loader would have built from the same facts."""
    rows = _rows(path, text)
    header_line, header = next(((n, c) for n, c in rows if any(cell.strip() for cell in c)), (1, []))
    columns = [cell.strip().lower() for cell in header]
    if not columns:
        raise PackError(path, None, "empty file: a CSV pack needs a header row (term,definition,...)")
    for name in columns:
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            known = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
            raise PackError(path, header_line, f"unknown column '{name}' (columns: {known})")
        if columns.count(name) > 1:
            raise PackError(path, header_line, f"column '{name}' appears twice")
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise PackError(
                path, header_line, f"missing column '{name}' (the header needs term and definition)"
            )
    terms, term_lines, topics = [], {}, {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            raise PackError(path, line, f"{len(cells)} cells, but the header names {len(columns)} columns")
        if len(cells) < len(columns):
            raise PackError(path, line, f"missing column '{columns[len(cells)]}'")
        row = {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}
        term = _term(row, path, line)
        if term.slug in term_lines:
            raise PackError(
                path, line, f"slug '{term.slug}' is already defined (line {term_lines[term.slug]})"
            )
        term_lines[term.slug] = line
        terms.append(term)
        topics.setdefault(row.get("topic", ""), line)
    if not terms:
        raise PackError(path, None, "no terms: a CSV pack needs at least one row under its header")
    if len(topics) > 1:
        (first, first_line), (other, other_line) = list(topics.items())[:2]
        raise PackError(
            path,
            other_line,
            f"topic '{other}' differs from '{first}' (line {first_line}): a file is one pack",
        )
    topic = next(iter(topics)) or slugify(path.stem) or "my-terms"
    if not SLUG.match(topic):
        raise PackError(
            path, next(iter(topics.values())), f"topic '{topic}' must be lowercase words joined by hyphens"
        )
    pack = Pack(
        topic,
        topic_title(topic),
        f"Imported from {path.name}",
        str(path),
        tuple(term._replace(topic=topic) for term in terms),
    )
    return ParsedFile(pack, [], text, term_lines)


def _term(row: dict[str, str], path: Path, line: int) -> Term:
    """One row -> a Term (its topic is filled in once the file's topic is known)."""
    name = _single_line(row["term"], "term", path, line)
    if not name:
        raise PackError(path, line, "empty term")
    definition = row["definition"]
    if not definition:
        raise PackError(path, line, f"term '{name}': empty definition")
    aliases = tuple(alias.strip() for alias in row.get("aliases", "").split(";") if alias.strip())
    for alias in aliases:
        _single_line(alias, "alias", path, line)
        check_length(alias, "alias", path, line)
    summary = row.get("summary") or default_summary(definition)
    return Term(
        slug=check_length(checked_slug(name, row.get("slug", ""), path, line), "slug", path, line),
        name=check_length(name, "name", path, line),
        summary=check_length(_single_line(summary, "summary", path, line), "summary", path, line),
        definition=check_length(definition, "definition", path, line),
        source=check_length(f"Imported from {path.name}", "source", path, line),
        topic="",
        abbreviation=check_length(row.get("abbreviation", ""), "abbreviation", path, line),
        aliases=aliases,
        demo_params={},  # a dict, as the TOML loader gives (the store writes it as JSON)
    )
