"""Putting synthetic data in the database: ``chalkface load`` and the demo.

:func:`load_synth` loads a ``chalkface synth`` folder atomically (the register, then check-ins and incident
reports); :func:`ensure_demo` generates and loads data on first use and makes one log-in per role.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.demo.actions.accounts import ensure_accounts
from chalkface.demo.actions.checkins import load_responses
from chalkface.demo.actions.register import write_register
from chalkface.demo.files import REGISTER_TABLES, LoadError, read_synth_table
from chalkface.register.models import Tool
from chalkface.workplaces.models import Organisation

__all__ = ["LoadError", "ensure_demo", "load_responses", "load_synth"]


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
        audit.record(
            actor,
            "synth.loaded",
            None,
            f"Loaded synthetic data (seed {manifest.get('seed', '?')}): {counts['workplaces']} workplaces",
            {"rows": counts, "seed": manifest.get("seed")},
            object_type="core.synth",
        )
    return counts


def ensure_demo(
    data_dir: Path,
    *,
    workplaces: int = 300,
    seed: int = 42,
    months: int = 6,
    echo: Callable[[str], None] = print,
) -> list[dict[str, str]]:
    """Load synthetic data if the database is empty, make the demo accounts, and return their log-ins."""
    if not Organisation.objects.workplaces().exists():
        from chalkface.synth import SynthConfig, generate, write

        out = data_dir / "synth"
        echo(f"Generating synthetic data for {workplaces} workplaces over {months} months (seed {seed})...")
        write(generate(SynthConfig(workplaces=workplaces, months=months, seed=seed)), out)
        echo("Loading it into the database...")
        load_synth(out)
    return ensure_accounts(data_dir)
