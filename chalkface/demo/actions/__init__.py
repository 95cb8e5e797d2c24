"""Putting synthetic data in the database: ``chalkface load`` and the demo.

:func:`load_synth` loads a ``chalkface synth`` folder atomically (the register, then check-ins and incident
reports); :func:`ensure_demo` generates and loads data on first use and makes one log-in per role.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.demo.actions.accounts import ensure_accounts, keep_campaign_open
from chalkface.demo.actions.checkins import load_responses
from chalkface.demo.actions.register import write_register
from chalkface.demo.files import REGISTER_TABLES, LoadError, read_synth_table
from chalkface.register.models import Tool
from chalkface.workplaces.models import Organisation

__all__ = ["LoadError", "demo_start", "ensure_demo", "load_responses", "load_synth"]


def load_synth(directory: Path, actor: User | None = None) -> dict[str, Any]:
    """Load the register tables of a synth folder; returns the number of rows written per table."""
    tables = {name: read_synth_table(directory, name) for name in REGISTER_TABLES}
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}

    urns = [int(u) for u in tables["workplaces"]["urn"].to_list()]
    clash = Organisation.objects.filter(urn__in=urns).values_list("urn", flat=True)[:5]
    if clash:
        raise LoadError(
            f"Workplaces with URN {', '.join(map(str, clash))} are already in the database: this data "
            "(or data overlapping it) is already loaded. Start from an empty database to load it again."
        )
    tool_slugs = tables["tools"]["tool_id"].to_list()
    if Tool.objects.filter(slug__in=tool_slugs).exists():
        raise LoadError("Some of these tools are already in the register: this data is already loaded.")

    with transaction.atomic():
        counts = write_register(tables)
        counts.update(load_responses(directory, actor=actor))
        counts["workforce_margins"] = _load_margins(directory, manifest, actor)
        audit.record(
            actor,
            "synth.loaded",
            None,
            f"Loaded synthetic data (seed {manifest.get('seed', '?')}): {counts['workplaces']} workplaces",
            {"rows": counts, "seed": manifest.get("seed")},
            object_type="core.synth",
        )
    return counts


def _load_margins(directory: Path, manifest: dict[str, Any], actor: User | None) -> int:
    """The population margins the synthetic check-ins were drawn from (truth.json), as the workforce margins
    national figures are weighted to: 1 if there were any, else 0."""
    from chalkface.insights.models import WorkforceMargins

    truth_path = directory / "truth.json"
    truth = json.loads(truth_path.read_text()) if truth_path.exists() else {}
    population = truth.get("truths", {}).get("response_bias", {}).get("population", {})
    margins = population.get("margins") or {}
    if not all(margins.get(m) for m in ("role", "phase", "region")):
        return 0
    WorkforceMargins.objects.create(
        name=f"Synthetic workforce (seed {manifest.get('seed', '?')})",
        source="chalkface synth, truth.json: demonstration figures, not a real workforce",
        licence="Synthetic data",
        margins={m: {str(c): float(v) for c, v in margins[m].items()} for m in ("role", "phase", "region")},
        added_by=actor,
    )
    return 1


def ensure_demo(
    data_dir: Path,
    *,
    workplaces: int = 300,
    seed: int = 42,
    months: int = 6,
    echo: Callable[[str], None] = print,
) -> list[dict[str, str]]:
    """Load synthetic data if the database is empty, make the demo accounts, and return their log-ins.

    The data covers the ``months`` whole months before the day the demo is set up, and its campaign is
    open today and for some weeks ahead, so that every log-in meets a live campaign.
    """
    today = timezone.localdate()
    if not Organisation.objects.workplaces().exists():
        from chalkface.synth import SynthConfig, generate, write

        out = data_dir / "synth"
        start = demo_start(today, months)
        echo(
            f"Generating synthetic data for {workplaces} workplaces over the {months} months from "
            f"{start:%B %Y} (seed {seed})..."
        )
        write(generate(SynthConfig(workplaces=workplaces, months=months, seed=seed, start=start)), out)
        echo("Loading it into the database...")
        load_synth(out)
    keep_campaign_open(today)
    return ensure_accounts(data_dir)


def demo_start(today: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` months before ``today``'s: the data ends last month."""
    year, month = today.year, today.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)
