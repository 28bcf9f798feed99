"""Read a CSV or Markdown file into the records the TOML loader produces (see ``common``)."""

from __future__ import annotations

from pathlib import Path

from glossary.formats.common import ParsedFile, import_format, read_text


def parse_file(path: str | Path, chosen: str | None = None) -> ParsedFile:
    """Read a CSV or Markdown file into a pack (TOML goes to ``glossary.packs``)."""
    path = Path(path)
    kind = import_format(path, chosen)
    text = read_text(path)
    if kind == "csv":
        from glossary.formats.csv_pack import parse_csv

        return parse_csv(path, text)
    if kind == "markdown":
        from glossary.formats.markdown_pack import parse_markdown

        return parse_markdown(path, text)
    raise ValueError(f"not a CSV or Markdown format: {kind}")


def read_as_pack(path: str | Path, chosen: str | None = None) -> tuple:
    """``glossary.packs.read_pack``'s result (pack, links as (line, Link), text) for another format."""
    parsed = parse_file(path, chosen)
    return parsed.pack, parsed.links, parsed.text
