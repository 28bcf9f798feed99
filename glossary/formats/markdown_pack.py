"""Terms as Markdown, and that Markdown read back into a pack.

The exporter writes one ``#`` section per topic and one ``##`` entry per term:

    # Decoding

    Topic: `decoding`

    How a model's scores become output text.

    ## Beam search

    - Slug: `beam-search`
    - Aliases: beam decoding; beam
    - Summary: Keep the k best partial outputs at each step
    - Source: seqml-glossary original entry

    Keeps the k most probable partial sequences at each step ...

    ### Examples

    - widths
      - k = 1 is greedy decoding

    ### Links

    - compare with [Greedy decoding](#greedy-decoding)

The reader takes the same shape back (one topic per file), and also a hand-written file where
only ``# Title`` and ``## Name`` plus a definition are given: the slug comes from the name, the
summary from the definition's first sentence. Text is escaped so that any content survives:
a backslash before ASCII punctuation stands for that character, ``\\n`` for a line break inside
a one-line field, ``\\uXXXX`` for a control or format character (never written raw: the file
may be printed on a terminal), and a definition line that would read as a heading or a list
item starts with a backslash.
"""

from __future__ import annotations

import re
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
from glossary.model import INVERSE_KEYS, RELATIONS, Example, Term, canonical_link
from glossary.packs import SLUG, Pack

if TYPE_CHECKING:
    from pathlib import Path

    from glossary.formats.export import Export

FIELDS = ("slug", "abbreviation", "aliases", "summary", "source")
# A link's words as read from the term's own end -> the key a pack writes on that term's entry.
LINK_WORDS = {relation.forward_label: relation.key for relation in RELATIONS} | {
    relation.inverse_label: relation.inverse_key for relation in INVERSE_KEYS.values()
}
_LINK = re.compile(r"^- (?P<words>[a-z][a-z ]*?) \[(?P<name>.*)\]\(#(?P<slug>[^)\s]+)\)$")
_FIELD = re.compile(r"^- (?P<key>[A-Za-z]+): ?(?P<value>.*)$")
_BLOCK_START = ("#", "-", "*", "+", ">", "\\")


# --------------------------------------------------------------------------- writing


def _unsafe(char: str) -> bool:
    """Control, format and separator characters: never written raw (the file may go to a terminal)."""
    import unicodedata

    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _escape(text: str, keep: str) -> str:
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char in keep:
            out.append(char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif _unsafe(char):
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return "".join(out)


def inline(text: str) -> str:
    """One-line Markdown for any text: backslashes doubled, line breaks and controls as escapes."""
    return _escape(text, "\t")


def _block(text: str) -> list[str]:
    """A definition's lines, each kept readable; a line that would start a block is escaped."""
    lines = []
    for line in _escape(text, "\n\t").split("\n"):
        lines.append("\\" + line if line.startswith(_BLOCK_START[:-1]) else line)
    return lines


def write_markdown(export: Export) -> str:
    """Every exported term under its topic's section, in pack order."""
    out: list[str] = []
    for topic in export.topics:
        out += [f"# {inline(topic.title)}", "", f"Topic: `{topic.topic}`", ""]
        if topic.description:
            out += [*_block(topic.description), ""]
        for card in (card for card in export.cards if card.term.topic == topic.topic):
            out += _entry(card)
    return "\n".join(out).rstrip("\n") + "\n"


def _entry(card) -> list[str]:
    term = card.term
    out = [f"## {inline(term.name)}", "", f"- Slug: `{term.slug}`"]
    if term.abbreviation:
        out.append(f"- Abbreviation: {inline(term.abbreviation)}")
    if term.aliases:
        out.append("- Aliases: " + "; ".join(inline(alias).replace(";", "\\;") for alias in term.aliases))
    out += [f"- Summary: {inline(term.summary)}", f"- Source: {inline(term.source)}", ""]
    out += [*_block(term.definition), ""]
    if term.examples:
        out += ["### Examples", ""]
        for example in term.examples:
            out.append(f"- {inline(example.label)}")
            out += [f"  - {inline(item)}" for item in example.items]
        out.append("")
    if card.links:
        out += ["### Links", ""]
        for view in card.links:
            name = inline(view.other_name).replace("[", "\\[").replace("]", "\\]")
            out.append(f"- {view.label} [{name}](#{view.other_slug})")
        out.append("")
    return out


# --------------------------------------------------------------------------- reading


def unescape(text: str) -> str:
    """Undo ``inline``: ``\\n``, ``\\r``, ``\\uXXXX`` and a backslash before ASCII punctuation."""

    def one(match: re.Match) -> str:
        char, code = match.group(1), match.group(2) or match.group(3)
        if code:
            value = int(code, 16)
            surrogate = 0xD800 <= value <= 0xDFFF  # not text: SQLite could not store it
            return match.group(0) if surrogate or value > 0x10FFFF else chr(value)
        return {"n": "\n", "r": "\r"}.get(char, char)

    return re.sub(r"\\(?:([nr!-/:-@\[-`{-~])|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))", one, text)


class _Entry:
    """One ``##`` entry being read: its lines by kind, each with its line number."""

    def __init__(self, name: str, line: int) -> None:
        self.name, self.line = name, line
        self.fields: dict[str, tuple[str, int]] = {}
        self.definition: list[str] = []
        self.examples: list[tuple[str, list[str], int]] = []
        self.links: list[tuple[str, str, int]] = []
        self.section = "fields"


def parse_markdown(path: Path, text: str) -> ParsedFile:
    """The terms of a Markdown file the exporter wrote (or one written by hand in that shape)."""
    title, topic, description, entries = _read(path, text)
    if not entries:
        raise PackError(path, None, "no terms: a Markdown pack needs '## Name' entries")
    topic = topic or slugify(path.stem) or "my-terms"
    terms, links, term_lines = [], [], {}
    for entry in entries:
        term = _term(entry, topic, path)
        if term.slug in term_lines:
            raise PackError(
                path, entry.line, f"slug '{term.slug}' is already defined (line {term_lines[term.slug]})"
            )
        term_lines[term.slug] = entry.line
        terms.append(term)
        for words, target, line in entry.links:
            if target == term.slug:
                raise PackError(path, line, f"term '{term.slug}' links to itself")
            links.append((line, canonical_link(term.slug, LINK_WORDS[words], target)))
    pack = Pack(topic, title or topic_title(topic), description, str(path), tuple(terms))
    return ParsedFile(pack, links, text, term_lines)


def _read(path: Path, text: str) -> tuple[str, str, str, list[_Entry]]:
    """Split the file into its topic header and its entries, checking each line's place."""
    title = topic = ""
    topic_line = 0
    description: list[str] = []
    entries: list[_Entry] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if line.startswith("# "):
            if topic_line:
                raise PackError(path, number, "a second topic: a Markdown pack holds one '# ' section")
            title, topic_line = unescape(line[2:].strip()), number
        elif not topic_line:
            if line.strip():
                raise PackError(path, number, "text before the first '# Title' heading")
        elif line.startswith("## "):
            entries.append(_Entry(unescape(line[3:].strip()), number))
        elif not entries:
            match = re.fullmatch(r"Topic: `([^`]*)`\s*", line)
            if match and not topic and not any(text.strip() for text in description):
                topic = match.group(1)
                if not SLUG.match(topic):
                    raise PackError(
                        path, number, f"topic '{topic}' must be lowercase words joined by hyphens"
                    )
            else:
                description.append(line)
        else:
            _entry_line(entries[-1], line, number, path)
    return title, topic, _paragraphs(description), entries


def _entry_line(entry: _Entry, line: str, number: int, path: Path) -> None:
    """File one line of an entry under its fields, definition, examples or links."""
    heading = line.strip().lower()
    if line.startswith("### "):
        if heading not in ("### examples", "### links"):
            raise PackError(path, number, f"unknown section '{line[4:].strip()}' (use Examples or Links)")
        entry.section = heading[4:]
    elif line.startswith("#"):
        raise PackError(path, number, "a heading here must be '## Name', '### Examples' or '### Links'")
    elif entry.section == "fields" and line.startswith("- "):
        match = _FIELD.match(line)
        key = match.group("key").lower() if match else ""
        if key not in FIELDS:
            raise PackError(path, number, f"unknown field line (fields: {', '.join(FIELDS)})")
        if key in entry.fields:
            raise PackError(path, number, f"field '{key}' given twice (line {entry.fields[key][1]})")
        entry.fields[key] = (match.group("value").strip(), number)  # type: ignore[union-attr]
    elif entry.section in ("fields", "definition"):
        if line.strip() or entry.definition:
            entry.section = "definition"
            entry.definition.append(line)
    elif entry.section == "examples":
        _example_line(entry, line, number, path)
    elif line.strip():
        match = _LINK.match(line)
        if not match or match.group("words") not in LINK_WORDS:
            words = ", ".join(LINK_WORDS)
            raise PackError(path, number, f"a link line is '- <relation> [Name](#slug)' with one of: {words}")
        entry.links.append((match.group("words"), match.group("slug"), number))


def _example_line(entry: _Entry, line: str, number: int, path: Path) -> None:
    if line.startswith("- "):
        entry.examples.append((unescape(line[2:].strip()), [], number))
    elif line.startswith("  - "):
        if not entry.examples:
            raise PackError(path, number, "an example item comes under a '- label' line")
        entry.examples[-1][1].append(unescape(line[4:].strip()))
    elif line.strip():
        raise PackError(path, number, "an example is '- label' followed by '  - item' lines")


def _split_aliases(text: str) -> list[str]:
    """Split at each ``;`` that is not escaped (a backslash pair before it is an escaped backslash)."""
    parts, current, escaped = [], "", False
    for char in text:
        if char == ";" and not escaped:
            parts.append(current)
            current = ""
            continue
        current += char
        escaped = char == "\\" and not escaped
    return [*parts, current]


def _paragraphs(lines: list[str]) -> str:
    """Block lines back to text: the escapes undone, surrounding blank lines dropped."""
    kept = [unescape(line) for line in lines]
    return "\n".join(kept).strip()


def _term(entry: _Entry, topic: str, path: Path) -> Term:
    fields = {key: unescape(value) for key, (value, _line) in entry.fields.items()}
    line_of = {key: line for key, (_value, line) in entry.fields.items()}
    name = entry.name
    if not name:
        raise PackError(path, entry.line, "empty term name after '## '")
    definition = _paragraphs(entry.definition)
    if not definition:
        raise PackError(path, entry.line, f"term '{name}': no definition under its heading")
    slug = checked_slug(name, fields.get("slug", "").strip("`"), path, line_of.get("slug", entry.line))
    aliases_text = entry.fields.get("aliases", ("", 0))[0]
    aliases = tuple(unescape(alias).strip() for alias in _split_aliases(aliases_text))
    for alias in filter(None, aliases):
        check_length(alias, "alias", path, line_of.get("aliases"))
    examples = []
    for label, items, line in entry.examples:
        if not label:
            raise PackError(path, line, "an example label is empty")
        examples.append(Example(check_length(label, "examples.label", path, line), tuple(items)))

    def field(key: str, default: str = "") -> str:
        return check_length(fields.get(key) or default, key, path, line_of.get(key, entry.line))

    return Term(
        slug=check_length(slug, "slug", path, entry.line),
        name=check_length(name, "name", path, entry.line),
        summary=field("summary", default_summary(definition)),
        definition=check_length(definition, "definition", path, entry.line),
        source=field("source", f"Imported from {path.name}"),
        topic=topic,
        abbreviation=field("abbreviation"),
        aliases=tuple(filter(None, aliases)),
        examples=tuple(examples),
        demo_params={},  # a dict, as the TOML loader gives (the store writes it as JSON)
    )
