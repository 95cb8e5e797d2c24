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


def _run_theme_job(job_id: str, work: Any) -> None:
    """Run a theme-discovery job; a run its job did not finish (it failed, or the worker stopped) is marked
    failed, so pages offer to try again."""
    from chalkface.insights import actions
    from chalkface.insights.models import ThemeRun
    from chalkface.jobs import actions as jobs

    try:
        jobs.run(job_id, work)
    finally:
        run = ThemeRun.objects.filter(job_id=job_id).first()
        if run is not None:
            actions.fail_theme_run(run.pk)


def start_themes(user: Any, tool: Tool, campaign: Campaign | None, *, again: bool = False) -> Any:
    """Queue theme discovery in the comments about ``tool`` that ``user`` may read; returns the job.
    ``again``: the worker is finding them again for ``user`` because new comments have come in."""
    from chalkface.insights import actions
    from chalkface.insights.release import audience_of
    from chalkface.insights.themes import comment_scopes, load_comments
    from chalkface.jobs import actions as jobs

    scopes = comment_scopes(user, campaign)
    title = f"Themes in what staff wrote about {tool.name}"
    if again:
        title += ", found again with the new comments"
    job = jobs.start_job(
        user, "insights.themes", title, find_themes, tool.pk, campaign.pk if campaign else None
    )
    actions.queue_theme_run(
        tool, audience_of(scopes), job, len(load_comments(scopes, tool)), asked_by=user, campaign=campaign
    )
    return job


def refresh_themes(user: Any, tool: Tool, campaign: Campaign | None, job: Any) -> None:
    """Find the themes for a brief when the comments ``user`` may read have changed since they were last
    found (or were never), unless another job is finding them now. Runs inside that job, on the worker."""
    from chalkface.insights import actions
    from chalkface.insights.release import audience_of
    from chalkface.insights.themes import (
        comment_scopes,
        fit_themes,
        latest_done,
        latest_run,
        load_comments,
        still_running,
    )
    from chalkface.voice.access import threshold_for

    try:
        scopes = comment_scopes(user, campaign)
    except PermissionDenied:
        return
    if not scopes:
        return
    k = threshold_for(scopes)
    comments = load_comments(scopes, tool)
    audience = audience_of(scopes)
    done = latest_done(tool, audience)
    if len(comments) < 2 * k or still_running(latest_run(tool, audience)):
        return
    if done is not None and done.fingerprint == comments.fingerprint:
        return
    run = actions.queue_theme_run(tool, audience, job, len(comments), asked_by=user, campaign=campaign)
    try:
        result = fit_themes(comments, k)
    except Exception:
        actions.fail_theme_run(run.pk)
        raise
    actions.save_theme_run(run.pk, comments.fingerprint, result)


@task()
def find_themes(job_id: str, tool_id: int, campaign_id: int | None) -> None:
    """The task: find the themes in the comments the job's owner may read; store them for that audience."""
    from chalkface.insights import actions
    from chalkface.insights.models import ThemeRun
    from chalkface.insights.themes import comment_scopes, fit_themes, load_comments
    from chalkface.jobs import actions as jobs
    from chalkface.voice.access import threshold_for

    def work(job: Any) -> tuple[str, str]:
        tool = Tool.objects.get(pk=tool_id)
        campaign = Campaign.objects.get(pk=campaign_id) if campaign_id else None
        run = ThemeRun.objects.filter(job_id=job_id).first()
        try:
            scopes = comment_scopes(job.owner, campaign)
        except PermissionDenied as denied:
            raise jobs.JobFailed(str(denied)) from None
        if not scopes:
            raise jobs.JobFailed("No campaign lets you read what its staff wrote about this tool.")
        k = threshold_for(scopes)
        comments = load_comments(scopes, tool)
        if len(comments) < 2 * k:
            raise jobs.JobFailed(
                f"Themes need at least {2 * k} comments (twice the campaign's threshold of {k}); "
                "there are fewer."
            )
        # Progress in hundredths, never as a count of comments (which would be an exact, unprotected count):
        # reading the comments is the first 80, grouping them the rest.
        total = 100

        def progress(done: int, count: int) -> None:
            jobs.set_progress(job_id, 80 * done // max(count, 1), total, "Reading the comments")

        jobs.set_progress(job_id, 0, total, "Reading the comments")
        result = fit_themes(comments, k, progress=progress)
        jobs.set_progress(job_id, total, total, "Saving the themes")
        query = f"?campaign={campaign.slug}" if campaign else ""
        url = reverse("insights:tool", args=[tool.slug]) + query + "#what-staff-wrote"
        # no exact count of comments: two runs' counts subtracted would tell when someone wrote
        message = f"Found the themes in what staff wrote about {tool.name}."
        actions.finish_theme_job(run.pk if run else None, comments.fingerprint, result, job_id, message, url)
        return message, url

    _run_theme_job(job_id, work)


def start_incident_themes(user: Any, campaign: Campaign) -> Any:
    """Queue theme discovery in the incident reports of ``campaign`` that ``user`` may see."""
    from chalkface.insights import actions
    from chalkface.insights.incident_themes import KIND, audience, load_reports
    from chalkface.jobs import actions as jobs

    title = f"Themes in the incident reports of {campaign.name}"
    job = jobs.start_job(user, "insights.incident_themes", title, find_incident_themes, campaign.pk)
    actions.queue_theme_run(None, audience(user, campaign), job, len(load_reports(user, campaign)), KIND)
    return job


@task()
def find_incident_themes(job_id: str, campaign_id: int) -> None:
    """The task: find the themes in the incident reports the job's owner may see, and store them."""
    from chalkface.insights import actions
    from chalkface.insights.incident_themes import MIN_REPORTS, MIN_THEME, load_reports
    from chalkface.insights.models import ThemeRun
    from chalkface.insights.themes import fit_themes
    from chalkface.jobs import actions as jobs

    def work(job: Any) -> tuple[str, str]:
        campaign = Campaign.objects.get(pk=campaign_id)
        run = ThemeRun.objects.filter(job_id=job_id).first()
        try:
            reports = load_reports(job.owner, campaign)
        except PermissionDenied as denied:
            raise jobs.JobFailed(str(denied)) from None
        if len(reports) < MIN_REPORTS:
            raise jobs.JobFailed(f"Themes need at least {MIN_REPORTS} reports with a description.")
        total = len(reports) + 1

        def progress(done: int, _count: int) -> None:
            jobs.set_progress(job_id, done, total, "Reading the reports")

        result = fit_themes(reports, MIN_THEME, progress=progress)
        jobs.set_progress(job_id, total, total, "Saving the themes")
        url = reverse("insights:incident_themes", args=[campaign.slug])
        message = f"Found {len(result['themes'])} themes in {len(reports)} incident reports."
        actions.finish_theme_job(run.pk if run else None, reports.fingerprint, result, job_id, message, url)
        return message, url

    _run_theme_job(job_id, work)


@task()
def make_brief(job_id: str, tool_id: int, campaign_id: int | None, fmt: str) -> None:
    """The task: build the brief for the job's owner, as that person may see it."""
    from chalkface.insights.brief import brief_for_user
    from chalkface.jobs import actions as jobs

    def work(job: Any) -> tuple[str, str]:
        tool = Tool.objects.get(pk=tool_id)
        campaign = Campaign.objects.get(pk=campaign_id) if campaign_id else None
        jobs.set_progress(job_id, 0, 3, "Finding the themes in what staff wrote")
        refresh_themes(job.owner, tool, campaign, job)
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


@task()
def compute_figures(page: str, params: dict[str, Any]) -> str:
    """Compute and keep the figures of a page that was too large to compute during its view (see
    :func:`chalkface.insights.precomputed.defer_if_large`), as the worker's warming does: what the release
    history decided is saved; no release is recorded to anyone, as nobody has seen them yet. If it fails,
    the page says so instead of "being computed"."""
    from chalkface.insights import actions, precomputed

    try:
        gates = _compute_figures(page, params)
    except Exception:
        if params.get("ask"):
            precomputed.computation_failed(params["ask"])
        raise
    for history in {id(g.history): g.history for g in gates}.values():
        actions.save_history(history)
    return page


def _compute_figures(page: str, params: dict[str, Any]) -> list[Any]:
    from django.utils import translation

    from chalkface.accounts.models import User
    from chalkface.insights import precomputed

    gates: list[Any]
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        if page == "overview":
            from chalkface.insights.overview import kept_overview
            from chalkface.voice.access import result_scopes

            user = User.objects.get(pk=params["user"])
            _overview, gate = kept_overview(user, result_scopes(user), params["k"])
            gates = [gate] if gate is not None else []
        elif page == "export":
            from chalkface.insights.opendata import kept_estimates

            campaign = Campaign.objects.get(pk=params["campaign"])
            _tables, gates = kept_estimates(precomputed.scopes_from(params["scopes"]), campaign)
        else:
            scopes = precomputed.scopes_from(params["scopes"])
            tool = Tool.objects.get(slug=params["tool"])
            gates = _compute_tool_page(page, scopes, tool, params)
    return gates


def _compute_tool_page(page: str, scopes: Any, tool: Tool, params: dict[str, Any]) -> list[Any]:
    from chalkface.insights.weighting import weighting_for

    k = params["k"]
    if page == "tool":
        from chalkface.insights.results import kept_tool_figures

        wanted = weighting_for(scopes, params.get("weighting"))
        _found, gates = kept_tool_figures(scopes, tool, k, params.get("conditions") or {}, wanted)
        return gates
    if page == "brief":
        from chalkface.insights.brief import kept_brief_figures

        _figures, gates = kept_brief_figures(scopes, tool, k, weighting_for(scopes, params.get("weighting")))
        return gates
    if page == "compare":
        from chalkface.insights.results import kept_comparisons

        before, after = params["pair"]
        _out, gates = kept_comparisons(scopes, tool, k, before, after)
        return gates
    raise ValueError(f"no such page: {page}")
