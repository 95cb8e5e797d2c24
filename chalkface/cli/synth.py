"""``chalkface synth`` and ``chalkface load``: synthetic data with planted truths, and loading it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from chalkface.cli.base import setup_django


@click.command()
@click.option("--workplaces", type=click.IntRange(min=1), default=300, show_default=True, help="How many.")
@click.option(
    "--months", type=click.IntRange(1, 60), default=12, show_default=True, help="Length of the period."
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=1, show_default=True, help="Same seed, same bytes."
)
@click.option(
    "--responses",
    type=click.IntRange(min=0),
    default=None,
    help="Total check-ins (default: ~3.8 per workplace-month).",
)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default="2025-09-01", show_default=True)
@click.option(
    "--response-bias/--no-response-bias",
    default=True,
    show_default=True,
    help="Support staff, sceptics, secondary schools and London answer less often (truth.json gives the "
    "population truth); with --no-response-bias everyone answers.",
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def synth(
    workplaces: int,
    months: int,
    seed: int,
    responses: int | None,
    start: dt.datetime,
    response_bias: bool,
    out_dir: Path,
) -> None:
    """Write synthetic workplaces, tools, check-ins, incidents and votes with planted truths.

    Files go to OUT as Parquet and CSV, with truth.json (the planted effects) and manifest.json.
    """
    from chalkface.synth import SynthConfig, generate, write

    config = SynthConfig(
        workplaces=workplaces,
        months=months,
        seed=seed,
        responses=responses,
        start=start.date(),
        response_bias=response_bias,
    )
    counts = write(generate(config), out_dir)
    click.echo(json.dumps({"out": str(out_dir), "rows": counts}, indent=2))


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def load(directory: Path) -> None:
    """Load `chalkface synth` output into the database, in bulk and atomically."""
    setup_django()
    from chalkface.demo.actions import LoadError, load_synth

    try:
        summary = load_synth(directory)
    except LoadError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(summary, indent=2))
