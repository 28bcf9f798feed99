"""Read and validate content packs (TOML) into model objects.

Bundled packs and a learner's own imports go through the same checks, and every problem is
reported as ``file:line: what is wrong`` so a content author can fix it without a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from glossary.errors import PackError
from glossary.model import LINK_KEYS, Example, Link, Term, canonical_link, lookup_key

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_TERM_FIELDS = ("slug", "name", "summary", "definition", "source")
OPTIONAL_TERM_FIELDS = ("abbreviation", "aliases", "examples", "demo", "demo_params", "links")
PACK_FIELDS = ("topic", "title", "description")
MAX_PACK_BYTES = 8_000_000
# The longest text each field may hold (data/README.md): the summary rule, and caps far above the
# bundled content that keep a hostile pack from filling a screen or the store with one field.
MAX_CHARS = {
    "slug": 80, "name": 100, "abbreviation": 20, "summary": 110, "definition": 4000, "source": 300,
    "alias": 100, "examples.label": 60, "examples.item": 200, "demo": 40,
    "pack.topic": 80, "pack.title": 80, "pack.description": 300,
}  # fmt: skip
MAX_ALIASES, MAX_EXAMPLE_GROUPS, MAX_EXAMPLE_ITEMS, MAX_TERMS = 20, 10, 20, 20_000
# Demo parameters that name a file: a pack never sets them (a pack could otherwise have a demo
# print any file the learner can read).
FILE_PARAMS = frozenset({"corpus", "arpa", "model", "file", "path"})


class Pack(NamedTuple):
    """One topic's terms and the links they declare, already in canonical direction."""

    topic: str
    title: str
    description: str
    path: str
    terms: tuple[Term, ...]
    links: tuple[Link, ...] = ()


class ParsedPack(NamedTuple):
    """A pack read once, with what cross-pack checks need: raw links and where each term sits."""

    pack: Pack
    links: list  # of (line, Link), not yet checked against other packs or the store
    text: str
    term_lines: dict  # slug -> the line of its ``slug = ...``


def _line_of(text: str, needle: str, start_line: int = 1) -> int | None:
    """First line (1-based, at or after ``start_line``) containing ``needle``; for error messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start_line and needle in line:
            return number
    return None


def read_regular_file(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes of a regular file, checking it is one before reading.

    The checks are ``seqml.files.open_binary``'s (shared with corpora and ARPA models): a FIFO
    never blocks, ``/dev/zero`` is never read, and the checked descriptor is the one read from.
    """
    from seqml.files import FileCheckError, open_binary

    try:
        handle, _ = open_binary(path, "pack", limit)
        with handle:
            raw = handle.read(limit + 1)
    except FileCheckError as error:
        raise PackError(path, None, error.reason) from None
    except OSError as error:
        raise PackError(path, None, f"cannot read file ({error.strerror})") from None
    if len(raw) > limit:  # the file grew after the check
        raise PackError(path, None, f"is larger than the {limit:,}-byte limit")
    return raw


def _read_toml(path: Path) -> tuple[str, dict]:
    """Decode and parse a pack, turning every failure mode of tomllib into a PackError."""
    # Imported here: the lookup path imports PackError, not TOML. tomli's compiled wheels parse
    # about 3x faster than the standard library's pure-Python tomllib (4.4 MB: ~1.0 s against
    # ~3.3 s on a loaded machine), which is most of a 10,000-term import; tomllib is the fallback.
    try:
        import tomli as tomllib
    except ImportError:  # pragma: no cover - tomli is a dependency; 3.11+ still works without it
        import tomllib  # type: ignore[no-redef]
    raw = read_regular_file(path, MAX_PACK_BYTES)
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
    except (RecursionError, ValueError, MemoryError) as error:  # deep nesting, huge integers
        raise PackError(path, None, f"cannot parse TOML ({type(error).__name__})") from None


def _capped(value: str, path: Path, line: int | None, name: str) -> str:
    limit = MAX_CHARS.get(name)
    if limit is not None and len(value) > limit:
        raise PackError(path, line, f"field '{name}' is {len(value):,} characters long; the limit is {limit}")
    return value


def _string(value: object, path: Path, line: int | None, name: str, required: bool) -> str:
    if value is None:
        if required:
            raise PackError(path, line, f"missing required field '{name}'")
        return ""
    if not isinstance(value, str):
        raise PackError(path, line, f"field '{name}' must be a string")
    if required and not value.strip():
        raise PackError(path, line, f"field '{name}' is empty")
    return _capped(value.strip(), path, line, name)


def _string_list(
    value: object, path: Path, line: int | None, name: str, item: str = "", most: int = 0
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PackError(path, line, f"field '{name}' must be a list of non-empty strings")
    if most and len(value) > most:
        raise PackError(path, line, f"field '{name}' has {len(value)} entries; the limit is {most}")
    return tuple(_capped(v.strip(), path, line, item or name) for v in value)


class _Lines:
    """Where each ``[[terms]]`` entry starts, found in one pass over the text (not one per term)."""

    def __init__(self, text: str) -> None:
        self.lines = [line.strip() for line in text.splitlines()]
        self.starts = [n for n, line in enumerate(self.lines, 1) if line.startswith("[[terms]]")]

    def block(self, index: int) -> _Block:
        first = self.starts[index] if index < len(self.starts) else None
        if first is None:
            return _Block(None, [])
        last = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.lines)
        return _Block(first, list(enumerate(self.lines[first - 1 : last], first)))

    def header(self, needle: str) -> int | None:
        """The line of a top-level key or table, before the first term."""
        end = self.starts[0] if self.starts else len(self.lines) + 1
        return next((n for n, line in enumerate(self.lines[: end - 1], 1) if line.startswith(needle)), None)


class _Block:
    """The source lines of one ``[[terms]]`` entry, to point errors at the line to fix."""

    def __init__(self, first: int | None, lines: list[tuple[int, str]]) -> None:
        self.first, self.lines = first, lines
        self.keys: dict[str, int] = {}  # each ``name = ...`` and the first line it is written on
        for number, line in lines:
            name, equals, _ = line.partition("=")
            if equals:
                self.keys.setdefault(name.strip(), number)

    def key(self, name: str) -> int | None:
        """Line where ``name = ...`` is written, else the entry's first line."""
        return self.keys.get(name, self.first)

    def containing(self, needle: str, fallback: int | None = None) -> int | None:
        """First line of the entry, from ``fallback`` on, containing ``needle``."""
        start = fallback or 0
        return next((n for n, line in self.lines if n >= start and needle in line), fallback or self.first)


def _aliases(value: object, path: Path, line: int | None) -> tuple[str, ...]:
    """Aliases are single-line spellings (the store keeps them one per line)."""
    aliases = _string_list(value, path, line, "aliases", "alias", MAX_ALIASES)
    if any("\n" in alias or "\r" in alias for alias in aliases):
        raise PackError(path, line, "an alias must fit on one line")
    return aliases


def _examples(value: object, slug: str, path: Path, where: int | None) -> tuple[Example, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PackError(path, where, f"term '{slug}': examples must be a list of tables ([[terms.examples]])")
    if len(value) > MAX_EXAMPLE_GROUPS:
        raise PackError(
            path, where, f"term '{slug}': {len(value)} example groups; the limit is {MAX_EXAMPLE_GROUPS}"
        )
    examples = []
    for group in value:
        if not isinstance(group, dict):
            raise PackError(path, where, f"term '{slug}': each example must be a table")
        unknown = sorted(set(group) - {"label", "items"})
        if unknown:
            raise PackError(path, where, f"term '{slug}': unknown example field '{unknown[0]}'")
        label = _string(group.get("label"), path, where, "examples.label", True)
        items = _string_list(
            group.get("items"), path, where, "examples.items", "examples.item", MAX_EXAMPLE_ITEMS
        )
        examples.append(Example(label, items))
    return tuple(examples)


def _demo(entry: dict, slug: str, path: Path, block: _Block) -> tuple[str, dict]:
    """The term's demo and its parameters, checked against the demo's declared types and ranges."""
    from seqml.demos import DEMOS, ParamError, validate_params

    demo = _string(entry.get("demo"), path, block.key("demo"), "demo", False)
    raw = entry.get("demo_params", {})
    line = block.key("demo_params")
    if not isinstance(raw, dict) or not all(isinstance(v, (str, int, float, bool)) for v in raw.values()):
        raise PackError(path, line, f"term '{slug}': demo_params must map names to plain values")
    if not demo:
        if raw:
            raise PackError(path, line, f"term '{slug}': demo_params without a demo")
        return "", {}
    if demo not in DEMOS:
        raise PackError(
            path, block.key("demo"), f"term '{slug}': unknown demo '{demo}' (use one of {', '.join(DEMOS)})"
        )
    named_files = sorted(FILE_PARAMS & {str(name).replace("-", "_") for name in raw})
    if named_files:
        raise PackError(path, line, f"term '{slug}': a pack may not set '{named_files[0]}' (it names a file)")
    try:
        validate_params(DEMOS[demo], raw)
    except ParamError as error:
        raise PackError(path, line, f"term '{slug}': demo {demo}: {error}") from None
    return demo, dict(raw)


def _links(entry: dict, slug: str, path: Path, block: _Block) -> list:
    links = entry.get("links", {})
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
        for target in _string_list(targets, path, where, f"links.{key}"):
            line = block.containing(f'"{target}"', where)
            if target == slug:
                raise PackError(path, line, f"term '{slug}' links to itself")
            raw_links.append((line, key, target))
    return raw_links


def _parse_term(entry: object, topic: str, path: Path, block: _Block) -> tuple[Term, list]:
    """One ``[[terms]]`` table -> a Term and its raw (line, key, target) links."""
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
    examples = _examples(entry.get("examples"), slug, path, block.containing("examples", line))
    demo, demo_params = _demo(entry, slug, path, block)
    raw_links = _links(entry, slug, path, block)
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
        examples=examples,
        demo=demo,
        demo_params=demo_params,
    )
    return term, raw_links


def parse_pack(path: Path) -> ParsedPack:
    """Read and check one pack on its own (everything but other packs and the store), in one pass."""
    path = Path(path)
    text, document = _read_toml(path)
    lines = _Lines(text)
    unknown = sorted(set(document) - {"pack", "terms"})
    if unknown:
        where = lines.header(unknown[0]) or lines.header(f"[{unknown[0]}")
        message = f"unknown top-level table or key '{unknown[0]}' (a pack has [pack] and [[terms]])"
        raise PackError(path, where, message)
    header = document.get("pack")
    if not isinstance(header, dict):
        raise PackError(path, 1, "missing [pack] table with topic, title and description")
    header_line = lines.header("[pack]")
    extra = sorted(set(header) - set(PACK_FIELDS))
    if extra:
        raise PackError(path, lines.header(extra[0]) or header_line, f"unknown field 'pack.{extra[0]}'")
    topic = _string(header.get("topic"), path, header_line, "pack.topic", True)
    if not SLUG.match(topic):
        raise PackError(path, header_line, f"topic '{topic}' must be lowercase words joined by hyphens")
    title = _string(header.get("title"), path, header_line, "pack.title", True)
    description = _string(header.get("description"), path, header_line, "pack.description", False)
    entries = document.get("terms", [])
    if not isinstance(entries, list) or not entries:
        raise PackError(path, None, "a pack needs at least one [[terms]] entry")
    if len(entries) > MAX_TERMS:
        raise PackError(path, None, f"{len(entries):,} terms; a pack holds at most {MAX_TERMS:,}")
    terms, links, term_lines = [], [], {}
    for index, entry in enumerate(entries):
        block = lines.block(index)
        term, raw_links = _parse_term(entry, topic, path, block)
        if term.slug in term_lines:
            raise PackError(
                path,
                block.key("slug"),
                f"slug '{term.slug}' is already defined (line {term_lines[term.slug]})",
            )
        term_lines[term.slug] = block.key("slug")
        terms.append(term)
        for line, key, target in raw_links:
            links.append((line, canonical_link(term.slug, key, target)))
    return ParsedPack(Pack(topic, title, description, str(path), tuple(terms), ()), links, text, term_lines)


def read_pack(path: Path) -> tuple[Pack, list, str]:
    """Parse one pack; return it, its unchecked links as (line, Link), and its text for error lines."""
    parsed = parse_pack(path)
    return parsed.pack, parsed.links, parsed.text


def check_packs(
    parsed_packs: list[ParsedPack],
    existing_keys: dict[str, str] | None = None,
    owners: dict[str, str] | None = None,
) -> list[Pack]:
    """Check packs together: unique slugs and spellings, links that resolve; return them linked.

    ``existing_keys`` maps folded spellings already in the store to their slugs, so an import
    cannot shadow a term it does not own; ``owners`` names the pack owning a slug, for the message.
    Runs in time linear in the packs' size: every lookup is a dict or a set.
    """
    taken: dict[str, str] = dict(existing_keys or {})
    known_slugs = set(taken.values())
    owners = owners or {}

    def owned_by(slug: str) -> str:
        return f" (pack '{owners[slug]}')" if slug in owners else ""

    for parsed in parsed_packs:
        path, lines = parsed.pack.path, parsed.text.splitlines()
        for term in parsed.pack.terms:
            slug_line = parsed.term_lines.get(term.slug)
            if term.slug in known_slugs:
                raise PackError(
                    path, slug_line, f"slug '{term.slug}' is already defined{owned_by(term.slug)}"
                )
            known_slugs.add(term.slug)
            for spelling in filter(None, [term.slug, term.name, term.abbreviation, *term.aliases]):
                owner = taken.setdefault(lookup_key(spelling), term.slug)
                if owner != term.slug:
                    line = next(
                        (n for n in range(slug_line or 1, len(lines) + 1) if f'"{spelling}"' in lines[n - 1]),
                        slug_line,
                    )
                    raise PackError(
                        path,
                        line,
                        f"'{spelling}' of '{term.slug}' is already used by '{owner}'{owned_by(owner)}",
                    )
    packs = []
    for parsed in parsed_packs:
        unique: dict[Link, None] = {}
        for line, link in parsed.links:
            for slug in (link.source, link.target):
                if slug not in known_slugs:
                    raise PackError(parsed.pack.path, line, f"link to unknown term '{slug}'")
            unique[link] = None
        packs.append(parsed.pack._replace(links=tuple(unique)))
    return packs


def load_packs(paths: list[Path], existing_keys: dict[str, str] | None = None) -> list[Pack]:
    """Read packs together, checking unique slugs and spellings and that every link resolves."""
    return check_packs([parse_pack(Path(path)) for path in paths], existing_keys)
