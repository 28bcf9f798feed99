"""Start-up stays light: a lookup never loads numpy, sqlite_utils or other heavy modules."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "numpy",
    "sqlite_utils",
    "fsrs",
    "tomllib",
    "tomli",
    "rich.markdown",
    "rich.syntax",
    "seqml",
    "difflib",
    "glossary.record",  # the learner's record and the quiz engine are not a lookup's business
    "glossary.quiz",
    "matplotlib",
)

PROBE = """
import json, sys
sys.argv = ["glossary", "--db", {db!r}, *{args!r}]
import cli
try:
    cli.cli(prog_name="glossary")  # not main(): it leaves with os._exit before we can look
except SystemExit:
    pass
print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""


def modules_loaded_by(args: list[str], db: Path) -> list[str]:
    """Run a command in a fresh interpreter and report which heavy modules it imported."""
    code = PROBE.format(db=str(db), args=args, heavy=HEAVY)
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)  # store is current
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_importing_cli_loads_no_heavy_module() -> None:
    code = f"import sys, cli; print([m for m in {HEAVY!r} + ('rich', 'glossary.store') if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["show", "lstm"],
        ["search", "gradient"],
        ["list"],
        ["links", "rnn", "--depth", "2"],
        ["path", "rnn", "lstm"],
    ],
)
def test_read_commands_load_no_heavy_module_once_the_store_exists(db_path: Path, args: list[str]) -> None:
    assert modules_loaded_by(args, db_path) == []


# --------------------------------------------------------------------------- the house rules, by AST

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("glossary", "seqml")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    found = {_module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    found["cli"] = ROOT / "cli.py"
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks: imports there never run."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module ``name`` imports at run time, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _external(imported: set[str], *roots: str) -> list[str]:
    return sorted(m for m in imported if m.split(".")[0] in roots)


def test_seqml_imports_nothing_of_the_glossary_the_terminal_or_the_database() -> None:
    graph = _graph()
    offenders = {
        name: _external(imported, "glossary", "cli", "click", "rich", "sqlite3", "sqlite_utils")
        for name, imported in graph.items()
        if name.startswith("seqml")
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_core_outside_render_imports_neither_click_nor_rich() -> None:
    graph = _graph()
    offenders = {
        name: _external(imported, "click", "rich")
        for name, imported in graph.items()
        if name.startswith("glossary") and not name.startswith("glossary.render")
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_views_import_core_modules_for_types_only() -> None:
    """A view draws records; it never queries the store, runs a demo or plans a session. It may word
    a link with ``glossary.wording``, the pure English rules every sentence about a link shares."""
    allowed = ("glossary.model", "glossary.results", "glossary.render", "glossary.errors", "glossary.wording")
    graph = _graph()
    offenders = {
        name: sorted(
            m for m in imported if (m.startswith(("glossary", "seqml")) and not m.startswith(allowed))
        )
        for name, imported in graph.items()
        if name.startswith("glossary.render")
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_no_import_cycle_even_through_lazy_imports() -> None:
    graph = _graph()
    project = {name: {m for m in imported if m in graph and m != name} for name, imported in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in sorted(project[name]):
            if state.get(other) == 1:
                cycles.append(" -> ".join([*trail[trail.index(other) :], other]))
            elif other not in state:
                visit(other, [*trail, other])
        state[name] = 2

    for name in sorted(project):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_module_but_cli_is_over_500_lines() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _project_modules().items()
    }
    assert {name: size for name, size in sizes.items() if size > 500 and name != "cli"} == {}


def test_every_command_body_is_at_most_30_lines() -> None:
    """A command parses, calls one core function and emits; anything longer belongs in the core."""
    tree = ast.parse((ROOT / "cli.py").read_text(encoding="utf-8"))
    long = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            "command" in ast.unparse(d) or "group" in ast.unparse(d) for d in node.decorator_list
        ):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            if body:
                size = (body[-1].end_lineno or 0) - body[0].lineno + 1
                if size > 30:
                    long[node.name] = size
    assert long == {}
