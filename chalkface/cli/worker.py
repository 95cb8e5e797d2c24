"""``chalkface worker``: the task worker that runs background work (imports, briefs, exports, alerts)."""

from __future__ import annotations

import threading
import time

import click

from chalkface.cli.base import setup_django


@click.command()
@click.option("--batch", is_flag=True, help="Run the tasks waiting now, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=1.0,
    show_default=True,
    help="Seconds between looks.",
)
def worker(batch: bool, interval: float) -> None:
    """Run the task worker: background work such as imports from the web (django-tasks' db_worker), and
    every minute the sweep that moves waiting submissions into the results, keeps a month's partition of the
    check-ins ready two years ahead (PostgreSQL), brings the copy the figures are computed from up to date
    and computes the figures recent viewers will ask for, finds themes in staff comments again for whoever
    asked once at least a campaign's threshold of new comments have come in, deletes rate-limit counters
    whose window has ended, and marks failed every job still running after CHALKFACE_JOB_TIMEOUT_SECONDS
    (its worker stopped, or it ran too long)."""
    setup_django()
    from django.core.management import call_command

    args = ["--interval", str(interval), "--no-reload"]
    if batch:
        _sweep()
        args.append("--batch")
    else:
        threading.Thread(target=_sweep_forever, name="chalkface-sweep", daemon=True).start()
    call_command("db_worker", *args)


SWEEP_SECONDS = 60.0


def _sweep() -> None:
    from chalkface.insights import extract, theme_refresh, warming
    from chalkface.jobs.actions import fail_stalled
    from chalkface.limits.actions import sweep as forget_rate_windows
    from chalkface.voice.actions import sweep
    from chalkface.voice.actions.partitions import ensure_month_partitions

    sweep()
    # PostgreSQL: a partition of the check-ins ready for every month up to two years ahead
    ensure_month_partitions()
    # pages then read a copy that is already current, instead of rebuilding it on a page view
    extract.refresh(verify=True)
    # and find the figures of the audiences that look at them already computed (at most every 5 minutes)
    warming.warm()
    # themes found again for whoever asked, once k or more new comments have come in
    theme_refresh.requeue_stale()
    forget_rate_windows()
    # a job whose worker died, or that ran past its limit, ends as failed with the reason
    fail_stalled()


def _sweep_forever() -> None:
    import logging

    from django.db import connection

    while True:
        try:
            _sweep()
        except Exception:  # a failed sweep is tried again next time; the worker carries on
            logging.getLogger("chalkface.worker").exception("The sweep of waiting submissions failed")
        finally:
            connection.close()  # this thread's own connection; a fresh one next time
        time.sleep(SWEEP_SECONDS)
