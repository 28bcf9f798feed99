"""Read and validate content packs (TOML) into model objects.

Bundled packs and a learner's own imports go through the same checks, and every problem is
reported as ``file:line: what is wrong`` so a content author can fix it without a traceback.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from glossary.errors import PackError
from glossary.model import LINK_KEYS, Example, Link, Term, canonical_link, lookup_key

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_TERM_FIELDS = ("slug", "name", "summary", "definition", "source")
OPTIONAL_TERM_FIELDS = ("abbreviation", "aliases", "examples", "demo", "demo_params", "links")
MAX_PACK_BYTES = 2_000_000


class Pack(NamedTuple):
    """One topic's terms and the links they declare, already in canonical direction."""

    topic: str
    title: str
    description: str
    path: str
    terms: tuple[Term, ...]
    links: tuple[Link, ...] = ()


def _line_of(text: str, needle: str, start_line: int = 1) -> int | None:
    """First line (1-based, at or after ``start_line``) containing ``needle``; for error messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start_line and needle in line:
            return number
    return None


def _read_toml(path: Path) -> tuple[str, dict]:
    """Decode and parse a pack, turning every failure mode of tomllib into a PackError."""
    if sys.version_info >= (3, 11):  # imported here: the lookup path imports PackError, not TOML
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PackError(path, None, f"cannot read file ({error.strerror})") from None
    if len(raw) > MAX_PACK_BYTES:
        raise PackError(path, None, f"file is larger than {MAX_PACK_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PackError(path, line, "not valid UTF-8 text") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise PackError(path, int(match.group(1)) if match else None, message) from None
    except (RecursionError, ValueError) as error:  # deep nesting, huge integers
        raise PackError(path, None, f"cannot parse TOML ({type(error).__name__})") from None


def _string(value: object, path: Path, line: int | None, name: str, required: bool) -> str:
    if value is None:
        if required:
            raise PackError(path, line, f"missing required field '{name}'")
        return ""
    if not isinstance(value, str):
        raise PackError(path, line, f"field '{name}' must be a string")
    if required and not value.strip():
        raise PackError(path, line, f"field '{name}' is empty")
    return value.strip()


def _string_list(value: object, path: Path, line: int | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PackError(path, line, f"field '{name}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


class _Block:
    """The source lines of one ``[[terms]]`` entry, to point errors at the line to fix."""

    def __init__(self, text: str, index: int) -> None:
        starts = [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[[terms]]")]
        self.first = starts[index] if index < len(starts) else None
        last = starts[index + 1] - 1 if index + 1 < len(starts) else None
        self.lines = [
            (n, line.strip())
            for n, line in enumerate(text.splitlines(), 1)
            if self.first and n >= self.first and (last is None or n <= last)
        ]

    def key(self, name: str) -> int | None:
        """Line where ``name = ...`` is written, else the entry's first line."""
        pattern = re.compile(rf"^{re.escape(name)}\s*=")
        return next((n for n, line in self.lines if pattern.match(line)), self.first)

    def containing(self, needle: str, fallback: int | None = None) -> int | None:
        """First line of the entry containing ``needle``."""
        return next((n for n, line in self.lines if needle in line), fallback or self.first)


def _aliases(value: object, path: Path, line: int | None) -> tuple[str, ...]:
    """Aliases are single-line spellings (the store keeps them one per line)."""
    aliases = _string_list(value, path, line, "aliases")
    if any("\n" in alias or "\r" in alias for alias in aliases):
        raise PackError(path, line, "an alias must fit on one line")
    return aliases


def _parse_term(entry: object, index: int, topic: str, path: Path, text: str) -> tuple[Term, list]:
    """One ``[[terms]]`` table -> a Term and its raw (line, key, target) links."""
    block = _Block(text, index)
    if not isinstance(entry, dict):
        raise PackError(path, block.first, "each [[terms]] entry must be a table")
    slug = _string(entry.get("slug"), path, block.key("slug"), "slug", True)
    line = block.key("slug")
    if not SLUG.match(slug):
        raise PackError(path, line, f"slug '{slug}' must be lowercase words joined by hyphens")
    unknown = set(entry) - set(REQUIRED_TERM_FIELDS) - set(OPTIONAL_TERM_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise PackError(path, block.key(name), f"term '{slug}': unknown field '{name}'")
    fields = {
        name: _string(entry.get(name), path, block.key(name) if name in entry else line, name, True)
        for name in REQUIRED_TERM_FIELDS
    }
    examples = []
    for group in entry.get("examples", []) or []:
        where = block.containing("examples", line)
        if not isinstance(group, dict):
            raise PackError(path, where, f"term '{slug}': each example must be a table")
        label = _string(group.get("label"), path, where, "examples.label", True)
        examples.append(Example(label, _string_list(group.get("items"), path, where, "examples.items")))
    demo_params = entry.get("demo_params", {}) or {}
    if not isinstance(demo_params, dict) or not all(
        isinstance(v, (str, int, float, bool)) for v in demo_params.values()
    ):
        raise PackError(
            path, block.key("demo_params"), f"term '{slug}': demo_params must map names to plain values"
        )
    links = entry.get("links", {}) or {}
    if not isinstance(links, dict):
        raise PackError(
            path, block.key("links"), f"term '{slug}': links must be a table of relation = [slugs]"
        )
    raw_links = []
    for key, targets in links.items():
        where = block.key(key)
        if key not in LINK_KEYS:
            allowed = ", ".join(LINK_KEYS)
            raise PackError(path, where, f"term '{slug}': unknown relation '{key}' (use one of {allowed})")
        raw_links += [
            (block.containing(f'"{target}"', where), key, target)
            for target in _string_list(targets, path, where, f"links.{key}")
        ]
    term = Term(
        slug=slug,
        name=fields["name"],
        summary=fields["summary"],
        definition=fields["definition"],
        source=fields["source"],
        topic=topic,
        abbreviation=_string(
            entry.get("abbreviation"), path, block.key("abbreviation"), "abbreviation", False
        ),
        aliases=_aliases(entry.get("aliases"), path, block.key("aliases")),
        examples=tuple(examples),
        demo=_string(entry.get("demo"), path, block.key("demo"), "demo", False),
        demo_params=dict(demo_params),
    )
    return term, raw_links


def read_pack(path: Path) -> tuple[Pack, list, str]:
    """Parse one pack; return it, its unchecked links as (line, Link), and its text for error lines."""
    path = Path(path)
    text, document = _read_toml(path)
    header = document.get("pack")
    if not isinstance(header, dict):
        raise PackError(path, 1, "missing [pack] table with topic, title and description")
    header_line = _line_of(text, "[pack]")
    topic = _string(header.get("topic"), path, header_line, "pack.topic", True)
    if not SLUG.match(topic):
        raise PackError(path, header_line, f"topic '{topic}' must be lowercase words joined by hyphens")
    title = _string(header.get("title"), path, header_line, "pack.title", True)
    description = _string(header.get("description"), path, header_line, "pack.description", False)
    entries = document.get("terms", [])
    if not isinstance(entries, list) or not entries:
        raise PackError(path, None, "a pack needs at least one [[terms]] entry")
    terms, links = [], []
    for index, entry in enumerate(entries):
        term, raw_links = _parse_term(entry, index, topic, path, text)
        terms.append(term)
        for line, key, target in raw_links:
            links.append((line, canonical_link(term.slug, key, target)))
    pack = Pack(topic, title, description, str(path), tuple(terms), ())
    return pack, links, text


def load_packs(
    paths: list[Path], existing_keys: dict[str, str] | None = None, read: Callable = read_pack
) -> list[Pack]:
    """Read packs together, checking unique slugs and spellings and that every link resolves.

    ``existing_keys`` maps folded spellings already in the store to their slugs, so that a
    learner's import cannot shadow a bundled term. ``read`` is ``read_pack`` or a reader of
    another format giving the same records (``glossary.formats.reader.read_as_pack``).
    """
    taken: dict[str, str] = dict(existing_keys or {})
    known_slugs = set(taken.values())
    parsed = []
    for path in paths:
        pack, links, text = read(path)
        for term in pack.terms:
            slug_line = _line_of(text, f'"{term.slug}"')
            if term.slug in known_slugs:
                raise PackError(path, slug_line, f"slug '{term.slug}' is already defined")
            known_slugs.add(term.slug)
            for spelling in filter(None, [term.slug, term.name, term.abbreviation, *term.aliases]):
                owner = taken.setdefault(lookup_key(spelling), term.slug)
                if owner != term.slug:
                    line = _line_of(text, f'"{spelling}"', slug_line or 1) or slug_line
                    raise PackError(path, line, f"'{spelling}' of '{term.slug}' is already used by '{owner}'")
        parsed.append((pack, links))
    packs = []
    for pack, links in parsed:
        unique: dict[Link, None] = {}
        for line, link in links:
            for slug in (link.source, link.target):
                if slug not in known_slugs:
                    raise PackError(pack.path, line, f"link to unknown term '{slug}'")
            unique[link] = None
        packs.append(pack._replace(links=tuple(unique)))
    return packs
