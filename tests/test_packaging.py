"""The wheel carries data/ and the installed CLI works from any directory, in a fresh venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # builds a wheel and installs it into a fresh venv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the project's wheel the way pip does for a user (isolated build backend).

    From a clean copy of the tree: setuptools reuses a ``build/`` directory, so building in place
    would ship modules that were since moved or deleted, and hide a package missing from setup.cfg.
    """
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "tree"
    skip = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("seqml_glossary-*.whl")
    return built


def test_wheel_contains_the_bundled_packs_and_corpus(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "seqml_glossary/cli.py" in names
    assert "cli.py" not in names  # no generic top-level module to collide with another package
    for pack in (ROOT / "data" / "terms").glob("*.toml"):
        assert f"glossary/data/terms/{pack.name}" in names
    assert "glossary/data/corpora/nursery.txt" in names
    assert "glossary/data/README.md" in names
    assert "glossary/data/glossary.1" in names  # the man page


def test_wheel_contains_every_module_of_every_package(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    sources = [*ROOT.glob("glossary/**/*.py"), *ROOT.glob("seqml/**/*.py")]
    expected = {path.relative_to(ROOT).as_posix() for path in sources}
    expected |= {f"glossary/data/{path.name}" for path in ROOT.glob("data/*.py")}  # data/ is glossary.data
    shipped = {name for name in names if name.endswith(".py") and name.startswith(("glossary/", "seqml/"))}
    assert not expected - shipped, f"not in the wheel (list the package in setup.cfg): {expected - shipped}"
    assert not shipped - expected, f"in the wheel but not in the source: {shipped - expected}"


def test_installed_wheel_shows_lstm_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "GLOSSARY_DB": str(tmp_path / "store" / "g.db"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    glossary = python.parent / "glossary"
    shown = subprocess.run(
        [str(glossary), "show", "lstm"], cwd=workdir, env=env, capture_output=True, text=True, check=True
    )
    assert "LSTM is an abbreviation for Long Short-Term Memory." in shown.stdout
    where = subprocess.run(
        [str(python), "-c", "from glossary.paths import data_dir; print(data_dir())"],
        cwd=workdir, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "site-packages" in where.stdout
