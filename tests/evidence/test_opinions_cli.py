"""``chalkface analyze opinions`` (click's CliRunner), and byte-identical output across processes.

Real data: a Pol.is conversation (CC BY 4.0, The Computational Democracy Project; see
``data/polis/README.md``).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from chalkface.evidence.opinions.cli import opinions

DATA = Path(__file__).parent / "data" / "polis"
BREXIT = DATA / "brexit-consensus"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(opinions, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_the_help_has_examples() -> None:
    code, out = run("--help")
    assert code == 0 and "Example" in out and "--predict" in out


@pytest.mark.parametrize("method", ["polis", "chalkface"])
def test_it_prints_the_map_as_json(method: str) -> None:
    code, out = run(
        str(BREXIT / "votes.csv"),
        "--method",
        method,
        "--seed",
        "2",
        "--comments",
        str(BREXIT / "comments.csv"),
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["method"] == method and data["seed"] == 2
    assert set(data["participants"][0]) >= {"id", "group", "x", "y"}
    assert all({"id", "size", "representative"} <= set(g) for g in data["groups"])
    s = data["statements"][0]
    assert {"id", "agree_share", "estimated_agree_share", "consensus", "bridging", "groups"} <= set(s)
    assert all({"group", "agree_share"} <= set(g) for g in s["groups"])


def test_it_withholds_groups_below_k() -> None:
    code, out = run(str(BREXIT / "votes.csv"), "--method", "polis", "--k", "1000")
    assert code == 0
    data = json.loads(out)
    assert data["groups"] and all(g["suppressed"] and g["size"] is None for g in data["groups"])
    assert all(p["group"] is None for p in data["participants"])


def test_it_prints_csv_and_text() -> None:
    code, out = run(str(BREXIT / "votes.csv"), "--method", "polis", "--format", "csv")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[:3] == ["statement", "n_votes", "n_agree"] and "group_0_agree_share" in header
    assert len(out.splitlines()) == 51
    code, out = run(str(BREXIT / "votes.csv"), "--method", "polis", "--format", "text")
    assert code == 0 and out.startswith("Opinion map (polis method, seed 0): 204 participants")


def test_it_reads_our_own_columns_and_excludes_statements(tmp_path: Path) -> None:
    votes = pl.read_csv(BREXIT / "votes.csv").select(
        pl.col("voter-id").alias("participant"), pl.col("comment-id").alias("statement"), "vote", "timestamp"
    )
    path = tmp_path / "votes.csv"
    votes.write_csv(path)
    code, out = run(str(path), "--method", "polis", "--exclude", "3", "--exclude", "4")
    assert code == 0
    assert {s["id"] for s in json.loads(out)["statements"]} == set(range(50)) - {3, 4}


def test_it_predicts_pairs(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pl.DataFrame({"voter-id": [0, 1, 5, 999], "comment-id": [3, 40, 7, 3]}).write_csv(pairs)
    out_path = tmp_path / "pred.csv"
    code, _ = run(str(BREXIT / "votes.csv"), "--predict", str(pairs), "--out", str(out_path))
    assert code == 0
    pred = pl.read_csv(out_path)
    assert pred.columns == ["voter-id", "comment-id", "p_agree"] and pred.height == 4
    assert pred["p_agree"].is_between(0, 1).all()
    code, out = run(str(BREXIT / "votes.csv"), "--predict", str(pairs))
    assert code == 2 and "--out" in out


def test_it_reports_bad_input_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    pl.DataFrame({"participant": [1], "statement": [1], "vote": [7]}).write_csv(path)
    result = CliRunner().invoke(opinions, [str(path)])
    assert result.exit_code == 1 and "'vote'" in result.output


def test_same_input_and_seed_give_identical_bytes_in_fresh_processes() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from chalkface.evidence.opinions.cli import opinions\n"
        "for method in ('chalkface', 'polis'):\n"
        f"    args = [{str(BREXIT / 'votes.csv')!r}, '--method', method, '--seed', '7']\n"
        "    r = CliRunner().invoke(opinions, args)\n"
        "    sys.stdout.write(r.output)\n"
    )
    procs = []
    for threads in ("1", "2"):  # a different BLAS thread count and hash seed in each process
        env = {
            **os.environ,
            "OPENBLAS_NUM_THREADS": threads,
            "OMP_NUM_THREADS": threads,
            "PYTHONHASHSEED": threads,
        }
        procs.append(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env))
    outputs = [proc.communicate(timeout=600)[0] for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    assert hashlib.sha256(outputs[0]).hexdigest() == hashlib.sha256(outputs[1]).hexdigest()
    assert outputs[0].count(b'"method"') == 2
    in_process = run(str(BREXIT / "votes.csv"), "--method", "chalkface", "--seed", "7")[1]
    assert outputs[0].decode().startswith(in_process)
