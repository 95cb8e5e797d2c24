"""Organisations: workplaces (schools, colleges, universities) and the bodies around them."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from chalkface import vocab
from chalkface.web.slugs import free_slug


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def workplaces(self) -> OrganisationQuerySet:
        return self.filter(kind__in=vocab.WORKPLACE_KINDS)

    def descendant_ids(self, roots: Iterable[int]) -> set[int]:
        """The given organisations and all below them, one query per level of the tree."""
        found = set(roots)
        frontier = set(found)
        while frontier:
            children = set(Organisation.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            frontier = children - found
            found |= frontier
        return found


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=vocab.ORGANISATION_KINDS)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("part of"),
    )
    urn = models.PositiveIntegerField(
        _("URN"), null=True, blank=True, unique=True, help_text=_("Unique reference number (schools)")
    )
    # Context, mostly from the official schools register.
    phase = models.CharField(_("phase"), max_length=30, choices=vocab.PHASES, blank=True)
    region = models.CharField(_("region"), max_length=30, choices=vocab.REGIONS, blank=True)
    establishment_type = models.CharField(_("establishment type"), max_length=120, blank=True)
    pupils_on_roll = models.PositiveIntegerField(_("pupils on roll"), null=True, blank=True)
    fsm_share = models.DecimalField(
        _("pupils eligible for free school meals (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    deprivation_quintile = models.PositiveSmallIntegerField(
        _("deprivation quintile"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("1 = least deprived, 5 = most; derived from the free-school-meals share"),
    )
    urban_rural = models.CharField(_("urban or rural"), max_length=10, choices=vocab.URBAN_RURAL, blank=True)
    it_rating = models.PositiveSmallIntegerField(
        _("IT infrastructure (self-rated)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = very poor, 5 = very good, as rated by the workplace"),
    )
    staff_headcount = models.PositiveIntegerField(_("staff headcount"), null=True, blank=True)
    is_open = models.BooleanField(_("open"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["kind", "name"]),
            models.Index(fields=["region"]),
            models.Index(fields=["phase"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.deprivation_quintile = vocab.deprivation_quintile(
            float(self.fsm_share) if self.fsm_share is not None else None
        )
        if not self.slug:
            self.slug = unique_slug(self.name, self.urn)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("workplaces:detail", args=[self.slug])

    @property
    def is_workplace(self) -> bool:
        return self.kind in vocab.WORKPLACE_KINDS

    def ancestors(self) -> list[Organisation]:
        chain: list[Organisation] = []
        node = self.parent
        while node is not None and len(chain) < 20:
            chain.append(node)
            node = node.parent
        return chain


def unique_slug(name: str, urn: int | None = None) -> str:
    """A free slug for an organisation: its name, with its URN when it has one."""
    base = slugify(name)[:180] or "organisation"
    if urn is not None:
        base = f"{base}-{urn}"
    return free_slug(base, lambda slug: Organisation.objects.filter(slug=slug).exists(), max_length=220)
