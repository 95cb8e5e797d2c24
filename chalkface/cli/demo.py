"""``chalkface demo``: a local demo with synthetic data and one log-in per role, served at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from chalkface.cli.base import setup_django


@click.command()
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

    from chalkface.demo.actions import ensure_demo

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
    from django.conf import settings

    if not settings.SECOND_FACTOR_REQUIRED:
        click.echo(
            "The demo asks for no second factor; a real deployment asks reps, officers, employer leads and "
            "administrators for a code from an authenticator app (try it: CHALKFACE_SECOND_FACTOR=true)."
        )
    click.echo("")
    if no_serve:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
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
