"""``chalkface import responses``: attached to the ``chalkface import`` group by ``chalkface/cli.py``."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command(name="responses")
@click.option("--campaign", "campaign_slug", required=True, help="The campaign's short name (slug).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="JSON saying which column answers which question (see docs/running-a-campaign.md).",
)
@click.option("--dry-run", is_flag=True, help="Check every row and report, without saving.")
def responses(campaign_slug: str, file: Path, mapping_file: Path, dry_run: bool) -> None:
    """Import responses exported from Microsoft Forms or Google Forms (CSV or XLSX).

    Atomic: if any row has an error, nothing is saved and every error is listed by row and column.
    The same file is never imported twice.
    """
    from chalkface.cli import setup_django

    setup_django()
    from chalkface.voice.importing import ImportRefused, import_file
    from chalkface.voice.models import Campaign

    campaign = Campaign.objects.filter(slug=campaign_slug).first()
    if campaign is None:
        raise click.ClickException(f"There is no campaign {campaign_slug!r}.")
    try:
        mapping = json.loads(mapping_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{mapping_file} is not valid JSON: {exc}") from None

    def progress(done: int, total: int) -> None:
        click.echo(f"checked {done} of {total} rows", err=True)

    try:
        report = import_file(
            None, campaign, file.read_bytes(), file.name, mapping, dry_run=dry_run, progress=progress
        )
    except ImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(report.as_dict(), indent=2))
    if not report.ok:
        raise click.ClickException(f"{len(report.errors)} errors; nothing was saved.")
