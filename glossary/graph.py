"""The links as a graph: a term's links worded from its end, its neighbourhood, the shortest path.

Each walk reads a level at a time, one query per level, so it touches only the links near the
terms it starts from, however many terms the store holds (a hub with 500 neighbours is two
queries a level, not 500).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from glossary.model import RELATIONS, Link, LinkView, view_link

if TYPE_CHECKING:
    from glossary.results import PathStep


def links_of(conn: sqlite3.Connection, slug: str) -> list[LinkView]:
    """A term's links worded from its own end, with the name of the term at the other end."""
    rows = conn.execute(
        "SELECT links.source, links.relation, links.target, coalesce(terms.name, links.target), "
        "coalesce(terms.abbreviation, '') "
        "FROM links LEFT JOIN terms "
        "ON terms.slug = CASE WHEN links.source = ?1 THEN links.target ELSE links.source END "
        "WHERE links.source = ?1 OR links.target = ?1 ORDER BY links.rowid",
        (slug,),
    )
    return [view_link(Link(row[0], row[1], row[2]), slug, row[3], row[4]) for row in rows]


def names_of(conn: sqlite3.Connection, slugs: set[str]) -> dict[str, str]:
    """slug -> display name for just these terms."""
    marks = ", ".join("?" * len(slugs))
    return dict(conn.execute(f"SELECT slug, name FROM terms WHERE slug IN ({marks})", tuple(slugs)))


def links_of_many(conn: sqlite3.Connection, slugs: list[str]) -> dict[str, list[LinkView]]:
    """``links_of`` for each of ``slugs``, read in two queries (the links, then the names)."""
    if not slugs:
        return {}
    marks = ", ".join("?" * len(slugs))
    rows = conn.execute(
        f"SELECT source, relation, target FROM links WHERE source IN ({marks}) OR target IN ({marks}) "
        "ORDER BY rowid",
        (*slugs, *slugs),
    ).fetchall()
    members = set(slugs)
    ends = [(end, Link(row[0], row[1], row[2])) for row in rows for end in (row[0], row[2]) if end in members]
    names = names_of(conn, {link.target if end == link.source else link.source for end, link in ends})
    views: dict[str, list[LinkView]] = {}
    for end, link in ends:
        other = link.target if end == link.source else link.source
        views.setdefault(end, []).append(view_link(link, end, names.get(other, other)))
    return views


def neighbourhood(conn: sqlite3.Connection, slug: str, depth: int) -> dict[str, list[LinkView]]:
    """Terms within ``depth`` links of ``slug``, each reached once (breadth first), by parent.

    A parent's links come in the model's relation order (kinds and parts before see-also),
    so a drawn tree groups like a card does.
    """
    order = {relation.key: index for index, relation in enumerate(RELATIONS)}
    children: dict[str, list[LinkView]] = {}
    seen, frontier = {slug}, [slug]
    for _ in range(depth):
        reached = []
        links = links_of_many(conn, frontier)  # one query a level: a hub's 500 neighbours, not 500
        for parent in frontier:
            views = sorted(
                links.get(parent, []),
                key=lambda v: (order[v.relation], not v.outgoing, v.other_name.casefold()),
            )
            for view in views:
                if view.other_slug not in seen:
                    seen.add(view.other_slug)
                    children.setdefault(parent, []).append(view)
                    reached.append(view.other_slug)
        frontier = reached
    return children


def shortest_path(conn: sqlite3.Connection, start: str, goal: str) -> list[PathStep] | None:
    """Shortest chain of links between two terms (links walked from either end).

    A breadth-first search from both ends, a level at a time with one query per level, so it
    reads only the links near the two terms, however many terms the store holds.
    """
    if start == goal:
        return []
    forward: dict[str, tuple[int, str, str]] = {start: (0, "", "")}  # node -> depth, previous, label
    backward: dict[str, tuple[int, str, str]] = {goal: (0, "", "")}
    fronts = {"f": [start], "b": [goal]}
    while fronts["f"] and fronts["b"]:
        side = "f" if len(fronts["f"]) <= len(fronts["b"]) else "b"
        seen, other = (forward, backward) if side == "f" else (backward, forward)
        fronts[side] = _expand(conn, fronts[side], seen)
        met = [node for node in fronts[side] if node in other]
        if met:
            middle = min(met, key=lambda node: (other[node][0], node))
            return _steps(conn, middle, forward, backward)
    return None


def _expand(
    conn: sqlite3.Connection, frontier: list[str], seen: dict[str, tuple[int, str, str]]
) -> list[str]:
    """One breadth-first level: every unseen neighbour of ``frontier``, in a stable order."""
    marks = ", ".join("?" * len(frontier))
    rows = conn.execute(
        f"SELECT source, relation, target FROM links WHERE source IN ({marks}) OR target IN ({marks})",
        (*frontier, *frontier),
    ).fetchall()
    neighbours: dict[str, list[tuple[str, str]]] = {}
    members = set(frontier)
    for row in rows:
        link = Link(row[0], row[1], row[2])
        for end in {link.source, link.target} & members:
            view = view_link(link, end, "")
            neighbours.setdefault(end, []).append((view.other_slug, view.label))
    depth = seen[frontier[0]][0] + 1
    reached = []
    for node in frontier:
        for other, label in sorted(neighbours.get(node, [])):
            if other not in seen:
                seen[other] = (depth, node, label)
                reached.append(other)
    return reached


def _steps(conn: sqlite3.Connection, middle: str, forward: dict, backward: dict) -> list[PathStep]:
    """The chain start -> middle -> goal, each hop worded from the term it leaves."""
    from glossary.results import PathStep

    hops: list[tuple[str, str, str]] = []
    node = middle
    while forward[node][1]:
        _, before, label = forward[node]
        hops.append((before, label, node))
        node = before
    hops.reverse()
    node = middle
    while backward[node][1]:
        _, after, _label = backward[node]
        label = min(v.label for v in links_of(conn, node) if v.other_slug == after)
        hops.append((node, label, after))
        node = after
    names = names_of(conn, {slug for hop in hops for slug in (hop[0], hop[2])})
    return [PathStep(names[a], label, names[b], a, b) for a, label, b in hops]
