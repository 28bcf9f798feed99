"""Backups (automatic, on request, rotated), restore (refusing what is not ours) and doctor."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from safety_support import assert_sound, count, digest

import glossary.schema as schema
import glossary.storefile as storefile
from glossary.backup import restore
from glossary.doctor import run_doctor
from glossary.errors import StoreError
from glossary.store import Store


def backups(db_path: Path, reason: str = "") -> list[Path]:
    return sorted((db_path.parent / f"{db_path.stem}-backups").glob(f"*{reason}.db"))


def test_a_bundled_resync_is_preceded_by_a_backup_of_the_store_as_it_was(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE meta SET value = 'stale' WHERE key = 'content_hash'")
    conn.execute("INSERT INTO meta VALUES ('note', 'before the resync')")
    conn.commit()
    conn.close()
    Store.open(db_path).close()
    (saved,) = backups(db_path, "resync")
    assert count(saved, "SELECT count(*) FROM meta WHERE value = 'stale'") == 1
    assert_sound(saved)
    assert_sound(db_path)


def test_a_migration_is_preceded_by_a_backup(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("DROP INDEX terms_by_topic")  # undo the last migration (7: the index the list reads)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    Store.open(db_path).close()
    (saved,) = backups(db_path, "migration")
    assert count(saved, "PRAGMA user_version") == schema.SCHEMA_VERSION - 1
    assert count(db_path, "PRAGMA user_version") == schema.SCHEMA_VERSION
    assert_sound(db_path)


def test_a_brand_new_store_makes_no_backup(tmp_path: Path) -> None:
    Store.open(tmp_path / "new.db").close()
    assert not (tmp_path / "new-backups").exists()


def test_automatic_backups_are_rotated_and_the_learners_own_are_kept(db_path: Path) -> None:
    for _ in range(3):
        storefile.automatic_backup(str(db_path), "manual")
    for _ in range(storefile.KEEP_AUTOMATIC + 3):
        storefile.automatic_backup(str(db_path), "resync")
    assert len(backups(db_path, "resync")) == storefile.KEEP_AUTOMATIC
    assert len(backups(db_path, "manual")) == 3


def test_backup_command_writes_a_sound_copy_and_refuses_to_overwrite(
    run, db_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    result = run("backup", str(target), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["backup"] == str(target)
    assert_sound(target)
    again = run("backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.output


def test_restore_replaces_the_store_and_keeps_what_it_replaced(run, db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert run("backup", str(target)).exit_code == 0
    assert run("quiz", "--n", "1", "--seed", "1", input="1\n").exit_code == 0
    assert count(db_path, "SELECT count(*) FROM reviews") == 1
    result = run("restore", str(target))
    assert result.exit_code == 0, result.output
    assert count(db_path, "SELECT count(*) FROM reviews") == 0
    (saved,) = backups(db_path, "restore")
    assert count(saved, "SELECT count(*) FROM reviews") == 1
    assert "saved as" in result.output
    assert run("show", "lstm").exit_code == 0
    assert_sound(db_path)


@pytest.mark.parametrize("kind", ["text", "empty", "foreign", "future"])
def test_restore_refuses_a_file_that_is_not_ours_and_leaves_the_store_alone(
    run, db_path: Path, tmp_path: Path, kind: str
) -> None:
    source = tmp_path / f"{kind}.db"
    if kind == "text":
        source.write_text("not a database\n" * 50, encoding="utf-8")
    elif kind == "empty":
        source.touch()
    else:
        conn = sqlite3.connect(source)
        conn.execute("CREATE TABLE notes (x)")
        if kind == "future":
            conn.execute(f"PRAGMA application_id = {storefile.APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
        conn.close()
    before = digest(db_path)
    result = run("restore", str(source))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "glossary store" in result.output or "schema" in result.output
    assert digest(db_path) == before
    assert backups(db_path) == []


def test_restore_refuses_to_replace_another_applications_file(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA application_id = 99")
    conn.execute("CREATE TABLE x (y)")
    conn.close()
    with pytest.raises(StoreError, match="another application"):
        restore(str(other), str(db_path))


# --------------------------------------------------------------------------- doctor


def break_things(db_path: Path) -> None:
    """An FTS index out of step with its terms, a stray spelling, a dangling link, a lost spelling."""
    conn = sqlite3.connect(db_path)
    row = conn.execute("SELECT rowid, name, keywords, summary, definition FROM terms LIMIT 1").fetchone()
    conn.execute(
        "INSERT INTO terms_fts(terms_fts, rowid, name, keywords, summary, definition) "
        "VALUES ('delete', ?, ?, ?, ?, ?)",
        row,
    )
    conn.execute("INSERT INTO lookup VALUES ('ghost', 'no-such-term', 'name', 'user')")
    conn.execute(
        "INSERT INTO links VALUES ('no-such-term', 'see-also', 'long-short-term-memory', 'user', 'x')"
    )
    conn.execute("DELETE FROM lookup WHERE slug = 'bigram'")
    conn.commit()
    conn.close()


def test_doctor_repairs_what_it_finds_and_a_second_run_finds_nothing(run, db_path: Path) -> None:
    break_things(db_path)
    first = run("doctor", "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert {c["check"]: c["status"] for c in report["checks"]} == {
        "integrity": "ok",
        "search index": "repaired",
        "spellings": "repaired",
        "links": "repaired",
        "terms": "repaired",
    }
    assert report["repaired"] == 4
    second = run("doctor", "--json")
    assert json.loads(second.output)["repaired"] == 0
    assert run("show", "bigram").exit_code == 0
    assert_sound(db_path)


def test_doctor_view_names_each_check(run, db_path: Path) -> None:
    break_things(db_path)
    output = run("doctor").output
    lines = output.splitlines()
    assert f"Checked {db_path}" in " ".join(output.split())  # a long path may wrap
    assert any(line.split()[:3] == ["search", "index", "repaired"] for line in lines)
    assert lines[-1] == "Repaired 4 problem(s); the store is sound now."
    assert all(line == line.rstrip() for line in lines)


def test_doctor_on_a_read_only_store_reports_without_writing(db_path: Path, monkeypatch) -> None:
    break_things(db_path)
    monkeypatch.setattr(storefile, "writable", lambda path: False)
    before = digest(db_path)
    report = run_doctor(str(db_path))
    assert not report.healthy
    assert digest(db_path) == before


def test_doctor_finds_a_damaged_file_and_does_not_write_to_it(db_path: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'links'").fetchone()[0]
    conn.close()
    with open(db_path, "r+b") as file:
        file.seek((root - 1) * 4096 + 8)
        file.write(b"\x00\xff" * 100)
    shutil.copyfile(db_path, tmp_path / "before.db")
    report = run_doctor(str(db_path))
    assert [f.status for f in report.findings] == ["problem"]
    assert "glossary restore" in report.findings[0].detail
    assert digest(db_path) == digest(tmp_path / "before.db")
