"""Campaigns, what their owner shares, and how staff get in: access codes and open links."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chalkface.voice.models.common import DEFAULT_THRESHOLD, MIN_THRESHOLD
from chalkface.voice.models.questions import QuestionSetVersion


class Campaign(models.Model):
    """A question set asked in some workplaces about some tools for a while, owned by one organisation."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(
        _("name in Welsh"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Shown on pages read in Welsh"),
    )
    owner = models.ForeignKey(
        "workplaces.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_campaigns",
        verbose_name=_("owned by"),
    )
    question_set_version = models.ForeignKey(
        QuestionSetVersion, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("questions")
    )
    workplaces = models.ManyToManyField(
        "workplaces.Organisation", related_name="campaigns", verbose_name=_("workplaces")
    )
    tools = models.ManyToManyField("register.Tool", related_name="campaigns", verbose_name=_("tools"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    threshold = models.PositiveSmallIntegerField(
        _("disclosure threshold"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(MIN_THRESHOLD), MaxValueValidator(1000)],
        help_text=_("Nothing is shown for a group with fewer answers than this (never below 5)"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-opens_on", "name")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=MIN_THRESHOLD), name="campaign_threshold_at_least_5"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("voice:campaign", args=[self.slug])

    @property
    def display_name(self) -> str:
        """The campaign's name in the page's language: its Welsh name, when it has one, on a Welsh page."""
        if self.name_cy and (get_language() or "").startswith("cy"):
            return self.name_cy
        return self.name

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def status_on(self, day: dt.date) -> str:
        """ "open", "not_open" (it opens later) or "closed" (it closed before ``day``)."""
        if day > self.closes_on:
            return "closed"
        return "not_open" if day < self.opens_on else "open"


class Share(models.TextChoices):
    RESULTS = "results", _("Results that passed disclosure control")
    COMMENTS = "comments", _("Protected comments")
    INCIDENTS = "incidents", _("Incident and concern reports")


class CampaignShare(models.Model):
    """What the owner shares with another organisation (union custody: nothing else is visible to it)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("workplaces.Organisation", on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=12, choices=Share.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation", "what"], name="one_share_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.get_what_display()} with {self.organisation}"


class CodeBatch(models.Model):
    """Access codes generated together for one workplace; printed once, never shown again."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="code_batches")
    workplace = models.ForeignKey("workplaces.Organisation", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.size} codes for {self.workplace} ({self.campaign})"


class AccessCode(models.Model):
    """A single-use code, stored only as a keyed hash (see ``codes.py``).

    It records that it was used, never when, and no response refers to it.
    """

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    workplace = models.ForeignKey("workplaces.Organisation", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)
    revoked = models.BooleanField(default=False)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"access code {self.pk} ({self.campaign})"


class OpenLink(models.Model):
    """A link anyone with it can use, for one campaign and workplace; its answers count as lower-trust."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="open_links")
    workplace = models.ForeignKey("workplaces.Organisation", on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    per_hour = models.PositiveIntegerField(
        _("most submissions an hour"), default=60, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"open link for {self.workplace} ({self.campaign})"

    def get_absolute_url(self) -> str:
        return reverse("voice:open_checkin", args=[self.token])
