"""What staff sent: check-ins, incident reports, imports, and submissions waiting to join the results."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chalkface.voice.models.campaigns import Campaign
from chalkface.voice.models.common import new_record_key, typed_measures
from chalkface.voice.models.questions import QuestionSetVersion


class Source(models.TextChoices):
    CODE = "code", _("Single-use access code")
    OPEN_LINK = "open_link", _("Open link (lower trust)")
    REP = "rep", _("Entered by a rep on someone's behalf")
    IMPORT = "import", _("Imported from another survey tool")
    SYNTHETIC = "synthetic", _("Synthetic data")


class ResponseManager(models.Manager["Response"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Response]:
        """Saves check-ins with their typed measure columns filled from their answers."""
        objs = list(objs)
        for obj in objs:
            obj.set_measures()
        return super().bulk_create(objs, *args, **kwargs)


class Response(models.Model):
    """One anonymous check-in. Answers are keyed by question code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    question_set_version = models.ForeignKey(
        QuestionSetVersion, on_delete=models.PROTECT, related_name="responses"
    )
    workplace = models.ForeignKey(
        "workplaces.Organisation", on_delete=models.PROTECT, related_name="responses"
    )
    tool = models.ForeignKey("register.Tool", on_delete=models.PROTECT, related_name="responses")
    # Null means "don't know": the workplace's timeline had no version of the tool live that day.
    tool_version = models.ForeignKey(
        "register.ToolVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    week = models.DateField(help_text=_("The Monday of the week it was submitted; no day, no time"))
    role = models.CharField(max_length=30, blank=True)
    answers = models.JSONField(default=dict)
    source = models.CharField(max_length=12, choices=Source.choices)
    lower_trust = models.BooleanField(default=False)
    # The core measures, typed (see MEASURE_COLUMNS), and the record key for cell-key perturbation.
    time_saved_hours = models.FloatField(null=True, blank=True)
    workload = models.PositiveSmallIntegerField(null=True, blank=True)
    quality = models.PositiveSmallIntegerField(null=True, blank=True)
    wellbeing = models.PositiveSmallIntegerField(null=True, blank=True)
    trust = models.PositiveSmallIntegerField(null=True, blank=True)
    data_concern = models.PositiveSmallIntegerField(null=True, blank=True)
    record_key = models.PositiveIntegerField(default=new_record_key)

    objects = ResponseManager()

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "workplace"]),
            models.Index(fields=["tool", "week"]),
            models.Index(fields=["workplace", "week"]),
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_measures()
        super().save(*args, **kwargs)

    def set_measures(self) -> None:
        """Fill the typed measure columns from ``answers``."""
        for name, value in typed_measures(self.answers or {}).items():
            setattr(self, name, value)


class IncidentCategory(models.TextChoices):
    INACCURATE_OUTPUT = "inaccurate_output", _("Inaccurate or harmful output")
    INAPPROPRIATE_CONTENT = "inappropriate_content", _("Inappropriate content shown to pupils")
    BIAS = "bias", _("Bias or unfair treatment")
    PRIVACY = "privacy_breach", _("Privacy or data breach")
    SURVEILLANCE = "surveillance", _("Surveillance or monitoring of staff")
    WORKLOAD = "workload_increase", _("Workload increase")
    DESKILLING = "deskilling", _("Deskilling or over-reliance")
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    ASSESSMENT = "academic_integrity", _("Assessment and academic integrity")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    OTHER = "other", _("Other")


class Affected(models.TextChoices):
    PUPILS = "pupils", _("Pupils")
    STAFF = "staff", _("Staff")
    PARENTS = "parents", _("Parents")


class Severity(models.TextChoices):
    NEAR_MISS = "near_miss", _("Near miss: no harm, but it could have happened")
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    SEVERE = "severe", _("Severe")


class HarmType(models.TextChoices):
    """The OECD AI Incidents Monitor's harm types."""

    PHYSICAL = "physical", _("Physical harm")
    PSYCHOLOGICAL = "psychological", _("Psychological harm")
    REPUTATIONAL = "reputational", _("Harm to reputation")
    ECONOMIC = "economic", _("Economic or property harm")
    ENVIRONMENTAL = "environmental", _("Harm to the environment")
    PUBLIC_INTEREST = "public_interest", _("Harm to the public interest")
    RIGHTS = "human_rights", _("Harm to human, labour or fundamental rights")
    NONE = "none", _("No harm was done (a near miss)")
    UNCLEAR = "unclear", _("Not sure")


class IncidentStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed")
    RAISED = "raised", _("Raised with the employer")
    RESOLVED = "resolved", _("Resolved")


class IncidentReport(models.Model):
    """Something that went wrong (or nearly did) with an AI tool, reported anonymously."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    workplace = models.ForeignKey(
        "workplaces.Organisation", on_delete=models.PROTECT, related_name="incidents"
    )
    tool = models.ForeignKey("register.Tool", on_delete=models.PROTECT, related_name="incidents")
    tool_version = models.ForeignKey(
        "register.ToolVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    month = models.DateField(help_text=_("The first day of the month it happened"))
    category = models.CharField(max_length=30, choices=IncidentCategory.choices)
    affected = models.JSONField(default=list)
    severity = models.CharField(max_length=12, choices=Severity.choices)
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)
    description = models.TextField(blank=True)
    week = models.DateField(help_text=_("The Monday of the week it was reported"))
    source = models.CharField(max_length=12, choices=Source.choices)
    lower_trust = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.NEW)
    record_key = models.PositiveIntegerField(default=new_record_key)

    class Meta:
        indexes = [models.Index(fields=["campaign", "status"]), models.Index(fields=["tool", "month"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.tool_id}, {self.month:%B %Y})"

    def get_absolute_url(self) -> str:
        return reverse("voice:incident", args=[self.pk])

    def shown_description(self) -> str:
        """The description redacted again as it is shown or exported: it was redacted before it was stored,
        and a redaction rule that improved since catches now what it missed then."""
        if not self.description:
            return ""
        from chalkface import redaction

        names = [self.workplace.name, *(o.name for o in self.workplace.ancestors())]
        return redaction.protect(self.description, workplace_names=names, allow=[self.tool.name])

    def affected_labels(self) -> list[str]:
        labels = dict(Affected.choices)
        return [str(labels.get(a, a)) for a in self.affected]


class ResponseImport(models.Model):
    """A file of responses imported from another survey tool; the fingerprint refuses the same file twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="imports")
    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows} rows)"


class PendingKind(models.TextChoices):
    CHECKIN = "checkin", _("Check-in")
    INCIDENT = "incident", _("Incident report")


class PendingSubmission(models.Model):
    """A submission that has been acknowledged (it is stored and survives a crash) and waits to be moved
    into the results with others, in a shuffled batch. ``payload`` holds the fields of the check-in or
    report to make; nothing here refers to an access code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=PendingKind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    payload = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["campaign", "week"])]

    def __str__(self) -> str:
        return f"pending {self.kind} ({self.campaign_id})"
