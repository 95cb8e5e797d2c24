"""Alerts: officers subscribe to a tool or a workplace; a scheduled run (``chalkface alerts``, from cron or a
systemd timer, or the :func:`compute_alerts` task) computes version-change, incident-rate and equity signals
for what each subscriber may see, and raises an in-app alert and an email for each signal not raised before.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from chalkface.accounts.models import Membership, User
from chalkface.governance.queries import overdue_agreements, people_who_act
from chalkface.insights import actions, extract
from chalkface.insights.frames import scope_filter
from chalkface.insights.incidents import incident_summary
from chalkface.insights.models import Subscription
from chalkface.insights.overview import Finding, kept_overview
from chalkface.insights.release import audience_of, publish
from chalkface.voice.access import Scopes, incident_scopes, narrow, result_scopes, threshold_for


def run_alerts() -> int:
    """Compute signals for every subscriber and raise the new ones; returns how many alerts were raised."""
    # One look at the database for the copy of the check-ins, not one per subscription.
    with extract.snapshot():
        return _run_alerts()


def _run_alerts() -> int:
    raised = 0
    subscriptions = Subscription.objects.select_related("user", "tool", "workplace").order_by("user_id")
    # Signals depend only on what a subscriber may see, which many share (every national officer sees the
    # same campaigns): they are worked out once per audience, not once per subscriber. What each subscriber
    # may see is worked out once per subscriber, not once per subscription.
    cache: dict[str, list[Finding]] = {}
    seen: dict[int, Scopes] = {}
    incidents_seen: dict[int, Scopes] = {}
    counts: dict[str, dict[tuple[int | None, int], int]] = {}
    # What a person may see follows from their memberships alone (organisation and role; administrators
    # see everything), so subscribers who hold the same ones (every officer of a national union) share
    # one working-out of their scopes. Everyone's memberships are read in one query.
    held: dict[int, set[tuple[int, str]]] = {}
    for user_id, organisation_id, role in Membership.objects.filter(
        user__in=subscriptions.values("user")
    ).values_list("user_id", "organisation_id", "role"):
        held.setdefault(user_id, set()).add((organisation_id, role))
    by_memberships: dict[tuple[Any, ...], tuple[Scopes, Scopes]] = {}

    def scopes_of(user: User) -> tuple[Scopes, Scopes]:
        if not user.is_active:
            return {}, {}
        signature = (user.is_superuser, frozenset(held.get(user.pk, ())))
        if signature not in by_memberships:
            by_memberships[signature] = (result_scopes(user), incident_scopes(user))
        return by_memberships[signature]

    for subscription in subscriptions:
        user = subscription.user
        if user.pk not in seen:
            seen[user.pk], incidents_seen[user.pk] = scopes_of(user)
        scopes = seen[user.pk]
        if not scopes:
            continue
        if subscription.tool is not None:
            audience = audience_of(scopes)
            if audience not in cache:
                # the overview's figures, as kept for this audience (the worker computes them ahead)
                k = threshold_for(scopes)
                kept, gate = kept_overview(user, scopes, k)
                found = kept.all_signals
                publish(user, "alert", scopes, k, [f.evidence for f in found], gates=[gate] if gate else [])
                cache[audience] = found
            for finding in cache[audience]:
                if finding.tool != subscription.tool.slug:
                    continue
                title = _("New signal about %(tool)s") % {"tool": subscription.tool.name}
                raised += actions.raise_alert(
                    user, subscription, finding.key, title, finding.sentence, finding.url
                )
        elif subscription.workplace is not None:
            audience = audience_of(scopes)
            if audience not in counts:
                counts[audience] = _counts(scopes)
            raised += _workplace_alerts(user, subscription, scopes, counts[audience], incidents_seen[user.pk])
    return raised + review_alerts()


def _counts(scopes: Scopes) -> dict[tuple[int | None, int], int]:
    """Check-ins by campaign and workplace among those ``scopes`` cover: one pass over the copy of the
    check-ins for every workplace subscription of an audience, instead of loading each workplace's."""
    lazy, _manifest = extract.checkins()
    grouped = lazy.filter(scope_filter(scopes)).group_by("campaign_id", "workplace_id").len().collect()
    return {(c, w): int(n) for c, w, n in grouped.iter_rows()}


def _workplace_alerts(
    user: User,
    subscription: Subscription,
    scopes: Scopes,
    counts: dict[tuple[int | None, int], int],
    incidents_scopes: Scopes,
) -> int:
    """A workplace subscription's alerts: once k people there have answered (a fact about a count, no
    figure), and each further k incident reports (the count published as the workplace page publishes it,
    and recorded as a release to the subscriber)."""
    workplace = subscription.workplace
    assert workplace is not None
    try:
        here = narrow(scopes, None, workplace)
    except PermissionDenied:
        return 0
    k = threshold_for(here)
    raised = 0
    url = reverse("insights:workplace", args=[workplace.slug])
    if sum(counts.get((c, workplace.pk), 0) for c in here) >= k:
        title = _("Results for %(place)s are ready") % {"place": workplace.name}
        body = _("At least %(k)s people at %(place)s have answered, so their results can be shown.") % {
            "k": k,
            "place": workplace.name,
        }
        raised += actions.raise_alert(user, subscription, f"workplace-ready:{workplace.pk}", title, body, url)
    incidents = incident_summary(user, workplace=workplace, scopes=incidents_scopes)
    if incidents is not None and incidents.total is not None:
        publish(user, "alert", here, k, [incidents.published], {"workplace_id": workplace.pk})
        step = incidents.total // incidents.k
        title = _("Incident reports at %(place)s") % {"place": workplace.name}
        body = _("%(n)s incident reports at %(place)s so far.") % {
            "n": incidents.total,
            "place": workplace.name,
        }
        key = f"workplace-incidents:{workplace.pk}:{step}"
        raised += actions.raise_alert(user, subscription, key, title, body, url)
    return raised


def review_alerts() -> int:
    """An alert to each union rep and employer lead who reaches a workplace whose AI agreement's joint review
    date has passed (once per agreement and date). No figures: nothing here goes through the release gate."""
    raised = 0
    for agreement in overdue_agreements(timezone.localdate()):
        assert agreement.review_due is not None
        url = reverse("governance:agreement", args=[agreement.workplace.slug])
        if agreement.deployment_id:
            url += f"?deployment={agreement.deployment_id}"
        title = _("Review of an AI agreement is overdue at %(place)s") % {"place": agreement.workplace.name}
        body = _("The joint review of the %(what)s was due on %(date)s.") % {
            "what": agreement,
            "date": agreement.review_due.isoformat(),
        }
        key = f"agreement-review:{agreement.pk}:{agreement.review_due.isoformat()}"
        for user in people_who_act(agreement):
            raised += actions.raise_alert(user, None, key, title, body, url)
    return raised


@task()
def compute_alerts() -> int:
    """The scheduled task form of :func:`run_alerts`."""
    return run_alerts()
