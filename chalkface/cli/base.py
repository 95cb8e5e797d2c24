"""What every ``chalkface`` command shares: Django set up on demand, and Django's commands passed through.

Command modules import only this module (never the group in ``chalkface.cli``), so no import runs in a
circle: ``chalkface/cli/__init__.py`` imports the commands and attaches them to the group.
"""

from __future__ import annotations

import os
from typing import Any

import click

_DJANGO_READY = False


def setup_django(demo: bool = False) -> None:
    """Configure Django once; commands that do not touch the database never pay for it."""
    global _DJANGO_READY
    if demo:
        os.environ["CHALKFACE_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkface.settings")
    if not _DJANGO_READY:
        import django

        django.setup()
        _DJANGO_READY = True


class ChalkfaceGroup(click.Group):
    """A click group that hands unknown command names to Django's management commands."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        return django_passthrough(cmd_name)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        formatter.write_text(
            "Every Django management command also works here, e.g. `chalkface migrate`, "
            "`chalkface createsuperuser`, `chalkface runserver`; `chalkface manage help` lists them."
        )


def django_passthrough(name: str) -> click.Command:
    """A command that runs Django's management command ``name`` with whatever arguments follow."""

    @click.command(
        name=name,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
        add_help_option=False,
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def passthrough(args: tuple[str, ...]) -> None:
        run_django(name, *args)

    return passthrough


def run_django(*argv: str) -> None:
    """Run one Django management command line, e.g. ``run_django("check", "--deploy")``."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chalkface", *argv])


def operator() -> Any:
    """The person at the command line, for commands that read what a signed-in person would see: an
    operator sees every campaign, as an administrator does."""
    from django.contrib.auth.models import AnonymousUser

    class Operator(AnonymousUser):
        is_superuser = True
        is_active = True
        pk = None

        @property
        def is_authenticated(self) -> bool:  # type: ignore[override]
            return True

        _chalkface_roles = {"admin"}

    return Operator()
