"""Benchmark of theme discovery on CLINC150's 4,500 short requests (150 labelled intents), against BERTopic.

Prints (and with --json writes):

1. Ours end to end: embedding the 4,500 texts with the NumPy all-MiniLM-L6-v2 encoder (model loading timed
   apart) and finding the themes, with the number of themes, the share left over and the normalised mutual
   information (NMI) with the intents (left-over texts count as one more cluster). Goal: under 30 s on 2
   cores.
2. BERTopic on the same embeddings, in the same run (UMAP 15 neighbours to 5 dimensions, cosine, seed 42;
   HDBSCAN; its defaults otherwise): its time, its number of topics, its share of texts in topic -1, its NMI,
   and the ratio of its time to our theme time on the same embeddings. BERTopic needs PyTorch through
   sentence-transformers, so it runs from a virtual environment of its own that this script creates on
   first use (``--venvs``, default ``~/.cache/chalkface/bench-venvs``), installing the CPU build
   torch==2.13.0 first so that pip never fetches a CUDA build. It gets the embeddings precomputed and never
   loads an embedding model.

    .venv/bin/python bench/themes.py
    .venv/bin/python bench/themes.py --no-peer --seed 3

CLINC150: Larson et al., "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction",
EMNLP 2019, CC BY 3.0 (``tests/evidence/data/themes/``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from chalkface.evidence.embeddings import SentenceEncoder
from chalkface.evidence.themes import ThemeModel

DATA = Path(__file__).resolve().parent.parent / "tests" / "evidence" / "data" / "themes" / "clinc150-test.csv"
PEER = ["torch==2.13.0", "bertopic==0.17.4"]

BERTOPIC_SCRIPT = """
import json, os, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
from bertopic import BERTopic
from hdbscan import HDBSCAN
from umap import UMAP
import bertopic, hdbscan, umap
texts = json.loads(open(sys.argv[1], encoding="utf-8").read())
emb = np.load(sys.argv[2])
start = time.perf_counter()
model = BERTopic(
    embedding_model=None,
    umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42),
    hdbscan_model=HDBSCAN(min_cluster_size=10, metric="euclidean", cluster_selection_method="eom",
                          prediction_data=True),
)
topics, _ = model.fit_transform(texts, embeddings=emb)
seconds = time.perf_counter() - start
np.save(sys.argv[3], np.asarray(topics, dtype=np.int64))
print(json.dumps({"seconds": seconds, "versions": {"bertopic": bertopic.__version__,
      "umap-learn": getattr(umap, "__version__", "?"), "hdbscan": getattr(hdbscan, "__version__", "?")}}))
"""


def nmi(truth: list[Any], found: list[Any]) -> float:
    """Normalised mutual information, arithmetic mean of the entropies (scikit-learn's default)."""
    a = np.unique(np.array([str(v) for v in truth]), return_inverse=True)[1]
    b = np.unique(np.array([str(v) for v in found]), return_inverse=True)[1]
    joint = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(joint, (a, b), 1.0)
    p = joint / joint.sum()
    pa, pb = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    mi = float(np.sum(p[nz] * np.log(p[nz] / np.outer(pa, pb)[nz])))
    ha, hb = -float(np.sum(pa * np.log(pa))), -float(np.sum(pb * np.log(pb)))
    return mi / ((ha + hb) / 2)


def peer_python(root: Path) -> Path:
    env_dir = root / "bertopic"
    python = env_dir / "bin" / "python"
    marker = env_dir / ".installed"
    wanted = " ".join(PEER)
    if not marker.exists() or marker.read_text() != wanted:
        print(f"  creating {env_dir} and installing {wanted} (first run only)...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        pip = [str(python), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, PEER[0]], check=True)  # the CPU build first, so nothing pulls CUDA
        subprocess.run([*pip, *PEER], check=True)
        marker.write_text(wanted)
    return python


def run_peer(root: Path, texts: list[str], emb: np.ndarray, truth: list[str]) -> dict[str, Any]:
    try:
        python = peer_python(root)
    except (subprocess.CalledProcessError, OSError) as exc:
        return {"available": False, "reason": f"could not install {' '.join(PEER)}: {exc}"}
    with tempfile.TemporaryDirectory() as tmp:
        texts_path, emb_path, out = Path(tmp) / "texts.json", Path(tmp) / "emb.npy", Path(tmp) / "topics.npy"
        texts_path.write_text(json.dumps(texts), encoding="utf-8")
        np.save(emb_path, emb)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONWARNINGS": "ignore"}
        proc = subprocess.run(
            [str(python), "-c", BERTOPIC_SCRIPT, str(texts_path), str(emb_path), str(out)],
            capture_output=True,
            text=True,
            env=env,
        )
        if proc.returncode != 0:
            return {"available": False, "reason": proc.stderr.strip().splitlines()[-1:]}
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        topics = np.load(out)
    return {
        "available": True,
        "seconds": info["seconds"],
        "versions": info["versions"],
        "topics": int(len(set(topics.tolist()) - {-1})),
        "unassigned_share": float(np.mean(topics == -1)),
        "nmi": nmi(truth, topics.tolist()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-peer", action="store_true", help="skip BERTopic")
    parser.add_argument(
        "--venvs",
        type=Path,
        default=Path.home() / ".cache" / "chalkface" / "bench-venvs",
        help="where the peer's virtual environment lives",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    frame = pl.read_csv(DATA)
    texts, truth = frame["text"].to_list(), frame["category"].to_list()
    cpu0, t0 = time.process_time(), time.perf_counter()
    encoder = SentenceEncoder().fit()
    t1 = time.perf_counter()
    emb = encoder.transform(texts)
    t2 = time.perf_counter()
    result = ThemeModel(seed=args.seed).fit(frame, "text", embeddings=emb).result_
    t3 = time.perf_counter()
    cpu = time.process_time() - cpu0
    found = [-1 if a is None else a for a in result.assignments]
    ours = {
        "texts": len(texts),
        "load_seconds": t1 - t0,
        "embed_seconds": t2 - t1,
        "texts_per_second": len(texts) / (t2 - t1),
        "theme_seconds": t3 - t2,
        "end_to_end_seconds": t3 - t0,
        "cpu_seconds": cpu,
        "goal_seconds": 30.0,
        "themes": result.n_themes,
        "unassigned_share": result.other_share,
        "nmi": nmi(truth, found),
    }
    report: dict[str, Any] = {"ours": ours, "load_average": os.getloadavg()[0]}
    print(
        f"Ours, {len(texts):,} CLINC150 texts: {ours['end_to_end_seconds']:.1f} s end to end (goal < 30 s; "
        f"model load {ours['load_seconds']:.1f} s, embedding {ours['embed_seconds']:.1f} s = "
        f"{ours['texts_per_second']:.0f} texts/s, themes {ours['theme_seconds']:.1f} s; "
        f"{ours['cpu_seconds']:.1f} s of CPU); {ours['themes']} themes, "
        f"{100 * ours['unassigned_share']:.1f}% unassigned, NMI {ours['nmi']:.3f}"
    )
    if not args.no_peer:
        args.venvs.mkdir(parents=True, exist_ok=True)
        peer = run_peer(args.venvs, texts, emb, truth)
        if peer.get("available"):
            peer["ratio_to_our_themes"] = peer["seconds"] / ours["theme_seconds"]
            peer["ratio_to_our_end_to_end"] = peer["seconds"] / ours["end_to_end_seconds"]
            v = peer["versions"]
            print(
                f"BERTopic {v['bertopic']} (umap-learn {v['umap-learn']}, hdbscan {v['hdbscan']}) on the "
                f"same embeddings: {peer['seconds']:.1f} s, {peer['ratio_to_our_themes']:.1f}x our theme "
                f"time "
                f"({peer['ratio_to_our_end_to_end']:.2f}x our end-to-end time with embedding); "
                f"{peer['topics']} topics, {100 * peer['unassigned_share']:.1f}% in topic -1, "
                f"NMI {peer['nmi']:.3f}"
            )
        else:
            print(f"BERTopic: not run ({peer['reason']})")
        report["bertopic"] = peer
    print(f"(load average at the end: {report['load_average']:.1f} on {os.cpu_count()} cores)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
