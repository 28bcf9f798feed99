"""The ``glossary`` command: parse arguments, call one core function, hand the result to a view.

Start-up matters (a lookup should answer faster than tldr), so this module imports only click at
the top; rich, the store and above all numpy are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
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


def _print(renderable: RenderableType) -> None:
    _console().print(renderable)


def emit(result: Any, as_json: bool = False) -> None:
    """Hand a command's result to its view, or print it as JSON (shapes: glossary/render/json.py)."""
    if as_json:
        from glossary.render.json import dumps

        click.echo(dumps(result))
        return
    from glossary.render import view_of

    _print(view_of(result))


def _emit_json(data: Any) -> None:
    emit(data, as_json=True)


class _State:
    """Per-invocation state: the store path, opened lazily so `--help` never touches the disk."""

    def __init__(self, db_path: str | None) -> None:
        self.db_path = db_path
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            from glossary.paths import default_db_path
            from glossary.store import Store

            self._store = Store.open(self.db_path or default_db_path())
        return self._store

    def close(self) -> None:
        """Close the store when the command is done (click calls this as the context ends)."""
        if self._store is not None:
            self._store.close()
            self._store = None


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
    from glossary.render.safe import plain

    message = f"no {error.what} matches '{plain(error.query)}'."
    if error.suggestions:
        names = ", ".join(f"{plain(name)} ({slug})" for slug, name in error.suggestions)
        return f"{message} Did you mean: {names}?"
    return f"{message} Try: glossary search {plain(error.query)}"


class _Command(click.Command):
    """Every command maps the core's errors the same way: NotFound and store or pack problems exit
    1 with one line; Invalid is a usage error (exit 2), naming the option when there is one."""

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


class _Group(click.Group):
    """The glossary group: its subcommands are ``_Command``s."""

    command_class = _Command


# --------------------------------------------------------------------------- the group


def _print_version(ctx: click.Context) -> None:
    """Our own --version: click.version_option imports locale (~1 ms) on every start."""
    if not ctx.resilient_parsing:
        from glossary import __version__

        click.echo(f"glossary {__version__}")
        ctx.exit()


@click.group(cls=_Group, context_settings=CONTEXT)
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
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """A terminal glossary of sequence-model ML: cards, live NumPy demos and quizzes.

    \b
    Example:
      glossary show lstm
    """
    import os

    # Our matrices are small: BLAS threads spinning on them cost more than they save (a training
    # demo took 23 s with OpenBLAS's two threads against 3 s with one on a busy 2-core machine).
    # Set before NumPy is first imported; a user's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    ctx.obj = _State(db)
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@click.argument("term")
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
    _note_lookup(store, card.term.slug)
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
@click.option("--topic", help="Only this topic (see the headings of the full list).")
@json_option
@pass_store
def list_terms(store: Store, topic: str | None, as_json: bool) -> None:
    """List the terms, grouped by topic.

    \b
    Examples:
      glossary list
      glossary list --topic sequence-models
    """
    emit(store.term_list(topic), as_json)


@cli.command()
@click.argument("term")
@click.option(
    "--depth", type=click.IntRange(1, 4), default=1, show_default=True, help="How many links away to follow."
)
@json_option
@pass_store
def links(store: Store, term: str, depth: int, as_json: bool) -> None:
    """Show a term's links as a tree, following them --depth steps out.

    \b
    Examples:
      glossary links lstm
      glossary links rnn --depth 2
    """
    emit(store.link_tree(term, depth), as_json)


@cli.command()
@click.argument("first")
@click.argument("second")
@json_option
@pass_store
def compare(store: Store, first: str, second: str, as_json: bool) -> None:
    """Show two terms side by side, with how they are linked.

    \b
    Example:
      glossary compare "vanishing gradients" "exploding gradients"
    """
    emit(store.comparison(first, second), as_json)


@cli.command()
@click.argument("first")
@click.argument("second")
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
@pass_store
def import_pack(store: Store, pack: str) -> None:
    """Add your own terms from a TOML pack (format: data/README.md); re-import to update.

    \b
    Example:
      glossary import my-terms.toml
    """
    count = store.import_pack(pack)
    click.echo(f"Imported {count} term{'s' if count != 1 else ''} from {click.format_filename(pack)}.")


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
        from glossary.render.demos import code_view, code_width

        _draw_demo(code_view(sources), svg, f"glossary demo {demo.name} --code", code_width(sources))
        return
    from glossary.demos import public_params, run_demo
    from seqml.demos import to_jsonable
    from seqml.demos.corpus import decode_corpus

    try:
        corpus_text = None
        if raw.get("corpus") == "-":
            corpus_text = decode_corpus(sys.stdin.buffer.read(), "<stdin>")
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

        save_plot(run, plot, plot_format(plot) or "png")
        click.echo(f"Saved {click.format_filename(plot)}", err=True)
    from glossary.render.demos import demo_view

    _draw_demo(demo_view(run), svg, f"glossary demo {demo.name}")


def _demo_command(demo: Any) -> click.Command:
    """Build `glossary demo NAME`: one option per registered parameter, plus the shared ones."""
    from glossary.render.plots import has_plot

    metavars = {"int": "INT", "float": "NUMBER", "str": "TEXT"}
    options: list[click.Parameter] = []
    for param in demo.params:
        if param.name == "corpus":
            metavar, allowed = "FILE", ""
        else:
            metavar = metavars.get(param.type, "[" + "|".join(param.choices) + "]")
            allowed = "" if param.type == "str" else f"{param.allowed()}, "
        default = param.default if param.default != "" else "bundled"
        options.append(
            click.Option(
                [_demo_option(param.name), param.name],
                type=str,
                default=None,
                metavar=metavar,
                show_default=False,
                help=f"{param.help[:1].upper()}{param.help[1:]} [{allowed}default: {default}]",
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
    ]
    if has_plot(demo.name):
        options.append(
            click.Option(["--plot"], metavar="FILE", help="Also draw the run as a chart: .png, .svg or .pdf.")
        )
    examples = "\n".join(f"  glossary demo {demo.name} {line}" for line in DEMO_EXAMPLES.get(demo.name, []))
    return click.Command(
        demo.name,
        params=options,
        callback=lambda **values: _run_demo_command(demo, values),
        help=(
            f"{demo.title}: {demo.summary}\n\nIllustrates: {', '.join(demo.terms)}."
            f"\n\n\b\nExamples:\n{examples}"
        ),
        short_help=demo.summary,
        context_settings=CONTEXT,
    )


class _DemoGroup(click.Group):
    """`glossary demo NAME`: one subcommand per registered demo, built only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from seqml.demos import DEMOS

        return list(DEMOS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from seqml.demos import DEMOS

        demo = DEMOS.get(cmd_name)
        return None if demo is None else _demo_command(demo)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from glossary.render.safe import plain
            from seqml.demos import DEMOS

            ctx.fail(f"no demo '{plain(name)}'; choose one of {', '.join(DEMOS)} (see: glossary demos)")
        return super().resolve_command(ctx, args)


@cli.group(name="demo", cls=_DemoGroup, context_settings=CONTEXT)
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


def _note_lookup(store: Store, slug: str) -> None:
    """Remember the lookup for the quiz (new terms looked up come sooner); never fails a lookup."""
    from glossary.clock import ClockError, now
    from glossary.record import note_lookup

    try:
        note_lookup(store.conn, slug, now())
    except ClockError:
        return


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
        return term_card(store.term(slug), store.links_of(slug))

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
        known = [t.topic for t in store.topics()]
        if topic not in known:
            raise click.BadParameter(f"unknown topic; choose from {', '.join(known)}", param_hint="'--topic'")
        slugs = {t.slug for t in store.terms(topic)}
    if term_list is not None:
        chosen = {store.find(name).slug for name in _comma_list(term_list) or []}
        slugs = chosen if slugs is None else slugs & chosen
    return slugs


def _cram_hint(topic: str | None, term_list: str | None, types: str | None) -> str:
    """The command that drills the same cards as practice: the same filters, with --cram."""
    import shlex

    options = (("--terms", term_list), ("--topic", topic), ("--types", types))
    return shlex.join(["glossary", "quiz", "--cram", *(w for o, v in options if v for w in (o, v))])


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
@click.option("--topic", help="Only terms of this topic (see glossary list).")
@click.option("--terms", "term_list", metavar="A,B", help="Only these terms (comma-separated).")
@click.option("--types", metavar="T,U", help="Only these question types: " + "define, meaning, recall, "
              "relation, example, abbreviation, computed.")  # fmt: skip
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
@json_option
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Your record: reviews, retention, streak, a 7-day forecast, mastery per term, confusions.

    \b
    Examples:
      glossary stats
      glossary stats --json
    """
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


@cli.command(context_settings=CONTEXT)
@click.argument("term", default="lstm")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the demo and questions.")
@click.pass_context
def tour(ctx: click.Context, term: str, seed: int) -> None:
    """A guided first run: a term's card, its live demo, then three questions on it.

    \b
    Examples:
      glossary tour
      glossary tour bigram
    """
    from glossary.planning import tour_cards
    from glossary.render.cards import term_card

    _now()  # a malformed GLOSSARY_NOW is reported before anything is shown
    store = _store(ctx)
    slug = store.find(term).slug
    found = store.term(slug)
    console = _console()
    console.print(term_card(found, store.links_of(slug)))
    if found.demo:
        from glossary.demos import run_term_demo
        from glossary.render.demos import demo_view

        console.print()
        console.print(demo_view(run_term_demo(found.demo, found.demo_params, seed)))
    bank = _bank(store)
    click.echo(f"\nNow three questions on {found.name}.")
    _run_quiz(ctx, store, bank, tour_cards(bank, slug), seed, as_json=False)


@cli.command(context_settings=CONTEXT)
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.pass_context
def config(ctx: click.Context, key: str | None, value: str | None) -> None:
    """Your study settings, kept in your store: list them, show one, or set one.

    \b
    Keys: new-cards-per-day (20), reviews-per-day (200), desired-retention (0.70-0.97,
    0.90), maximum-interval (days, 36500).

    \b
    Examples:
      glossary config
      glossary config desired-retention
      glossary config new-cards-per-day 10
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
@click.argument("card", metavar="TERM[:TYPE]")
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
@click.argument("card", metavar="TERM[:TYPE]")
@click.pass_context
def unsuspend(ctx: click.Context, card: str) -> None:
    """Bring suspended cards (leeches included) back into study.

    \b
    Example:
      glossary unsuspend lstm:recall
    """
    _suspension(ctx, card, suspend=False)


@cli.command(name="cards", context_settings=CONTEXT)
@click.argument("term", required=False)
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
    import os

    try:
        cli(prog_name="glossary")  # standalone mode: always ends with SystemExit
        code: int = 0
    except SystemExit as done:
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: click chose the exit code
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
