"""The ``chalkface`` command: our own commands plus every Django management command.

``chalkface demo`` starts a working demo; ``chalkface synth`` writes synthetic data; ``chalkface load``
loads it; ``chalkface import schools`` imports the official schools register. Any other name is handed
to Django's management commands (``chalkface migrate``, ``chalkface createsuperuser``, ...).

One module per command (or per small family of commands); each imports only :mod:`chalkface.cli.base`,
and this module attaches them to the group.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from chalkface import redaction
from chalkface.cli.backup import backup, restore
from chalkface.cli.base import ChalkfaceGroup, run_django
from chalkface.cli.demo import demo
from chalkface.cli.imports import import_
from chalkface.cli.insights import alerts, brief, export
from chalkface.cli.reference import reference_markdown as _reference_markdown
from chalkface.cli.synth import load, synth
from chalkface.cli.worker import worker
from chalkface.evidence.cli import analyze
from chalkface.evidence.opinions.cli import opinions
from chalkface.evidence.themes_cli import themes_command
from chalkface.redaction.command import redact_command

__all__ = ["cli", "main", "reference_markdown"]


@click.group(cls=ChalkfaceGroup)
@click.version_option(package_name="chalkface")
def cli() -> None:
    """Chalkface: evidence from the chalkface about the AI tools in schools.

    Start with `chalkface demo`, which sets up a local demo with synthetic data and prints log-in details.
    """


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command: `chalkface manage check --deploy`."""
    run_django(*args)


@cli.command(name="cli-reference", hidden=True)
def cli_reference() -> None:
    """Print the command reference (docs/cli.md) in Markdown, from each command's --help."""
    click.echo(reference_markdown(), nl=False)


def reference_markdown() -> str:
    """The help of every Chalkface command, as Markdown."""
    return _reference_markdown(cli)


analyze.add_command(opinions)
# Quotes in themes are redacted as they would be on a page.
analyze.add_command(themes_command(redaction.protect))

for _command in (
    synth,
    load,
    import_,
    worker,
    demo,
    analyze,
    brief,
    export,
    alerts,
    redact_command,
    backup,
    restore,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="chalkface")
