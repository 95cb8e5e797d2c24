"""``chalkface brief``, ``chalkface export`` and ``chalkface alerts``: the insight layer from the command
line. They read what an operator (an administrator) would see."""

from __future__ import annotations

import time
from pathlib import Path

import click

from chalkface.cli.base import operator, setup_django


@click.command()
@click.option("--tool", "tool_slug", required=True, metavar="SLUG", help="The tool the brief is about.")
@click.option("--campaign", "campaign_slug", metavar="SLUG", help="Only this campaign's check-ins.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
def brief(tool_slug: str, campaign_slug: str | None, fmt: str, out: Path) -> None:
    """Write the evidence brief for a tool: findings, charts, incidents, method note (a few pages)."""
    setup_django()
    from chalkface.insights.brief import brief_for_user
    from chalkface.register.models import Tool
    from chalkface.voice.models import Campaign

    started = time.perf_counter()
    tool = Tool.objects.filter(slug=tool_slug).first()
    if tool is None:
        raise click.ClickException(f"No tool with the slug {tool_slug!r}.")
    campaign = None
    if campaign_slug:
        campaign = Campaign.objects.filter(slug=campaign_slug).first()
        if campaign is None:
            raise click.ClickException(f"No campaign with the slug {campaign_slug!r}.")
    document = brief_for_user(operator(), tool, campaign=campaign, channel="cli.brief", with_quotes=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        out.write_bytes(document.pdf())
    else:
        out.write_text(document.html(), encoding="utf-8")
    click.echo(
        f"Wrote {out} ({document.n_responses or 'fewer than k'} check-ins) in "
        f"{time.perf_counter() - started:.1f} s"
    )


@click.command()
@click.option("--campaign", "campaign_slug", required=True, metavar="SLUG")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), default="csv", show_default=True
)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder.")
@click.option(
    "--dp", is_flag=True, help="Also release counts and means with differential privacy (spends budget)."
)
def export(campaign_slug: str, fmt: str, out: Path, dp: bool) -> None:
    """Write a campaign's open data: aggregated, disclosure-controlled tables, dictionary, method note."""
    setup_django()
    from chalkface.evidence import BudgetExhausted
    from chalkface.insights.opendata import campaign_export_tables, write_tables
    from chalkface.voice.models import Campaign
    from chalkface.web.cellsafe import neutralise_tables

    campaign = Campaign.objects.filter(slug=campaign_slug).first()
    if campaign is None:
        raise click.ClickException(f"No campaign with the slug {campaign_slug!r}.")
    try:
        tables = campaign_export_tables(operator(), campaign, dp=dp, channel="cli.export")
    except BudgetExhausted as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt in ("csv", "xlsx"):
        tables = neutralise_tables(tables)  # no cell a spreadsheet would run as a formula
    files = write_tables(tables, fmt, out, campaign.slug)
    click.echo(f"Wrote {len(files)} files to {out}")


@click.command()
def alerts() -> None:
    """Compute signals for every subscriber and send new alerts (run it from a timer, e.g. daily)."""
    setup_django()
    from chalkface.insights.alerts import run_alerts

    click.echo(f"Raised {run_alerts()} alert(s).")
