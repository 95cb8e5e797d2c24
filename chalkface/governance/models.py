"""Governance records: workplace AI agreements with each side's view of every item, DfE product safety
assessments and data-practice profiles per tool version, and what a deployment is declared to be used for
(with the few ATRS fields the register does not hold)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chalkface.governance import items


class Agreement(models.Model):
    """The workplace AI agreement: for one deployment, or (with no deployment) for all AI at a workplace."""

    workplace = models.ForeignKey(
        "workplaces.Organisation", on_delete=models.CASCADE, related_name="ai_agreements"
    )
    deployment = models.OneToOneField(
        "register.Deployment", null=True, blank=True, on_delete=models.CASCADE, related_name="agreement"
    )
    review_due = models.DateField(
        _("next joint review due"), null=True, blank=True, help_text=_("At least every 12 months")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("workplace", "deployment")
        constraints = [
            models.UniqueConstraint(
                fields=["workplace"],
                condition=models.Q(deployment__isnull=True),
                name="one_whole_workplace_agreement",
            )
        ]

    def __str__(self) -> str:
        if self.deployment_id:
            return str(_("AI agreement for %(deployment)s") % {"deployment": self.deployment})
        return str(_("AI agreement for all AI at %(workplace)s") % {"workplace": self.workplace})

    def get_absolute_url(self) -> str:
        return reverse("governance:agreement", args=[self.pk])

    def review_overdue(self, today: dt.date | None = None) -> bool:
        return self.review_due is not None and self.review_due < (today or timezone.localdate())


class Position(models.Model):
    """One side's view of one item of an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="positions")
    item = models.CharField(_("item"), max_length=80, choices=items.AGREEMENT_ITEMS)
    side = models.CharField(_("side"), max_length=10, choices=items.SIDES)
    status = models.CharField(_("status"), max_length=20, choices=items.AGREEMENT_STATUSES)
    evidence_url = models.URLField(_("link to the evidence"), blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_on = models.DateField(_("date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("agreement", "item", "side")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "item", "side"], name="one_view_per_side_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.item} ({self.side}) {self.status}"


class SafetyAssessment(models.Model):
    """One DfE product safety expectation for one tool version."""

    version = models.ForeignKey(
        "register.ToolVersion", on_delete=models.CASCADE, related_name="safety_assessments"
    )
    expectation = models.CharField(max_length=40, choices=[(e.code, e.label) for e in items.EXPECTATIONS])
    status = models.CharField(_("status"), max_length=20, choices=items.SAFETY_STATUSES)
    supplier_claim = models.TextField(_("what the supplier claims"), blank=True)
    verified_by = models.CharField(_("verified by"), max_length=200, blank=True)
    evidence_url = models.URLField(_("link to the evidence"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)

    class Meta:
        ordering = ("version", "expectation")
        constraints = [
            models.UniqueConstraint(fields=["version", "expectation"], name="one_assessment_per_expectation")
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.expectation} {self.status}"


class DataPractice(models.Model):
    """What a tool version does with data, as its supplier states it (or fails to)."""

    version = models.OneToOneField(
        "register.ToolVersion", on_delete=models.CASCADE, related_name="data_practice"
    )
    staff_data = models.TextField(_("data collected about staff"), blank=True)
    pupil_data = models.TextField(_("data collected about pupils"), blank=True)
    processing_locations = models.CharField(_("where data is processed"), max_length=300, blank=True)
    retention = models.CharField(_("how long data is kept"), max_length=300, blank=True)
    sub_processors = models.TextField(_("sub-processors"), blank=True)
    trains_on_customer_data = models.CharField(
        _("uses customer data to train its models"), max_length=10, choices=items.PRACTICE_ANSWERS
    )
    sells_data = models.CharField(_("sells data"), max_length=10, choices=items.PRACTICE_ANSWERS)
    targeted_ads = models.CharField(_("targeted advertising"), max_length=10, choices=items.PRACTICE_ANSWERS)
    third_party_tracking = models.CharField(
        _("third-party tracking"), max_length=10, choices=items.PRACTICE_ANSWERS
    )
    profiling = models.CharField(_("commercial profiling"), max_length=10, choices=items.PRACTICE_ANSWERS)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evidence_url = models.URLField(_("link to the privacy policy or contract"), blank=True)

    def __str__(self) -> str:
        return f"{self.version}: data practices"

    def answers(self) -> dict[str, str]:
        return {code: getattr(self, code) for code, _label in items.PRACTICES}


class DeploymentRecord(models.Model):
    """What a deployment is declared to be used for, and the ATRS fields the register does not hold."""

    deployment = models.OneToOneField(
        "register.Deployment", on_delete=models.CASCADE, related_name="governance_record"
    )
    intended_uses = models.JSONField(_("what it is used for"), default=list, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=items.ATRS_PHASES, blank=True)
    team = models.CharField(_("team responsible"), max_length=200, blank=True)
    senior_responsible_owner = models.CharField(_("senior responsible owner"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    benefit = models.TextField(_("expected benefit"), blank=True)
    human_decisions_and_review = models.TextField(_("how people review its outputs"), blank=True)
    appeals_and_review = models.TextField(_("how to appeal or ask for a review"), blank=True)
    workers_informed_on = models.DateField(_("staff told on"), null=True, blank=True)
    dpia_on = models.DateField(_("DPIA completed on"), null=True, blank=True)
    dpia_url = models.URLField(_("link to the DPIA"), blank=True)

    def __str__(self) -> str:
        return f"{self.deployment}: record"
