"""``chalkface import schools|responses``: data from other systems, atomic, with a row-by-row report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from chalkface.cli.base import setup_django


@click.group(name="import")
def import_() -> None:
    """Import data from other systems."""


@import_.command(name="schools")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--encoding", type=click.Choice(["auto", "utf-8", "utf-16", "cp1252"]), default="auto", show_default=True
)
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change, without saving.")
def import_schools(file: Path, encoding: str, dry_run: bool) -> None:
    """Import the "Get Information About Schools" all-establishments CSV (upsert by URN)."""
    setup_django()
    from django.core.management import CommandError, call_command

    args: list[str] = [str(file), "--encoding", encoding]
    if dry_run:
        args.append("--dry-run")
    try:
        call_command("import_schools", *args)
    except CommandError as exc:
        raise click.ClickException(str(exc)) from None


@import_.command(name="responses")
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
    setup_django()
    from chalkface.imports.actions import import_responses
    from chalkface.imports.errors import ImportRefused
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
        report = import_responses(
            None, campaign, file.read_bytes(), file.name, mapping, dry_run=dry_run, progress=progress
        )
    except ImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(report.as_dict(), indent=2))
    if not report.ok:
        raise click.ClickException(f"{len(report.errors)} errors; nothing was saved.")
