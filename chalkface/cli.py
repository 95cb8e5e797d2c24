"""The ``chalkface`` command: our own commands plus every Django management command.

``chalkface demo`` starts a working demo; ``chalkface synth`` writes synthetic data; ``chalkface load``
loads it; ``chalkface import schools`` imports the official schools register. Any other name is handed
to Django's management commands (``chalkface migrate``, ``chalkface createsuperuser``, ...).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path
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
        return _django_passthrough(cmd_name)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        formatter.write_text(
            "Every Django management command also works here, e.g. `chalkface migrate`, "
            "`chalkface createsuperuser`, `chalkface runserver`; `chalkface manage help` lists them."
        )


def _django_passthrough(name: str) -> click.Command:
    @click.command(
        name=name,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
        add_help_option=False,
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def passthrough(args: tuple[str, ...]) -> None:
        setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["chalkface", name, *args])

    return passthrough


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
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chalkface", *args])


@cli.command()
@click.option("--workplaces", type=click.IntRange(min=1), default=300, show_default=True, help="How many.")
@click.option(
    "--months", type=click.IntRange(1, 60), default=12, show_default=True, help="Length of the period."
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=1, show_default=True, help="Same seed, same bytes."
)
@click.option(
    "--responses",
    type=click.IntRange(min=0),
    default=None,
    help="Total check-ins (default: ~3.8 per workplace-month).",
)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default="2025-09-01", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def synth(
    workplaces: int, months: int, seed: int, responses: int | None, start: dt.datetime, out_dir: Path
) -> None:
    """Write synthetic workplaces, tools, check-ins, incidents and votes with planted truths.

    Files go to OUT as Parquet and CSV, with truth.json (the planted effects) and manifest.json.
    """
    from chalkface.synth import SynthConfig, generate, write

    config = SynthConfig(
        workplaces=workplaces, months=months, seed=seed, responses=responses, start=start.date()
    )
    counts = write(generate(config), out_dir)
    click.echo(json.dumps({"out": str(out_dir), "rows": counts}, indent=2))


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def load(directory: Path) -> None:
    """Load `chalkface synth` output into the database, in bulk and atomically."""
    setup_django()
    from chalkface.core.loaders import LoadError, load_synth

    try:
        summary = load_synth(directory)
    except LoadError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(summary, indent=2))


@cli.group(name="import")
def import_() -> None:
    """Import data from other systems."""


@import_.command(name="schools")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--encoding", type=click.Choice(["auto", "utf-8", "cp1252"]), default="auto", show_default=True)
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


@cli.command()
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


@cli.command()
@click.option("--reset", is_flag=True, help="Delete the demo's data and start again.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workplaces", type=click.IntRange(min=10), default=300, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--no-serve", is_flag=True, help="Set up and print log-ins, but do not start the server.")
def demo(reset: bool, host: str, port: int, workplaces: int, seed: int, no_serve: bool) -> None:
    """Set up a local demo (SQLite, synthetic data, one log-in per role) and serve it."""
    os.environ["CHALKFACE_DEMO"] = "1"
    from chalkface.settings import DATA_DIR  # the data folder is known before Django starts

    if reset and DATA_DIR.exists():
        _reset_demo(DATA_DIR)
    setup_django(demo=True)
    from django.core.management import call_command

    from chalkface.core.demo import ensure_demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    logins = ensure_demo(DATA_DIR, workplaces=workplaces, seed=seed, echo=click.echo)
    url = f"http://{host}:{port}/"
    click.echo("")
    click.echo(click.style("Chalkface demo", bold=True) + f" — data in {DATA_DIR}")
    click.echo(
        f"Open {url} and log in as any of these (passwords are also in {DATA_DIR / 'demo-logins.json'}):"
    )
    for login in logins:
        click.echo(f"  {login['role']:<15} {login['email']:<36} {login['password']}")
    click.echo("")
    if no_serve:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    import subprocess

    # The task worker runs beside the web server (imports from the web run on it) and stops with it.
    worker = subprocess.Popen([sys.executable, "-m", "chalkface", "worker"], env=os.environ.copy())
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def _reset_demo(data_dir: Path) -> None:
    for name in ("chalkface.sqlite3", "chalkface.sqlite3-wal", "chalkface.sqlite3-shm", "demo-logins.json"):
        (data_dir / name).unlink(missing_ok=True)
    for folder in ("synth", "static"):
        shutil.rmtree(data_dir / folder, ignore_errors=True)


@cli.command(name="cli-reference", hidden=True)
def cli_reference() -> None:
    """Print the command reference (docs/cli.md) in Markdown, from each command's --help."""
    click.echo(reference_markdown(), nl=False)


def reference_markdown() -> str:
    """The help of every Chalkface command, as Markdown."""
    lines = [
        "# Command reference",
        "",
        "Generated from each command's `--help` by `chalkface cli-reference > docs/cli.md`;",
        "a test keeps it current.",
        "",
    ]

    def walk(command: click.Command, path: list[str]) -> None:
        if getattr(command, "hidden", False):
            return
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        lines.extend([f"## {' '.join(path)}", "", "```", command.get_help(ctx).rstrip(), "```", ""])
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, [*path, name])

    walk(cli, ["chalkface"])
    return "\n".join(lines)


def _attach_domain_commands() -> None:
    """Commands that live with their domain package."""
    from chalkface.evidence.cli import analyze
    from chalkface.insights.cli import alerts, brief, export
    from chalkface.voice.cli import responses

    cli.add_command(analyze)
    cli.add_command(brief)
    cli.add_command(export)
    cli.add_command(alerts)
    import_.add_command(responses)


_attach_domain_commands()


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="chalkface")
