"""How staff speak: question sets, campaigns, access, anonymous check-ins and incident reports.

Protecting the respondent shapes every model here (see docs/privacy.md):

- a :class:`Response` or :class:`IncidentReport` has a random primary key, no time (only the Monday of the
  week it arrived), no IP address, user agent, session, cookie or account, and no link to the access code
  that unlocked it;
- an :class:`AccessCode` is stored only as a keyed hash, and records only *whether* it was used, not when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MIN_THRESHOLD = 5
DEFAULT_THRESHOLD = 10


def week_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week that contains ``day``: the only date a submission keeps."""
    return day - dt.timedelta(days=day.weekday())


def welsh() -> bool:
    return (get_language() or "").startswith("cy")


class QuestionKind(models.TextChoices):
    AGREEMENT = "agreement", _("Five-point agreement scale")
    NUMBER = "number", _("Number with a unit")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


# The five labelled points of the agreement scale, stored as 1-5.
AGREEMENT_POINTS: list[tuple[int, Any]] = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]


class QuestionSet(models.Model):
    """A named instrument, such as the core check-in. Its questions live in versions."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def current(self) -> QuestionSetVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class QuestionSetVersion(models.Model):
    """One fixed wording of a question set. Once anyone has answered it, it is never edited again:
    editing makes a new version (see ``actions.edit_question_set``)."""

    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        ordering = ("question_set", "number")
        constraints = [
            models.UniqueConstraint(fields=["question_set", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.question_set.name} v{self.number}"

    def has_answers(self) -> bool:
        return self.responses.exists()

    def ordered_questions(self) -> list[Question]:
        return list(self.questions.order_by("position"))


class Question(models.Model):
    version = models.ForeignKey(QuestionSetVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(
        max_length=60, help_text=_("Where the answer is stored, e.g. workload; stable across versions")
    )
    construct = models.SlugField(max_length=60, help_text=_("What it measures, e.g. workload"))
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    prompt = models.CharField(max_length=300)
    prompt_cy = models.CharField(max_length=300)
    help = models.CharField(max_length=300, blank=True)
    help_cy = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    reverse_coded = models.BooleanField(
        default=False, help_text=_("Agreeing is the unfavourable answer (reverse the scale to compare)")
    )
    # Questions that share a module (e.g. "pupil_ai") are shown together as an optional section.
    module = models.SlugField(max_length=40, blank=True)
    # Single and multiple choice: [{"value": "...", "label": "...", "label_cy": "..."}].
    options = models.JSONField(default=list, blank=True)
    # Number questions.
    unit = models.CharField(max_length=60, blank=True)
    unit_cy = models.CharField(max_length=60, blank=True)
    unit_one = models.CharField(max_length=60, blank=True, help_text=_("The unit after the number 1"))
    unit_one_cy = models.CharField(max_length=60, blank=True)
    positive_label = models.CharField(max_length=60, blank=True)
    positive_label_cy = models.CharField(max_length=60, blank=True)
    negative_label = models.CharField(max_length=60, blank=True)
    negative_label_cy = models.CharField(max_length=60, blank=True)
    min_value = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    step = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # Free text.
    max_length = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("version", "position")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_code_per_version"),
            models.UniqueConstraint(fields=["version", "position"], name="one_position_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.prompt}"

    # Wording in the active language.
    def text(self) -> str:
        return self.prompt_cy if welsh() and self.prompt_cy else self.prompt

    def help_text(self) -> str:
        return self.help_cy if welsh() and self.help_cy else self.help

    def choices(self) -> list[tuple[str, str]]:
        """(stored value, label in the active language) for choice, agreement and number questions."""
        if self.kind == QuestionKind.AGREEMENT:
            return [(str(value), str(label)) for value, label in AGREEMENT_POINTS]
        if self.kind == QuestionKind.NUMBER:
            return [(_number_value(n), self.number_label(n)) for n in self.number_values()]
        cy = welsh()
        return [
            (str(o["value"]), str(o.get("label_cy") or o["label"]) if cy else str(o["label"]))
            for o in self.options
        ]

    def number_values(self) -> list[Decimal]:
        low = self.min_value if self.min_value is not None else Decimal(0)
        high = self.max_value if self.max_value is not None else Decimal(0)
        step = self.step or Decimal(1)
        values, n = [], high
        while n >= low:
            values.append(n)
            n -= step
        return values

    def number_label(self, n: Decimal) -> str:
        cy = welsh()
        unit = self.unit_cy if cy and self.unit_cy else self.unit
        if abs(n) == 1:
            unit = (self.unit_one_cy if cy and self.unit_one_cy else self.unit_one) or unit
        if n == 0:
            return str(_("No difference"))
        word = (
            (self.positive_label_cy if cy and self.positive_label_cy else self.positive_label)
            if n > 0
            else (self.negative_label_cy if cy and self.negative_label_cy else self.negative_label)
        )
        return f"{_number_value(abs(n))} {unit} {word}".strip()

    def as_definition(self) -> dict[str, Any]:
        """Every field that defines the question, for copying it into a new version."""
        return {
            field.name: getattr(self, field.name)
            for field in self._meta.concrete_fields
            if field.name not in ("id", "version")
        }


def _number_value(n: Decimal) -> str:
    normal = n.normalize()
    return format(normal, "f") if normal == normal.to_integral() else str(normal)


class Campaign(models.Model):
    """A question set asked in some workplaces about some tools for a while, owned by one organisation."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
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
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("voice:campaign", args=[self.slug])

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


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


class Source(models.TextChoices):
    CODE = "code", _("Single-use access code")
    OPEN_LINK = "open_link", _("Open link (lower trust)")
    REP = "rep", _("Entered by a rep on someone's behalf")
    IMPORT = "import", _("Imported from another survey tool")
    SYNTHETIC = "synthetic", _("Synthetic data")


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

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "workplace"]),
            models.Index(fields=["tool", "week"]),
            models.Index(fields=["workplace", "week"]),
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk}"


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

    class Meta:
        indexes = [models.Index(fields=["campaign", "status"]), models.Index(fields=["tool", "month"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.tool_id}, {self.month:%B %Y})"

    def get_absolute_url(self) -> str:
        return reverse("voice:incident", args=[self.pk])

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
