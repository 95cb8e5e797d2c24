"""``chalkface worker``: the task worker that runs background work (imports, briefs, exports, alerts)."""

from __future__ import annotations

import click

from chalkface.cli.base import setup_django


@click.command()
@click.option("--batch", is_flag=True, help="Run the tasks waiting now, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=1.0,
    show_default=True,
    help="Seconds between looks.",
)
def worker(batch: bool, interval: float) -> None:
    """Run the task worker: background work such as imports from the web (django-tasks' db_worker)."""
    setup_django()
    from django.core.management import call_command

    args = ["--interval", str(interval), "--no-reload"]
    if batch:
        args.append("--batch")
    call_command("db_worker", *args)
