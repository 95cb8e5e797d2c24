"""Run the real database task worker (django-tasks' ``db_worker``) inside a test."""

from __future__ import annotations

from unittest import mock

from django.core.management import call_command


def run_worker() -> None:
    """Run every queued task through ``db_worker --batch``, as ``chalkface worker`` does.

    Two things the worker does to its connection cannot happen inside a test's transaction, so only they
    are switched off: closing stale connections between tasks, and on SQLite a hand-written
    ``BEGIN EXCLUSIVE`` (the test's transaction is already open; a savepoint takes its place).
    """
    with (
        mock.patch("django_tasks.backends.database.management.commands.db_worker.close_old_connections"),
        mock.patch(
            "django_tasks.backends.database.utils.connection_requires_manual_exclusive_transaction",
            return_value=False,
        ),
    ):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
