"""The ``glossary`` command: parse arguments, call one core function, hand the result to a view.

Start-up matters (a lookup should answer faster than tldr), so this module imports only click at
the top; rich, the store and above all numpy are imported inside the commands that need them.
"""

from __future__ import annotations

import gc
import os
import sys

try:  # the C half of ``signal``, loaded with the interpreter: ``signal`` itself builds three enums
    import _signal as signal  # on import (~0.5 ms of every start) for names we do not need
except ImportError:  # another Python than CPython
    import signal  # type: ignore[no-redef]

if os.path.basename(sys.argv[0]) == "glossary":  # the installed command, not an importer of cli
    # A Ctrl-C while the modules load ends the process quietly; main() gives Ctrl-C back to Python.
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    # Loading click and rich allocates enough objects to run the cyclic collector dozens of times,
    # each pass walking everything loaded so far: ~3 ms of a 65 ms lookup, for no garbage worth
    # collecting. It stays off for the brief lookups; the root command (cli) turns it back on for
    # the rest (BRIEF_COMMANDS).
    gc.disable()

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from functools import update_wrapper
from typing import TYPE_CHECKING, Any

import click

from glossary.errors import Invalid, NotFound, PackError, StoreError

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from glossary.store import Store

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}  # inherited by subcommands


# --------------------------------------------------------------------------- shared helpers


def _console(stderr: bool = False, record: bool = False) -> Console:
    """The one place consoles are built: rich honours NO_COLOR and plain output when piped, and
    every line printed loses its trailing whitespace (glossary/render/trim.py)."""
    from rich.console import Console

    from glossary.render.trim import trimming

    return trimming(Console(stderr=stderr, highlight=False, record=record, soft_wrap=False))


def _print(renderable: RenderableType, paged: bool = False, min_width: int = 0) -> None:
    """Print a view; a paged one goes through the pager when it is taller than the terminal.
    Piped, the console is at least ``min_width`` wide (so source in the view is never cut)."""
    console = _console()
    if not console.is_terminal:
        console.width = max(console.width, min_width)
    command = _pager() if paged and console.is_terminal else None
    if command is None:
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    _page_or_write(capture.get(), command, console.size.height)


def _stream(parts: Iterable[RenderableType]) -> None:
    """Print a long view part by part as it is drawn; on a terminal, once it outgrows the screen,
    hand the parts drawn so far and the rest, as they come, to the pager."""
    console = _console()
    command = _pager() if console.is_terminal else None
    if command is None:
        for part in parts:
            console.print(part)
        return
    from glossary.pager import needs_paging, run_pager

    drawn: list[str] = []
    pending = iter(parts)
    for part in pending:
        with console.capture() as capture:
            console.print(part)
        drawn.append(capture.get())
        if needs_paging("".join(drawn), console.size.height):
            if run_pager(command, _then(drawn, pending, console)):
                return
            break
    sys.stdout.write("".join(drawn))
    for part in pending:
        console.print(part)


def _then(drawn: list[str], pending: Iterator[RenderableType], console: Console) -> Iterator[str]:
    """The text drawn so far, then each remaining part drawn as the pager asks for it; everything
    is kept in ``drawn`` until the pager has taken it, so a pager that fails loses nothing."""
    yield "".join(drawn)
    for part in pending:
        with console.capture() as capture:
            console.print(part)
        drawn.append(capture.get())
        yield drawn[-1]


def _print_text(text: str) -> None:
    """Plain text (help), paged like a view when it is taller than the terminal."""
    import shutil

    command = _pager() if sys.stdout.isatty() else None
    if command is None:
        click.echo(text, nl=False)
        return
    _page_or_write(text, command, shutil.get_terminal_size().lines)


def _pager() -> str | None:
    from glossary.pager import pager_command

    return pager_command(disabled=_pager_disabled())


def _page_or_write(text: str, command: str, height: int) -> None:
    from glossary.pager import needs_paging, run_pager

    if not needs_paging(text, height) or not run_pager(command, text):
        sys.stdout.write(text)
        sys.stdout.flush()


def _pager_disabled() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get("glossary.no_pager"))


def _disable_pager(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().meta["glossary.no_pager"] = True


pager_option = click.option(
    "--no-pager",
    is_flag=True,
    expose_value=False,
    callback=_disable_pager,
    help="Print long output directly instead of through the pager.",
)


def emit(result: Any, as_json: bool = False, paged: bool = False) -> None:
    """Hand a command's result to its view, or print it as JSON (shapes: glossary/render/json.py)."""
    if as_json:
        from glossary.render.json import dumps

        click.echo(dumps(result))
        return
    from glossary.render import view_of

    _print(view_of(result), paged)


def _emit_json(data: Any) -> None:
    emit(data, as_json=True)


class _State:
    """Per-invocation state: the store path, opened lazily so `--help` never touches the disk."""

    def __init__(self, db_path: str | None) -> None:
        self.db_path = db_path
        self._store: Store | None = None

    def path(self) -> str:
        """The store's path: --db or $GLOSSARY_DB (click reads it unexpanded: ``~`` is ours to expand)."""
        from glossary.paths import resolve_db_path

        return resolve_db_path(self.db_path)

    def store(self) -> Store:
        if self._store is None:
            from glossary.store import Store

            self._store = Store.open(self.path(), on_lock_wait=_lock_notice)
        return self._store

    def close(self) -> None:
        """Close the store when the command is done (click calls this as the context ends)."""
        if self._store is not None:
            self._store.close()
            self._store = None


def _lock_notice() -> None:
    """Said once when a write waits: the learner's input is kept until the other process is done."""
    click.echo(
        "Waiting for another glossary process to finish writing to the store "
        "(what you typed is kept; Ctrl-C stops waiting)...",
        err=True,
    )


def _store(ctx: click.Context) -> Store:
    return ctx.ensure_object(_State).store()


def pass_store(function: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the opened store as its first argument (opened on first use, closed at exit)."""

    def with_store(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        return ctx.invoke(function, _store(ctx), *args, **kwargs)

    return update_wrapper(with_store, function)


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def _not_found_message(error: NotFound) -> str:
    """ "no term matches 'lstn'. Did you mean: Long Short-Term Memory (long-short-term-memory)?"."""
    from glossary.errors import shown
    from glossary.render.safe import plain

    message = f"no {error.what} matches '{plain(shown(error.query))}'."
    if error.suggestions:
        names = ", ".join(f"{plain(name)} ({slug})" for slug, name in error.suggestions)
        return f"{message} Did you mean: {names}?"
    if error.what != "term":  # full-text search finds terms, not packs
        return message
    import shlex

    words = plain(shown(error.query))
    return f"{message} Try: glossary search {'-- ' if words.startswith('-') else ''}{shlex.quote(words)}"


class _HelpFormatter(click.HelpFormatter):
    """click's help, each line without the spaces click leaves at its end (a usage line wrapped
    before its options ends in one)."""

    def getvalue(self) -> str:
        return "\n".join(line.rstrip() for line in super().getvalue().split("\n"))


class _Context(click.Context):
    formatter_class = _HelpFormatter


class _Command(click.Command):
    """Every command maps the core's errors the same way: NotFound and store or pack problems exit
    1 with one line; Invalid is a usage error (exit 2), naming the option when there is one."""

    context_class = _Context

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NotFound as error:
            raise click.ClickException(_not_found_message(error)) from None
        except Invalid as error:
            from glossary.render.safe import plain

            if error.param:
                raise click.BadParameter(plain(error.message), ctx, param_hint=f"'{error.param}'") from None
            raise click.UsageError(plain(error.message), ctx) from None
        except (StoreError, PackError) as error:
            from glossary.render.safe import plain

            raise click.ClickException(plain(str(error))) from None
        except Exception as error:  # SQLite's own errors (a damaged page, a full disk): one line
            import sqlite3

            if not isinstance(error, sqlite3.Error):
                raise
            from glossary.render.safe import plain
            from glossary.storefile import describe

            raise click.ClickException(plain(describe(error, ctx.ensure_object(_State).path()))) from None


class _Group(click.Group):
    """The glossary group: its subcommands are ``_Command``s; a word that is no command is a term.

    ``glossary lstm`` is ``glossary show lstm``, as ``tldr tar`` and ``dict word`` are lookups
    (a term named like a command stays reachable as ``glossary show NAME``). The help lists the
    commands by task, each with its whole first sentence.
    """

    command_class = _Command
    context_class = _Context

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        show = self.get_command(ctx, "show")  # only the root has it: `glossary lm foo` is a usage error
        word = args[0] if args else "-"
        if show is not None and not word.startswith("-") and self.get_command(ctx, word) is None:
            return "show", show, args  # "" too: show says the term is empty
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from glossary.guide import TASKS

        names = self.list_commands(ctx)
        listed = {name for _, group in TASKS for name in group}
        sections = [*TASKS, ("Other", tuple(name for name in names if name not in listed))]
        for title, group in sections:
            rows = [(name, _summary(self.commands[name])) for name in group if name in self.commands]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list:
        """Commands first, then terms: ``glossary TERM`` is a lookup too."""
        from click.shell_completion import CompletionItem

        return super().shell_complete(ctx, incomplete) + [
            CompletionItem(word) for word in _complete_terms(ctx, incomplete) if word not in self.commands
        ]


def _summary(command: click.Command) -> str:
    """A command's first sentence, never cut: click's own short help ends in '...' past 45 chars."""
    return command.short_help or command.get_short_help_str(limit=1000)


def _completion_db(ctx: click.Context) -> str:
    from glossary.paths import default_db_path

    return ctx.find_root().params.get("db") or default_db_path()


def _complete_terms(ctx: click.Context, incomplete: str) -> list[str]:
    import os

    from glossary.completion import term_words

    bash = os.environ.get("_GLOSSARY_COMPLETE", "").startswith("bash")
    return term_words(_completion_db(ctx), incomplete, spaces=not bash)


class _Term(click.ParamType):
    """A term as typed: checked to be real text (no undecodable bytes), completed from the store."""

    name = "term"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from glossary.errors import check_text

        try:
            check_text(value)
        except Invalid as error:
            self.fail(error.message, param, ctx)
        return value

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
        from click.shell_completion import CompletionItem

        return [CompletionItem(word) for word in _complete_terms(ctx, incomplete)]


class _TermList(_Term):
    """Comma-separated terms (``quiz --terms a,b``): completes the word after the last comma."""

    name = "terms"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
        from click.shell_completion import CompletionItem

        done, comma, last = incomplete.rpartition(",")
        words = _complete_terms(ctx, last)
        return [CompletionItem(f"{done}{comma}{word}") for word in words if " " not in word]


TERM = _Term()


def _complete_topics(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from glossary.completion import topic_words

    return topic_words(_completion_db(ctx), incomplete)


def _complete_packs(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from glossary.completion import topic_words

    return topic_words(_completion_db(ctx), incomplete, only_yours=True)


def _complete_card(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """TERM[:TYPE]: term words (one shell word each) until a colon, then the question types."""
    term, colon, kind = incomplete.rpartition(":")
    if colon:
        from glossary.quiz.base import QTYPES

        return [f"{term}:{name}" for name in QTYPES if name.startswith(kind)]
    return [word for word in _complete_terms(ctx, incomplete) if " " not in word]


# --------------------------------------------------------------------------- the group


# What answers one query and exits: the garbage collector stays off for it (see the top).
BRIEF_COMMANDS = frozenset({None, "show", "search", "list", "links", "compare", "path", "help", "demos"})


def _print_version(ctx: click.Context) -> None:
    """Our own --version: click.version_option imports locale (~1 ms) on every start."""
    if not ctx.resilient_parsing:
        from glossary import __version__

        click.echo(f"glossary {__version__}")
        ctx.exit()


@click.group(cls=_Group, context_settings=CONTEXT, invoke_without_command=True, no_args_is_help=False)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="GLOSSARY_DB",
    show_envvar=True,
    help="Store to use (default: glossary.db in your user data directory).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _print_version(ctx) if value else None,
    help="Show the version and exit.",
)
@pager_option
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """A terminal glossary of sequence-model ML: cards, live NumPy demos and quizzes.

    Any word that is not a command is looked up: glossary lstm is glossary show lstm.
    Long output goes through $PAGER (else less -FRX) on a terminal; GLOSSARY_PAGER overrides
    it (empty, cat or off: no pager). NO_COLOR, FORCE_COLOR and COLUMNS are honoured.

    \b
    Examples:
      glossary tour
      glossary lstm
      glossary help quiz
    """
    import os

    # Our matrices are small: BLAS threads spinning on them cost more than they save (a training
    # demo took 23 s with OpenBLAS's two threads against 3 s with one on a busy 2-core machine).
    # Set before NumPy is first imported; a user's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    ctx.obj = _State(db)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand not in BRIEF_COMMANDS and not gc.isenabled():
        gc.freeze()  # what start-up loaded is never garbage: later passes skip it
        gc.enable()  # a quiz, a demo or an import may run for long and make cycles
    if ctx.invoked_subcommand is None:
        from glossary.guide import START_HERE

        click.echo(START_HERE)


@cli.command()
@click.argument("term", type=TERM)
@click.option("--demo", "with_demo", is_flag=True, help="Run the term's live demo under the card.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --demo.")
@json_option
@pass_store
def show(store: Store, term: str, with_demo: bool, seed: int, as_json: bool) -> None:
    """Show the card of a term (slug, name, alias or abbreviation).

    \b
    Examples:
      glossary show lstm
      glossary show "long short term memory"
      glossary show 2-gram --json
    """
    card = store.card(term)
    store.note_lookup(card.term.slug)
    emit(card, as_json)
    if with_demo and not as_json:
        found = card.term
        if not found.demo:
            raise click.ClickException(f"{found.name} has no demo.")
        from glossary.demos import run_term_demo
        from glossary.render.demos import demo_view

        console = _console()
        console.print()
        console.print(demo_view(run_term_demo(found.demo, found.demo_params, seed)))


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Most results to show."
)
@json_option
@pass_store
def search(store: Store, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over names, aliases, summaries and definitions (bm25 ranked).

    Words must all match (any word, when that finds nothing); end with * for a prefix.

    \b
    Examples:
      glossary search gradient
      glossary search "forget gate"
      glossary search perplex*
    """
    results = store.search_results(" ".join(query), limit)
    emit(results, as_json)
    if not results.hits and not as_json:
        raise click.exceptions.Exit(1)


@cli.command(name="list")
@click.option(
    "--topic",
    shell_complete=_complete_topics,
    help="Only this topic, by slug or title (see the headings of the full list).",
)
@json_option
@pager_option
@pass_store
def list_terms(store: Store, topic: str | None, as_json: bool) -> None:
    """List the terms, grouped by topic.

    \b
    Examples:
      glossary list
      glossary list --topic sequence-models
      glossary list --topic "Language models"
    """
    listing = store.term_list(topic)
    if as_json:
        emit(listing, as_json)
        return
    from glossary.render.cards import term_list_parts

    _stream(term_list_parts(listing))  # 10,000 terms print (or page) as they are drawn


@cli.command()
@click.argument("term", type=TERM)
@click.option(
    "--depth", type=click.IntRange(1, 4), default=1, show_default=True, help="How many links away to follow."
)
@json_option
@pager_option
@pass_store
def links(store: Store, term: str, depth: int, as_json: bool) -> None:
    """Show a term's links as a tree, following them --depth steps out.

    \b
    Examples:
      glossary links lstm
      glossary links rnn --depth 2
    """
    tree = store.link_tree(term, depth)
    if as_json:
        emit(tree, as_json)
        return
    from glossary.render.cards import link_tree_parts

    _stream(link_tree_parts(tree))  # a hub term's hundreds of lines print (or page) as they are drawn


@cli.command()
@click.argument("first", type=TERM)
@click.argument("second", type=TERM)
@json_option
@pager_option
@pass_store
def compare(store: Store, first: str, second: str, as_json: bool) -> None:
    """Show two terms side by side, with how they are linked.

    \b
    Example:
      glossary compare "vanishing gradients" "exploding gradients"
    """
    emit(store.comparison(first, second), as_json, paged=True)


@cli.command()
@click.argument("first", type=TERM)
@click.argument("second", type=TERM)
@json_option
@pass_store
def path(store: Store, first: str, second: str, as_json: bool) -> None:
    """Show the shortest chain of links from one term to another.

    \b
    Example:
      glossary path bigram "vanishing gradient problem"
    """
    route = store.route(first, second)
    if route.steps is None and not as_json:
        raise click.ClickException("these two terms are not connected by any chain of links.")
    emit(route, as_json)
    if route.steps is None:
        raise click.exceptions.Exit(1)


@cli.command(name="import")
@click.argument("pack", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "pack_format",
    type=click.Choice(["toml", "csv", "markdown"]),
    help="The file's format (default: from its extension: .toml, .csv, .md).",
)
@pass_store
def import_pack(store: Store, pack: str, pack_format: str | None) -> None:
    """Add your own terms from a TOML (see: glossary help packs), CSV or Markdown pack; re-import to update.

    A CSV has a header row naming its columns: term, definition, and optionally summary, aliases
    (separated by ;), topic, slug, abbreviation. Markdown is what `glossary export` writes.

    \b
    Examples:
      glossary import my-terms.toml
      glossary import flashcards.csv
      glossary import notes.md --format markdown
    """
    from glossary.render.safe import plain

    count = store.import_pack(pack, pack_format)
    click.echo(f"Imported {count} term{'s' if count != 1 else ''} from {plain(click.format_filename(pack))}.")


@cli.command()
@click.argument("pack", shell_complete=_complete_packs)
@json_option
@pass_store
def remove(store: Store, pack: str, as_json: bool) -> None:
    """Remove one of your imported packs (named by its topic); your review history is kept.

    \b
    Example:
      glossary remove my-terms
    """
    emit(store.remove_pack(pack), as_json)


# --- the store's upkeep (safety helper) ---


@cli.command()
@json_option
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check the store (pages, search index, spellings, links) and repair what can be repaired.

    Safe at any time: repairs happen in one transaction, and a second run finds nothing to do.

    \b
    Example:
      glossary doctor
    """
    from glossary.doctor import run_doctor

    report = run_doctor(ctx.ensure_object(_State).path())
    emit(report, as_json)
    if not report.healthy:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@json_option
@click.pass_context
def backup(ctx: click.Context, file: str | None, as_json: bool) -> None:
    """Save a consistent copy of the store, to FILE or to its backups folder (never rotated).

    \b
    Examples:
      glossary backup
      glossary backup ~/glossary-may.db
    """
    from glossary.backup import backup as make_backup

    emit(make_backup(ctx.ensure_object(_State).path(), file), as_json)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@json_option
@click.pass_context
def restore(ctx: click.Context, file: str, as_json: bool) -> None:
    """Replace the store with a backup; what it held is backed up first.

    Refuses a file that is not a sound glossary store.

    \b
    Example:
      glossary restore ~/glossary-may.db
    """
    from glossary.backup import restore as restore_store

    emit(restore_store(ctx.ensure_object(_State).path(), file), as_json)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["anki", "markdown", "json", "toml", "reviews-csv"]),
    default="markdown",
    show_default=True,
    help="anki: an .apkg deck; toml: a pack `glossary import` reads back; reviews-csv: your review log.",
)
@click.option("-o", "--output", default="-", show_default=True, help="File to write; - for standard output.")
@click.option("--topic", shell_complete=_complete_topics, help="Only the terms of this topic.")
@click.option(
    "--pack",
    shell_complete=_complete_packs,
    help="Only the terms of this pack (one of yours, named by its topic).",
)
@pass_store
def export(store: Store, export_format: str, output: str, topic: str | None, pack: str | None) -> None:
    """Export terms (all, a --topic or a --pack) as an Anki deck, Markdown, JSON or a TOML pack, or
    your review log as CSV for the FSRS optimizer.

    \b
    Examples:
      glossary export --format anki -o glossary.apkg
      glossary export --topic language-models -o language-models.md
      glossary export --pack my-terms --format toml -o my-terms.toml
      glossary export --format reviews-csv -o revlog.csv
    """
    from glossary.formats.export import check_output
    from glossary.formats.export import export as export_terms
    from glossary.render.json import dumps, export_json

    check_output(output, export_format, sys.stdout.isatty())
    sys.stdout.flush()
    stdout = sys.stdout.buffer  # bytes: the .apkg is binary, and text is written as UTF-8 exactly
    written = export_terms(store, export_format, output, topic, pack, lambda e: dumps(export_json(e)), stdout)
    if output != "-":
        where = click.format_filename(output)
        click.echo(f"Exported {written.count} {written.what} to {where} ({written.kind}).")


# --- help and completion (lookup helper) ---


def _help_context(ctx: click.Context, names: tuple[str, ...]) -> click.Context:
    """The context of ``glossary NAME...`` (``help demo lstm-step`` walks into the demo group)."""
    from glossary.render.safe import plain

    command: click.Command = cli
    current = ctx.find_root()
    for name in names:
        sub = command.get_command(current, name) if isinstance(command, click.Group) else None
        if sub is None:
            raise click.UsageError(f"no command '{plain(name)}'; see glossary help", ctx)
        current = click.Context(sub, info_name=name, parent=current)
        command = sub
    return current


@cli.command(name="help")
@click.argument("names", nargs=-1, metavar="[COMMAND]...", shell_complete=lambda c, p, i: _help_words(i))
@pager_option
@click.pass_context
def help_command(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Show the help of glossary or of a command; glossary help packs shows the pack format.

    \b
    Examples:
      glossary help
      glossary help quiz
      glossary help demo lstm-step
      glossary help packs
    """
    if names == ("packs",):
        import shutil

        from glossary.guide import packs_text
        from glossary.render.guide import code_columns, markdown_view

        text = packs_text()
        columns = shutil.get_terminal_size().columns
        _print(markdown_view(text, columns), paged=True, min_width=code_columns(text))
        return
    target = _help_context(ctx, names)
    _print_text(target.get_help() + "\n")


def _help_words(incomplete: str) -> list[str]:
    from glossary.guide import HELP_TOPICS

    return [
        name for name in [*cli.list_commands(click.Context(cli)), *HELP_TOPICS] if name.startswith(incomplete)
    ]


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish (see the README to enable it).

    \b
    Examples:
      eval "$(glossary completion bash)"     # in ~/.bashrc
      eval "$(glossary completion zsh)"      # in ~/.zshrc
      glossary completion fish > ~/.config/fish/completions/glossary.fish
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # the Choice above allows only the shells click knows
    source = completer(cli, {}, "glossary", "_GLOSSARY_COMPLETE").source()
    # click's fish script splits "plain,bigram,trigram" at every comma, so `quiz --terms a,b` and
    # `--types define,recall` lost all but the first word: split once, after the type.
    click.echo(source.replace('(string split "," $completion)', '(string split -m 1 "," $completion)'))


# --- demo commands (demos helper) ---

DEMO_EXAMPLES = {
    "ngram": ['--text "three blind"', "--n 2 --k 10", '--corpus my-text.txt --text "once upon"'],
    "rnn-unroll": ['--text "the cat sat down"', '--text "the cat sat on the mat" --steps 3 --hidden 4'],
    "lstm-step": ["--forget-bias 3", "--hidden 8 --seed 7"],
    "clipping": ["--method value --clip-value 1", "--method global-norm --p inf"],
    "gradient-flow": ["--rho 1.1", "--steps 60 --forget-bias 3"],
    "next-item": ["--users 2000 --items 200 --k 10"],
}


def _demo_option(name: str) -> str:
    """A parameter's command-line spelling: forget_bias -> --forget-bias."""
    return "--" + name.replace("_", "-")


def _demo_json(demo: Any) -> dict:
    """A demo's description for `glossary demos --json`: enough for a script to build a call."""
    return {
        "name": demo.name,
        "title": demo.title,
        "summary": demo.summary,
        "terms": list(demo.terms),
        "params": [
            {
                "name": p.name,
                "option": _demo_option(p.name),
                "type": p.type,
                "default": p.default,
                "minimum": p.minimum,
                "maximum": p.maximum,
                "choices": list(p.choices),
                "help": p.help,
            }
            for p in demo.params
        ],
    }


@cli.command(name="demos", context_settings=CONTEXT)
@json_option
def list_demos(as_json: bool) -> None:
    """List the live NumPy demos, what each shows and its parameters.

    \b
    Examples:
      glossary demos
      glossary demo lstm-step --help
    """
    from seqml.demos import DEMOS

    if as_json:
        _emit_json([_demo_json(demo) for demo in DEMOS.values()])
        return
    from glossary.render.demos import demo_list

    _print(demo_list(list(DEMOS.values())))


def _fail_demo(error: ValueError) -> None:
    """A bad parameter exits 2 with one line naming the option and its allowed range."""
    from glossary.render.safe import plain
    from seqml.demos import ParamError

    message = plain(str(error))
    if isinstance(error, ParamError):
        if error.param:
            raise click.BadParameter(message, param_hint=f"'{_demo_option(error.param)}'")
        raise click.UsageError(message)
    raise click.ClickException(message)


def _draw_demo(renderable: RenderableType, svg: str | None, title: str, min_width: int = 0) -> None:
    """Print a demo view, and with --svg also save exactly what was printed as a picture
    (``--svg -``: the picture alone goes to stdout). Piped, the console is at least ``min_width``
    wide: source code is never wrapped or cut there."""
    console = _console(record=svg is not None)
    if svg == "-":
        import io

        console.file = io.StringIO()  # stdout carries the SVG, not the text as well
    if not console.is_terminal:
        console.width = max(console.width, min_width)
    console.print(renderable)
    if svg is not None:
        from glossary.render.svg import terminal_svg

        _write_output(svg, terminal_svg(console, title))


def _write_output(path: str, text: str) -> None:
    """Write a picture the user asked for (``-``: stdout) and say where it went."""
    if path == "-":
        click.echo(text, nl=False)
        return
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise click.ClickException(f"cannot write {click.format_filename(path)}: {error.strerror}") from None
    click.echo(f"Saved {click.format_filename(path)}", err=True)


def _check_outputs(svg: str | None, plot: str | None) -> None:
    """Bad --svg or --plot paths are usage errors before the demo runs (exit 2), not after it."""
    from glossary.outputs import output_problem, plot_format

    if plot is not None and plot_format(plot) is None:
        raise click.BadParameter(
            "the format comes from the extension: .png, .svg or .pdf", param_hint="'--plot'"
        )
    if svg is not None and plot_format(svg) in ("png", "pdf"):  # an SVG in a file named .png opens nowhere
        raise click.BadParameter(
            f"--svg writes an SVG; name the file .svg (a .{plot_format(svg)} chart: --plot)",
            param_hint="'--svg'",
        )
    for option, path in (("--svg", svg), ("--plot", plot)):
        problem = output_problem(path) if path is not None else None
        if problem:
            raise click.BadParameter(
                f"cannot write {click.format_filename(path)}: {problem}", param_hint=f"'{option}'"
            )


def _run_demo_command(demo: Any, options: dict[str, Any]) -> None:
    """Validate, run and draw one demo (or print its source), as a view, an SVG or JSON."""
    seed, as_json, show_code, svg = (options.pop(key) for key in ("seed", "as_json", "show_code", "svg"))
    plot = options.pop("plot", None)
    raw = {name: value for name, value in options.items() if value is not None}
    if as_json and svg is not None:
        raise click.UsageError("--svg saves the drawn view; use it without --json.")
    if show_code and plot is not None:
        raise click.UsageError("--plot draws a run; use it without --code.")
    _check_outputs(svg, plot)
    if show_code:
        from seqml.demos import code_sources

        sources = code_sources(demo)
        if as_json:
            _emit_json({"demo": demo.name, "code": [{"name": n, "source": s} for n, s in sources]})
            return
        from glossary.render.code import code_width
        from glossary.render.demos import code_view

        if svg is None and sys.stdout.isatty():
            _print(code_view(sources), paged=True)  # long source pages like any long output
            return
        _draw_demo(code_view(sources), svg, f"glossary demo {demo.name} --code", code_width(sources))
        return
    from glossary.demos import public_params, run_demo
    from seqml.demos import to_jsonable
    from seqml.demos.corpus import read_corpus_stream

    try:
        corpus_text = None
        if raw.get("corpus") == "-":
            corpus_text = read_corpus_stream(sys.stdin.buffer)
        from glossary.render.progress import training_progress

        with training_progress(f"training ({demo.name})") if demo.trains else nullcontext() as report:
            run = run_demo(demo.name, raw, seed, corpus_text, report)
    except ValueError as error:
        _fail_demo(error)
        return
    if as_json:
        params = to_jsonable(public_params(run.params))
        _emit_json({"demo": demo.name, "seed": seed, "params": params, "result": to_jsonable(run.result)})
        return
    if plot is not None:
        from glossary.outputs import plot_format
        from glossary.render.plots import save_plot

        try:
            save_plot(run, plot, plot_format(plot) or "png")
        except OSError as error:  # the disk filled up, or the path changed during the run
            where = click.format_filename(plot)
            raise click.ClickException(f"cannot write {where}: {error.strerror}") from None
        click.echo(f"Saved {click.format_filename(plot)}", err=True)
    from glossary.render.demos import demo_view

    _draw_demo(demo_view(run), svg, f"glossary demo {demo.name}")


def _choice_completer(choices: tuple[str, ...]) -> Any:
    """Complete a demo option's choices (--method value|norm|global-norm); None for free values."""
    if not choices:
        return None
    return lambda _ctx, _param, typed: [choice for choice in choices if choice.startswith(typed)]


def _demo_command(demo: Any, preset: dict[str, Any] | None = None, term: str = "") -> click.Command:
    """Build `glossary demo NAME`: one option per registered parameter, plus the shared ones.

    Built for a term (`glossary demo lstm`), the term's own ``demo_params`` are the defaults.
    """
    from glossary.render.plots import has_plot

    metavars = {"int": "INT", "float": "NUMBER", "str": "TEXT"}
    options: list[click.Parameter] = []
    for param in demo.params:
        if param.name == "corpus":
            metavar, allowed = "FILE", ""
        else:
            metavar = metavars.get(param.type, "[" + "|".join(param.choices) + "]")
            allowed = "" if param.type == "str" else f"{param.allowed()}, "
        default = param.default if param.default != "" else ("none" if param.name == "arpa" else "bundled")
        options.append(
            click.Option(
                [_demo_option(param.name), param.name],
                type=str,
                default=None,
                metavar=metavar,
                show_default=False,
                help=f"{param.help[:1].upper()}{param.help[1:]} [{allowed}default: {default}]",
                shell_complete=_choice_completer(param.choices),
            )
        )
    options += [
        click.Option(
            ["--seed"], type=click.IntRange(min=0), default=0, show_default=True, help="Random seed."
        ),
        click.Option(["--json", "as_json"], is_flag=True, help="Print the result as JSON."),
        click.Option(
            ["--code", "show_code"], is_flag=True, help="Print the demo's core NumPy source instead."
        ),
        click.Option(["--svg"], metavar="FILE", help="Also save the terminal view as an SVG (- for stdout)."),
        click.Option(
            ["--no-pager"],
            is_flag=True,
            expose_value=False,
            callback=_disable_pager,
            help="Print --code directly instead of through the pager.",
        ),
    ]
    if has_plot(demo.name):
        options.append(
            click.Option(["--plot"], metavar="FILE", help="Also draw the run as a chart: .png, .svg or .pdf.")
        )
    examples = "\n".join(f"  glossary demo {demo.name} {line}" for line in DEMO_EXAMPLES.get(demo.name, []))
    preset = dict(preset or {})
    given = " ".join(f"{_demo_option(k)} {v}" for k, v in sorted(preset.items())) or "the defaults"
    for_term = f"\n\nRun for {term} with its parameters: {given}." if term else ""
    return _DemoCommand(
        demo.name,
        params=options,
        callback=lambda **values: _run_demo_command(
            demo, {**values, **{k: v for k, v in preset.items() if values.get(k) is None}}
        ),
        help=(
            f"{demo.title}: {demo.summary}{for_term}\n\nIllustrates: {', '.join(demo.terms)}."
            f"\n\n\b\nExamples:\n{examples}"
        ),
        short_help=demo.summary,
        context_settings=CONTEXT,
    )


class _DemoCommand(click.Command):
    """A demo's command: click's own, with the help of every command."""

    context_class = _Context


class _DemoGroup(click.Group):
    """`glossary demo NAME|TERM`: one subcommand per registered demo, built only when asked for.

    A word that is no demo's name is looked up as a term (any spelling `show` accepts), and runs
    that term's demo with the term's own parameters: a learner types the concept, not our name.
    """

    context_class = _Context

    def list_commands(self, ctx: click.Context) -> list[str]:
        from seqml.demos import DEMOS

        return list(DEMOS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from seqml.demos import find_demo

        demo = find_demo(cmd_name)  # LSTM-Step and lstm_step too: one name, whatever the spelling
        if demo is not None:
            return _demo_command(demo)
        if ctx.resilient_parsing:  # completing: never open (or build) the store
            return None
        return self._term_command(ctx, cmd_name)

    def _term_command(self, ctx: click.Context, word: str) -> click.Command:
        """The demo of the term ``word`` names, or a usage error saying what to type instead."""
        from glossary.render.safe import plain
        from seqml.demos import DEMOS

        choose = f"choose one of {', '.join(DEMOS)} or a term (see: glossary demos)"
        try:
            term = _store(ctx).term(_store(ctx).find(word).slug)
        except NotFound as error:
            from glossary.errors import shown

            meant = ", ".join(f"{plain(name)} ({slug})" for slug, name in error.suggestions)
            hint = f"; did you mean {meant}" if meant else ""
            ctx.fail(f"no demo or term matches '{plain(shown(word))}'{hint}; {choose}")
        except (Invalid, StoreError) as error:
            ctx.fail(plain(str(error)))
        if not term.demo or term.demo not in DEMOS:
            ctx.fail(f"{plain(term.name)} has no demo; {choose}")
        return _demo_command(DEMOS[term.demo], dict(term.demo_params), plain(term.name))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args and not args[0].startswith("-") else ""
        command = self.get_command(ctx, name) if name else None
        if command is not None:
            return name, command, args[1:]
        return super().resolve_command(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list:
        """Demo names, then the terms that have a demo."""
        from click.shell_completion import CompletionItem

        from glossary.completion import demo_terms

        names = super().shell_complete(ctx, incomplete)
        taken = {item.value for item in names}  # a term spelt like a demo (gradient-descent) once
        return names + [
            CompletionItem(word) for word in demo_terms(_completion_db(ctx), incomplete) if word not in taken
        ]


@cli.group(
    name="demo",
    cls=_DemoGroup,
    context_settings=CONTEXT,
    short_help="Run a live NumPy demo by its name or by a term: glossary demo lstm.",
)
def demo_group() -> None:
    """Run a live NumPy demo: glossary demo NAME [--param value]... (list: glossary demos).

    Each demo takes its parameters as options (see glossary demo NAME --help for the ranges),
    plus --seed N, --json, --code (print its NumPy source), --svg FILE and (where a chart
    teaches more than text) --plot FILE.

    \b
    Examples:
      glossary demo ngram --text "three blind"
      glossary demo lstm-step --forget-bias 3 --seed 1
      glossary demo clipping --method value --clip-value 1 --json
      glossary demo gradient-flow --code
    """


# --- end demo commands ---

# --- lm commands (models helper) ---


@cli.group(name="lm", cls=_Group, context_settings=CONTEXT)
def lm_group() -> None:
    """Build n-gram language models as ARPA files, to query with glossary demo ngram --arpa FILE.

    \b
    Example:
      glossary lm build corpus.txt --order 3 -o model.arpa
    """


def _lm_bar() -> Any:
    """A rich progress bar on stderr, one task per stage of the build."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_console(stderr=True),
        transient=False,
    )


@lm_group.command(name="build")
@click.argument("corpus", type=click.Path())
@click.option("--order", "-n", type=click.IntRange(2, 8), default=3, show_default=True, help="N-gram order.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="The ARPA file to write.",
)
def lm_build(corpus: str, order: int, output: str) -> None:
    """Estimate modified Kneser-Ney (as KenLM's lmplz) over a corpus read in chunks, write ARPA.

    One sentence per line, words split at spaces and tabs. Memory stays near the model's size.

    \b
    Example:
      glossary lm build corpus.txt --order 3 -o model.arpa
    """
    from seqml.ngram.stream import build_arpa

    bar, tasks = _lm_bar(), {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        with bar:
            build = build_arpa(corpus, output, order, progress)
    except ValueError as error:
        from glossary.render.safe import plain

        raise click.ClickException(plain(str(error))) from None
    except OSError as error:
        raise click.ClickException(
            f"cannot write {click.format_filename(output)}: {error.strerror}"
        ) from None
    counts = ", ".join(f"{n}-grams {c:,}" for n, c in enumerate(build.counts, start=1))
    click.echo(f"Wrote {click.format_filename(output)}: {build.tokens:,} tokens, {counts}")


# --- end lm commands ---

# --- quiz commands (quiz helper) ---

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from glossary.planning import PlannedCard
    from glossary.quiz.bank import Bank
    from glossary.render.quiz import TerminalIO


def _now() -> datetime:
    """The learner's clock (``GLOSSARY_NOW`` when set); a malformed value is a usage error."""
    from glossary.clock import ClockError, now

    try:
        return now()
    except ClockError as error:
        raise click.UsageError(str(error)) from None


def _zone() -> tzinfo | None:
    """The zone day boundaries are drawn in (checked by ``_now`` first)."""
    from glossary.clock import zone

    return zone()


def _local_now() -> datetime:
    """The learner's clock in the learner's zone: views show local times from it."""
    return _now().astimezone(_zone())


def _comma_list(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _quiz_io(store: Store, as_json: bool) -> tuple[TerminalIO, Console]:
    """Terminal or pipe: a person gets prompts and timing; a pipe gets its answers echoed."""
    from glossary.render.cards import term_card
    from glossary.render.quiz import TerminalIO

    interactive = sys.stdin.isatty()
    console = _console(stderr=as_json)
    if as_json and not interactive:
        import io

        console = type(console)(file=io.StringIO())  # a script wants the JSON only

    def read_line(prompt: str) -> str:
        if interactive:
            console.print(prompt, end="", markup=False, highlight=False)
            return input()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line

    def show_card(slug: str):
        card = term_card(store.term(slug), store.links_of(slug))
        if not (interactive and console.is_terminal):
            return card
        from rich.console import Group

        _print(card, paged=True)  # a card under ? pages like any long output
        return Group()

    return TerminalIO(console, read_line, interactive, show_card, echo_answers=not interactive), console


def _run_quiz(
    ctx: click.Context,
    store: Store,
    bank: Bank,
    plan: list[PlannedCard],
    seed: int | None,
    as_json: bool,
    practice: bool = False,
) -> None:
    """Ask the planned cards, print the summary (or JSON) and exit 130 after Ctrl-C."""
    import os
    import random

    from glossary.planning import next_due
    from glossary.render.json import session_json
    from glossary.render.quiz import summary_view
    from glossary.session import run_session

    store.check_writable("no answer could be saved: nothing is asked (reading commands work)")
    io, console = _quiz_io(store, as_json)
    session = f"{int(_now().timestamp())}-{os.getpid()}"
    rng = random.Random(seed)
    result = run_session(store.conn, bank, plan, io, rng, _local_now, session, practice)
    now = _local_now()
    upcoming = next_due(store.conn, bank, now, _zone())
    console.print(summary_view(result, now, upcoming))
    if as_json:
        _emit_json(session_json(result, upcoming))
    if result.stopped == "interrupt":
        ctx.exit(130)


def _bank(store: Store) -> Bank:
    from glossary.quiz.bank import Bank

    return Bank.build(store.terms(), store.all_links())


def _quiz_terms(store: Store, topic: str | None, term_list: str | None) -> set[str] | None:
    """The slugs --topic and --terms allow (None: every term); unknown ones are errors."""
    slugs: set[str] | None = None
    if topic is not None:
        slugs = {t.slug for t in store.terms(store.topic_slug(topic))}
    if term_list is not None:
        chosen = {store.find(name).slug for name in _comma_list(term_list) or []}
        slugs = chosen if slugs is None else slugs & chosen
    return slugs


def _cram_hint(topic: str | None, term_list: str | None, types: str | None) -> str:
    """The command that drills the same cards as practice: the same filters, with --cram."""
    import shlex

    options = (("--terms", term_list), ("--topic", topic), ("--types", types))
    return shlex.join(["glossary", "quiz", "--cram", *(w for o, v in options if v for w in (o, v))])


def _complete_types(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from glossary.quiz.base import QTYPES

    done, comma, last = incomplete.rpartition(",")
    return [f"{done}{comma}{qtype}" for qtype in QTYPES if qtype.startswith(last)]


def _quiz_types(types: str | None) -> list[str] | None:
    """The question types --types allows (None: every type); an unknown one is a usage error."""
    from glossary.quiz.base import QTYPES

    wanted = _comma_list(types)
    unknown = [t for t in wanted or [] if t not in QTYPES]
    if unknown:
        raise click.BadParameter(
            f"unknown type {unknown[0]!r}; choose from {', '.join(QTYPES)}", param_hint="'--types'"
        )
    return wanted


@cli.command(context_settings=CONTEXT)
@click.option(
    "--n", "count", type=click.IntRange(1, 200), default=10, show_default=True, help="How many questions."
)
@click.option(
    "--topic", shell_complete=_complete_topics, help="Only terms of this topic (see glossary list)."
)
@click.option(
    "--terms", "term_list", type=_TermList(), metavar="A,B", help="Only these terms (comma-separated)."
)
@click.option("--types", metavar="T,U", shell_complete=_complete_types, help="Only these question types: "
              "define, meaning, recall, relation, example, abbreviation, computed.")  # fmt: skip
@click.option("--seed", type=int, help="Seed the questions and options, for a repeatable session.")
@click.option("--cram", is_flag=True, help="Practise now, due or not: logged as practice, no schedule moves.")
@json_option
@click.pass_context
def quiz(
    ctx: click.Context,
    count: int,
    topic: str | None,
    term_list: str | None,
    types: str | None,
    seed: int | None,
    cram: bool,
    as_json: bool,
) -> None:
    """Practise: due cards first, then new ones; the answer and why after each question.

    Answer with the option's number or by typing the term, optionally followed by a rating
    (3 good, lstm easy); ? shows the card, u undoes the last answer, q quits (so do Ctrl-C and
    Ctrl-D); every answer is saved as you go. At a terminal a right answer shows the four
    ratings with their intervals: Enter keeps the default, 1-4 or a/h/g/e picks another. One
    card per term per day (until local midnight). Answers are read from stdin when it is not a
    terminal.

    \b
    Examples:
      glossary quiz
      glossary quiz --n 5 --topic sequence-models
      glossary quiz --terms bigram,trigram --types define,example --seed 1
      glossary quiz --cram --terms lstm
      printf '1 good\\n2\\n' | glossary quiz --n 2 --seed 7 --json
    """
    from glossary.planning import cram_plan, plan_session
    from glossary.record import suspended_cards

    store, now = _store(ctx), _now()
    bank = _bank(store)
    slugs, wanted_types = _quiz_terms(store, topic, term_list), _quiz_types(types)
    if cram:
        plan = cram_plan(bank, count, slugs, wanted_types, set(suspended_cards(store.conn)))
    else:
        plan = plan_session(store.conn, bank, now, count, slugs, wanted_types, tz=_zone())
    if not plan and not cram and slugs is not None:
        hint = _cram_hint(topic, term_list, types)
        raise click.ClickException(f"none of these cards is due; practise them anyway with: {hint}")
    if not plan:
        raise click.ClickException("no questions match these options.")
    _run_quiz(ctx, store, bank, plan, seed, as_json, practice=cram)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--n", "count", type=click.IntRange(1, 500), default=50, show_default=True, help="Most cards to review."
)
@click.option("--seed", type=int, help="Seed the questions and options, for a repeatable session.")
@json_option
@click.pass_context
def review(ctx: click.Context, count: int, seed: int | None, as_json: bool) -> None:
    """Review only the cards that are due now; says when the next one is due if none is.

    \b
    Example:
      glossary review
    """
    from glossary.planning import next_due, plan_session
    from glossary.render.when import due_text

    now = _local_now()
    store = _store(ctx)
    bank = _bank(store)
    plan = plan_session(store.conn, bank, now, count, due_only=True, tz=_zone())
    if plan:
        _run_quiz(ctx, store, bank, plan, seed, as_json)
        return
    upcoming = next_due(store.conn, bank, now, _zone())
    if as_json:
        _emit_json({"due": 0, "next_due": upcoming.isoformat() if upcoming else None})
    elif upcoming:
        click.echo(f"Nothing is due. The next card is due {due_text(upcoming, now)}.")
    else:
        click.echo("Nothing to review yet: start with glossary quiz (or glossary tour).")


@cli.command(context_settings=CONTEXT)
@click.option(
    "--fit", "fit", is_flag=True, help="Fit FSRS to your own reviews; show the log-loss before and after."
)
@click.option("--save", is_flag=True, help="With --fit: schedule with the fitted parameters from now on.")
@json_option
@click.pass_context
def stats(ctx: click.Context, fit: bool, save: bool, as_json: bool) -> None:
    """Your record: reviews, retention, streak, a 7-day forecast, mastery per term, confusions.

    --fit fits FSRS's 21 parameters to your own review log (it needs a few hundred reviews
    and SciPy: pip install 'seqml-glossary[fit]') and shows how much better they predict your
    answers; --save then schedules with them.

    \b
    Examples:
      glossary stats
      glossary stats --json
      glossary stats --fit --save
    """
    if fit or save:
        from glossary.fitting import fit_learner
        from glossary.render.stats import fit_json, fit_view

        result = fit_learner(_store(ctx).conn, save=save)
        if as_json:
            return _emit_json(fit_json(result, save))
        return _print(fit_view(result, save))
    from glossary.progress import stats as compute_stats

    now = _local_now()
    store = _store(ctx)
    topics = [(t.topic, t.title) for t in store.topics()]
    result = compute_stats(store.conn, _bank(store), now, topics, tz=_zone())
    if as_json:
        from glossary.render.json import stats_json

        _emit_json(stats_json(result))
        return
    from glossary.render.stats import stats_view

    _print(stats_view(result))


def _pause(console: Console, text: str) -> None:
    """At a terminal, wait for Enter so the screen above can be read first. Piped input is
    never paused on: its lines are the tour's answers, and a pause would swallow one."""
    if not sys.stdin.isatty():
        return
    from rich.text import Text

    from glossary.render.safe import plain

    console.print(Text(plain(text), style="dim"), end=" ")  # a term's name is stored text: never markup
    try:
        input()
    except EOFError:
        console.print()


@cli.command(context_settings=CONTEXT)
@click.argument("term", default="lstm", type=TERM)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the demo and questions.")
@click.pass_context
def tour(ctx: click.Context, term: str, seed: int) -> None:
    """A guided first run: a term's card, Enter, its live demo, Enter, then three questions.

    The questions place the term among its links, work with its numbers and recall it from
    its definition; they count as practice, so no card is scheduled yet. At a terminal the tour
    waits for Enter between steps; with piped input it does not (each line is an answer).

    \b
    Examples:
      glossary tour
      glossary tour bigram
    """
    from glossary.planning import tour_cards
    from glossary.render.cards import term_card
    from glossary.render.quiz import next_steps_view, tour_intro_view

    _now()  # a malformed GLOSSARY_NOW is reported before anything is shown
    store = _store(ctx)
    slug = store.find(term).slug
    found, console = store.term(slug), _console()
    _print(term_card(found, store.links_of(slug)), paged=True)  # a card taller than the screen pages
    if found.demo:
        from glossary.demos import run_term_demo
        from glossary.render.demos import demo_view

        _pause(console, "\nPress Enter for its live demo.")
        console.print(demo_view(run_term_demo(found.demo, found.demo_params, seed)))
    _pause(console, f"\nPress Enter for three questions on {found.name}.")
    bank = _bank(store)
    console.print(tour_intro_view(found.name))
    _run_quiz(ctx, store, bank, tour_cards(bank, slug), seed, as_json=False, practice=True)
    console.print(next_steps_view(slug))


def _setting_keys(incomplete: str) -> list[str]:
    from glossary.settings import SETTINGS

    return [setting.key for setting in SETTINGS if setting.key.startswith(incomplete)]


@cli.command(context_settings=CONTEXT)
@click.argument("key", required=False, shell_complete=lambda _c, _p, typed: _setting_keys(typed))
@click.argument("value", required=False)
@json_option
@click.pass_context
def config(ctx: click.Context, key: str | None, value: str | None, as_json: bool) -> None:
    """Your study settings, kept in your store: list them, show one, or set one.

    \b
    Keys: new-cards-per-day (20), reviews-per-day (200),
    desired-retention (0.70-0.97, 0.90), maximum-interval (days, 36500).

    \b
    Examples:
      glossary config
      glossary config desired-retention
      glossary config new-cards-per-day 10
      glossary config --json
    """
    from glossary import settings

    store = _store(ctx)
    try:
        if value is not None:
            settings.store(store.conn, key or "", value)
        chosen = [settings.setting(key)] if key else list(settings.SETTINGS)
    except Invalid as error:
        click.echo(f"Error: {error.message}", err=True)
        ctx.exit(2)
    current = settings.load(store.conn)
    if as_json:  # every setting (or the one named) with its value, as numbers
        _emit_json({item.key: current.value(item.key) for item in chosen})
        return
    rows = [(item.key, item.show(current.value(item.key)), item.help) for item in chosen]
    width, value_width = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    for name, shown, help_text in rows:
        click.echo(f"{name:<{width}}  {shown:>{value_width}}  {help_text}" if not key else shown)


def _suspension(ctx: click.Context, spec: str, suspend: bool) -> None:
    """Suspend or unsuspend the cards ``spec`` names and say which changed."""
    from glossary import record
    from glossary.deck import named_cards

    store = _store(ctx)
    name, cards = named_cards(store, _bank(store), spec)
    changed = record.suspend(store.conn, cards, _now()) if suspend else record.unsuspend(store.conn, cards)
    verb = "Suspended" if suspend else "Unsuspended"
    what = str(cards[0]) if len(cards) == 1 else f"{changed} of the {len(cards)} cards of {name}"
    if changed == 0:
        click.echo(f"Nothing changed: {what if len(cards) == 1 else name} was already {verb.lower()}.")
    else:
        click.echo(f"{verb} {what}.")


@cli.command(context_settings=CONTEXT)
@click.argument("card", metavar="TERM[:TYPE]", shell_complete=_complete_card)
@click.pass_context
def suspend(ctx: click.Context, card: str) -> None:
    """Keep a term's cards (or one card) out of every quiz and review until unsuspended.

    \b
    Examples:
      glossary suspend lstm
      glossary suspend lstm:recall
    """
    _suspension(ctx, card, suspend=True)


@cli.command(context_settings=CONTEXT)
@click.argument("card", metavar="TERM[:TYPE]", shell_complete=_complete_card)
@click.pass_context
def unsuspend(ctx: click.Context, card: str) -> None:
    """Bring suspended cards (leeches included) back into study.

    \b
    Example:
      glossary unsuspend lstm:recall
    """
    _suspension(ctx, card, suspend=False)


@cli.command(name="cards", context_settings=CONTEXT)
@click.argument("term", required=False, type=TERM)
@click.option("--due", is_flag=True, help="Only cards that can be asked now.")
@click.option("--leeches", is_flag=True, help="Only leeches (cards that lapsed 8 times).")
@click.option("--suspended", is_flag=True, help="Only suspended cards.")
@json_option
@click.pass_context
def cards_command(
    ctx: click.Context, term: str | None, due: bool, leeches: bool, suspended: bool, as_json: bool
) -> None:
    """Browse your cards: state, due time, stability, difficulty, recall now, reviews, lapses.

    \b
    Examples:
      glossary cards
      glossary cards lstm
      glossary cards --due --json
    """
    from glossary.deck import card_list

    store, now = _store(ctx), _local_now()
    slug = store.find(term).slug if term else None
    filters = tuple(name for name, on in (("due", due), ("leeches", leeches), ("suspended", suspended)) if on)
    listing = card_list(store.conn, _bank(store), now, _zone(), slug, filters)
    if as_json:
        from glossary.render.json import card_list_json

        _emit_json(card_list_json(listing))
        return
    from glossary.render.cards_table import cards_view

    _print(cards_view(listing))


# --- end quiz commands ---


def main() -> None:
    """Console-script entry point: run the command, flush its output, and leave at once.

    Python's own teardown of click's and rich's modules takes ~9 ms on this machine, longer than
    a whole lookup, and has nothing left to do by then: the store is closed by the context,
    every write was committed in its own transaction, and no atexit handler is registered. So
    after flushing stdout and stderr the process ends with ``os._exit``. An exception that
    escapes click is left to Python as usual.
    """
    import contextlib

    code = 130
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the quiz turns Ctrl-C into a clean stop
        try:
            cli(prog_name="glossary")  # standalone mode: always ends with SystemExit
            code = 0
        except SystemExit as done:
            if isinstance(done.code, str):
                print(done.code, file=sys.stderr)
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:  # outside any command (click turns one inside into "Aborted!")
        code = 130
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))  # no traceback while the output drains
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: click chose the exit code
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
