"""Themes in free text, on CLINC150 (4,500 short requests in 150 labelled intents) and small planted cases."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from click.testing import CliRunner

from chalkface.evidence.embeddings import SentenceEncoder
from chalkface.evidence.errors import ColumnError, EvidenceError
from chalkface.evidence.themes import ThemeModel, ThemeResult
from chalkface.evidence.themes._cluster import adjusted_rand
from chalkface.evidence.themes._words import Vocabulary, words
from chalkface.evidence.themes_cli import themes, themes_command

CLINC = Path(__file__).parent / "data" / "themes" / "clinc150-test.csv"


def nmi(truth: list[object], found: list[object]) -> float:
    """Normalised mutual information (arithmetic mean of the entropies, as scikit-learn's default)."""
    a = np.unique(np.array([str(v) for v in truth]), return_inverse=True)[1]
    b = np.unique(np.array([str(v) for v in found]), return_inverse=True)[1]
    joint = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(joint, (a, b), 1.0)
    p = joint / joint.sum()
    pa, pb = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    mi = float(np.sum(p[nz] * np.log(p[nz] / np.outer(pa, pb)[nz])))
    ha, hb = -float(np.sum(pa * np.log(pa))), -float(np.sum(pb * np.log(pb)))
    return 1.0 if ha + hb == 0 else mi / ((ha + hb) / 2)


@pytest.fixture(scope="module")
def clinc() -> pl.DataFrame:
    return pl.read_csv(CLINC)


@pytest.fixture(scope="module")
def clinc_embeddings(
    clinc: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> npt.NDArray[np.float32]:
    """All 4,500 texts embedded once by our encoder, kept in a temporary folder for this test run."""
    cache = tmp_path_factory.getbasetemp() / "clinc150-embeddings.npy"
    if cache.exists():
        return np.load(cache)
    start = time.perf_counter()
    vectors = SentenceEncoder().fit().transform(clinc["text"].to_list())
    print(f"embedded {clinc.height} texts in {time.perf_counter() - start:.1f} s")
    np.save(cache, vectors)
    return vectors


@pytest.fixture(scope="module")
def small(clinc: pl.DataFrame, clinc_embeddings: npt.NDArray[np.float32]) -> tuple[pl.DataFrame, np.ndarray]:
    """The first 20 intents (600 texts), with a planted tool version and may-quote flag."""
    cats = sorted(set(clinc["category"].to_list()))[:20]
    mask = clinc["category"].is_in(cats).to_numpy()
    frame = clinc.filter(pl.Series(mask)).with_row_index("i")
    # answers about the first 5 intents come from version 3 only; the rest are split by row
    frame = frame.with_columns(
        pl.when(pl.col("category").is_in(cats[:5]))
        .then(pl.lit("3.0"))
        .otherwise(pl.when(pl.col("i") % 2 == 0).then(pl.lit("2.0")).otherwise(pl.lit("3.0")))
        .alias("version"),
        (pl.col("i") % 3 != 0).alias("may_quote"),
    ).drop("i")
    return frame, clinc_embeddings[mask]


def test_it_computes_nmi_as_usual() -> None:
    assert nmi([0, 0, 1, 1], [5, 5, 7, 7]) == pytest.approx(1.0)
    assert nmi([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0)
    assert adjusted_rand(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0])) == pytest.approx(1.0)


@pytest.mark.slow
def test_it_finds_the_intents_of_clinc150(
    clinc: pl.DataFrame, clinc_embeddings: npt.NDArray[np.float32]
) -> None:
    start = time.perf_counter()
    result = ThemeModel(seed=0).fit(clinc, "text", embeddings=clinc_embeddings).result_
    print(
        f"themes in {time.perf_counter() - start:.1f} s: {result.n_themes} themes, {result.n_other} left over"
    )
    assert 75 <= result.n_themes <= 300
    assert result.other_share <= 0.10
    found = [-1 if a is None else a for a in result.assignments]  # left over counts as one more cluster
    score = nmi(clinc["category"].to_list(), found)
    print(f"NMI {score:.3f}")
    assert score >= 0.80
    assert sum(t.size for t in result.themes) + result.n_other == clinc.height
    assert min(t.size for t in result.themes) >= 10
    # every theme has a label, keywords and three different quotes from its own texts
    for t in result.themes:
        assert t.label and t.keywords and len(t.quotes) == 3
        assert len({q.text for q in t.quotes}) == 3
        assert all(result.assignments[q.row] == t.id for q in t.quotes)
    assert "quotes_not_redacted" in {n.code for n in result.notes}


def test_it_gives_the_same_json_for_the_same_seed(small: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, x = small
    one = ThemeModel(seed=7).fit(frame, "text", embeddings=x, group="version", may_quote="may_quote").result_
    two = ThemeModel(seed=7).fit(frame, "text", embeddings=x, group="version", may_quote="may_quote").result_
    assert json.dumps(one.to_dict(), sort_keys=True) == json.dumps(two.to_dict(), sort_keys=True)
    other = ThemeModel(seed=8).fit(frame, "text", embeddings=x).result_
    assert other.n_texts == one.n_texts


def test_it_finds_planted_intents_in_a_small_set(small: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, x = small
    result = ThemeModel(seed=0).fit(frame, "text", embeddings=x).result_
    found = [-1 if a is None else a for a in result.assignments]
    assert nmi(frame["category"].to_list(), found) >= 0.8
    assert result.other_share <= 0.10
    ids = [t.id for t in result.themes]
    assert ids == list(range(len(ids)))
    assert [t.size for t in result.themes] == sorted((t.size for t in result.themes), reverse=True)


def test_it_nests_the_levels(small: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, x = small
    result = ThemeModel(seed=0, branching=2).fit(frame, "text", embeddings=x).result_
    assert result.levels, "expected coarser levels"
    for depth, level in enumerate(result.levels):
        assert sorted(t for g in level for t in g.themes) == [t.id for t in result.themes]
        for g in level:
            assert g.size == sum(result.theme(t).size for t in g.themes)
            assert all(result.theme(t).parents[depth] == g.id for t in g.themes)
        if depth:
            # each group of this level is a union of groups of the finer level
            for g in level:
                finer = {result.theme(t).parents[depth - 1] for t in g.themes}
                members = {t for f in finer for t in result.levels[depth - 1][f].themes}
                assert members == set(g.themes)
    assert len(result.levels[0]) > len(result.levels[-1]) >= 2


def test_it_quotes_only_who_may_be_quoted_and_redacts(small: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, x = small

    def redact(text: str) -> str:
        return text.replace("balance", "[redacted]")

    result = ThemeModel(seed=0, redact=redact).fit(frame, "text", embeddings=x, may_quote="may_quote").result_
    allowed = frame["may_quote"].to_list()
    texts = frame["text"].to_list()
    quotes = [q for t in result.themes for q in t.quotes]
    assert quotes
    for q in quotes:
        assert allowed[q.row]
        assert q.text == redact(texts[q.row])
        assert q.redacted == ("balance" in texts[q.row])
    assert all("balance" not in kw for t in result.themes for kw in t.keywords)
    assert "quotes_not_redacted" not in {n.code for n in result.notes}


def test_it_gives_each_themes_share_by_version(small: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, x = small
    result = ThemeModel(seed=0).fit(frame, "text", embeddings=x, group="version").result_
    shares = result.shares()
    assert shares.groups == ("2.0", "3.0")
    for g in shares.groups:
        rows = [r for r in shares.rows if r.group == g]
        assert sum(r.count for r in rows) == rows[0].n == dict(result.group_sizes)[g]
        assert all(r.lower <= r.share <= r.upper for r in rows)
    # the themes of the five intents asked about only in version 3 have (almost) no version 2 answers
    cats = sorted(set(frame["category"].to_list()))[:5]
    cat = frame["category"].to_list()
    for t in result.themes:
        members = [i for i, a in enumerate(result.assignments) if a == t.id]
        if sum(cat[i] in cats for i in members) > 0.9 * len(members):
            v2, v3 = (r for r in shares.for_theme(t.id))
            assert v2.share < 0.03 < v3.share and v2.upper < v3.lower
    assert {n.code for n in shares.notes} >= {"not_disclosure_controlled"}
    assert "3.0" in shares.summary()
    with pytest.raises(EvidenceError, match="values"):
        result.shares(["x"])


def test_it_withholds_small_groups_and_themes(small: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, x = small
    result = ThemeModel(seed=0).fit(frame, "text", embeddings=x, group="version").result_
    k = 16
    safe = result.withhold(k)
    for before, after in zip(result.themes, safe.themes, strict=True):
        counts = dict(before.group_counts)
        if before.size < k:
            assert after.withheld and not after.quotes and not after.keywords and not after.label
        else:
            assert all(counts[q.group] >= k for q in after.quotes)
            assert len(after.quotes) == min(3, sum(1 for q in before.candidates if counts[q.group] >= k))
    assert "withheld_below_k" in {n.code for n in safe.notes}


def test_it_leaves_rows_without_text_out() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))
    x = np.vstack([centres[i % 3] + 0.05 * rng.normal(size=16) for i in range(63)])
    texts: list[str | None] = [f"answer about topic{i % 3} number {i}" for i in range(63)]
    texts[5], texts[6] = None, "   "
    frame = pl.DataFrame({"comment": texts}, schema={"comment": pl.String})
    result = ThemeModel(min_size=5).fit(frame, "comment", embeddings=x).result_
    assert result.assignments[5] is None and result.assignments[6] is None
    assert result.n_empty == 2 and result.n_texts == 61
    # each theme holds one topic only (a tight topic may come out split in two, never two topics mixed)
    topic = {i: i % 3 for i in range(63)}
    for t in result.themes:
        members = [i for i, a in enumerate(result.assignments) if a == t.id]
        assert len({topic[i] for i in members}) == 1
    assert 3 <= result.n_themes <= 6
    assert result.summary().startswith(f"{result.n_themes} themes in 61 texts")


def test_it_makes_one_theme_of_too_few_texts() -> None:
    frame = pl.DataFrame({"comment": [f"short answer {i}" for i in range(12)]})
    x = np.random.default_rng(1).normal(size=(12, 8))
    result = ThemeModel(min_size=10).fit(frame, "comment", embeddings=x).result_
    assert result.n_themes == 1 and result.themes[0].size == 12
    assert "too_few_texts_for_themes" in {n.code for n in result.notes}


def test_it_refuses_bad_input() -> None:
    frame = pl.DataFrame({"comment": ["a", "b"], "n": [1, 2]})
    with pytest.raises(ColumnError, match="no column 'answer'"):
        ThemeModel().fit(frame, "answer", embeddings=np.zeros((2, 3)))
    with pytest.raises(ColumnError, match="must hold text"):
        ThemeModel().fit(frame, "n", embeddings=np.zeros((2, 3)))
    with pytest.raises(ColumnError, match="true or false"):
        ThemeModel().fit(frame, "comment", may_quote="n", embeddings=np.zeros((2, 3)))
    with pytest.raises(EvidenceError, match="one row per row"):
        ThemeModel().fit(frame, "comment", embeddings=np.zeros((3, 3)))
    with pytest.raises(EvidenceError, match="max_other"):
        ThemeModel(max_other=1.5).fit(frame, "comment", embeddings=np.zeros((2, 3)))


def test_it_weights_words_by_class_based_tf_idf() -> None:
    texts = ["marking marking time", "marking feedback", "planning time", "planning lessons planning"]
    vocab = Vocabulary(texts, stop_words=())
    groups = np.array([0, 0, 1, 1])
    (first, second) = vocab.keywords(groups, 2, top=5, min_texts=1, allowed=lambda w: True)
    # W(x, c) = tf(x, c) / words in c * log(1 + A / f(x)); A = 5 words per theme on average
    expected = 3 / 5 * math.log(1 + 5 / 3)
    assert dict(first)["marking"] == pytest.approx(expected)
    assert dict(first)["time"] == pytest.approx(1 / 5 * math.log(1 + 5 / 2))
    assert first[0][0] == "marking" and second[0][0] == "planning"
    # a word in a single answer of its theme is no keyword when two answers are required
    (strict, _) = vocab.keywords(groups, 2, top=5, min_texts=2, allowed=lambda w: True)
    assert [w for w, _ in strict] == ["marking"]


def test_it_splits_words_and_drops_welsh_and_english_stop_words() -> None:
    assert words("Mae'r offeryn yn ARBED amser ŵyr 2024") == ["mae", "offeryn", "yn", "arbed", "amser", "ŵyr"]
    vocab = Vocabulary(["Mae'r offeryn yn arbed amser", "the tool saves time"], stop_words=_default_stop())
    assert "mae" not in vocab.terms and "yn" not in vocab.terms and "the" not in vocab.terms
    assert {"offeryn", "arbed", "amser", "tool", "saves", "time"} <= set(vocab.terms)


def _default_stop() -> frozenset[str]:
    from chalkface.evidence.themes._words import DEFAULT_STOP_WORDS

    return DEFAULT_STOP_WORDS


def _cli_csv(small: tuple[pl.DataFrame, np.ndarray], tmp_path: Path) -> Path:
    frame, _ = small
    path = tmp_path / "answers.csv"
    frame.head(300).write_csv(path)
    return path


def test_cli_prints_themes_and_assignments(small: tuple[pl.DataFrame, np.ndarray], tmp_path: Path) -> None:
    path = _cli_csv(small, tmp_path)
    runner = CliRunner()
    args = [
        str(path),
        "--text-column",
        "text",
        "--seed",
        "3",
        "--may-quote",
        "may_quote",
        "--group",
        "version",
    ]
    out = runner.invoke(themes, args)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert len(data["assignments"]) == 300
    assert [a["row"] for a in data["assignments"]] == list(range(300))
    ids = {t["id"] for t in data["themes"]}
    assert {a["theme"] for a in data["assignments"]} <= ids | {None}
    for t in data["themes"]:
        assert set(t) >= {"id", "label", "keywords", "size", "quotes"}
        assert all(isinstance(q, str) for q in t["quotes"]) and len(t["quotes"]) <= 3
        assert t["size"] == sum(1 for a in data["assignments"] if a["theme"] == t["id"])
    again = runner.invoke(themes, args)
    assert again.output == out.output


def test_cli_writes_csv_and_reports_errors(small: tuple[pl.DataFrame, np.ndarray], tmp_path: Path) -> None:
    path = _cli_csv(small, tmp_path)
    runner = CliRunner()
    out = runner.invoke(themes_command(str.upper), [str(path), "--text-column", "text", "--format", "csv"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "row,theme" and len(lines) == 301
    bad = runner.invoke(themes, [str(path), "--text-column", "nope"])
    assert bad.exit_code == 1 and "no column 'nope'" in bad.output
    flags = tmp_path / "flags.csv"
    pl.DataFrame({"text": ["a", "b"], "ok": ["yes", "perhaps"]}).write_csv(flags)
    bad = runner.invoke(themes, [str(flags), "--text-column", "text", "--may-quote", "ok"])
    assert bad.exit_code == 1 and "'perhaps'" in bad.output


def test_result_round_trips_to_json(small: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, x = small
    result: ThemeResult = ThemeModel(seed=0).fit(frame, "text", embeddings=x).result_
    data = json.loads(json.dumps(result.to_dict()))
    assert data["n_themes"] == result.n_themes == len(data["themes"])
    assert data["selection"] and all(len(pair) == 2 for pair in data["selection"])
    assert {n["code"] for n in data["notes"]} >= {"themes_chosen_by_stability"}
