"""Fitting the learner's own FSRS parameters: the replay matches ``fsrs.Scheduler`` to the digit,
the fit lowers the log-loss on the simulated learner's log, and ``stats --fit`` says what it did."""

from __future__ import annotations

import importlib.util
import json
import random
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import numpy as np
import pytest

from glossary import fitting, settings

LOW = np.array(fsrs.scheduler.LOWER_BOUNDS_PARAMETERS)
HIGH = np.array(fsrs.scheduler.UPPER_BOUNDS_PARAMETERS)

REPO = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_learner", REPO / "bench" / "bench_learner.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_learner"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory):
    """Twelve simulated days of the bench's learner at retention 0.90 (the real session code)."""
    return load_bench().simulate(0.90, days=12, seed=3, directory=tmp_path_factory.mktemp("learner"))


def random_rows(seed: int, cards: int = 40) -> list[tuple[str, str, int]]:
    """Review rows with same-day steps, day gaps, and every rating, in time order."""
    rng = random.Random(seed)
    rows = []
    for card in range(cards):
        moment = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(hours=rng.randrange(48))
        for _ in range(rng.randrange(1, 12)):
            rows.append((f"c{card}", moment.isoformat(), rng.choice([1, 2, 3, 3, 3, 4])))
            moment += timedelta(minutes=rng.choice([1, 10, 600, 1440, 2000, 5000, 20000]))
    return sorted(rows, key=lambda row: row[1])


def scheduler_predictions(rows, parameters) -> list[float]:
    """Retrievability before each review a day or more after the last, by ``fsrs.Scheduler``."""
    scheduler = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    cards: dict[str, fsrs.Card] = {}
    found = []
    for card_id, when, rating in rows:
        moment = datetime.fromisoformat(when)
        card = cards.get(card_id) or fsrs.Card()
        if card.last_review is not None and (moment - card.last_review).days >= 1:
            found.append(scheduler.get_card_retrievability(card, moment))
        cards[card_id], _ = scheduler.review_card(card, fsrs.Rating(rating), moment)
    return found


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_vectorised_replay_matches_the_fsrs_scheduler_to_the_digit(seed: int) -> None:
    rows = random_rows(seed)
    rng = np.random.default_rng(seed)
    low, high = (
        np.array(fsrs.scheduler.LOWER_BOUNDS_PARAMETERS),
        np.array(fsrs.scheduler.UPPER_BOUNDS_PARAMETERS),
    )
    for parameters in (
        np.array(fsrs.scheduler.DEFAULT_PARAMETERS),
        low + (high - low) * rng.uniform(0.2, 0.8, 21),
    ):
        ours, _ = fitting.predictions(parameters, fitting.histories(rows))
        theirs = scheduler_predictions(rows, tuple(parameters))
        assert len(ours) == len(theirs) > 20
        np.testing.assert_allclose(np.sort(ours), np.sort(theirs), rtol=1e-10)


def test_the_gradient_agrees_with_a_slow_central_difference() -> None:
    log = fitting.histories(random_rows(4))
    w = np.array(fsrs.scheduler.DEFAULT_PARAMETERS)
    low, high = (
        np.array(fsrs.scheduler.LOWER_BOUNDS_PARAMETERS),
        np.array(fsrs.scheduler.UPPER_BOUNDS_PARAMETERS),
    )
    _, gradient = fitting.loss_and_gradient(w, log, low, high)
    for k in (0, 8, 10, 20):
        step = np.zeros(21)
        step[k] = 1e-5
        slow = (fitting.log_loss(w + step, log) - fitting.log_loss(w - step, log)) / 2e-5
        assert gradient[k] == pytest.approx(slow, rel=1e-3, abs=1e-6)


def test_the_fit_lowers_the_log_loss_on_the_simulated_learners_log(simulated) -> None:
    conn = sqlite3.connect(simulated.db_path)
    log = fitting.histories(fitting.review_rows(conn))
    conn.close()
    result = fitting.fit(log, minimum=50)
    assert result.reviews >= 50
    assert result.after < result.before - 0.005
    assert fitting.log_loss(np.array(result.parameters), log) == pytest.approx(result.after)
    low, high = fsrs.scheduler.LOWER_BOUNDS_PARAMETERS, fsrs.scheduler.UPPER_BOUNDS_PARAMETERS
    assert all(lo <= v <= hi for lo, v, hi in zip(low, result.parameters, high, strict=True))


def test_too_few_reviews_are_not_fitted_and_the_screen_says_how_many_are_needed(run) -> None:
    result = run("stats", "--fit")
    assert result.exit_code == 0, result.output
    assert "Too few reviews to fit: 0 of the 300 needed" in result.output.replace("\n", " ")
    data = json.loads(run("stats", "--fit", "--json").stdout)
    assert data == {"reviews": 0, "needed": 300, "log_loss_before": None, "log_loss_after": None,
                    "parameters": None, "saved": False}  # fmt: skip


def test_saved_parameters_schedule_the_next_answers(simulated) -> None:
    conn = sqlite3.connect(simulated.db_path)
    result = fitting.fit_learner(conn, save=True, minimum=50)
    loaded = settings.load(conn)
    conn.close()
    assert loaded.parameters == pytest.approx(result.parameters)
    from glossary.record import scheduler_for

    assert tuple(scheduler_for(loaded).parameters) == pytest.approx(result.parameters)


def test_a_stored_parameter_list_that_is_not_21_numbers_reads_as_the_defaults(store) -> None:
    store.conn.execute("INSERT INTO settings VALUES (?, ?)", (settings.PARAMETERS_KEY, "[1, 2]"))
    assert settings.load(store.conn).parameters == ()
    store.conn.execute("UPDATE settings SET value = 'nonsense' WHERE key = ?", (settings.PARAMETERS_KEY,))
    assert settings.load(store.conn).parameters == ()


def test_five_simulated_days_keep_the_limits_and_bury_siblings(tmp_path: Path) -> None:
    report = load_bench().simulate(0.90, days=5, seed=1, directory=tmp_path)
    assert report.most_new_in_a_day <= report.new_limit
    assert report.sibling_repeats == 0
    assert report.reviews_per_day > report.new_per_day > 0
    assert 0.0 <= report.recall_at_review <= 1.0
