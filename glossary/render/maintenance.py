"""Views of the store's upkeep: doctor's report, a backup made, a restore, a pack removed.

One line per fact, as plain ``Text`` (never markup): a path or a pack title may hold anything,
so each goes through ``plain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.safe import plain

if TYPE_CHECKING:
    from glossary.backup import BackupMade, Restored
    from glossary.doctor import DoctorReport
    from glossary.importing import Removed

_MARKS = {"ok": ("ok", "green"), "repaired": ("repaired", "yellow"), "problem": ("PROBLEM", "bold red")}


def doctor_view(report: DoctorReport) -> RenderableType:
    """One line per check, then the verdict."""
    width = max(len(finding.check) for finding in report.findings)
    lines = [Text(f"Checked {plain(report.store)}")]
    for finding in report.findings:
        word, style = _MARKS[finding.status]
        line = Text(f"  {finding.check:<{width}}  ")
        line.append(f"{word:<8}", style=style)
        line.append(f"  {plain(finding.detail)}")
        lines.append(line)
    if not report.healthy:
        lines.append(Text("Some problems remain (see above).", style="bold red"))
    elif report.repaired:
        lines.append(Text(f"Repaired {report.repaired} problem(s); the store is sound now."))
    else:
        lines.append(Text("The store is sound; nothing to repair."))
    return Group(*lines)


def backup_view(made: BackupMade) -> RenderableType:
    return Text(f"Backed up {plain(made.store)} to {plain(made.path)} ({made.size:,} bytes).")


def restore_view(restored: Restored) -> RenderableType:
    lines = [Text(f"Restored {plain(restored.store)} from {plain(restored.source)}.")]
    if restored.saved_as:
        lines.append(Text(f"What it held before is saved as {plain(restored.saved_as)}."))
    return Group(*lines)


def removed_view(removed: Removed) -> RenderableType:
    terms = f"{removed.terms} term{'s' if removed.terms != 1 else ''}"
    line = Text(f"Removed the pack {plain(removed.topic)} ({plain(removed.title)}): {terms}.")
    if removed.archived_cards:
        line.append(
            f" The review history of its {removed.archived_cards} card(s) is kept: import the pack "
            "again to bring them back."
        )
    return line
