"""What the insight layer remembers: the slices each viewer has been shown (for the query auditor), each
campaign's privacy budget, and alert subscriptions with the alerts they raised."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShownSlice(models.Model):
    """A population (filter definition) a viewer has been shown figures for, within one campaign or, with no
    campaign, within everything the viewer may see. The query auditor judges new slices against these."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("voice.Campaign", null=True, blank=True, on_delete=models.CASCADE)
    key = models.CharField(max_length=500)
    conditions = models.JSONField(default=dict)
    shown_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "campaign", "key"], name="one_shown_slice_per_key"),
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=models.Q(campaign__isnull=True),
                name="one_global_shown_slice",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class PrivacyLedger(models.Model):
    """A campaign's privacy budget, stored from :meth:`chalkface.evidence.PrivacyBudget.to_dict`."""

    campaign = models.OneToOneField("voice.Campaign", on_delete=models.CASCADE, related_name="privacy_ledger")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"privacy budget of {self.campaign}"


class Subscription(models.Model):
    """An officer's wish to hear about new signals for a tool or a workplace."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    tool = models.ForeignKey("register.Tool", null=True, blank=True, on_delete=models.CASCADE)
    workplace = models.ForeignKey("workplaces.Organisation", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(tool__isnull=False) & models.Q(workplace__isnull=True))
                | (models.Q(tool__isnull=True) & models.Q(workplace__isnull=False)),
                name="subscription_is_for_a_tool_or_a_workplace",
            ),
            models.UniqueConstraint(fields=["user", "tool"], name="one_subscription_per_tool"),
            models.UniqueConstraint(fields=["user", "workplace"], name="one_subscription_per_workplace"),
        ]

    def __str__(self) -> str:
        return str(self.tool or self.workplace)

    @property
    def subject(self) -> Any:
        return self.tool or self.workplace


class Alert(models.Model):
    """An in-app alert about a signal; ``key`` stops the same signal being raised twice for a person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.SET_NULL)
    key = models.CharField(max_length=300)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("what was found"))
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created_at",)
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_alert_per_signal")]

    def __str__(self) -> str:
        return self.title
