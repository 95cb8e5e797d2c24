"""Alerts: officers subscribe to a tool or a workplace; a scheduled run (``chalkface alerts``, from cron or a
systemd timer, or the :func:`compute_alerts` task) computes version-change, incident-rate and equity signals
for what each subscriber may see, and raises an in-app alert and an email for each signal not raised before.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from chalkface.insights import services
from chalkface.insights.models import Alert, Subscription
from chalkface.register.models import Tool
from chalkface.workplaces.models import Organisation


def set_subscription(
    user: Any, *, tool: Tool | None = None, workplace: Organisation | None = None, on: bool = True
) -> Subscription | None:
    """Subscribe the user to a tool or a workplace (or, with ``on=False``, stop)."""
    if (tool is None) == (workplace is None):
        raise ValueError("subscribe to a tool or to a workplace")
    found = Subscription.objects.filter(user=user, tool=tool, workplace=workplace).first()
    if not on:
        if found:
            found.delete()
        return None
    return found or Subscription.objects.create(user=user, tool=tool, workplace=workplace)


def _raise(user: Any, subscription: Subscription, key: str, title: str, body: str, url: str) -> bool:
    try:
        with transaction.atomic():
            Alert.objects.create(
                user=user,
                subscription=subscription,
                key=key[:300],
                title=title[:300],
                body=body,
                url=url[:500],
            )
    except IntegrityError:
        return False
    site = getattr(settings, "SITE_URL", "")
    send_mail(
        f"Chalkface: {title}"[:200],
        f"{body}\n\n{_('See the evidence:')} {site}{url}\n",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=True,
    )
    return True


def run_alerts() -> int:
    """Compute signals for every subscriber and raise the new ones; returns how many alerts were raised."""
    raised = 0
    subscriptions = Subscription.objects.select_related("user", "tool", "workplace").order_by("user_id")
    cache: dict[int, list[services.Finding]] = {}
    for subscription in subscriptions:
        user = subscription.user
        if not user.is_active or not services.can_see_results(user):
            continue
        if subscription.tool is not None:
            if user.pk not in cache:
                scopes = services.result_scopes(user)
                frame = services.results_frame(user)
                cache[user.pk] = services.find_signals(
                    frame, services._incident_frame(user), services.threshold_for(scopes), limit=1000
                )
            for finding in cache[user.pk]:
                if finding.tool != subscription.tool.slug:
                    continue
                title = _("New signal about %(tool)s") % {"tool": subscription.tool.name}
                raised += _raise(user, subscription, finding.key, title, finding.sentence, finding.url)
        elif subscription.workplace is not None:
            try:
                results = services.workplace_results(user, subscription.workplace)
            except (services.PermissionDenied, services.SliceRefused):
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
                raised += _raise(
                    user, subscription, f"workplace-ready:{subscription.workplace.pk}", title, body, url
                )
            if results.incidents and results.incidents.total is not None:
                step = results.incidents.total // results.k
                title = _("Incident reports at %(place)s") % {"place": subscription.workplace.name}
                body = _("%(n)s incident reports at %(place)s so far.") % {
                    "n": results.incidents.total,
                    "place": subscription.workplace.name,
                }
                raised += _raise(
                    user,
                    subscription,
                    f"workplace-incidents:{subscription.workplace.pk}:{step}",
                    title,
                    body,
                    url,
                )
    return raised


@task()
def compute_alerts() -> int:
    """The scheduled task form of :func:`run_alerts`."""
    return run_alerts()
