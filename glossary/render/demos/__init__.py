"""Views of demo runs: the header, the demo list, the source listing, and dispatch to each demo's view.

Each demo draws itself in ``glossary/render/demos/<demo name with underscores>.py``, whose
``view(result)`` turns the result dataclass into a rich renderable; ``demo_view`` finds that module
by the demo's name, so a new demo's view is a new file and no table here changes. Views only draw:
the run itself happens in ``glossary.demos``. Text that came from the user or from a file goes
through ``plain`` into ``rich.text.Text``, which never parses markup, so neither markup nor control
characters reach the terminal. Numbers are always printed, so the views read the same piped, with
NO_COLOR, or in colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from glossary.render.charts import add_column, add_row, house_table
from glossary.render.code import SourceBlock
from glossary.render.prose import Prose
from glossary.render.safe import plain
from glossary.results import DemoFailure

if TYPE_CHECKING:
    from glossary.demos import DemoRun
    from seqml.demos import Demo, Param


def _format_value(value: Any) -> str:
    """A parameter value as a person would type it."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _setting(param: Param, value: Any) -> str | None:
    """One parameter as the flag that sets it, --forget-bias=1 or --text='a b' (no space, so a
    narrow terminal never wraps a flag away from its value); None for a file left unset (the
    bundled corpus, no ARPA model), which the command line repeats by leaving it out."""
    if param.name in ("corpus", "arpa") and not value:
        return None
    shown = _format_value(value)
    if param.type == "str":
        shown = _shell_quoted(shown)
    return f"{param.option}={plain(shown)}"


def _unset(param: Param) -> str:
    """A file option left unset, as the demo list names it: --corpus=(bundled), --arpa=(none)."""
    return f"{param.option}=({'bundled' if param.name == 'corpus' else 'none'})"


def _shell_quoted(value: str) -> str:
    """``value`` quoted so a shell reads it back exactly: 'a b', "don't", or shlex's form when
    it holds both quotes or a character double quotes would expand ($, `, \\, !)."""
    if "'" not in value:
        return f"'{value}'"
    if not any(character in value for character in '"$`\\!'):
        return f'"{value}"'
    import shlex

    return shlex.quote(value)


def demo_header(demo: Demo, params: Mapping[str, Any], seed: int) -> RenderableType:
    """The demo's title, then its parameters and the seed as flags, so a run can be repeated exactly."""
    settings = [_setting(param, params.get(param.name, param.default)) for param in demo.params]
    settings = [setting for setting in settings if setting is not None]
    title = Text(demo.title, style="bold")
    title.append(f"  ({demo.name})", style="dim")
    return Group(title, Flags([*settings, f"--seed={seed}"], style="dim"))


class Flags:
    """Flags on as few lines as fit, broken only between two flags, so a quoted value
    (``--logits='3 1 0.5 0 -1'``) is never split; a flag wider than the whole line starts a line
    of its own and breaks at its spaces, the rest following on its last line."""

    def __init__(self, flags: Sequence[str], style: str = "") -> None:
        self.flags = flags
        self.style = style

    def lines(self, width: int) -> list[str]:
        """The flags as lines of at most ``width`` columns (a single unbroken word may be wider)."""
        from rich.cells import cell_len

        lines: list[str] = []
        current = ""
        for flag in self.flags:
            if current and cell_len(current) + 1 + cell_len(flag) <= width:
                current = f"{current} {flag}"
                continue
            if current:
                lines.append(current)
            pieces = [flag] if cell_len(flag) <= width else _spaced_pieces(flag, width)
            lines.extend(pieces[:-1])
            current = pieces[-1]
        return [*lines, current] if current else lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Each line as its own Text, so rich never re-wraps inside a flag that fits."""
        for line in self.lines(options.max_width):
            yield Text(line, style=self.style, overflow="fold")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as its longest line at the available width."""
        from rich.cells import cell_len

        return Measurement(1, max((cell_len(line) for line in self.lines(options.max_width)), default=0))


def _spaced_pieces(flag: str, width: int) -> list[str]:
    """A flag too wide for any line, cut at its spaces into pieces that fit."""
    from rich.cells import cell_len

    pieces: list[str] = []
    for word in flag.split(" "):
        if pieces and cell_len(pieces[-1]) + 1 + cell_len(word) <= width:
            pieces[-1] = f"{pieces[-1]} {word}"
        else:
            pieces.append(word)
    return pieces


def demo_list(demos: Sequence[Demo]) -> Table:
    """The registry as a table: name, what it shows, and its parameters as flags with defaults."""
    table = house_table(caption="Run one: glossary demo NAME [--param value]...  (--help lists ranges)")
    add_column(table, "demo", style="bold", no_wrap=True)
    add_column(table, "shows")
    add_column(table, "parameters")
    for demo in demos:
        params = ", ".join(_setting(param, param.default) or _unset(param) for param in demo.params)
        add_row(table, Text(demo.name), Text(demo.summary), Text(params))
    return table


def demo_view(run: DemoRun | DemoFailure) -> RenderableType:
    """Header, the demo's own picture, then its NOTICE line; a run that could not start is one line."""
    if isinstance(run, DemoFailure):
        return Text(f"demo {plain(run.name)} cannot run: {plain(run.message)}", style="red")
    module = run.demo.name.replace("-", "_")
    view = import_module(f"{__name__}.{module}").view
    notice = Prose(f"Notice: {run.demo.notice}", style="italic")
    return Group(demo_header(run.demo, run.params, run.seed), view(run.result), notice)


def code_view(sources: Sequence[tuple[str, str]]) -> RenderableType:
    """The core functions' source with syntax highlighting, each under its qualified name."""
    parts: list[RenderableType] = []
    for name, source in sources:
        parts.append(Text(f"# {name}", style="bold"))
        parts.append(SourceBlock(source))
    return Group(*parts)
