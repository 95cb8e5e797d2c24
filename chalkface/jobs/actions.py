"""State changes of background jobs. Starting one is audit-logged; progress updates are not (they are
frequent, and the start and the end say everything worth keeping)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)
MAX_ERROR_CHARS = 100_000
# Stored in English and translated where the job is shown (jobs/_progress.html).
STOPPED = gettext_noop(
    "The worker stopped before this job finished; nothing from it was saved. Please try again."
)


class JobFailed(Exception):
    """The work ended with a problem to show its owner (e.g. rows that cannot be imported)."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


@transaction.atomic
def start_job(owner: User, kind: str, title: str, task: Any, *args: Any) -> Job:
    """Create a job and queue ``task(job_id, *args)`` on the task worker."""
    job = Job.objects.create(kind=kind, title=title[:200], owner=owner)
    result = task.enqueue(str(job.pk), *args)
    job.task_id = str(result.id)[:64]
    job.save(update_fields=["task_id"])
    audit.record(owner, "job.started", job, job.title, {"kind": kind})
    return job


def set_progress(job_id: str, done: int, total: int | None, message: str = "") -> None:
    changes: dict[str, Any] = {"done": done, "total": total}
    if message:
        changes["message"] = message[:300]
    Job.objects.filter(pk=job_id).update(**changes)


class JobStopped(Exception):
    """The job is no longer running (the sweep failed it) at the moment its work tried to end it."""


def run(job_id: str, work: Callable[[Job], tuple[str, str]]) -> None:
    """Run ``work`` for a job on the worker: it returns (message, result URL) or raises.

    The job is marked running, then done or failed; a failure keeps its error text for the owner. A job
    ends once: if the sweep (:func:`fail_stalled`) failed it while ``work`` ran, it stays failed. Work
    that writes to the database ends the job inside its own transaction with :func:`finish_within`, so
    that its rows and the job's ending commit together, or (the sweep having come first) neither does.
    """
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    job = Job.objects.select_related("owner").get(pk=job_id)
    try:
        message, result_url = work(job)
    except JobStopped:
        logger.warning(
            "Job %s (%s) was failed by the sweep while it ran; its writes were undone", job_id, job.kind
        )
        return
    except JobFailed as exc:
        finish(job_id, JobStatus.FAILED, exc.message, "\n".join(exc.details) or exc.message)
        return
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        finish(job_id, JobStatus.FAILED, "Something went wrong.", f"{exc.__class__.__name__}: {exc}")
        raise
    if not finish(job_id, JobStatus.DONE, message, "", result_url) and not _is_done(job_id):
        logger.warning("Job %s (%s) was failed by the sweep before it could finish", job_id, job.kind)
        _remove_files(job_id)


def finish(job_id: str, status: str, message: str, error: str, result_url: str = "") -> bool:
    """End a job that is still running (one conditional UPDATE). False if it had already ended (the sweep
    failed it, or its work ended it with :func:`finish_within`): the first ending stands."""
    updated = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=status,
        message=message[:300],
        error=error[:MAX_ERROR_CHARS],
        result_url=result_url[:300],
        finished_at=timezone.now(),
    )
    return updated == 1


def finish_within(job_id: str, message: str, result_url: str = "") -> None:
    """Mark a job done inside the transaction that writes its result; raise :class:`JobStopped` (which
    rolls that transaction back) if the sweep has failed it meanwhile. On PostgreSQL the UPDATE waits for
    a sweep that is failing the job at that moment and then finds it no longer running; on SQLite writers
    take turns, so one of the two comes first. Either way the job and its rows agree."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("finish_within() must run inside the transaction that writes the job's result")
    if not finish(job_id, JobStatus.DONE, message, "", result_url):
        raise JobStopped(job_id)


def _is_done(job_id: str) -> bool:
    return Job.objects.filter(pk=job_id, status=JobStatus.DONE).exists()


def _remove_files(job_id: str) -> None:
    """A brief or export whose job was failed by the sweep: its file is never served (only a done job's
    file is), so it is removed rather than left behind."""
    import shutil
    from pathlib import Path

    shutil.rmtree(Path(settings.DATA_DIR) / "insights" / str(job_id), ignore_errors=True)


def fail_stalled(now: datetime | None = None) -> int:
    """Mark failed every job still running after CHALKFACE_JOB_TIMEOUT_SECONDS: its worker died, or it ran
    past its time limit. Returns how many. Each import writes in one transaction, so a worker that died
    left nothing of it in the database; one that is still alive finds its job failed when it comes to end
    it in that transaction, and rolls it back (:func:`finish_within`). A brief or export that outlives the
    sweep keeps no file. The worker's sweep calls this every minute."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=int(getattr(settings, "JOB_TIMEOUT_SECONDS", 900)))
    stalled = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff)
    )
    count = stalled.update(status=JobStatus.FAILED, message=STOPPED, error=STOPPED, finished_at=now)
    if count:
        logger.warning("Marked %d job(s) failed: still running after the time limit", count)
    return count
