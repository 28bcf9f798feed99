"""Views only: records in, rich renderables out. Nothing here queries the store or runs a model.

``view_of`` picks the view for a lookup command's record, importing the view module on demand,
so a command pays only for the renderables it draws. Modules here may import ``glossary.model``,
``glossary.results`` and ``glossary.render.*``; anything else of the core only for type annotations.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

# record type name -> "module:function" drawing it
_VIEWS = {
    "Card": "glossary.render.cards:card_view",
    "Comparison": "glossary.render.cards:comparison_view",
    "TermList": "glossary.render.cards:term_list_view",
    "LinkTree": "glossary.render.cards:link_tree_view",
    "Route": "glossary.render.cards:route_view",
    "SearchResults": "glossary.render.cards:search_view",
    "DoctorReport": "glossary.render.maintenance:doctor_view",
    "BackupMade": "glossary.render.maintenance:backup_view",
    "Restored": "glossary.render.maintenance:restore_view",
    "Removed": "glossary.render.maintenance:removed_view",
}


def view_of(record: Any) -> RenderableType:
    """The renderable for a command's record (see ``_VIEWS``)."""
    module, _, function = _VIEWS[type(record).__name__].partition(":")
    return getattr(import_module(f"{module}"), function)(record)
