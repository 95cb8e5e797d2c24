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


def run(job_id: str, work: Callable[[Job], tuple[str, str]]) -> None:
    """Run ``work`` for a job on the worker: it returns (message, result URL) or raises.

    The job is marked running, then done or failed; a failure keeps its error text for the owner.
    """
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    job = Job.objects.select_related("owner").get(pk=job_id)
    try:
        message, result_url = work(job)
    except JobFailed as exc:
        _finish(job_id, JobStatus.FAILED, exc.message, "\n".join(exc.details) or exc.message)
        return
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(job_id, JobStatus.FAILED, "Something went wrong.", f"{exc.__class__.__name__}: {exc}")
        raise
    _finish(job_id, JobStatus.DONE, message, "", result_url)


def _finish(job_id: str, status: str, message: str, error: str, result_url: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        status=status,
        message=message[:300],
        error=error[:MAX_ERROR_CHARS],
        result_url=result_url[:300],
        finished_at=timezone.now(),
    )


def fail_stalled(now: datetime | None = None) -> int:
    """Mark failed every job still running after CHALKFACE_JOB_TIMEOUT_SECONDS: its worker died, or it ran
    past its time limit. Returns how many. Each import writes in one transaction, so a worker that died
    left nothing of it in the database. The worker's sweep calls this every minute."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=int(getattr(settings, "JOB_TIMEOUT_SECONDS", 900)))
    stalled = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff)
    )
    count = stalled.update(status=JobStatus.FAILED, message=STOPPED, error=STOPPED, finished_at=now)
    if count:
        logger.warning("Marked %d job(s) failed: still running after the time limit", count)
    return count
