"""Which pager runs: GLOSSARY_PAGER, then $PAGER, then less -FRX; the usual words for "off" are off."""

from __future__ import annotations

import pytest

from glossary.pager import DEFAULT_PAGER, pager_command


@pytest.mark.parametrize("value", ["", "cat", "0", "false", "no", "off", "never", "OFF", " False "])
def test_glossary_pager_set_to_a_word_for_off_turns_paging_off(monkeypatch, value: str) -> None:
    monkeypatch.setenv("GLOSSARY_PAGER", value)
    monkeypatch.setenv("PAGER", "less")
    assert pager_command() is None


@pytest.mark.parametrize("value", ["false", "0"])
def test_pager_set_to_a_word_for_off_turns_paging_off_too(monkeypatch, value: str) -> None:
    monkeypatch.delenv("GLOSSARY_PAGER", raising=False)
    monkeypatch.setenv("PAGER", value)
    assert pager_command() is None


def test_a_real_pager_command_is_kept_and_the_default_is_less(monkeypatch) -> None:
    monkeypatch.setenv("GLOSSARY_PAGER", "cat -n")
    assert pager_command() == "cat -n"
    monkeypatch.delenv("GLOSSARY_PAGER")
    monkeypatch.delenv("PAGER", raising=False)
    assert pager_command() == DEFAULT_PAGER


def test_a_pager_that_is_not_installed_is_not_run(monkeypatch) -> None:
    monkeypatch.setenv("GLOSSARY_PAGER", "nosuchpager -R")
    assert pager_command() is None
    monkeypatch.setenv("GLOSSARY_PAGER", "$HOME/nosuchpager")  # shell syntax: run_pager finds out
    assert pager_command() == "$HOME/nosuchpager"
