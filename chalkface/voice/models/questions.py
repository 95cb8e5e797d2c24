"""Question sets, their versions and their questions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chalkface.voice.models.common import welsh


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
        """Has anyone answered it (including answers still waiting to join the results)?"""
        return (
            self.responses.exists()
            or apps.get_model("voice", "PendingSubmission")
            .objects.filter(payload__question_set_version_id=self.pk)
            .exists()
        )

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
