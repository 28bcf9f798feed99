"""The ``glossary`` command: parse arguments, call one core function, hand the result to a view.

Start-up matters (a lookup should answer faster than tldr), so this module imports only click at
the top; rich, the store and above all numpy are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console, RenderableType

    from glossary.store import Store

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# --------------------------------------------------------------------------- shared helpers


def _console(stderr: bool = False, record: bool = False) -> Console:
    """The one place consoles are built: rich honours NO_COLOR and plain output when piped."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, record=record, soft_wrap=False)


def _print(renderable: RenderableType) -> None:
    _console().print(renderable)


def _emit_json(data: Any) -> None:
    """Stable, ASCII-only JSON: no control character or bidi override can reach the terminal."""
    import json  # not at the top: a plain lookup never needs it

    text = json.dumps(data, indent=2, ensure_ascii=True).replace("\x7f", "\\u007f")
    click.echo(text)


class _State:
    """Per-invocation state: the store path, opened lazily so `--help` never touches the disk."""

    def __init__(self, db_path: str | None) -> None:
        self.db_path = db_path
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            from glossary.paths import default_db_path
            from glossary.store import Store, StoreError

            try:
                self._store = Store.open(self.db_path or default_db_path())
            except StoreError as error:
                raise click.ClickException(str(error)) from None
        return self._store

    def close(self) -> None:
        """Close the store when the command is done (click calls this as the context ends)."""
        if self._store is not None:
            self._store.close()
            self._store = None


def _store(ctx: click.Context) -> Store:
    return ctx.ensure_object(_State).store()


def _resolve_or_fail(store: Store, query: str):
    """Resolve a term or exit 1 with "did you mean" suggestions (an empty term is a usage error)."""
    from glossary.model import lookup_key
    from glossary.render.safe import plain

    if not lookup_key(query):
        raise click.UsageError("the term is empty; give a name, slug, alias or abbreviation.")
    resolution = store.resolve(query)
    if resolution is not None:
        return resolution
    suggestions = store.suggest(query)
    message = f"no term matches '{plain(query)}'."
    if suggestions:
        message += (
            " Did you mean: " + ", ".join(f"{plain(name)} ({slug})" for slug, name in suggestions) + "?"
        )
    else:
        message += " Try: glossary search " + plain(query)
    raise click.ClickException(message)


def _term_json(store: Store, slug: str, query: str = "", kind: str = "") -> dict:
    term = store.term(slug)
    data = {
        "slug": term.slug,
        "name": term.name,
        "abbreviation": term.abbreviation,
        "aliases": list(term.aliases),
        "topic": term.topic,
        "summary": term.summary,
        "definition": term.definition,
        "examples": [{"label": e.label, "items": list(e.items)} for e in term.examples],
        "links": [
            {
                "relation": v.relation,
                "label": v.label,
                "direction": "out" if v.outgoing else "in",
                "slug": v.other_slug,
                "name": v.other_name,
            }
            for v in store.links_of(slug)
        ],
        "demo": term.demo,
        "demo_params": term.demo_params,
        "source": term.source,
        "origin": store.origin(slug),
    }
    if query:
        data["matched"] = {"query": query, "kind": kind}
    return data


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


# --------------------------------------------------------------------------- the group


def _print_version(ctx: click.Context) -> None:
    """Our own --version: click.version_option imports locale (~1 ms) on every start."""
    if not ctx.resilient_parsing:
        from glossary import __version__

        click.echo(f"glossary {__version__}")
        ctx.exit()


@click.group(context_settings=CONTEXT)
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
    ctx.obj = _State(db)
    ctx.call_on_close(ctx.obj.close)


@cli.command(context_settings=CONTEXT)
@click.argument("term")
@click.option("--demo", "with_demo", is_flag=True, help="Run the term's live demo under the card.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --demo.")
@json_option
@click.pass_context
def show(ctx: click.Context, term: str, with_demo: bool, seed: int, as_json: bool) -> None:
    """Show the card of a term (slug, name, alias or abbreviation).

    \b
    Examples:
      glossary show lstm
      glossary show "long short term memory"
      glossary show 2-gram --json
    """
    store = _store(ctx)
    resolution = _resolve_or_fail(store, term)
    if as_json:
        _emit_json(_term_json(store, resolution.slug, term, resolution.kind))
        return
    from glossary.render.cards import term_card

    found = store.term(resolution.slug)
    card = term_card(
        found, store.links_of(found.slug), term, resolution.kind, imported=store.origin(found.slug) == "user"
    )
    console = _console()
    console.print(card)
    if with_demo:
        if not found.demo:
            raise click.ClickException(f"{found.name} has no demo.")
        from glossary.demos import run_term_demo
        from glossary.render.demos import demo_view

        console.print()
        console.print(demo_view(run_term_demo(found.demo, found.demo_params, seed)))


@cli.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Most results to show."
)
@json_option
@click.pass_context
def search(ctx: click.Context, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over names, aliases, summaries and definitions (bm25 ranked).

    Words must all match (any word, when that finds nothing); end with * for a prefix.

    \b
    Examples:
      glossary search gradient
      glossary search "forget gate"
      glossary search perplex*
    """
    text = " ".join(query)
    if not text.strip():
        raise click.UsageError("the search query is empty.")
    from glossary.store import HIT_END, HIT_START

    hits = _store(ctx).search(text, limit)
    if as_json:
        _emit_json(
            [
                {
                    "slug": h.slug,
                    "name": h.name,
                    "summary": h.summary,
                    "score": round(h.score, 6),
                    "snippet": h.snippet.replace(HIT_START, "").replace(HIT_END, ""),
                }
                for h in hits
            ]
        )
        return
    from glossary.render.cards import search_results

    _print(search_results(text, hits, HIT_START, HIT_END))
    if not hits:
        ctx.exit(1)


@cli.command(name="list", context_settings=CONTEXT)
@click.option("--topic", help="Only this topic (see the headings of the full list).")
@json_option
@click.pass_context
def list_terms(ctx: click.Context, topic: str | None, as_json: bool) -> None:
    """List the terms, grouped by topic.

    \b
    Examples:
      glossary list
      glossary list --topic sequence-models
    """
    store = _store(ctx)
    topics = store.topics()
    if topic is not None:
        known = [t.topic for t in topics]
        if topic not in known:
            raise click.BadParameter(f"unknown topic; choose from {', '.join(known)}", param_hint="'--topic'")
        topics = [t for t in topics if t.topic == topic]
    groups = [(t, store.terms(t.topic)) for t in topics]
    if as_json:
        _emit_json(
            [
                {
                    "topic": t.topic,
                    "title": t.title,
                    "terms": [
                        {
                            "slug": term.slug,
                            "name": term.name,
                            "abbreviation": term.abbreviation,
                            "summary": term.summary,
                        }
                        for term in terms
                    ],
                }
                for t, terms in groups
            ]
        )
        return
    from glossary.render.cards import term_list

    _print(term_list((f"{t.title} ({t.topic})", terms) for t, terms in groups))


@cli.command(context_settings=CONTEXT)
@click.argument("term")
@click.option(
    "--depth", type=click.IntRange(1, 4), default=1, show_default=True, help="How many links away to follow."
)
@json_option
@click.pass_context
def links(ctx: click.Context, term: str, depth: int, as_json: bool) -> None:
    """Show a term's links as a tree, following them --depth steps out.

    \b
    Examples:
      glossary links lstm
      glossary links rnn --depth 2
    """
    store = _store(ctx)
    root = store.term(_resolve_or_fail(store, term).slug)
    children = store.neighbourhood(root.slug, depth)
    if as_json:

        def node(slug: str, name: str) -> dict:
            return {
                "slug": slug,
                "name": name,
                "links": [
                    {"relation": view.relation, "label": view.label, **node(view.other_slug, view.other_name)}
                    for view in children.get(slug, [])
                ],
            }

        _emit_json(node(root.slug, root.name))
        return
    from glossary.render.cards import link_tree

    _print(link_tree(root, children))


@cli.command(context_settings=CONTEXT)
@click.argument("first")
@click.argument("second")
@json_option
@click.pass_context
def compare(ctx: click.Context, first: str, second: str, as_json: bool) -> None:
    """Show two terms side by side, with how they are linked.

    \b
    Example:
      glossary compare "vanishing gradients" "exploding gradients"
    """
    store = _store(ctx)
    left = store.term(_resolve_or_fail(store, first).slug)
    right = store.term(_resolve_or_fail(store, second).slug)
    if left.slug == right.slug:
        from glossary.render.safe import plain

        raise click.UsageError(f"both name {plain(left.name)}; compare two different terms.")
    words = [v.label for v in store.links_of(left.slug) if v.other_slug == right.slug]
    if as_json:
        _emit_json(
            {"relation": words, "terms": [_term_json(store, left.slug), _term_json(store, right.slug)]}
        )
        return
    from glossary.render.cards import comparison

    _print(comparison(left, right, words, store.links_of(left.slug), store.links_of(right.slug)))


@cli.command(context_settings=CONTEXT)
@click.argument("first")
@click.argument("second")
@json_option
@click.pass_context
def path(ctx: click.Context, first: str, second: str, as_json: bool) -> None:
    """Show the shortest chain of links from one term to another.

    \b
    Example:
      glossary path bigram "vanishing gradient problem"
    """
    store = _store(ctx)
    start = _resolve_or_fail(store, first).slug
    goal = _resolve_or_fail(store, second).slug
    steps = store.path(start, goal)
    if as_json:
        _emit_json(
            None if steps is None else [{"from": s.source, "label": s.label, "to": s.target} for s in steps]
        )
        if steps is None:
            ctx.exit(1)
        return
    if steps is None:
        raise click.ClickException("these two terms are not connected by any chain of links.")
    if not steps:
        click.echo("That is the same term.")
        return
    from glossary.render.cards import path_view

    _print(path_view(steps))


@cli.command(name="import", context_settings=CONTEXT)
@click.argument("pack", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_pack(ctx: click.Context, pack: str) -> None:
    """Add your own terms from a TOML pack (format: data/README.md); re-import to update.

    \b
    Example:
      glossary import my-terms.toml
    """
    from glossary.packs import PackError

    try:
        count = _store(ctx).import_pack(pack)
    except PackError as error:
        raise click.ClickException(str(error)) from None
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


def _draw_demo(renderable: RenderableType, svg: Path | None, title: str) -> None:
    """Print a demo view, and with --svg also save exactly what was printed as a picture."""
    console = _console(record=svg is not None)
    console.print(renderable)
    if svg is None:
        return
    try:
        console.save_svg(str(svg), title=title)
    except OSError as error:
        raise click.ClickException(f"cannot write {click.format_filename(svg)}: {error.strerror}") from None
    click.echo(f"Saved {click.format_filename(svg)}", err=True)


def _run_demo_command(demo: Any, options: dict[str, Any]) -> None:
    """Validate, run and draw one demo (or print its source), as a view, an SVG or JSON."""
    seed, as_json, show_code, svg = (options.pop(key) for key in ("seed", "as_json", "show_code", "svg"))
    raw = {name: value for name, value in options.items() if value is not None}
    if as_json and svg is not None:
        raise click.UsageError("--svg saves the drawn view; use it without --json.")
    if show_code:
        from seqml.demos import code_sources

        sources = code_sources(demo)
        if as_json:
            _emit_json({"demo": demo.name, "code": [{"name": n, "source": s} for n, s in sources]})
            return
        from glossary.render.demos import code_view

        _draw_demo(code_view(sources), svg, f"glossary demo {demo.name} --code")
        return
    from glossary.demos import public_params, run_demo
    from seqml.demos import to_jsonable
    from seqml.demos.corpus import decode_corpus

    try:
        corpus_text = None
        if raw.get("corpus") == "-":
            corpus_text = decode_corpus(sys.stdin.buffer.read(), "<stdin>")
        run = run_demo(demo.name, raw, seed, corpus_text)
    except ValueError as error:
        _fail_demo(error)
        return
    if as_json:
        params = to_jsonable(public_params(run.params))
        _emit_json({"demo": demo.name, "seed": seed, "params": params, "result": to_jsonable(run.result)})
        return
    from glossary.render.demos import demo_view

    _draw_demo(demo_view(run), svg, f"glossary demo {demo.name}")


def _demo_command(demo: Any) -> click.Command:
    """Build `glossary demo NAME`: one option per registered parameter, plus the shared ones."""
    from pathlib import Path

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
        click.Option(
            ["--svg"],
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            metavar="FILE",
            help="Also save the drawn result as an SVG picture.",
        ),
    ]
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
    plus --seed N, --json, --code (print its NumPy source) and --svg FILE.

    \b
    Examples:
      glossary demo ngram --text "three blind"
      glossary demo lstm-step --forget-bias 3 --seed 1
      glossary demo clipping --method value --clip-value 1 --json
      glossary demo gradient-flow --code
    """


# --- end demo commands ---

# --- quiz commands (quiz helper) ---


def _comma_list(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _quiz_io(store: Store, as_json: bool):
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


def _run_quiz(ctx: click.Context, store: Store, bank, plan, seed: int | None, as_json: bool) -> None:
    """Ask the planned cards, print the summary (or JSON) and exit 130 after Ctrl-C."""
    import os
    import random
    import time

    from glossary.quiz import question_json
    from glossary.render.quiz import summary_view
    from glossary.schedule import answered_json, next_due, run_session

    io, console = _quiz_io(store, as_json)
    rng = random.Random(seed)
    result = run_session(store.conn, bank, plan, io, rng, session=f"{int(time.time())}-{os.getpid()}")
    upcoming = next_due(store.conn)
    console.print(summary_view(result, upcoming))
    if as_json:
        answers = {a.question.card_id: answered_json(a) for a in result.answered}
        _emit_json(
            {
                "stopped": result.stopped,
                "questions": [{**question_json(q), "result": answers.get(q.card_id)} for q in result.asked],
                "summary": {"answered": len(result.answered), "correct": result.correct},
                "next_due": upcoming.isoformat() if upcoming else None,
            }
        )
    if result.stopped == "interrupt":
        ctx.exit(130)


def _bank(store: Store):
    from glossary.quiz import Bank

    return Bank.build(store.terms(), store.all_links())


@cli.command(context_settings=CONTEXT)
@click.option(
    "--n", "count", type=click.IntRange(1, 200), default=10, show_default=True, help="How many questions."
)
@click.option("--topic", help="Only terms of this topic (see glossary list).")
@click.option("--terms", "term_list", metavar="A,B", help="Only these terms (comma-separated).")
@click.option("--types", metavar="T,U", help="Only these question types: " + "define, meaning, recall, "
              "relation, example, abbreviation, computed.")  # fmt: skip
@click.option("--seed", type=int, help="Seed the questions and options, for a repeatable session.")
@json_option
@click.pass_context
def quiz(
    ctx: click.Context,
    count: int,
    topic: str | None,
    term_list: str | None,
    types: str | None,
    seed: int | None,
    as_json: bool,
) -> None:
    """Practise: due cards first, then new ones; the answer and why after each question.

    Answer with the option's number or by typing the term; ? shows the card, q quits (so do
    Ctrl-C and Ctrl-D); every answer is saved as you go. Answers are read from stdin when it is
    not a terminal.

    \b
    Examples:
      glossary quiz
      glossary quiz --n 5 --topic sequence-models
      glossary quiz --terms bigram,trigram --types define,example --seed 1
      printf '1\\n2\\n' | glossary quiz --n 2 --seed 7 --json
    """
    from datetime import datetime, timezone

    from glossary.quiz import QTYPES
    from glossary.schedule import plan_session

    store = _store(ctx)
    bank = _bank(store)
    slugs: set[str] | None = None
    if topic is not None:
        known = [t.topic for t in store.topics()]
        if topic not in known:
            raise click.BadParameter(f"unknown topic; choose from {', '.join(known)}", param_hint="'--topic'")
        slugs = {t.slug for t in store.terms(topic)}
    if term_list is not None:
        chosen = {_resolve_or_fail(store, name).slug for name in _comma_list(term_list) or []}
        slugs = chosen if slugs is None else slugs & chosen
    wanted_types = _comma_list(types)
    if wanted_types is not None:
        unknown = [t for t in wanted_types if t not in QTYPES]
        if unknown:
            raise click.BadParameter(
                f"unknown type {unknown[0]!r}; choose from {', '.join(QTYPES)}", param_hint="'--types'"
            )
    plan = plan_session(store.conn, bank, datetime.now(timezone.utc), count, slugs, wanted_types)
    if not plan:
        raise click.ClickException("no questions match these options.")
    _run_quiz(ctx, store, bank, plan, seed, as_json)


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
    from datetime import datetime, timezone

    from glossary.schedule import next_due, plan_session

    store = _store(ctx)
    bank = _bank(store)
    plan = plan_session(store.conn, bank, datetime.now(timezone.utc), count, due_only=True)
    if not plan:
        upcoming = next_due(store.conn)
        when = upcoming.astimezone().strftime("%Y-%m-%d %H:%M") if upcoming else None
        if as_json:
            _emit_json({"due": 0, "next_due": upcoming.isoformat() if upcoming else None})
            return
        if when:
            click.echo(f"Nothing is due. The next card is due {when}.")
        else:
            click.echo("Nothing to review yet: start with glossary quiz (or glossary tour).")
        return
    _run_quiz(ctx, store, bank, plan, seed, as_json)


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
    from datetime import datetime, timezone

    from glossary.schedule import stats as compute_stats
    from glossary.schedule import stats_json

    store = _store(ctx)
    topics = [(t.topic, t.title) for t in store.topics()]
    result = compute_stats(store.conn, _bank(store), datetime.now(timezone.utc), topics)
    if as_json:
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
    from glossary.render.cards import term_card
    from glossary.schedule import tour_cards

    store = _store(ctx)
    slug = _resolve_or_fail(store, term).slug
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
