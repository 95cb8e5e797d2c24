"""Benchmark of the evidence engine on one million synthetic check-in responses.

Prints (and with --json writes) three figures:

1. Raking to 5 population margins (phase, region, role, deprivation quintile, IT rating): our time, and the
   same raking by two maintained peers, svy and balance, with the ratio of their time to ours. The peers
   need incompatible NumPy versions (balance pins NumPy below 2, svy needs NumPy 2), so each runs from a
   virtual environment of its own that this script creates on first use (``--venvs``, default
   ``~/.cache/chalkface/bench-venvs``) with pip. Their weights are compared with ours.
2. Every figure of one tool, as its page and its brief compute them (``tool_figures``): 6 measures overall
   and by version, role, phase, region, deprivation quintile and IT rating (workplace-clustered intervals,
   disclosure control applied).

Goals: raking under 1 s, the brief under 1 s.

    .venv/bin/python bench/evidence.py            # 1,000,000 responses, with both peers
    .venv/bin/python bench/evidence.py --no-peers --n 200000
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from chalkface.evidence import rake, tool_figures

PEERS = {"svy": "svy==0.35.0", "balance": "balance==0.23.0"}

MARGINS: dict[str, dict[str, float]] = {
    "phase": {"Primary": 0.55, "Secondary": 0.38, "Special": 0.04, "All-through": 0.03},
    "region": {r: 1 / 9 for r in ["NE", "NW", "YH", "EM", "WM", "EE", "LN", "SE", "SW"]},
    "role": {"teacher": 0.45, "teaching_assistant": 0.28, "support": 0.12, "admin": 0.10, "leader": 0.05},
    "deprivation_quintile": {str(q): 0.2 for q in range(1, 6)},
    "it_rating": {str(q): s for q, s in zip(range(1, 6), [0.1, 0.2, 0.35, 0.25, 0.1], strict=True)},
}

SVY_SCRIPT = """
import json, sys, time
import numpy as np, polars as pl, svy
data, margins, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
df = pl.read_csv(data, schema_overrides={c: pl.String for c in margins}).with_columns(pl.lit(1.0).alias("w0"))
best = None
for _ in range(int(sys.argv[4])):
    t = time.perf_counter()
    res = svy.Sample(df, svy.Design(wgt="w0")).weighting.rake(shares=margins, tol=1e-6, max_iter=1000)
    dt = time.perf_counter() - t
    best = dt if best is None else min(best, dt)
d = res.data if hasattr(res, "data") else res._data
if "__svy_row_index__" in d.columns:
    d = d.sort("__svy_row_index__")
w = d["rk_wgt"].to_numpy()
np.save(out, w)
print(json.dumps({"seconds": best}))
"""

BALANCE_SCRIPT = """
import json, logging, sys, time
import numpy as np, pandas as pd
logging.disable(logging.CRITICAL)
from balance.weighting_methods.rake import rake
data, shares, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
cols = list(shares)
df = pd.read_csv(data, dtype={c: str for c in cols})
n = len(df)
margins = {c: {k: v * n for k, v in d.items()} for c, d in shares.items()}
best = None
for _ in range(int(sys.argv[4])):
    t = time.perf_counter()
    res = rake(df[cols], pd.Series(np.ones(n)), None, None, target_margins=margins, transformations=None,
               convergence_rate=1e-6)
    dt = time.perf_counter() - t
    best = dt if best is None else min(best, dt)
np.save(out, np.asarray(res["weight"], dtype=float))
print(json.dumps({"seconds": best}))
"""


def synthetic_responses(n: int, seed: int = 2026) -> pl.DataFrame:
    """One million check-ins shaped like ``chalkface.synth``'s responses, made quickly with NumPy."""
    rng = np.random.default_rng(seed)
    n_work = 22_000
    work_phase = rng.choice(list(MARGINS["phase"]), n_work, p=[0.6, 0.3, 0.06, 0.04])
    work_region = rng.choice(list(MARGINS["region"]), n_work)
    work_quintile = rng.integers(1, 6, n_work)
    work_it = np.clip(np.round(rng.normal(3, 1, n_work)), 1, 5).astype(int)
    wp = rng.integers(0, n_work, n)
    tool_names = ["planner", "marker", "tutor", "office", "transcribe"]
    tools = rng.choice(tool_names, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    version = np.where(rng.random(n) < 0.5, "2.4", "3.0")
    role = rng.choice(list(MARGINS["role"]), n, p=[0.5, 0.25, 0.12, 0.08, 0.05])
    base = rng.normal(0, 1, n) + 0.3 * (work_quintile[wp] - 3) / 2

    def agree(shift: float) -> np.ndarray:
        return np.clip(np.round(3 + shift + base + rng.normal(0, 1, n)), 1, 5).astype(np.int8)

    return pl.DataFrame(
        {
            "response_id": np.arange(n),
            "workplace_id": wp,
            "tool_id": tools,
            "version_label": version,
            "role": role,
            "phase": work_phase[wp],
            "region": work_region[wp],
            "deprivation_quintile": work_quintile[wp].astype(str),
            "it_rating": work_it[wp].astype(str),
            "time_saved_hours": np.clip(1.0 - 1.5 * (version == "3.0") + 2 * base, -10, 10),
            "workload": agree(0),
            "quality": agree(0.2),
            "wellbeing": agree(-0.2),
            "trust": agree(0),
            "data_concern": agree(0.3),
        }
    )


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def peer_python(name: str, root: Path) -> Path:
    """The interpreter of the peer's own virtual environment, created and installed on first use."""
    env_dir = root / name
    python = env_dir / "bin" / "python"
    marker = env_dir / ".installed"
    if not marker.exists() or marker.read_text() != PEERS[name]:
        print(f"  creating {env_dir} and installing {PEERS[name]} (first run only)...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEERS[name]], check=True)
        marker.write_text(PEERS[name])
    return python


def run_peer(name: str, root: Path, data_csv: Path, ours: np.ndarray, runs: int) -> dict[str, Any]:
    try:
        python = peer_python(name, root)
    except (subprocess.CalledProcessError, OSError) as exc:
        return {"available": False, "reason": f"could not install {PEERS[name]}: {exc}"}
    script = SVY_SCRIPT if name == "svy" else BALANCE_SCRIPT
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "w.npy"
        proc = subprocess.run(
            [str(python), "-c", script, str(data_csv), json.dumps(MARGINS), str(out), str(runs)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        if proc.returncode != 0:
            return {"available": False, "reason": proc.stderr.strip().splitlines()[-1:]}
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        theirs = np.load(out)
    rel = float(np.max(np.abs(theirs - ours) / ours)) if theirs.shape == ours.shape else float("nan")
    return {
        "available": True,
        "seconds": result["seconds"],
        "max_relative_weight_difference": rel,
        "version": PEERS[name],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="number of synthetic responses")
    parser.add_argument("--runs", type=int, default=3, help="repetitions; the best time counts")
    parser.add_argument("--no-peers", action="store_true", help="skip svy and balance")
    parser.add_argument(
        "--venvs",
        type=Path,
        default=Path.home() / ".cache" / "chalkface" / "bench-venvs",
        help="where the peers' virtual environments live",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    t = time.perf_counter()
    frame = synthetic_responses(args.n)
    print(f"{args.n:,} synthetic responses made in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    margins = {c: dict(m) for c, m in MARGINS.items()}

    rake_s, (weighted, diagnostics) = best_of(args.runs, lambda: rake(frame, margins, tol=1e-6))
    ours = weighted["weight"].to_numpy()
    report: dict[str, Any] = {
        "responses": args.n,
        "raking": {
            "margins": len(margins),
            "seconds": rake_s,
            "goal_seconds": 1.0,
            "iterations": diagnostics.iterations,
            "converged": diagnostics.converged,
            "effective_n": round(diagnostics.effective_n, 1),
            "design_effect": round(diagnostics.design_effect, 4),
            "peers": {},
        },
    }
    if not args.no_peers:
        args.venvs.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            data_csv = Path(tmp) / "responses.csv"
            frame.select(list(margins)).write_csv(data_csv)
            for name in PEERS:
                peer = run_peer(name, args.venvs, data_csv, ours, args.runs)
                if peer.get("available"):
                    peer["ratio_to_ours"] = peer["seconds"] / rake_s
                report["raking"]["peers"][name] = peer

    tool = "planner"
    brief_s, brief = best_of(args.runs, lambda: tool_figures(frame, tool, k=10))
    report["brief"] = {
        "tool": tool,
        "responses_for_tool": int(frame.filter(pl.col("tool_id") == tool).height),
        "estimates": len(brief.figures),
        "rows": sum(len(f.rows) for f in brief.figures),
        "suppressed_rows": sum(r.suppressed for f in brief.figures for r in f.rows),
        "seconds": brief_s,
        "goal_seconds": 1.0,
    }

    r = report["raking"]
    print(
        f"Raking {args.n:,} responses to {r['margins']} margins: {r['seconds']:.3f} s (goal < 1 s); "
        f"{r['iterations']} iterations, converged={r['converged']}, effective n {r['effective_n']:,}, "
        f"design effect {r['design_effect']}"
    )
    for name, peer in r["peers"].items():
        if peer.get("available"):
            diff = peer["max_relative_weight_difference"]
            print(
                f"  {name} ({peer['version']}): {peer['seconds']:.3f} s, {peer['ratio_to_ours']:.1f}x ours; "
                f"largest relative weight difference {diff:.1e}"
            )
        else:
            print(f"  {name}: not run ({peer['reason']})")
    b = report["brief"]
    print(
        f"Brief for one tool ({b['responses_for_tool']:,} responses): {b['estimates']} estimates, "
        f"{b['rows']} rows ({b['suppressed_rows']} hidden) in {b['seconds']:.3f} s (goal < 1 s)"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
