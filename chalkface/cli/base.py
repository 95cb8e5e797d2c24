"""What every ``chalkface`` command shares: Django set up on demand, and Django's commands passed through.

Command modules import only this module (never the group in ``chalkface.cli``), so no import runs in a
circle: ``chalkface/cli/__init__.py`` imports the commands and attaches them to the group.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

_DJANGO_READY = False


def setup_django(demo: bool = False) -> None:
    """Configure Django once; commands that do not touch the database never pay for it.

    A command run beside a demo's data (after ``chalkface demo``) uses the demo's settings, as the demo
    does; any other setting that is missing or wrong ends the command with one line saying what to set.
    """
    global _DJANGO_READY
    if demo or is_demo_data_dir(os.environ):
        os.environ["CHALKFACE_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkface.settings")
    if not _DJANGO_READY:
        import django
        from django.core.exceptions import ImproperlyConfigured

        try:
            django.setup()
        except ImproperlyConfigured as exc:
            raise click.ClickException(
                f"{exc}. For the local demo, run `chalkface demo` first, or set CHALKFACE_DEMO=1."
            ) from None
        _DJANGO_READY = True


def is_demo_data_dir(environ: Mapping[str, str]) -> bool:
    """Whether this command runs on a demo's data folder with no key or mode of its own set: the folder
    ``chalkface demo`` made holds its key and its log-ins, and nothing else writes them there."""
    from chalkface.env import env_path

    if any(
        environ.get(name) for name in ("SECRET_KEY", "SECRET_KEY_FILE", "CHALKFACE_DEMO", "CHALKFACE_DEBUG")
    ):
        return False
    data_dir = env_path("CHALKFACE_DATA_DIR", Path.cwd() / "data", environ)
    return (data_dir / "secret_key").is_file() and (data_dir / "demo-logins.json").is_file()


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
