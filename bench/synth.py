"""Benchmark of ``chalkface synth`` at national scale: every school in England for a year.

Runs ``generate`` and ``write`` (Parquet and CSV) for 22,000 workplaces over 12 months (about 1,000,000
check-ins) in a child process, and prints wall time, the child's peak memory (its ``ru_maxrss``), rows written
per second, and a ratio against a named baseline measured in the same run on the same machine.

Baseline, "pure I/O": the time polars alone takes to write the very same frames to Parquet and CSV with the
same settings (no generation, no hashing, no JSON). ``(generate + write) / pure I/O`` is then what generating
the data costs on top of merely writing it out. It is an honest floor for this job, since any generator has to
write its output; a ratio near 1 would mean generation is almost free.

Goal: generate + write under 120 s and under 4 GB peak memory.

    .venv/bin/python bench/synth.py                         # 22,000 workplaces x 12 months
    .venv/bin/python bench/synth.py --workplaces 2000 --months 6
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_SECONDS = 120.0
GOAL_BYTES = 4 * 1024**3


def child(workplaces: int, months: int, seed: int, responses: int | None) -> dict[str, Any]:
    """Generate, write, then write the same frames again with polars alone; return the timings."""
    import polars as pl

    from chalkface.synth import SynthConfig, generate, write

    config = SynthConfig(workplaces=workplaces, months=months, seed=seed, responses=responses)
    with tempfile.TemporaryDirectory() as ours, tempfile.TemporaryDirectory() as baseline:
        started = time.perf_counter()
        data = generate(config)
        generated = time.perf_counter()
        rows = write(data, ours)
        written = time.perf_counter()
        frames: dict[str, pl.DataFrame] = data.tables()
        io_started = time.perf_counter()
        for name, frame in frames.items():
            frame.write_parquet(
                Path(baseline) / f"{name}.parquet",
                compression="zstd",
                compression_level=3,
                row_group_size=256_000,
            )
            frame.write_csv(Path(baseline) / f"{name}.csv", date_format="%Y-%m-%d")
        io_done = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(ours).iterdir())
    return {
        "generate_s": generated - started,
        "write_s": written - generated,
        "pure_io_s": io_done - io_started,
        "rows": rows,
        "bytes_written": size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workplaces", type=int, default=22_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--responses", type=int, default=None, help="total check-ins (default ~3.8/workplace-month)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(child(args.workplaces, args.months, args.seed, args.responses)))
        return 0

    command = [sys.executable, __file__, "--child", "--workplaces", str(args.workplaces), "--months",
               str(args.months), "--seed", str(args.seed)]  # fmt: skip
    if args.responses is not None:
        command += ["--responses", str(args.responses)]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    process_s = time.perf_counter() - started
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # ru_maxrss is in kilobytes on Linux: the largest resident set of any finished child (only this one).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024

    total_s = figures["generate_s"] + figures["write_s"]
    rows = sum(figures["rows"].values())
    ratio = total_s / figures["pure_io_s"]
    passed = total_s < GOAL_SECONDS and peak < GOAL_BYTES
    figures.update(
        {
            "workplaces": args.workplaces,
            "months": args.months,
            "total_s": total_s,
            "process_s": process_s,
            "peak_bytes": peak,
            "rows_per_s": rows / total_s,
            "ratio_to_pure_io": ratio,
            "goal": {"seconds": GOAL_SECONDS, "bytes": GOAL_BYTES},
            "pass": passed,
        }
    )
    print(f"chalkface synth: {args.workplaces:,} workplaces x {args.months} months, seed {args.seed}")
    print(f"  rows: {rows:,} in all ({figures['rows']['responses']:,} check-ins), "
          f"{figures['bytes_written'] / 1024**2:,.0f} MB written")  # fmt: skip
    print(f"  generate                {figures['generate_s']:8.2f} s")
    print(f"  write (parquet + csv)   {figures['write_s']:8.2f} s")
    print(f"  generate + write        {total_s:8.2f} s   {rows / total_s:,.0f} rows/s")
    print(f"  peak memory             {peak / 1024**3:8.2f} GB")
    pure_io = figures["pure_io_s"]
    print(f"  baseline, pure I/O      {pure_io:8.2f} s   polars writing the same frames, same formats")
    print(f"  ratio to baseline       {ratio:8.2f} x   (generate + write) / pure I/O")
    print(f"  child process           {process_s:8.2f} s   imports, generate, write and baseline together")
    verdict = "PASS" if passed else "MISS"
    print(f"  goal: under {GOAL_SECONDS:.0f} s and under {GOAL_BYTES / 1024**3:.0f} GB -> {verdict}")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
