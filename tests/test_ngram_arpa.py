"""ARPA files in and out: KenLM's query scores to 1e-6, bulk writing, single and batch queries agree."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from test_ngram_kenlm import TOY0_ARPA, TOY1_ARPA

from seqml.files import FileCheckError
from seqml.ngram.arpa import (
    BackoffModel,
    arpa_string,
    format_float32,
    load_arpa,
    read_arpa_stream,
    write_arpa,
)
from seqml.ngram.kenlm import read_arpa
from seqml.ngram.stream import build_arpa

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "ngram_kenlm.json").read_text(encoding="utf-8"))


def zipf_corpus(seed: int = 11, sentences: int = 120, types: int = 200) -> str:
    """The fixture script's corpus, regenerated from its seed."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, types + 1) ** 1.1
    lines = []
    for _ in range(sentences):
        ids = rng.choice(types, size=int(rng.integers(1, 12)), p=weights / weights.sum())
        lines.append(" ".join(f"w{i}" for i in ids))
    return "\n".join(lines) + "\n"


def arpa_from_figures(figures: dict[tuple[str, ...], tuple[float, float]]) -> str:
    """ARPA text of published figures (KenLM's toy files), numbers in lmplz's shortest form."""
    order = max(map(len, figures))
    lines = ["\\data\\"] + [f"ngram {n}={sum(len(g) == n for g in figures)}" for n in range(1, order + 1)]
    for n in range(1, order + 1):
        lines += ["", f"\\{n}-grams:"]
        for gram, (probability, backoff) in figures.items():
            if len(gram) == n:
                text = format_float32(np.array([probability]))[0] + "\t" + " ".join(gram)
                lines.append(text if n == order else text + "\t" + format_float32(np.array([backoff]))[0])
    return "\n".join([*lines, "", "\\end\\", ""])


def model_for(name: str, tmp_path: Path) -> BackoffModel:
    """The fixture's model ``name``, rebuilt or read back."""
    path = tmp_path / f"{name}.arpa"
    if name in ("toy0", "toy1"):
        path.write_text(arpa_from_figures(TOY0_ARPA if name == "toy0" else TOY1_ARPA), encoding="utf-8")
    elif name == "ours":
        corpus = tmp_path / "zipf.txt"
        corpus.write_text(zipf_corpus(), encoding="utf-8")
        build_arpa(corpus, path, 4)
    else:
        path.write_text(FIXTURE["models"][name]["arpa"], encoding="utf-8")
    return load_arpa(path)


@pytest.mark.parametrize("name", sorted(FIXTURE["models"]))
def test_full_scores_and_totals_match_kenlm_to_1e_6(name: str, tmp_path: Path) -> None:
    model = model_for(name, tmp_path)
    assert model.order == FIXTURE["models"][name]["order"]
    for query in FIXTURE["models"][name]["queries"]:
        words = query["sentence"].split()
        ours = model.full_scores(words)
        assert ours == pytest.approx(query["full_scores"], abs=1e-6), query["sentence"]
        assert model.total_score(words) == pytest.approx(query["score"], abs=1e-6), query["sentence"]


@pytest.mark.parametrize("name", sorted(FIXTURE["models"]))
def test_batch_queries_equal_single_queries_bit_for_bit(name: str, tmp_path: Path) -> None:
    model = model_for(name, tmp_path)
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(model.vocabulary), size=(300, model.order))
    rows[:100, 0] = model.vocabulary.index("<s>")
    batch = model.log10_many(rows)
    single = [model.log10_ids(row) for row in rows.tolist()]
    assert batch.tolist() == single


def test_perplexity_is_ten_to_minus_the_mean_kenlm_score(tmp_path: Path) -> None:
    model = model_for("lmplz", tmp_path)
    query = next(q for q in FIXTURE["models"]["lmplz"]["queries"] if q["sentence"] == "w0 w1 w2 w3")
    expected = 10.0 ** (-sum(query["full_scores"]) / len(query["full_scores"]))
    assert model.perplexity([["w0", "w1", "w2", "w3"]]) == pytest.approx(expected, rel=1e-6)


def test_written_arpa_reads_back_to_the_same_model(tmp_path: Path) -> None:
    model = model_for("lmplz", tmp_path)
    again = read_arpa_stream(io.BytesIO(arpa_string(model).encode()))
    assert again.vocabulary == model.vocabulary
    for n in range(model.order):
        assert np.array_equal(again.keys[n], model.keys[n])
        assert np.array_equal(again.log10_probabilities[n], model.log10_probabilities[n])
        assert np.array_equal(again.log10_backoffs[n], model.log10_backoffs[n])
    assert read_arpa(arpa_string(model)) == read_arpa(FIXTURE["models"]["lmplz"]["arpa"])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-1.0, "-1"),
        (-0.30103, "-0.30103"),
        (-0.124077894, "-0.124077894"),
        (-1.5e-5, "-0.000015"),
        (-1.5e-7, "-1.5e-7"),
        (-12.25, "-12.25"),
        (-99.0, "-99"),
        (-0.0009946010541170835, "-0.000994601"),  # %.7g gave -0.0009946011: not the shortest
        (9.999999974752427e-07, "0.000001"),  # the float32 nearest 1e-6 is positional, as in lmplz
        (-1.401298464324817e-45, "-1e-45"),  # the smallest subnormal
        (-0.0, "-0"),
        (float("-inf"), "-inf"),
    ],
)
def test_numbers_are_written_as_lmplz_writes_them(value: float, text: str) -> None:
    assert format_float32(np.array([value])) == [text]


def test_zero_and_minus_zero_keep_their_signs_side_by_side() -> None:
    assert format_float32(np.array([0.0, -0.0, 0.0, -0.5])) == ["0", "-0", "0", "-0.5"]


def test_written_lines_do_not_depend_on_the_stream_or_the_block_size(monkeypatch) -> None:
    from seqml.ngram import arpa_write
    from seqml.ngram.stream import fit_streamed

    model = fit_streamed([["a" * 300, "b", "naïve"], ["b", "a" * 300]], 3)
    text = arpa_string(model)
    binary = io.BytesIO()
    write_arpa(model, binary)
    monkeypatch.setattr(arpa_write, "_BLOCK", 2)
    assert binary.getvalue().decode() == text == arpa_string(model)
    again = read_arpa_stream(io.BytesIO(text.encode()))
    assert again.vocabulary == model.vocabulary and again.counts == model.counts


def test_shortest_text_reads_back_as_the_same_float32() -> None:
    values = -np.random.default_rng(1).random(20_000).astype(np.float32) * 7
    texts = format_float32(values)
    assert np.array_equal(np.array([float(t) for t in texts], dtype=np.float32), values)
    assert all(len(t.lstrip("-").replace(".", "").lstrip("0")) <= 9 for t in texts)


def test_a_file_without_unk_gets_kenlms_default_unknown_probability() -> None:
    text = "\\data\\\nngram 1=3\n\n\\1-grams:\n0\t<s>\t-0.5\n-0.3\ta\t0\n-0.2\t</s>\t0\n\n\\end\\\n"
    model = read_arpa_stream(io.BytesIO(text.encode()))
    assert model.log10score("zebra") == -100.0
    assert model.log10score("a", ("<s>",)) == pytest.approx(-0.3, abs=1e-6)  # order 1: no context


def test_single_query_cost_is_a_few_dictionary_lookups(tmp_path: Path) -> None:
    model = model_for("ours", tmp_path)
    model.log10score("w1", ("w0", "w0", "w0"))  # builds the caches
    import time

    start = time.perf_counter()
    for _ in range(2000):
        model.log10score("w1", ("w0", "w0", "w0"))
    assert (time.perf_counter() - start) / 2000 < 100e-6  # was 119 us per call on a trigram model


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nonsense\n", "expected the \\\\data\\\\ header"),
        ("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\t<s>\n\n\\end\\\n", "promises 2 1-grams"),
        (
            "\\data\\\nngram 1=2\nngram 2=1\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n\n"
            "\\2-grams:\n-1\t<s> x\n\n\\end\\\n",
            "'x', which is no 1-gram",
        ),
        ("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\t<s>\nabc\t</s>\n\n\\end\\\n", "line 6"),
        ("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n", "expected \\\\end\\\\"),
        ("\\data\\\nngram 1=1\n\n\\1-grams:\n-1\ta\n\n\\end\\\n", "must include <s> and </s>"),
    ],
)
def test_malformed_arpa_files_are_named_with_their_line(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.arpa"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_arpa(path)


def test_a_non_utf8_arpa_file_is_named_clearly(tmp_path: Path) -> None:
    path = tmp_path / "latin1.arpa"
    path.write_bytes(
        "\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n-1\tcaf\xe9\n\n\\end\\\n".encode("latin-1")
    )
    with pytest.raises(ValueError, match=r"not UTF-8 text \(byte 0xe9 on line 7\)"):
        load_arpa(path)


def raised_within(seconds: float, function, *args, **kwargs) -> BaseException | None:
    """Run ``function`` in a thread; fail the test (never hang it) if it has not ended in time."""
    import threading

    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            function(*args, **kwargs)
            outcome.append(None)
        except BaseException as error:  # handed back to the test
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"{function.__name__} still running after {seconds} s"
    return outcome[0]


@pytest.mark.parametrize("kind", ["directory", "fifo", "device", "missing", "too big"])
def test_only_regular_files_of_bounded_size_are_read(kind: str, tmp_path: Path) -> None:
    import os

    path = {"directory": tmp_path, "device": Path("/dev/zero"), "missing": tmp_path / "none"}.get(kind)
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    if kind == "too big":
        path = tmp_path / "big.arpa"
        path.write_bytes(b"x" * 100)
    message = {
        "directory": "is a directory",
        "fifo": "is a FIFO",
        "device": "is a character device",
        "missing": "does not exist",
        "too big": "larger than the 50-byte limit",
    }[kind]
    error = raised_within(10, load_arpa, path, limit=50)
    assert isinstance(error, FileCheckError) and message in str(error)
