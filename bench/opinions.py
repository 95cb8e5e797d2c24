"""Benchmark of the opinion maps on a large synthetic conversation, beside red-dwarf.

Makes 8,000 participants x 8,000 statements with 1,000,000 votes from a seeded low-rank opinion model
(three opinion camps in two dimensions plus participant and statement leanings, and passes), then times
the full analysis (``PolisModel`` and ``ChalkfaceModel``, result objects included) with each method's peak
memory, each in a fresh process. red-dwarf (``PEER``), a Python port of the Pol.is pipeline, runs on the
same votes in a virtual environment of its own that this script creates on first use (``--venvs``,
default ``~/.cache/chalkface/bench-venvs``), so it never becomes a dependency of Chalkface. If red-dwarf
fails at the full size, it is run at the largest size that works (halving the votes), and both are printed.

Goals: the full analysis (both methods) under 10 s and under 4 GB.

    .venv/bin/python bench/opinions.py                      # 8,000 x 8,000, 1,000,000 votes, with red-dwarf
    .venv/bin/python bench/opinions.py --no-peer --votes 200000
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

PEER = "red-dwarf==0.4.0"

PEER_SCRIPT = """
import json, resource, sys, time
import pandas as pd
from reddwarf.implementations.polis import run_pipeline
frame = pd.read_csv(sys.argv[1])
votes = [
    {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": int(t)}
    for t, s, p, v in zip(frame["timestamp"], frame["comment-id"], frame["voter-id"], frame["vote"])
]
del frame
t, c = time.perf_counter(), time.process_time()
result = run_pipeline(votes=votes, random_state=0)
seconds, cpu = time.perf_counter() - t, time.process_time() - c
groups = result.participants_df["cluster_id"].dropna().nunique()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "groups": int(groups), "peak_bytes": peak}))
"""

WORKER = """
import json, resource, sys, time
import polars as pl
from chalkface.evidence.opinions import ChalkfaceModel, PolisModel, read_polis_votes
votes = read_polis_votes(sys.argv[1])
model = {"polis": PolisModel, "chalkface": ChalkfaceModel}[sys.argv[2]]
t, c = time.perf_counter(), time.process_time()
fitted = model(seed=0).fit(votes)
out = fitted.result_.to_dict()
seconds, cpu = time.perf_counter() - t, time.process_time() - c
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "groups": len(out["groups"]), "peak_bytes": peak}))
"""


def synthetic_votes(
    n_participants: int, n_statements: int, n_votes: int, seed: int = 2026
) -> tuple[pl.DataFrame, np.ndarray]:
    """Votes from a seeded low-rank opinion model; returns the votes (Pol.is export columns) and each
    participant's true camp."""
    rng = np.random.default_rng(seed)
    camps = np.array([[1.5, 0.0], [-1.5, 0.5], [0.0, -1.5]])
    camp = rng.choice(3, n_participants, p=[0.45, 0.35, 0.2])
    position = camps[camp] + rng.normal(0, 0.6, (n_participants, 2))
    leaning = rng.normal(0, 0.5, n_participants)
    loading = rng.normal(0, 1, (n_statements, 2))
    appeal = rng.normal(0, 1, n_statements)
    activity = rng.lognormal(0, 1, n_participants)
    pairs = np.empty(0, dtype=np.int64)
    while len(pairs) < n_votes:
        need = int((n_votes - len(pairs)) * 1.1) + 1000
        p = rng.choice(n_participants, need, p=activity / activity.sum())
        s = rng.integers(0, n_statements, need)
        pairs = np.unique(np.concatenate([pairs, p * n_statements + s]))
    pairs = rng.permutation(pairs)[:n_votes]
    rows, cols = pairs // n_statements, pairs % n_statements
    logit = appeal[cols] + leaning[rows] + (position[rows] * loading[cols]).sum(axis=1)
    agree = rng.random(n_votes) < 1 / (1 + np.exp(-logit))
    passed = rng.random(n_votes) < 0.15
    vote = np.where(passed, 0, np.where(agree, 1, -1))
    stamp = 1_700_000_000_000 + np.sort(rng.integers(0, 30 * 86_400_000, n_votes))
    frame = pl.DataFrame(
        {"timestamp": stamp, "datetime": "", "comment-id": cols, "voter-id": rows, "vote": vote}
    )
    return frame, camp


def peer_python(root: Path) -> Path:
    """The interpreter of red-dwarf's own virtual environment, created and installed on first use."""
    env_dir = root / "red-dwarf"
    python = env_dir / "bin" / "python"
    marker = env_dir / ".installed"
    if not marker.exists() or marker.read_text() != PEER:
        print(f"  creating {env_dir} and installing {PEER} (first run only)...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEER], check=True)
        marker.write_text(PEER)
    return python


def run_json(cmd: list[str], timeout: float) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        return {"available": False, "reason": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return {"available": False, "reason": tail}
    return {"available": True, **json.loads(proc.stdout.strip().splitlines()[-1])}


def _gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def describe(report: dict[str, Any]) -> list[str]:
    """The report in words."""
    r = report["ours"]
    lines = [
        f"Opinion maps, {report['votes']:,} votes, {report['participants']:,} x {report['statements']:,}:"
    ]
    for method in ("polis", "chalkface"):
        m = r[method]
        if m["available"]:
            lines.append(
                f"  {method:9s}: {m['seconds']:.2f} s ({m['cpu_seconds']:.2f} s of CPU), "
                f"peak {_gb(m['peak_bytes'])}, {m['groups']} groups"
            )
        else:
            lines.append(f"  {method:9s}: failed ({m['reason']})")
    lines.append(
        f"  full analysis: {r['total_seconds']:.2f} s (goal < 10 s; {r['total_cpu_seconds']:.2f} s of CPU), "
        f"peak {_gb(r['peak_bytes'])} (goal < 4 GB); load average {r['load_average']:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    if "peer" in report:
        p = report["peer"]
        if p["available"]:
            ratio_polis = p["seconds"] / r["polis"].get("seconds", float("nan"))
            ratio_all = p["seconds"] / r["total_seconds"]
            lines.append(
                f"  {PEER}: {p['seconds']:.2f} s ({p['cpu_seconds']:.2f} s of CPU), "
                f"peak {_gb(p['peak_bytes'])}, {p['groups']} groups; "
                f"{ratio_polis:.1f}x our Pol.is method, {ratio_all:.1f}x our full analysis"
            )
        else:
            lines.append(f"  {PEER}: could not run at this size ({p['reason']})")
    if "peer_reduced" in report:
        red = report["peer_reduced"]
        peer_s, ours_s = red["peer"]["seconds"], red["ours_polis"].get("seconds", float("nan"))
        lines.append(
            f"  at {red['votes']:,} votes: {PEER} {peer_s:.2f} s, ours (Pol.is method) {ours_s:.2f} s, "
            f"ratio {peer_s / ours_s:.1f}x"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=8000)
    parser.add_argument("--statements", type=int, default=8000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--no-peer", action="store_true", help="skip red-dwarf")
    parser.add_argument(
        "--peer-timeout", type=float, default=1800, help="seconds before red-dwarf is stopped"
    )
    parser.add_argument(
        "--venvs",
        type=Path,
        default=Path.home() / ".cache" / "chalkface" / "bench-venvs",
        help="where red-dwarf's virtual environment lives",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    t = time.perf_counter()
    frame, _ = synthetic_votes(args.participants, args.statements, args.votes)
    shape = f"{args.participants:,} participants x {args.statements:,} statements"
    print(
        f"{args.votes:,} synthetic votes ({shape}) made in {time.perf_counter() - t:.1f} s", file=sys.stderr
    )
    report: dict[str, Any] = {
        "participants": args.participants,
        "statements": args.statements,
        "votes": args.votes,
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "votes.csv"
        frame.write_csv(data)
        ours: dict[str, Any] = {}
        for method in ("polis", "chalkface"):
            ours[method] = run_json([sys.executable, "-c", WORKER, str(data), method], timeout=3600)
        total = sum(r.get("seconds", float("nan")) for r in ours.values())
        total_cpu = sum(r.get("cpu_seconds", float("nan")) for r in ours.values())
        peak = max(r.get("peak_bytes", 0) for r in ours.values())
        report["ours"] = {
            **ours,
            "total_seconds": total,
            "total_cpu_seconds": total_cpu,
            "load_average": os.getloadavg()[0],
            "peak_bytes": peak,
            "goal_seconds": 10,
            "goal_bytes": 4e9,
        }
        if not args.no_peer:
            args.venvs.mkdir(parents=True, exist_ok=True)
            try:
                python = peer_python(args.venvs)
            except (subprocess.CalledProcessError, OSError) as exc:
                report["peer"] = {"available": False, "reason": f"could not install {PEER}: {exc}"}
            else:
                report["peer"] = run_json([str(python), "-c", PEER_SCRIPT, str(data)], args.peer_timeout)
                n = args.votes
                while not report["peer"]["available"] and n > 10_000:
                    n //= 2
                    scale = (n / args.votes) ** 0.5
                    small, _ = synthetic_votes(
                        int(args.participants * scale), int(args.statements * scale), n
                    )
                    part = Path(tmp) / "votes-small.csv"
                    small.write_csv(part)
                    peer = run_json([str(python), "-c", PEER_SCRIPT, str(part)], args.peer_timeout)
                    if peer["available"]:
                        ours_small = run_json([sys.executable, "-c", WORKER, str(part), "polis"], 3600)
                        report["peer_reduced"] = {"votes": n, "peer": peer, "ours_polis": ours_small}
                        break
            report["peer"]["version"] = PEER
    for line in describe(report):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
