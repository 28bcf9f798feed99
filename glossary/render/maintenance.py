"""Views of the store's upkeep: doctor's report, a backup made, a restore, a pack removed.

One line per fact, as plain ``Text`` (never markup): a path or a pack title may hold anything,
so each goes through ``plain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.cards import Paragraph, Rows
from glossary.render.safe import plain

if TYPE_CHECKING:
    from glossary.backup import BackupMade, Restored
    from glossary.doctor import DoctorReport
    from glossary.importing import Removed

_MARKS = {"ok": ("ok", "green"), "repaired": ("repaired", "yellow"), "problem": ("PROBLEM", "bold red")}


def doctor_view(report: DoctorReport) -> RenderableType:
    """One row per check (wrapped with a hanging indent, no trailing spaces), then the verdict."""
    rows = []
    for finding in report.findings:
        word, style = _MARKS[finding.status]
        value = Text(f"{word:<8}", style=style)
        value.append(f"  {plain(finding.detail)}")
        rows.append((Text(finding.check), value))
    if not report.healthy:
        verdict = Text("Some problems remain (see above).", style="bold red")
    elif report.repaired:
        verdict = Text(f"Repaired {report.repaired} problem(s); the store is sound now.")
    else:
        verdict = Text("The store is sound; nothing to repair.")
    return Group(Paragraph(Text(f"Checked {plain(report.store)}")), Rows(rows, indent=2), verdict)


def backup_view(made: BackupMade) -> RenderableType:
    return Paragraph(Text(f"Backed up {plain(made.store)} to {plain(made.path)} ({made.size:,} bytes)."))


def restore_view(restored: Restored) -> RenderableType:
    lines = [Paragraph(Text(f"Restored {plain(restored.store)} from {plain(restored.source)}."))]
    if restored.saved_as:
        lines.append(Paragraph(Text(f"What it held before is saved as {plain(restored.saved_as)}.")))
    return Group(*lines)


def removed_view(removed: Removed) -> RenderableType:
    terms = f"{removed.terms} term{'s' if removed.terms != 1 else ''}"
    line = Text(f"Removed the pack {plain(removed.topic)} ({plain(removed.title)}): {terms}.")
    if removed.archived_cards:
        line.append(
            f" The review history of its {removed.archived_cards} card(s) is kept: import the pack "
            "again to bring them back."
        )
    return Paragraph(line)
