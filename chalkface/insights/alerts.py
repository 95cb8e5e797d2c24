"""Alerts: officers subscribe to a tool or a workplace; a scheduled run (``chalkface alerts``, from cron or a
systemd timer, or the :func:`compute_alerts` task) computes version-change, incident-rate and equity signals
for what each subscriber may see, and raises an in-app alert and an email for each signal not raised before.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from chalkface.governance.queries import overdue_agreements, people_who_act
from chalkface.insights import actions
from chalkface.insights.frames import incident_frame, scoped_frame
from chalkface.insights.history import gate_for
from chalkface.insights.models import Subscription
from chalkface.insights.overview import Finding, find_signals
from chalkface.insights.release import audience_of, publish
from chalkface.insights.results import workplace_results
from chalkface.voice.access import result_scopes, threshold_for


def run_alerts() -> int:
    """Compute signals for every subscriber and raise the new ones; returns how many alerts were raised."""
    raised = 0
    subscriptions = Subscription.objects.select_related("user", "tool", "workplace").order_by("user_id")
    # Signals depend only on what a subscriber may see, which many share (every national officer sees the
    # same campaigns): they are worked out once per audience, not once per subscriber.
    cache: dict[str, list[Finding]] = {}
    for subscription in subscriptions:
        user = subscription.user
        scopes = result_scopes(user) if user.is_active else {}
        if not scopes:
            continue
        if subscription.tool is not None:
            audience = audience_of(scopes)
            if audience not in cache:
                k = threshold_for(scopes)
                gate = gate_for(k, scopes)
                found = find_signals(scoped_frame(scopes), incident_frame(user), k, limit=1000, gate=gate)
                publish(user, "alert", scopes, k, [f.evidence for f in found], gates=[gate])
                cache[audience] = found
            for finding in cache[audience]:
                if finding.tool != subscription.tool.slug:
                    continue
                title = _("New signal about %(tool)s") % {"tool": subscription.tool.name}
                raised += actions.raise_alert(
                    user, subscription, finding.key, title, finding.sentence, finding.url
                )
        elif subscription.workplace is not None:
            try:
                results = workplace_results(user, subscription.workplace, channel="alert")
            except PermissionDenied:
                continue
            url = reverse("insights:workplace", args=[subscription.workplace.slug])
            if results.enough:
                title = _("Results for %(place)s are ready") % {"place": subscription.workplace.name}
                body = _(
                    "At least %(k)s people at %(place)s have answered, so their results can be shown."
                ) % {
                    "k": results.k,
                    "place": subscription.workplace.name,
                }
                raised += actions.raise_alert(
                    user, subscription, f"workplace-ready:{subscription.workplace.pk}", title, body, url
                )
            if results.incidents and results.incidents.total is not None:
                step = results.incidents.total // results.k
                title = _("Incident reports at %(place)s") % {"place": subscription.workplace.name}
                body = _("%(n)s incident reports at %(place)s so far.") % {
                    "n": results.incidents.total,
                    "place": subscription.workplace.name,
                }
                raised += actions.raise_alert(
                    user,
                    subscription,
                    f"workplace-incidents:{subscription.workplace.pk}:{step}",
                    title,
                    body,
                    url,
                )
    return raised + review_alerts()


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
