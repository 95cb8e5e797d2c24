"""Insight pages: the overview, a tool's results (with slicing through the release gate), two versions side
by side, a workplace's results, briefs and open data, alerts.

Access: every page needs a signed-in person who sees the results of at least one campaign (as its owner's
officer or employer lead, as a rep of one of its workplaces, or because the owner shared its results); what
each page shows comes from :mod:`chalkface.insights.results` and :mod:`chalkface.insights.overview`, which
apply the sharing rules and disclosure control. Raw responses are never shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chalkface.insights import actions
from chalkface.insights.charts import counts_chart, estimate_chart, figure_rows
from chalkface.insights.filters import FILTERS, InvalidFilter
from chalkface.insights.models import Alert, Subscription
from chalkface.insights.overview import overview as officer_overview
from chalkface.insights.redflags import tool_flags, workplace_flags
from chalkface.insights.results import ToolResults, tool_results, version_comparison, workplace_results
from chalkface.insights.themes import themes_section
from chalkface.insights.weighting import CHOICES as WEIGHTING_CHOICES
from chalkface.insights.wording import (
    CHART_LABELS,
    CONTEXT_GROUPINGS,
    GROUPING_NOUNS,
    MEASURE_LABELS,
    MEASURES,
    NO_INCIDENT_COUNTS,
    label_for,
)
from chalkface.register.models import Tool, ToolVersion
from chalkface.voice.access import can_export, can_see_results, narrow, result_scopes, visible_campaigns
from chalkface.voice.models import Campaign
from chalkface.web import labels
from chalkface.workplaces.models import Organisation

NO_RESULTS = gettext_lazy("No campaign has shared its results with you yet.")


def _require_results(request: HttpRequest) -> None:
    if not can_see_results(request.user):
        raise PermissionDenied(str(NO_RESULTS))


def _campaign(request: HttpRequest) -> Campaign | None:
    slug = request.GET.get("campaign") or request.POST.get("campaign") or ""
    if not slug:
        return None
    campaign = visible_campaigns(request.user).filter(slug=slug).first()
    if campaign is None:
        raise PermissionDenied(_("The owner of this campaign has not shared its results with you."))
    return campaign


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """For an officer: campaigns, responses and workplaces covered, the strongest signals. Someone who has
    been shared nothing is told why, and who can share, rather than refused."""
    if not can_see_results(request.user):
        return render(request, "insights/nothing_shared.html", status=200)
    summary = officer_overview(request.user)
    return render(
        request,
        "insights/overview.html",
        {
            "summary": summary,
            "alerts": Alert.objects.filter(user=request.user, read=False)[:10],
            "can_download": any(can_export(request.user, c) for c in visible_campaigns(request.user)),
        },
    )


def _filter_choices(tool: Tool) -> list[dict[str, Any]]:
    versions = [
        (v, v)
        for v in ToolVersion.objects.filter(tool=tool)
        .order_by("release_date")
        .values_list("label", flat=True)
    ]
    quintiles = [(str(q), str(q)) for q in range(1, 6)]
    return [
        {"name": "role", "label": _("Role"), "choices": labels.choices("staff_roles")},
        {"name": "phase", "label": _("Phase"), "choices": labels.choices("phases")},
        {"name": "region", "label": _("Region"), "choices": labels.choices("regions")},
        {
            "name": "deprivation_quintile",
            "label": _("Deprivation quintile (1 least deprived)"),
            "choices": quintiles,
        },
        {"name": "version", "label": _("Version"), "choices": versions},
        {"name": "period", "label": _("Period (quarter, e.g. 2025 Q3)"), "choices": None},
    ]


def _charts(results: ToolResults, measure: str) -> dict[str, Any]:
    label = str(CHART_LABELS.get(measure, measure))
    charts = []
    for by, tables in results.breakdowns.items():
        for table in tables:
            if table.measure == measure:
                charts.append(
                    estimate_chart(
                        f"chart-{by}", table, label, str(CONTEXT_GROUPINGS[by]), str(GROUPING_NOUNS[by])
                    )
                )
    incident_charts = []
    if results.incidents:
        incident_charts.append(
            counts_chart(
                "chart-incidents-category",
                results.incidents.by_category,
                _("Incidents"),
                _("Category"),
                str(NO_INCIDENT_COUNTS),
            )
        )
        incident_charts.append(
            counts_chart(
                "chart-incidents-severity",
                results.incidents.by_severity,
                _("Incidents"),
                _("Severity"),
                str(NO_INCIDENT_COUNTS),
            )
        )
    # The chart library is loaded only by a page that draws a chart (results hidden or filtered: none).
    drawn = any(c.drawn for c in [*charts, *incident_charts]) and not results.filtered
    return {"charts": charts, "incident_charts": incident_charts, "charts_drawn": drawn}


def headline_rows(tables: list[Any]) -> list[dict[str, Any]]:
    """One row per measure for the headline table: its label, kind and the shown statistic."""
    rows = []
    for table in tables:
        for row in figure_rows(table):
            rows.append(
                {
                    "measure": str(MEASURE_LABELS.get(table.measure, table.measure)),
                    "kind": table.kind,
                    **row,
                }
            )
    return rows


@login_required
def tool(request: HttpRequest, slug: str) -> HttpResponse:
    """A tool's results: headline measures with intervals; by version, role and context; incidents."""
    found = get_object_or_404(Tool.objects.select_related("supplier"), slug=slug)
    _require_results(request)
    campaign = _campaign(request)
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    measure = request.GET.get("measure") or "workload"
    if measure not in MEASURES:
        measure = "workload"
    context: dict[str, Any] = {
        "tool": found,
        "campaign": campaign,
        "campaigns": visible_campaigns(request.user),
        "filters": filters,
        "filter_fields": [{**f, "value": filters.get(f["name"], "")} for f in _filter_choices(found)],
        "measure": measure,
        "measures": [(m, str(MEASURE_LABELS[m])) for m in MEASURES],
        "subscribed": Subscription.objects.filter(user=request.user, tool=found).exists(),
        "weighting_choices": WEIGHTING_CHOICES,
        "weighting_asked": request.GET.get("weighting", ""),
    }
    status = 200
    try:
        results = tool_results(
            request.user,
            found,
            campaign=campaign,
            filters=filters,
            weighting=request.GET.get("weighting") or None,
        )
    except InvalidFilter as error:
        context["invalid"] = str(error)
        status = 400
    else:
        context["results"] = results
        context["headline"] = headline_rows(results.headline)
        context.update(_charts(results, measure))
        context["group_names"] = {by: str(label) for by, label in CONTEXT_GROUPINGS.items()}
        context["themes"] = themes_section(
            request.user, found, campaign=campaign, conditions=results.conditions
        )
    context["red_flags"] = tool_flags(found, context.get("results"))
    return render(request, "insights/tool.html", context, status=status)


@login_required
@require_POST
def find_themes(request: HttpRequest, slug: str) -> HttpResponse:
    """Start finding the themes in what staff wrote about a tool (on the task worker), then follow the job."""
    from chalkface.insights.tasks import start_themes

    found = get_object_or_404(Tool, slug=slug)
    _require_results(request)
    campaign = _campaign(request)
    section = themes_section(request.user, found, campaign=campaign, show=False)
    back = reverse("insights:tool", args=[found.slug]) + (f"?campaign={campaign.slug}" if campaign else "")
    if section.state == "running" and section.run is not None and section.run.job is not None:
        return redirect(section.run.job.get_absolute_url())
    if section.state == "not_shared":
        raise PermissionDenied(_("The campaign owners have not shared staff comments with you."))
    if section.state == "too_few":
        messages.error(request, _("There are not yet enough comments to find themes in."))
        return redirect(back + "#what-staff-wrote")
    job = start_themes(request.user, found, campaign)
    return redirect(job.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def incident_themes(request: HttpRequest, slug: str) -> HttpResponse:
    """What keeps coming up in a campaign's incident reports (GET); start finding it (POST)."""
    from chalkface.insights.incident_themes import incident_themes as themes_of
    from chalkface.insights.tasks import start_incident_themes

    campaign = get_object_or_404(visible_campaigns(request.user), slug=slug)
    found = themes_of(request.user, campaign)
    if request.method == "POST":
        if found.state == "running" and found.run is not None and found.run.job is not None:
            return redirect(found.run.job.get_absolute_url())
        if found.state == "too_few":
            messages.error(request, _("There are not yet enough reports to find themes in."))
            return redirect(reverse("insights:incident_themes", args=[campaign.slug]))
        return redirect(start_incident_themes(request.user, campaign).get_absolute_url())
    return render(request, "insights/incident_themes.html", {"campaign": campaign, "found": found})


@login_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Two versions of one tool side by side."""
    found = get_object_or_404(Tool, slug=slug)
    _require_results(request)
    campaign = _campaign(request)
    versions = list(
        ToolVersion.objects.filter(tool=found).order_by("release_date").values_list("label", flat=True)
    )
    before = request.GET.get("before") or (versions[-2] if len(versions) > 1 else "")
    after = request.GET.get("after") or (versions[-1] if versions else "")
    context: dict[str, Any] = {
        "tool": found,
        "campaign": campaign,
        "versions": versions,
        "before": before,
        "after": after,
    }
    status = 200
    if before and after and before != after:
        try:
            comparisons = version_comparison(request.user, found, before, after, campaign=campaign)
        except InvalidFilter as error:
            context["invalid"] = str(error)
            status = 400
        else:
            context["comparisons"] = [
                {"label": str(MEASURE_LABELS.get(c.measure, c.measure)), "c": c} for c in comparisons
            ]
    return render(request, "insights/compare.html", context, status=status)


@login_required
def workplace(request: HttpRequest, slug: str) -> HttpResponse:
    """A workplace's results once at least k responded, its deployments and incidents."""
    found = get_object_or_404(Organisation, slug=slug)
    campaign = _campaign(request)
    context: dict[str, Any] = {"workplace": found, "campaign": campaign}
    results = workplace_results(request.user, found, campaign=campaign)
    context["results"] = results
    context["headline"] = headline_rows(results.headline)
    context["subscribed"] = Subscription.objects.filter(user=request.user, workplace=found).exists()
    context["red_flags"] = workplace_flags(request.user, found)
    return render(request, "insights/workplace.html", context)


# ---------------------------------------------------------------------------------------------------------
# Briefs and open data: started here, made on the task worker, followed on the job's progress page.


@login_required
def brief(request: HttpRequest, slug: str) -> HttpResponse:
    """The evidence brief as a web page (GET), or a PDF or HTML file made in the background (POST)."""
    found = get_object_or_404(Tool, slug=slug)
    _require_results(request)
    campaign = _campaign(request)
    if request.method == "POST":
        from chalkface.insights.tasks import start_brief

        fmt = request.POST.get("format") if request.POST.get("format") in ("pdf", "html") else "pdf"
        job = start_brief(request.user, found, campaign, fmt)
        return redirect(job.get_absolute_url())
    from chalkface.insights.brief import brief_for_user

    document = brief_for_user(request.user, found, campaign=campaign)
    return HttpResponse(document.html())


@login_required
def open_data(request: HttpRequest) -> HttpResponse:
    """The download page: the campaigns whose open data the person may download."""
    campaigns = [c for c in visible_campaigns(request.user) if can_export(request.user, c)]
    if not campaigns:
        raise PermissionDenied(
            _("Open data is for the people who run a campaign and those its owner shares results with.")
        )
    if request.method == "POST":
        from chalkface.insights.tasks import start_export

        slug = request.POST.get("campaign", "")
        chosen = next((c for c in campaigns if c.slug == slug), None)
        fmt = request.POST.get("format", "csv")
        if chosen is None or fmt not in ("csv", "xlsx", "parquet"):
            messages.error(request, _("Choose a campaign and a format."))
            return redirect("insights:open_data")
        job = start_export(request.user, chosen, fmt, dp=request.POST.get("dp") == "on")
        return redirect(job.get_absolute_url())
    return render(request, "insights/open_data.html", {"campaigns": campaigns})


@login_required
def job_file(request: HttpRequest, pk: str) -> HttpResponse:
    """The file a brief or export job made, for the person who started it."""
    from chalkface.jobs.models import Job, JobStatus

    job = get_object_or_404(Job, pk=pk)
    if job.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the person who started this job can download its file."))
    folder = Path(settings.DATA_DIR) / "insights" / str(job.pk)
    files = sorted(folder.glob("*")) if job.status == JobStatus.DONE and folder.is_dir() else []
    if not files:
        raise Http404(_("This file is not ready, or no longer kept."))
    return FileResponse(files[0].open("rb"), as_attachment=True, filename=files[0].name)


# ---------------------------------------------------------------------------------------------------------
# Alerts


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    _require_results(request)
    found = Alert.objects.filter(user=request.user)
    subscriptions = Subscription.objects.filter(user=request.user).select_related("tool", "workplace")
    return render(request, "insights/alerts.html", {"alerts": found[:100], "subscriptions": subscriptions})


@login_required
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    _require_results(request)
    tool_slug = request.POST.get("tool", "")
    workplace_slug = request.POST.get("workplace", "")
    stop = request.POST.get("stop") == "1"
    if tool_slug:
        subject: Any = get_object_or_404(Tool, slug=tool_slug)
        actions.set_subscription(request.user, tool=subject, on=not stop)
        back = reverse("insights:tool", args=[subject.slug])
    elif workplace_slug:
        subject = get_object_or_404(Organisation, slug=workplace_slug)
        narrow(result_scopes(request.user), None, subject)  # the same access as the workplace page
        actions.set_subscription(request.user, workplace=subject, on=not stop)
        back = reverse("insights:workplace", args=[subject.slug])
    else:
        raise Http404
    if stop:
        messages.success(request, _("You will no longer get alerts about %(name)s.") % {"name": subject})
    else:
        messages.success(
            request, _("You will get an alert when there is a new signal about %(name)s.") % {"name": subject}
        )
    return redirect(back)


@login_required
@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    found = actions.mark_alert_read(get_object_or_404(Alert, pk=pk, user=request.user))
    return redirect(found.url or reverse("insights:alerts"))


@login_required
def margins(request: HttpRequest) -> HttpResponse:
    """The workforce margins national and regional figures are weighted to; officers add new ones."""
    from chalkface.accounts.permissions import can
    from chalkface.insights.actions import add_margins
    from chalkface.insights.forms import MarginsForm
    from chalkface.insights.models import WorkforceMargins
    from chalkface.insights.weighting import current_margins

    _require_results(request)
    may_add = can(request.user, "set_workforce_margins")
    form = MarginsForm() if may_add else None
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied(_("Union officers and administrators add workforce margins."))
        form = MarginsForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            add_margins(
                request.user,
                name=data["name"],
                source=data["source"],
                licence=data["licence"],
                margins=data["margins"],
            )
            messages.success(
                request,
                _("The margins have been added: national and regional figures are now weighted to them."),
            )
            return redirect("insights:margins")
        status = 400
    current = current_margins()
    table = []
    if current is not None:
        for margin, counts in current.margins.items():
            total = sum(counts.values()) or 1.0
            for category, count in counts.items():
                table.append(
                    {
                        "margin": str(CONTEXT_GROUPINGS.get(margin, margin)),
                        "category": str(label_for(margin, category)),
                        "count": count,
                        "share": 100 * count / total,
                    }
                )
    context = {
        "current": current,
        "table": table,
        "earlier": WorkforceMargins.objects.exclude(pk=getattr(current, "pk", None))[:20],
        "form": form,
    }
    return render(request, "insights/margins.html", context, status=status)
