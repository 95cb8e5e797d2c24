"""Briefs and open-data exports started from the web run on the task worker as jobs their owner follows."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_tasks import task

from chalkface.register.models import Tool
from chalkface.voice.models import Campaign


def job_folder(job_id: str) -> Path:
    folder = Path(settings.DATA_DIR) / "insights" / str(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_brief(user: Any, tool: Tool, campaign: Campaign | None, fmt: str) -> Any:
    from chalkface.jobs import actions as jobs

    title = f"Evidence brief for {tool.name} ({fmt.upper()})"
    return jobs.start_job(
        user, "insights.brief", title, make_brief, tool.pk, campaign.pk if campaign else None, fmt
    )


def start_export(user: Any, campaign: Campaign, fmt: str, *, dp: bool) -> Any:
    from chalkface.jobs import actions as jobs

    title = f"Open data for {campaign.name} ({fmt})"
    return jobs.start_job(user, "insights.export", title, make_export, campaign.pk, fmt, dp)


@task()
def make_brief(job_id: str, tool_id: int, campaign_id: int | None, fmt: str) -> None:
    """The task: build the brief for the job's owner, as that person may see it."""
    from chalkface.insights.brief import brief_for_user
    from chalkface.jobs import actions as jobs

    def work(job: Any) -> tuple[str, str]:
        tool = Tool.objects.get(pk=tool_id)
        campaign = Campaign.objects.get(pk=campaign_id) if campaign_id else None
        jobs.set_progress(job_id, 0, 3, "Computing the figures")
        try:
            document = brief_for_user(job.owner, tool, campaign=campaign, channel=f"brief.{fmt}")
        except PermissionDenied as denied:
            raise jobs.JobFailed(str(denied)) from None
        if document.n_responses is None:
            raise jobs.JobFailed(
                f"No brief was made: fewer than k={document.k} people answered about {tool.name} in the "
                "results you may see."
            )
        jobs.set_progress(job_id, 1, 3, "Drawing the charts")
        path = job_folder(job_id) / f"brief-{tool.slug}.{fmt}"
        if fmt == "pdf":
            data = document.pdf()
            jobs.set_progress(job_id, 2, 3, "Writing the PDF")
            path.write_bytes(data)
        else:
            path.write_text(document.html(for_print=False), encoding="utf-8")
        jobs.set_progress(job_id, 3, 3)
        return f"The brief for {tool.name} is ready.", reverse("insights:job_file", args=[job_id])

    jobs.run(job_id, work)


@task()
def make_export(job_id: str, campaign_id: int, fmt: str, dp: bool) -> None:
    """The task: write the campaign's open data for the job's owner, zipped."""
    from chalkface.evidence import BudgetExhausted
    from chalkface.insights.opendata import campaign_export_tables, write_tables, zip_files
    from chalkface.jobs import actions as jobs

    def work(job: Any) -> tuple[str, str]:
        campaign = Campaign.objects.get(pk=campaign_id)
        jobs.set_progress(job_id, 0, 2, "Computing the tables")
        try:
            tables = campaign_export_tables(job.owner, campaign, dp=dp)
        except BudgetExhausted as exc:
            raise jobs.JobFailed(str(exc)) from None
        except PermissionDenied as denied:
            raise jobs.JobFailed(str(denied)) from None
        jobs.set_progress(job_id, 1, 2, "Writing the files")
        scratch = Path(tempfile.mkdtemp(prefix="chalkface-export-"))
        try:
            files = write_tables(tables, fmt, scratch, campaign.slug)
            zip_files(files, job_folder(job_id) / f"{campaign.slug}-open-data-{fmt}.zip")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        jobs.set_progress(job_id, 2, 2)
        return f"The open data for {campaign.name} is ready.", reverse("insights:job_file", args=[job_id])

    jobs.run(job_id, work)
