"""Odd but valid ARPA files read to the same model by both readers; the fast one takes plain files."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

from seqml.ngram import arpa
from seqml.ngram.arpa import BackoffModel, arpa_string, read_arpa_stream
from seqml.ngram.stream import fit_streamed

SENTENCES = [s.split() for s in ["a b a c", "b a a", "c a b b a", "café b a", "a c c b"]]


def plain() -> str:
    """An order-3 model as we write it: tabs, every backoff, sorted lines."""
    return arpa_string(fit_streamed(SENTENCES, 3))


def same_model(one: BackoffModel, other: BackoffModel) -> bool:
    return one.vocabulary == other.vocabulary and all(
        np.array_equal(x[n], y[n]) and x[n].dtype == y[n].dtype
        for n in range(one.order)
        for x, y in [
            (one.keys, other.keys),
            (one.log10_probabilities, other.log10_probabilities),
            (one.log10_backoffs, other.log10_backoffs),
        ]
    )


def section_lines(text: str, n: int) -> list[str]:
    return text.split(f"\\{n}-grams:\n")[1].split("\n\n")[0].split("\n")


def with_section(text: str, n: int, lines: list[str]) -> str:
    head, rest = text.split(f"\\{n}-grams:\n")
    return head + f"\\{n}-grams:\n" + "\n".join(lines) + "\n\n" + rest.split("\n\n", 1)[1]


def drop_zero_backoffs(text: str, n: int) -> str:
    """SRILM's habit: a backoff of 0 is left out (so some lines of a section have one, some not)."""
    return with_section(text, n, [re.sub(r"\t-?0$", "", line) for line in section_lines(text, n)])


VARIANTS = {
    "CRLF line ends": lambda t: t.replace("\n", "\r\n"),
    "blank lines everywhere": lambda t: t.replace("\n", "\n\n"),
    "spaces around every line": lambda t: "\n".join(f"  {line} \t" for line in t.split("\n")),
    "zero backoffs left out": lambda t: drop_zero_backoffs(drop_zero_backoffs(t, 1), 2),
    "spaces instead of tabs": lambda t: t.replace("\t", " "),
    "tabs between the words": lambda t: with_section(
        t, 3, [line.replace(" ", "\t") for line in section_lines(t, 3)]
    ),
    "two spaces between the words": lambda t: t.replace(" ", "  "),
    "text after \\end\\": lambda t: t + "anything at all\n\\data\\\n",
    "no newline after \\end\\": lambda t: t.rstrip("\n"),
    "no \\data\\ line": lambda t: t.replace("\\data\\\n", ""),
    "sections in another line order": lambda t: with_section(t, 3, section_lines(t, 3)[::-1]),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_odd_arpa_files_read_to_the_plain_files_model(variant: str) -> None:
    expected = read_arpa_stream(io.BytesIO(plain().encode()))
    data = VARIANTS[variant](plain()).encode()
    model = read_arpa_stream(io.BytesIO(data))
    assert same_model(model, expected)
    assert same_model(model, arpa._read_lines(io.BytesIO(data), "<arpa>"))


def test_a_plain_file_takes_the_fast_reader_and_an_odd_one_the_line_reader() -> None:
    data = plain().encode()
    assert same_model(arpa._read_fast(data, "<arpa>"), arpa._read_lines(io.BytesIO(data), "<arpa>"))
    for variant in ("blank lines everywhere", "zero backoffs left out", "spaces instead of tabs"):
        with pytest.raises(arpa._Unusual):
            arpa._read_fast(VARIANTS[variant](plain()).encode(), "<arpa>")


def test_crlf_files_take_the_fast_reader(monkeypatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the line-by-line reader was used")

    monkeypatch.setattr(arpa, "_read_lines", refuse)
    model = read_arpa_stream(io.BytesIO(plain().replace("\n", "\r\n").encode()))
    assert model.counts == fit_streamed(SENTENCES, 3).counts


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("\\end\\\n", ""), "expected \\\\end\\\\"),
        (lambda t: t.replace("\\end\\", "\\ends\\"), "expected \\\\end\\\\"),
        (lambda t: t.replace("\\3-grams:", "\\4-grams:"), "expected \\\\3-grams:"),
        (lambda t: t.replace("\tb a\t", "\tb zebra\t", 1), "'zebra', which is no 1-gram"),
        (lambda t: with_section(t, 2, section_lines(t, 2)[1:]), "header promises"),
        (lambda t: with_section(t, 2, section_lines(t, 2)[:1] * 2 + section_lines(t, 2)[2:]), "listed twice"),
        (lambda t: t.replace("café", "caf\udce9"), "not UTF-8 text"),
        (lambda t: t.replace("\n-", "\nx-", 1), "expected log10 p, 1 word"),
    ],
)
def test_bad_files_fail_with_the_line_readers_message(change, message: str) -> None:
    data = change(plain()).encode("utf-8", "surrogateescape")
    with pytest.raises(ValueError, match=message):
        read_arpa_stream(io.BytesIO(data))


def test_words_beyond_ascii_and_odd_bytes_read_back_as_written() -> None:
    sentences = [["naïve", "日本語", "a\xa0b", "x\x1cy"], ["日本語", "naïve"]]
    model = fit_streamed(sentences, 2)
    again = read_arpa_stream(io.BytesIO(arpa_string(model).encode()))
    assert same_model(again, model)
    assert arpa._read_fast(arpa_string(model).encode(), "<arpa>").vocabulary == model.vocabulary
