"""``chalkface backup`` and ``chalkface restore``: a copy of the database, and putting one back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from chalkface.cli.base import setup_django

if TYPE_CHECKING:
    from chalkface.backups import Summary


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup(out: Path) -> None:
    """Write a backup of the database to OUT, while the site keeps running.

    SQLite is copied with SQLite's online backup; PostgreSQL is dumped with `pg_dump --format=custom`
    (install the PostgreSQL client tools). The secret key is not in the backup: keep it separately.
    """
    setup_django()
    from django.db import connection

    from chalkface import backups

    try:
        backups.backup(connection, out)
        summary = backups.check(connection, out)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {summary.kind} database to {out} ({_holds(summary)}).")


@click.command()
@click.argument("source", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Only check that IN can be read; restore nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore(source: Path, check_only: bool, yes: bool) -> None:
    """Replace the database with the backup IN (stop the site and the worker first).

    PostgreSQL is restored with `pg_restore --clean --if-exists` in one transaction: if it fails, the
    database is left as it was. Run `chalkface migrate` afterwards if this version is newer than the backup.
    """
    setup_django()
    from django.db import connection

    from chalkface import backups

    try:
        summary = backups.check(connection, source)
        if check_only:
            click.echo(f"{source} is a readable {summary.kind} backup ({_holds(summary)}).")
            return
        name = connection.settings_dict["NAME"]
        if not yes:
            click.confirm(f"Replace everything in the database {name} with {source}?", abort=True)
        backups.restore(connection, source)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {source} into the database {name} ({_holds(summary)}).")


def _holds(summary: Summary) -> str:
    held = f"{summary.tables} tables"
    return held if summary.responses is None else f"{held}, {summary.responses} check-ins"
