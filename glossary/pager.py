"""Long output goes through the user's pager, as git does: only on a terminal, only when too tall.

The choice of pager: ``GLOSSARY_PAGER`` when set (empty, ``cat``, or a word that means off:
``0``, ``false``, ``no``, ``off``, ``never``, turns paging off), else
``$PAGER``, else ``less -FRX`` (quit if one screen, keep colours, leave the text on screen).
Standard library only, so the core can decide and the click layer only renders and hands over.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable

DEFAULT_PAGER = "less -FRX"
# Values that turn paging off. ``false`` would otherwise run /bin/false, which reads nothing and
# exits 1, so the whole output vanished; ``0`` ran a command named 0 ("sh: 0: not found").
OFF = frozenset(["", "cat", "0", "false", "no", "off", "never"])


def pager_command(disabled: bool = False) -> str | None:
    """The pager to run, or None when paging is turned off or its program is not installed
    (the text is then printed directly, as git does, instead of vanishing into a failed shell)."""
    if disabled:
        return None
    if "GLOSSARY_PAGER" in os.environ:
        chosen = os.environ["GLOSSARY_PAGER"].strip()
    else:
        chosen = os.environ.get("PAGER", "").strip() or DEFAULT_PAGER
    if chosen.casefold() in OFF or not _installed(chosen):
        return None
    return chosen


def _installed(command: str) -> bool:
    """Whether the command's program can be found; a command the shell must parse gets the benefit
    of the doubt (``run_pager`` still notices when the shell finds nothing)."""
    import shlex
    import shutil

    try:
        words = shlex.split(command)
    except ValueError:
        return True
    if not words or "=" in words[0] or any(mark in command for mark in "$`|;&<>()"):
        return True
    return shutil.which(words[0]) is not None


def needs_paging(text: str, height: int) -> bool:
    """Taller than the screen (leaving a line for the prompt that follows)."""
    return text.count("\n") >= max(height - 1, 1)


def run_pager(command: str, text: str | Iterable[str]) -> bool:
    """Show ``text`` (or pieces of it, fed as they come) in the pager; False when it cannot start.

    Like git, ``LESS=FRX`` is set when the user has no LESS of their own, so a bare ``less`` in
    $PAGER still keeps colours. A user quitting the pager early (broken pipe) is not an error.
    """
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None
    try:
        for piece in [text] if isinstance(text, str) else text:
            process.stdin.write(piece.encode("utf-8", "replace"))
            process.stdin.flush()
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # less handles Ctrl-C itself; wait for it to finish
            continue
    return process.returncode != 127  # 127: the shell did not find the pager
