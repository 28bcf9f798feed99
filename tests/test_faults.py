"""Faults of the store: each is one clear line, never a traceback, and never a lost or torn answer.

Every test ends by checking the store with SQLite's integrity_check and the FTS5 integrity-check.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safety_support import assert_sound, count, digest, pack_text

import glossary.schema as schema
import glossary.storefile as storefile
from glossary.errors import StoreError
from glossary.schema import SCHEMA_VERSION, write_transaction
from glossary.store import Store

ROOT = Path(__file__).resolve().parent.parent

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """A second process holding the write lock (BEGIN IMMEDIATE) for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.stdout.close()
    return holder


def reviews(path: Path) -> int:
    return count(path, "SELECT count(*) FROM reviews")


# --------------------------------------------------------------------------- a held lock


def test_an_answer_typed_while_another_process_holds_the_lock_waits_says_so_and_is_saved(
    run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "LOCK_NOTICE_SECONDS", 0.2)
    holder = hold_lock(db_path, 1.5)
    try:
        result = run("quiz", "--n", "1", "--seed", "3", input="1\n")
    finally:
        holder.wait(timeout=20)
    assert result.exit_code == 0, result.output
    assert "Waiting for another glossary process" in result.output
    assert reviews(db_path) == 1
    assert_sound(db_path)


def test_a_lock_that_never_frees_ends_with_a_clear_error_and_nothing_half_written(
    run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "LOCK_NOTICE_SECONDS", 0.1)
    monkeypatch.setattr(schema, "LOCK_GIVE_UP_SECONDS", 0.6)
    holder = hold_lock(db_path, 60)
    try:
        result = run("quiz", "--n", "1", "--seed", "3", input="1\n")
    finally:
        holder.kill()
        holder.wait(timeout=20)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "kept the store locked" in result.output and "Traceback" not in result.output
    assert reviews(db_path) == 0
    assert_sound(db_path)


def test_an_import_waits_for_the_lock_instead_of_failing(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "LOCK_NOTICE_SECONDS", 0.1)
    told: list[str] = []
    store.conn.on_lock_wait = lambda: told.append("waiting")
    pack = tmp_path / "mine.toml"
    pack.write_text(pack_text(3), encoding="utf-8")
    holder = hold_lock(db_path, 1.0)
    try:
        assert store.import_pack(pack) == 3
    finally:
        holder.wait(timeout=20)
    assert told == ["waiting"]
    assert_sound(db_path)


# --------------------------------------------------------------------------- disk full


def cap_pages(conn: sqlite3.Connection) -> None:
    """Make the disk 'full': no page may be added to the file."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def test_disk_full_during_an_import_is_a_store_error_not_cannot_rollback(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    pack = tmp_path / "big.toml"
    pack.write_text(pack_text(300), encoding="utf-8")
    before = count(db_path, "SELECT count(*) FROM terms")
    cap_pages(store.conn)
    with pytest.raises(StoreError, match="disk is full") as caught:
        store.import_pack(pack)
    assert "cannot rollback" not in str(caught.value)
    assert not store.conn.in_transaction
    store.close()
    assert count(db_path, "SELECT count(*) FROM terms") == before
    assert_sound(db_path)


def test_write_transaction_does_not_roll_back_what_sqlite_already_rolled_back(tmp_path: Path) -> None:
    conn = schema.connect(tmp_path / "plain.db")
    conn.execute("CREATE TABLE t (x)")
    cap_pages(conn)
    with pytest.raises(StoreError, match="disk is full"), write_transaction(conn):
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    assert not conn.in_transaction
    conn.close()


def test_disk_full_on_the_command_line_is_one_line(run, db_path: Path, tmp_path: Path, monkeypatch) -> None:
    import glossary.store as store_module

    real_connect = store_module.connect

    def full_connect(path, read_only=None):
        conn = real_connect(path, read_only)
        cap_pages(conn)
        return conn

    monkeypatch.setattr(store_module, "connect", full_connect)
    pack = tmp_path / "big.toml"
    pack.write_text(pack_text(300), encoding="utf-8")
    result = run("import", str(pack))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: ") and "disk is full" in result.output
    assert result.output.count("\n") == 1
    assert_sound(db_path)


# --------------------------------------------------------------------------- read-only stores


@pytest.fixture
def read_only_run(run, monkeypatch: pytest.MonkeyPatch):
    """The CLI as it runs on a store it may not write: opened with mode=ro, like a chmod 444 file."""
    monkeypatch.setattr(storefile, "writable", lambda path: False)
    return run


@pytest.mark.parametrize(
    "args", [("show", "lstm"), ("search", "gradient"), ("list",), ("links", "rnn"), ("path", "rnn", "lstm"),
             ("compare", "rnn", "lstm"), ("stats",), ("review",), ("doctor",)],
)  # fmt: skip
def test_a_read_only_store_serves_every_read_command(read_only_run, db_path: Path, args) -> None:
    before = digest(db_path)
    result = read_only_run(*args)
    assert result.exit_code == 0, result.output
    assert digest(db_path) == before
    assert_sound(db_path)


@pytest.mark.parametrize("args", [("quiz", "--n", "1"), ("tour", "bigram")])
def test_a_quiz_on_a_read_only_store_says_so_before_asking(read_only_run, db_path: Path, args) -> None:
    result = read_only_run(*args, input="1\n")
    assert result.exit_code == 1
    error = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(error) == 1 and "read-only" in error[0] and "nothing is asked" in error[0]
    assert "1)" not in result.output.split("Now three questions")[-1]  # no option was shown
    assert reviews(db_path) == 0
    assert_sound(db_path)


def test_an_import_into_a_read_only_store_is_one_line(read_only_run, db_path: Path, tmp_path: Path) -> None:
    pack = tmp_path / "mine.toml"
    pack.write_text(pack_text(2), encoding="utf-8")
    result = read_only_run("import", str(pack))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "read-only" in result.output
    assert_sound(db_path)


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions bind: root may write a chmod 444 file, so as
    root the child runs without CAP_DAC_OVERRIDE (setpriv), as a read-only file meets a real user."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: chmod cannot make a file read-only for root")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.slow
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_chmod_read_only_store_serves_reads_and_refuses_a_quiz(
    built_db: Path, tmp_path: Path, what: str
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "glossary.db"
    shutil.copyfile(built_db, path)
    os.chmod(path, 0o444 if what == "file" else 0o644)
    if what == "folder":
        os.chmod(folder, 0o555)
    try:
        before = digest(path)
        command = [*_without_root_powers(), sys.executable, "-c", "import cli; cli.main()", "--db", str(path)]
        env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
        shown = subprocess.run([*command, "show", "lstm"], capture_output=True, text=True, cwd=ROOT, env=env,
                               timeout=60)  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        assert "Long Short-Term Memory" in shown.stdout
        quiz = subprocess.run([*command, "quiz", "--n", "1"], input="1\n", capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=60)  # fmt: skip
        assert quiz.returncode == 1
        assert "read-only" in quiz.stderr and "Traceback" not in quiz.stderr
        assert quiz.stdout == ""
        assert digest(path) == before
    finally:
        os.chmod(folder, 0o755)
        os.chmod(path, 0o644)
    assert_sound(path)


# --------------------------------------------------------------------------- damaged pages


def corrupt_table(path: Path, table: str) -> None:
    """Overwrite the middle of a table's root page with garbage, as a failing disk would."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * 200)


@pytest.mark.parametrize("args", [("show", "lstm"), ("list",), ("search", "gradient"), ("quiz", "--n", "1")])
def test_a_damaged_page_is_one_line_naming_doctor_and_restore(run, db_path: Path, args) -> None:
    corrupt_table(db_path, "terms")
    result = run(*args, input="1\n")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.output.startswith("Error: ") and "damaged" in result.output
    assert "glossary doctor" in result.output and "glossary restore" in result.output


def test_doctor_on_a_damaged_store_points_at_the_backups_and_restore_brings_it_back(
    run, db_path: Path
) -> None:
    assert run("backup").exit_code == 0
    (saved,) = (db_path.parent / "glossary-backups").glob("*-manual.db")
    corrupt_table(db_path, "terms")
    doctor = run("doctor")
    assert doctor.exit_code == 1 and "PROBLEM" in doctor.output and "glossary restore" in doctor.output
    restored = run("restore", str(saved))
    assert restored.exit_code == 0, restored.output
    assert run("show", "lstm").exit_code == 0
    assert "nothing to repair" in run("doctor").output
    assert_sound(db_path)


# --------------------------------------------------------------------------- files that are not ours


def test_an_empty_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(StoreError, match="empty file"):
        Store.open(path)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="another application"):
        Store.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal: never switched to WAL
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_database_marked_by_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE terms (x)")
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match=r"application_id 0x4d2"):
        Store.open(path)
    assert digest(path) == before


def test_a_future_schema_is_refused_before_it_is_switched_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {storefile.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE terms (x)")
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="newer seqml-glossary"):
        Store.open(path)
    assert digest(path) == before
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_new_store_is_marked_as_ours(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "new.db")
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == storefile.APPLICATION_ID == 0x676C6F73
    store.close()
    assert_sound(tmp_path / "new.db")


def test_a_store_written_before_the_mark_is_adopted_and_marked(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA application_id = 0")
    conn.close()
    store = Store.open(db_path)
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == storefile.APPLICATION_ID
    store.close()
    assert_sound(db_path)


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_path_that_cannot_be_a_store_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "odd"
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    with pytest.raises(StoreError, match=r"directory|not a regular file"):
        Store.open(path)


# --------------------------------------------------------------------------- GLOSSARY_DB


def test_a_tilde_in_glossary_db_means_the_home_folder(tmp_path: Path, monkeypatch, built_db: Path) -> None:
    from click.testing import CliRunner

    from cli import cli

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["show", "lstm"], env={"GLOSSARY_DB": "~/notes.db", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "home" / "notes.db").is_file()
    assert not (tmp_path / "~").exists()


def test_glossary_db_memory_is_a_clear_message(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["show", "lstm"], env={"GLOSSARY_DB": ":memory:"})
    assert result.exit_code == 1
    assert "forget everything" in result.output and "stayed locked" not in result.output


# --------------------------------------------------------------------------- Ctrl-C at start-up


@pytest.mark.slow
def test_ctrl_c_in_the_first_tens_of_milliseconds_prints_no_traceback(db_path: Path) -> None:
    command = Path(sys.executable).with_name("glossary")
    assert command.exists(), "the glossary console script is installed by pip install -e ."
    for delay in (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12):
        process = subprocess.Popen(
            [str(command), "--db", str(db_path), "list"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        # Python's own start-up (site, the console script's first import line) runs before any line
        # of ours can catch anything; once cli.py runs, no frame of ours or click's may show.
        frames = [line for line in stderr.splitlines() if line.lstrip().startswith("File ")]
        ours = [line for line in frames if "cli.py" in line or "/click/" in line or "/glossary/" in line]
        assert ours == [], (delay, stderr)
        assert process.returncode in (0, 1, 130, -signal.SIGINT), (delay, process.returncode, stderr)
    assert_sound(db_path)
