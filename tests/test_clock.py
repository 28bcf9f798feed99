"""The learner's clock: GLOSSARY_NOW fixes the time and the zone; bad values are usage errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from glossary import clock


def test_without_glossary_now_the_clock_reads_the_real_time_in_utc(monkeypatch) -> None:
    monkeypatch.delenv("GLOSSARY_NOW", raising=False)
    before = datetime.now(timezone.utc)
    moment = clock.now()
    assert moment.utcoffset() == timedelta(0) and before <= moment <= datetime.now(timezone.utc)
    assert clock.zone() is None


def test_glossary_now_fixes_the_time_and_is_returned_in_utc(monkeypatch) -> None:
    monkeypatch.setenv("GLOSSARY_NOW", "2026-03-01T09:00:00+01:00")
    assert clock.now() == datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
    assert clock.now().tzinfo == timezone.utc
    assert clock.zone().utcoffset(None) == timedelta(hours=1)


def test_a_z_suffix_means_utc(monkeypatch) -> None:
    monkeypatch.setenv("GLOSSARY_NOW", "2026-03-01T09:00:00Z")
    assert clock.now() == datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-03-01T09:00:00", "has no time zone"), ("next tuesday", "is not an ISO 8601 time")],
)
def test_a_time_without_zone_or_unparsable_is_a_clock_error(monkeypatch, value: str, message: str) -> None:
    monkeypatch.setenv("GLOSSARY_NOW", value)
    with pytest.raises(clock.ClockError, match=message):
        clock.now()


def test_iso_writes_utc_to_the_second_and_takes_naive_times_as_utc() -> None:
    aware = datetime(2026, 3, 1, 9, 0, 30, 999, tzinfo=timezone(timedelta(hours=2)))
    assert clock.iso(aware) == "2026-03-01T07:00:30+00:00"
    assert clock.iso(datetime(2026, 3, 1, 9, 0)) == "2026-03-01T09:00:00+00:00"


@pytest.mark.parametrize("command", [("quiz", "--n", "1"), ("review",), ("stats",), ("tour",)])
def test_every_quiz_command_reports_a_bad_glossary_now_as_a_one_line_usage_error(run, command) -> None:
    result = run(*command, input="1\n", env={"GLOSSARY_NOW": "2026-03-01 09:00"})
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "GLOSSARY_NOW='2026-03-01 09:00' has no time zone" in result.output
    assert "Traceback" not in result.output and "Question" not in result.output


def test_a_quiz_at_a_fixed_time_records_that_time(run, db_path) -> None:
    import sqlite3

    result = run(
        "quiz", "--n", "1", "--seed", "1", input="1\n", env={"GLOSSARY_NOW": "2026-03-01T09:00:00+01:00"}
    )
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    try:
        (reviewed_at,) = conn.execute("SELECT reviewed_at FROM reviews").fetchone()
    finally:
        conn.close()
    assert reviewed_at == "2026-03-01T08:00:00+00:00"
