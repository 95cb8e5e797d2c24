"""What the insight layer remembers: what was released to whom (the release gate's record), each campaign's
privacy budget, and alert subscriptions with the alerts they raised."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReleaseRecord(models.Model):
    """One release of figures through the release gate: which channel, to whom, what (a digest, how many),
    when (the day). Staff-side: it says what a viewer was shown, nothing about who answered."""

    channel = models.CharField(max_length=40)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    audience = models.CharField(
        max_length=300, help_text=_("The campaigns (and workplaces) the figures describe")
    )
    released_on = models.DateField(default=timezone.localdate)
    figures = models.PositiveIntegerField()
    shown = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["channel", "released_on"])]

    def __str__(self) -> str:
        return f"{self.channel} ({self.figures} figures)"


class ReleasedGroup(models.Model):
    """A group of check-ins whose figures have been released (or that the release history hid), for
    everyone: its conditions, and for each measure how many answered and the sum of their record keys.
    Later releases are judged against these (:mod:`chalkface.evidence.history`). Never shown to anyone;
    it holds no answer and nothing about any one person."""

    label_hash = models.CharField(max_length=64, unique=True)
    label = models.TextField(help_text=_("The group's conditions, column by column"))
    counts = models.JSONField(help_text=_("[measure, n, record-key sum] for each measure"))
    refused = models.BooleanField(default=False)
    released_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return self.label[:80]


class ReleaseIsolation(models.Model):
    """A pair of released groups, one inside the other, that differ by fewer than k people:
    ``fingerprint`` (the sum of those people's record keys) says who, without saying who."""

    fingerprint = models.BigIntegerField()
    pair_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fingerprint", "pair_hash"], name="one_isolation_per_pair")
        ]

    def __str__(self) -> str:
        return f"isolation {self.fingerprint}"


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


class ThemeRunStatus(models.TextChoices):
    RUNNING = "running", _("Finding the themes")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ThemeRun(models.Model):
    """The themes found in the comments about one tool that one audience may read (its campaigns, and
    workplaces when narrowed): which comment belongs to which theme, each theme's keywords and its quotable
    comments best first. Pages publish from it (``chalkface.insights.themes``), redacting every quote again
    as it is shown; it is staff-side and holds no text, only the check-ins' ids."""

    #: What was read: staff comments about one tool, or the descriptions of a campaign's incident reports.
    kind = models.CharField(max_length=20, default="comments")
    tool = models.ForeignKey(
        "register.Tool", null=True, blank=True, on_delete=models.CASCADE, related_name="theme_runs"
    )
    audience = models.CharField(max_length=300, help_text=_("The campaigns (and workplaces) of the comments"))
    fingerprint = models.CharField(max_length=64, help_text=_("Digest of the comments the themes came from"))
    status = models.CharField(max_length=10, choices=ThemeRunStatus.choices, default=ThemeRunStatus.RUNNING)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: Who asked, and within which campaign (none: all they may read): the worker finds the themes again for
    #: them once enough new comments have come in (``chalkface.insights.theme_refresh``).
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        "voice.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    n_texts = models.PositiveIntegerField(default=0)
    seed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tool", "audience", "created_at"])]

    def __str__(self) -> str:
        return f"themes of {self.tool_id} for {self.audience}"


class WorkforceMargins(models.Model):
    """The workforce that national and regional figures are weighted to: headcounts (or shares) by role,
    phase and region, with where they come from. The newest set is used; older ones stay for the record."""

    name = models.CharField(
        max_length=200, help_text=_("For example: School workforce in England, November 2024")
    )
    source = models.TextField(help_text=_("The release and table the numbers come from, with its address"))
    licence = models.CharField(
        max_length=200, blank=True, help_text=_("For example: Open Government Licence v3.0")
    )
    #: ``{"role": {"teacher": 468000, ...}, "phase": {...}, "region": {...}}``
    margins = models.JSONField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name_plural = "workforce margins"

    def __str__(self) -> str:
        return self.name
