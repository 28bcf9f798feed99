"""The terminal capture as an SVG that needs nothing from the web and looks the same everywhere.

rich's ``export_svg`` links the Fira Code web font from a CDN (so an offline viewer, or one that
blocks remote fonts, falls back unpredictably) and writes every space as ``&#160;`` inside one
``<text>`` per styled run. librsvg drops those no-break spaces, so ``mice   0.800`` rendered as
``mice0.800``. Here the capture is rewritten: the font rules name only local monospace fonts,
and each run is split at its spaces into ``<text>`` pieces placed at their own columns, so no
renderer has to draw a space at all. Every run is fitted to its columns by stretching its
glyphs (``lengthAdjust="spacingAndGlyphs"``), not by spacing them: Chromium honours
``textLength`` by adding space between letters, which opened a seam inside every bar ``██▍``
(the cell is 12.2 px, a DejaVu Sans Mono glyph 12.04 px), while librsvg ignores it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

LOCAL_FONTS = '"DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace'
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*")
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_TEXT = re.compile(
    r'<text (?P<attrs>[^>]*?)x="(?P<x>[-\d.]+)"(?P<middle>[^>]*?)'
    r'textLength="(?P<length>[-\d.]+)"(?P<rest>[^>]*)>(?P<body>.*?)</text>'
)
_SPACES = re.compile(r"(?:&#160;)+")
_ENTITY = re.compile(r"&[#\w]+;")


def _cells(body: str) -> int:
    """Characters (terminal cells) in an escaped text body: each entity counts once."""
    return len(_ENTITY.sub("_", body))


def _split_run(match: re.Match[str]) -> str:
    """One ``<text>`` run rewritten as one element per stretch of visible characters."""
    body = match["body"]
    cells = _cells(body)
    if "&#160;" not in body or cells == 0:
        return match[0]
    return _place(match, body, float(match["length"]) / cells, float(match["x"]))


def _place(match: re.Match[str], body: str, width: float, x: float) -> str:
    """Each visible stretch of ``body`` at its own column (spaces become gaps, not glyphs)."""
    pieces, column, position = [], 0, 0
    for gap in _SPACES.finditer(body):
        part = body[position : gap.start()]
        if part:
            pieces.append(_piece(match, part, x + column * width, width))
        column += _cells(part) + gap.group().count("&#160;")
        position = gap.end()
    tail = body[position:]
    if tail:
        pieces.append(_piece(match, tail, x + column * width, width))
    return "".join(pieces)


def _piece(match: re.Match[str], part: str, x: float, width: float) -> str:
    """One ``<text>`` element holding ``part`` at ``x``."""
    attrs = f'{match["attrs"]}x="{x:g}"{match["middle"]}'
    return f'<text {attrs}textLength="{_cells(part) * width:g}"{match["rest"]}>{part}</text>'


def self_contained(svg: str) -> str:
    """rich's SVG with local fonts only and no no-break spaces (see the module docstring)."""
    svg = _COMMENT.sub("", svg)
    svg = _FONT_FACE.sub("", svg)
    svg = svg.replace("font-family: Fira Code, monospace;", f"font-family: {LOCAL_FONTS};")
    svg = svg.replace("font-family: arial;", 'font-family: "DejaVu Sans", Arial, sans-serif;')
    # What is left (the window title) has single spaces, which every renderer draws as written.
    svg = _TEXT.sub(_split_run, svg).replace("&#160;", " ")
    return svg.replace(" textLength=", ' lengthAdjust="spacingAndGlyphs" textLength=')


def terminal_svg(console: Console, title: str) -> str:
    """What ``console`` recorded, as a self-contained SVG picture of the terminal."""
    return self_contained(console.export_svg(title=title))
