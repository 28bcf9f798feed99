"""Write chosen terms as a TOML pack that ``glossary import`` reads back to the same store.

A pack holds one topic, so a TOML export is of one topic or one pack. Each stored link touching
the pack is written once, on the entry of a term in the pack: under its own key on the source,
or under the inverse key on the target when the source is outside the pack, so the loader's
``canonical_link`` gives back exactly the stored link. Every string is escaped so the file holds
no control or format character raw (a ``cat`` of the file cannot drive the terminal).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from glossary.errors import Invalid
from glossary.model import RELATION_BY_KEY

if TYPE_CHECKING:
    from glossary.formats.export import Export

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _char(char: str, multiline: bool) -> str:
    if char == "\n" and multiline:
        return char
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char == " " or char.isprintable():
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def string(text: str) -> str:
    """A TOML basic string for any text."""
    return '"' + "".join(_char(char, False) for char in text) + '"'


def text_block(text: str) -> str:
    """A TOML multi-line basic string: readable paragraphs, every quote and control escaped."""
    if "\n" not in text:
        return string(text)
    return '"""\n' + "".join(_char(char, True) for char in text) + '"""'


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else string(name)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else str(value).lower()
    return string(str(value))


def write_toml(export: Export) -> str:
    """The chosen terms as one pack; more than one topic is a usage error."""
    if len(export.topics) != 1:
        raise Invalid(
            "a TOML pack holds one topic: add --topic or --pack (or use --format markdown or json)",
            "--format",
        )
    (topic,) = export.topics
    out = ["[pack]", f"topic = {string(topic.topic)}", f"title = {string(topic.title)}"]
    if topic.description:
        out.append(f"description = {string(topic.description)}")
    slugs = export.slugs
    written: dict[str, dict[str, list[str]]] = {slug: {} for slug in slugs}
    for link in export.links:
        if link.source in slugs:
            written[link.source].setdefault(link.relation, []).append(link.target)
        else:
            relation = RELATION_BY_KEY[link.relation]
            written[link.target].setdefault(relation.inverse_key, []).append(link.source)
    for card in export.cards:
        out += ["", *_entry(card.term, written[card.term.slug])]
    return "\n".join(out) + "\n"


def _entry(term, links: dict[str, list[str]]) -> list[str]:
    out = ["[[terms]]", f"slug = {string(term.slug)}", f"name = {string(term.name)}"]
    if term.abbreviation:
        out.append(f"abbreviation = {string(term.abbreviation)}")
    if term.aliases:
        out.append(f"aliases = [{', '.join(string(alias) for alias in term.aliases)}]")
    out += [
        f"summary = {string(term.summary)}",
        f"definition = {text_block(term.definition)}",
        f"source = {string(term.source)}",
    ]
    if term.demo:
        out.append(f"demo = {string(term.demo)}")
    if term.demo_params:
        pairs = ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in term.demo_params.items())
        out.append(f"demo_params = {{ {pairs} }}")
    for example in term.examples:
        out += ["[[terms.examples]]", f"label = {string(example.label)}"]
        out.append(f"items = [{', '.join(string(item) for item in example.items)}]")
    if links:
        out.append("[terms.links]")
        out += [f"{key} = [{', '.join(string(s) for s in targets)}]" for key, targets in links.items()]
    return out
