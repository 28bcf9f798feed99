"""lm build: streamed modified Kneser-Ney equals lmplz on its toy corpora and the in-memory fit."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from test_ngram_arpa import raised_within
from test_ngram_kenlm import TOY0_ARPA, TOY1_ARPA, reference_arpa

from seqml.files import FileCheckError
from seqml.ngram.arpa import load_arpa
from seqml.ngram.kenlm import fit_modified_kneser_ney, read_arpa
from seqml.ngram.keys import KeyLayout, lookup_rows, sort_rows
from seqml.ngram.stream import NgramStreamCounter, build_arpa, estimate, fit_streamed

TOYS = [
    pytest.param("a a b a\nb a a b\n", TOY0_ARPA, id="toy0"),
    pytest.param("a a b b b b b b b\nc\n", TOY1_ARPA, id="toy1"),
]


def zipf_sentences(seed: int, types: int, sentences: int, longest: int = 15) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, types + 1) ** 1.1
    return [
        [f"w{i}" for i in rng.choice(types, size=int(rng.integers(0, longest)), p=weights / weights.sum())]
        for _ in range(sentences)
    ]


@pytest.mark.parametrize(("text", "expected"), TOYS)
def test_build_writes_lmplz_toy_arpa_to_1e_6(text: str, expected: dict, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(text, encoding="utf-8")
    build = build_arpa(corpus, tmp_path / "model.arpa", 3)
    ours = read_arpa((tmp_path / "model.arpa").read_text(encoding="utf-8"))
    assert set(ours) == set(expected)
    for gram, (probability, backoff) in expected.items():
        assert ours[gram] == pytest.approx((probability, backoff), abs=1e-6), gram
    assert build.counts == tuple(sum(len(g) == n for g in expected) for n in (1, 2, 3))


@pytest.mark.parametrize(("seed", "order"), [(0, 2), (1, 3), (2, 4), (3, 5)])
def test_streaming_in_chunks_equals_the_in_memory_fit_exactly(seed: int, order: int) -> None:
    corpus = zipf_sentences(seed, 300, 250)
    one_piece = fit_modified_kneser_ney(corpus, order)
    chunked = fit_streamed(corpus, order, sentences_per_chunk=7)
    assert chunked.vocabulary == one_piece.vocabulary
    for n in range(order):
        assert np.array_equal(
            chunked.log10_probabilities[n], one_piece.log10_probabilities[n].astype(np.float32)
        )
        assert np.array_equal(chunked.log10_backoffs[n], one_piece.log10_backoffs[n].astype(np.float32))


def test_chunk_size_of_the_file_reader_does_not_change_the_model(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(s) for s in zipf_sentences(5, 400, 300)) + "\n", encoding="utf-8")
    build_arpa(corpus, tmp_path / "small.arpa", 4, chunk_bytes=100)
    build_arpa(corpus, tmp_path / "large.arpa", 4, chunk_bytes=1 << 20)
    assert (tmp_path / "small.arpa").read_bytes() == (tmp_path / "large.arpa").read_bytes()


@pytest.mark.parametrize("order", [5, 6])
def test_orders_5_and_6_on_a_vocabulary_over_50000_words(order: int) -> None:
    rare = [f"r{i}" for i in range(60_000)]  # each seen once: the vocabulary passes 50,000
    corpus = zipf_sentences(7, 2000, 3000, longest=30) + [rare[i : i + 20] for i in range(0, 60_000, 20)]
    model = fit_streamed(corpus, order, sentences_per_chunk=3000)
    assert len(model.vocabulary) > 50_000
    assert len(model.vocabulary) ** order > 2**64  # past any single 64-bit key
    small = corpus[:150]  # the formulas, spelled out with dicts, on a part with the same vocabulary range
    ours = fit_streamed(small, order)
    expected = reference_arpa(small, order)
    stored = read_arpa_entries(ours)
    assert set(stored) == set(expected)
    for gram, (probability, backoff) in expected.items():
        assert stored[gram] == pytest.approx((probability, backoff), abs=1e-5), gram
    sentence = corpus[0]
    assert np.isfinite(model.perplexity([sentence]))


def read_arpa_entries(model) -> dict:
    from seqml.ngram.arpa import arpa_string

    return read_arpa(arpa_string(model))


def test_wide_keys_sort_and_find_like_tuples() -> None:
    rng = np.random.default_rng(2)
    layout = KeyLayout(120_000)
    ids = rng.integers(0, 120_000, size=(2000, 6))
    ids[1000:] = ids[:1000]  # duplicates
    rows = layout.pack(list(ids.T))
    assert rows.shape[1] == 2
    ordered = ids[sort_rows(rows)].tolist()
    assert ordered == sorted(ids.tolist())
    table = layout.pack(list(np.array(sorted(set(map(tuple, ids.tolist())))).T))
    queries = np.vstack([ids[:50], rng.integers(0, 120_000, size=(50, 6))])
    position, found = lookup_rows(table, layout.pack(list(queries.T)))
    assert found[:50].all()
    assert np.array_equal(layout.unpack(table[position[:50]], 6), list(queries[:50].T))


def test_merging_two_count_tables_equals_counting_them_together() -> None:
    from seqml.ngram.keys import merge_counts, unique_rows

    rng = np.random.default_rng(3)
    for size, more in [(1, 5), (50, 50), (1000, 7), (7, 1000)]:
        old = unique_rows(rng.integers(0, 300, size=(size, 1)).astype(np.uint64))
        new = unique_rows(rng.integers(0, 300, size=(more, 1)).astype(np.uint64))
        both = np.concatenate([old[0], new[0]]), np.concatenate([old[1], new[1]])
        merged = merge_counts(*old, *new)
        expected = unique_rows(*both)
        assert np.array_equal(merged[0], expected[0]) and np.array_equal(merged[1], expected[1])
        assert merged[1].dtype == np.int64


def test_counter_memory_does_not_grow_with_the_corpus_past_the_model(tmp_path: Path) -> None:
    """The same text repeated 8 and 32 times: a model of one size, so the same peak memory."""
    text = "\n".join(" ".join(s) for s in zipf_sentences(9, 2000, 400)) + "\n"
    peaks = []
    for repeats in (8, 32):
        corpus = tmp_path / f"corpus{repeats}.txt"
        corpus.write_text(text * repeats, encoding="utf-8")
        tracemalloc.start()
        counter = NgramStreamCounter(3, b"\0")
        chunk = counter_chunk(counter, len(text))
        from seqml.files import open_binary
        from seqml.ngram.stream import read_chunks

        handle, _ = open_binary(corpus, "corpus")
        with handle:
            for tokens, _ in read_chunks(handle, chunk):
                counter.add(tokens)
                del tokens
        estimate(counter)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert counter.tokens == repeats * sum(len(s) for s in zipf_sentences(9, 2000, 400))
    assert peaks[1] < 1.25 * peaks[0], peaks  # 4x the corpus, not 4x the memory


def counter_chunk(counter: NgramStreamCounter, least: int):
    """The chunk size rule of build_arpa: at least ``least`` bytes, more as the tables grow."""
    return lambda: max(least, 8 * counter.table_size)


def test_lmplz_tokenization_spaces_tabs_and_empty_lines(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(b"a\tb  a\r\n\nb\x0bc a")  # VT is part of a word; the last line has no newline
    build_arpa(corpus, tmp_path / "m.arpa", 2)
    model = load_arpa(tmp_path / "m.arpa")
    assert set(model.vocabulary) == {"<unk>", "<s>", "</s>", "a", "b", "b\x0bc"}
    assert "\t<s> </s>\n" in (tmp_path / "m.arpa").read_text(encoding="utf-8")  # the empty line


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"caf\xe9 au lait\n", r"not UTF-8 text \(byte 0xe9 at offset 3\)"),
        (b"a <s> b\n", "special word '<s>'"),
        (b"a </s>\n", "special word '</s>'"),
        (b"  \n\n", "the corpus has no words"),
    ],
)
def test_bad_corpora_are_named_clearly(content: bytes, message: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        build_arpa(corpus, tmp_path / "m.arpa", 3)


@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_build_refuses_what_is_not_a_regular_file_without_hanging(kind: str, tmp_path: Path) -> None:
    import os

    path = {"directory": tmp_path, "device": Path("/dev/zero")}.get(kind, tmp_path / "pipe")
    if kind == "fifo":
        os.mkfifo(path)
    error = raised_within(10, build_arpa, path, tmp_path / "m.arpa", 3)
    assert isinstance(error, FileCheckError) and "not a regular file" in str(error)


def test_progress_reports_every_stage_up_to_its_total(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("a b c\n" * 1000, encoding="utf-8")
    seen: dict[str, tuple[int, int]] = {}
    build_arpa(
        corpus, tmp_path / "m.arpa", 3, progress=lambda s, d, t: seen.__setitem__(s, (d, t)), chunk_bytes=64
    )
    assert list(seen) == ["counting", "estimating", "writing"]
    assert all(done == total for done, total in seen.values())
    assert seen["counting"][1] == corpus.stat().st_size


def test_cli_lm_build_writes_the_model_and_names_bad_files(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import cli

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("a a b a\nb a a b\n", encoding="utf-8")
    runner = CliRunner()
    env = {"COLUMNS": "80", "NO_COLOR": "1"}
    result = runner.invoke(
        cli, ["lm", "build", str(corpus), "--order", "3", "-o", str(tmp_path / "m.arpa")], env=env
    )
    assert result.exit_code == 0, result.output
    assert "1-grams 5, 2-grams 7, 3-grams 7" in result.output
    assert set(read_arpa((tmp_path / "m.arpa").read_text(encoding="utf-8"))) == set(TOY0_ARPA)
    result = runner.invoke(cli, ["lm", "build", "/dev/zero", "-o", str(tmp_path / "z.arpa")], env=env)
    assert result.exit_code == 1 and "is a character device" in result.output
    assert not (tmp_path / "z.arpa").exists()
