"""The pager and shell completion in a real terminal (tmux), at 80 and 140 columns.

Each test runs tmux on its own socket and kills only that server. Skipped only without tmux.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Pane:
    """One tmux pane of a given size running a shell command; keys in, screen text out."""

    def __init__(self, script: str, width: int, height: int = 24) -> None:
        self.socket = f"glossary-test-{uuid.uuid4().hex[:8]}"
        self.width = width
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), script)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def history(self) -> str:
        """Everything the pane printed, scrolled off the screen or not."""
        return self.tmux("capture-pane", "-p", "-S", "-", "-t", "t")

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def pane(db_path: Path) -> Iterator:
    opened: list[Pane] = []
    env = f"NO_COLOR=1 GLOSSARY_DB={shlex.quote(str(db_path))} PATH={shlex.quote(str(BIN))}:$PATH"

    def start(command: str, width: int, extra_env: str = "") -> Pane:
        script = f"cd {shlex.quote(str(REPO))} && env -u PAGER -u GLOSSARY_PAGER -u LESS {env} {extra_env} "
        opened.append(Pane(script + command, width))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


@pytest.mark.parametrize("width", [80, 140])
def test_a_long_list_opens_the_pager_and_q_returns(pane, width: int) -> None:
    term = pane("sh -c 'glossary list; echo EXIT=$?; sleep 60'", width)
    first = term.wait_for("Foundations")
    time.sleep(0.5)
    screen = term.screen()
    assert "EXIT=" not in screen, screen  # waiting in less, not finished
    assert all(len(line) <= width for line in first.splitlines())
    term.send("q")
    assert "EXIT=0" in term.wait_for("EXIT=")


@pytest.mark.parametrize("width", [80, 140])
@pytest.mark.parametrize(
    "how", ["glossary list --no-pager", "glossary --no-pager list", "glossary list | cat"]
)
def test_no_pager_when_turned_off_or_piped(pane, width: int, how: str) -> None:
    term = pane(f"sh -c '{how}; echo EXIT=$?; sleep 60'", width)
    assert "EXIT=0" in term.wait_for("EXIT=")


@pytest.mark.parametrize("width", [80, 140])
def test_glossary_pager_variable_chooses_or_disables_the_pager(pane, width: int) -> None:
    term = pane("sh -c 'glossary compare rnn lstm; echo EXIT=$?; sleep 60'", width, "GLOSSARY_PAGER=")
    assert "EXIT=0" in term.wait_for("EXIT=")
    marker = pane("sh -c 'glossary links rnn --depth 3; echo EXIT=$?; sleep 60'", width,
                  "GLOSSARY_PAGER='sed s/^/PAGED:/'")  # fmt: skip
    assert "PAGED:" in marker.wait_for("EXIT=0")


# A program that is not installed is never run; one hidden behind shell syntax fails in the shell
# (exit 127) after taking the first screen, which is then printed with the rest.
@pytest.mark.parametrize("pager", ["nosuchpager", "'nosuchpager -R'", "'$HOME/nosuchpager'"])
def test_a_pager_that_cannot_run_loses_no_line_of_the_list(pane, pager: str) -> None:
    term = pane("sh -c 'glossary list; echo EXIT=$?; sleep 60'", 80, f"GLOSSARY_PAGER={pager}")
    assert "EXIT=0" in term.wait_for("EXIT=")
    printed = term.history()
    for line in ("Foundations (foundations)", "gradient descent", "Sequence models", "prediction"):
        assert line in printed, printed[:2000]


@pytest.mark.parametrize("width", [80, 140])
def test_bash_completes_commands_terms_demos_and_topics(pane, width: int) -> None:
    term = pane("bash --norc --noprofile", width)
    term.send("-l", 'eval "$(glossary completion bash)"; PS1="READY> "; clear')
    term.send("Enter")
    term.wait_for("READY>")
    for typed, expected in [
        ("glossary compl", "glossary completion"),
        ("glossary show long-sh", "glossary show long-short-term-memory"),
        ("glossary demo lstm-", "glossary demo lstm-step"),
        ("glossary list --topic lang", "glossary list --topic language-models"),
        ("glossary quiz --terms bigram,trig", "glossary quiz --terms bigram,trigram"),
    ]:
        term.send("-l", typed)
        term.send("Tab")
        term.wait_for(expected)
        term.send("C-u")
        term.send("-l", "clear")
        term.send("Enter")
        time.sleep(0.3)
        term.wait_for("READY>")
    term.send("-l", "glossary show gr")
    term.send("Tab", "Tab")
    listing = term.wait_for("gradient-clipping")
    assert all(len(line) <= width for line in listing.splitlines())


def test_completing_never_builds_a_store_nor_loads_numpy(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "glossary.db"
    probe = (
        "import sys, cli\n"
        "try:\n    cli.cli(prog_name='glossary')\nexcept SystemExit:\n    pass\n"
        "print('numpy' in sys.modules, file=sys.stderr)"
    )
    for words, cword in [("glossary demo ", "2"), ("glossary show ls", "2"), ("glossary demo lstm --", "3")]:
        env = {**os.environ, "_GLOSSARY_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword,
               "GLOSSARY_DB": str(missing)}  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=REPO
        )
        assert done.stderr.strip().splitlines()[-1] == "False", done.stderr
        assert not missing.exists() and not missing.parent.exists()
        if words == "glossary demo ":
            assert "plain,lstm-step" in done.stdout
