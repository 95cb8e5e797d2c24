"""How long a national-scale evidence brief takes: figures, charts and PDF (goal: under 10 seconds).

    .venv/bin/python bench/brief.py [--workplaces 22000] [--months 12] [--seed 1] [--tool SLUG]

It generates the synthetic national data set in memory (about a million check-ins) and hands the check-ins
for every tool, as a Polars frame with the workplace context joined on, straight to
:func:`chalkface.insights.brief.build_brief`, the same function the CLI (``chalkface brief``) and the web
page call. It does not load the million rows into a database first: at national scale the production path
reads a columnar extract (see DESIGN.md), and timing an ORM load would measure the database, not the brief.
The register (tools and versions) goes into a throwaway SQLite database, because the brief reads versions
from it. The peer it is measured against is the goal itself: the ratio printed is time / 10 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkface.test_settings")
os.environ["CHALKFACE_DATA_DIR"] = tempfile.mkdtemp(prefix="chalkface-bench-brief-")
os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['CHALKFACE_DATA_DIR']}/bench.sqlite3"

GOAL_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workplaces", type=int, default=22000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tool", default=None, help="tool slug (default: the one with most check-ins)")
    parser.add_argument("--out", type=Path, default=None, help="also write the PDF here")
    args = parser.parse_args()

    import django

    django.setup()
    import polars as pl
    from chalkface.insights.services import MEASURES, with_context
    from django.core.management import call_command

    from chalkface.insights.brief import build_brief
    from chalkface.register.models import Supplier, Tool, ToolVersion
    from chalkface.synth import SynthConfig, generate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = generate(SynthConfig(workplaces=args.workplaces, months=args.months, seed=args.seed))
    print(f"synthetic data: {data.responses.height:,} check-ins in {time.perf_counter() - started:.1f} s")

    supplier = Supplier.objects.create(name="Bench supplier", slug="bench-supplier")
    for row in data.tools.iter_rows(named=True):
        tool = Tool.objects.create(name=row["name"], slug=str(row["tool_id"]), supplier=supplier)
        versions = data.tool_versions.filter(pl.col("tool_id") == row["tool_id"])
        ToolVersion.objects.bulk_create(
            [
                ToolVersion(tool=tool, label=str(v["label"]), release_date=v["release_date"])
                for v in versions.iter_rows(named=True)
            ]
        )
    # Workplace codes (W000001) become integers, as database ids are.
    places = data.workplaces.select(
        pl.col("workplace_id").cast(pl.String).str.slice(1).cast(pl.Int64),
        pl.col("phase").cast(pl.String),
        pl.col("region").cast(pl.String),
        pl.col("deprivation_quintile").cast(pl.Int64),
        pl.col("it_rating").cast(pl.Int64),
    )
    agreement = [m for m in MEASURES if m != "time_saved_hours"]
    frame = with_context(
        data.responses.select(
            pl.lit(1, dtype=pl.Int64).alias("campaign_id"),
            pl.col("workplace_id").cast(pl.String).str.slice(1).cast(pl.Int64),
            pl.col("tool_id").cast(pl.String),
            pl.col("version_label").cast(pl.String),
            pl.col("submitted_on").cast(pl.Date).dt.truncate("1w").alias("week"),
            pl.col("role").cast(pl.String),
            pl.col("time_saved_hours").cast(pl.Float64),
            *[pl.col(m).cast(pl.Int64) for m in agreement],
        ),
        places,
    )
    slug = args.tool or frame.group_by("tool_id").len().sort("len", descending=True)["tool_id"][0]
    tool = Tool.objects.get(slug=slug)
    tool_rows = frame.filter(pl.col("tool_id") == slug).height

    started = time.perf_counter()
    document = build_brief(frame, tool, 10)
    figures = time.perf_counter() - started
    pdf = document.pdf()
    total = time.perf_counter() - started
    if args.out:
        args.out.write_bytes(pdf)
    print(f"tool {slug}: {tool_rows:,} check-ins (of {frame.height:,})")
    print(
        f"figures {figures:.2f} s, charts + PDF {total - figures:.2f} s, total {total:.2f} s "
        f"({len(pdf) / 1024:.0f} KiB)"
    )
    print(
        f"ratio to the {GOAL_SECONDS:.0f} s goal: {total / GOAL_SECONDS:.2f} "
        f"({'met' if total < GOAL_SECONDS else 'missed'})"
    )


if __name__ == "__main__":
    main()
