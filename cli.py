"""The ``glossary`` command: parse arguments, call one core function, hand the result to a view.

Start-up matters (a lookup should answer faster than tldr), so this module imports only click at
the top; rich, the store and above all numpy are imported inside the commands that need them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
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
    text = json.dumps(data, indent=2, ensure_ascii=True).replace("\x7f", "\\u007f")
    click.echo(text)


class _State:
    """Per-invocation state: the store path, opened lazily so `--help` never touches the disk."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            from glossary.packs import PackError
            from glossary.paths import default_db_path
            from glossary.store import Store, StoreError

            try:
                self._store = Store.open(self.db_path or default_db_path())
            except (StoreError, PackError) as error:
                raise click.ClickException(str(error)) from None
        return self._store


def _store(ctx: click.Context) -> Store:
    return ctx.ensure_object(_State).store()


def _resolve_or_fail(store: Store, query: str):
    """Resolve a term or exit 1 with "did you mean" suggestions."""
    from glossary.render.safe import plain

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


@click.group(context_settings=CONTEXT)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GLOSSARY_DB",
    show_envvar=True,
    help="Store to use (default: glossary.db in your user data directory).",
)
@click.version_option(package_name="seqml-glossary", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """A terminal glossary of sequence-model ML: cards, live NumPy demos and quizzes.

    \b
    Example:
      glossary show lstm
    """
    ctx.obj = _State(db)


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
        from glossary.render.demos import run_term_demo

        console.print(run_term_demo(found.demo, found.demo_params, seed))


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
    root = _resolve_or_fail(store, term).slug
    children: dict[str, list[tuple[str, str]]] = {}
    seen = {root}
    frontier = [root]
    for _ in range(depth):
        next_frontier = []
        for slug in frontier:
            for view in store.links_of(slug):
                if view.other_slug not in seen:
                    seen.add(view.other_slug)
                    children.setdefault(slug, []).append((view.label, view.other_slug))
                    next_frontier.append(view.other_slug)
        frontier = next_frontier
    names = store.names()
    if as_json:

        def node(slug: str) -> dict:
            return {
                "slug": slug,
                "name": names[slug],
                "links": [{"label": label, **node(child)} for label, child in children.get(slug, [])],
            }

        _emit_json(node(root))
        return
    from glossary.render.cards import link_tree

    _print(link_tree(store.term(root), children, names))


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
@click.argument("pack", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_pack(ctx: click.Context, pack: Path) -> None:
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
# --- end demo commands ---

# --- quiz commands (quiz helper) ---
# --- end quiz commands ---


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="glossary")


if __name__ == "__main__":
    main()
