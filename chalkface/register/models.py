"""The register of AI tools: suppliers, tools, their versions over time, and deployments in workplaces."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from chalkface import vocab


class Supplier(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    companies_house_number = models.CharField(
        _("Companies House number"),
        max_length=8,
        blank=True,
        help_text=_("Eight characters, for example 01234567 or SC123456"),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:220] or "supplier"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("register:supplier", args=[self.slug])


class ToolVersionQuerySet(models.QuerySet["ToolVersion"]):
    def live_on(self, day: dt.date) -> ToolVersionQuerySet:
        """The versions released on or before ``day``, latest first: for one tool, ``.first()`` is the one
        live that day (a version is live from its release until the next one's)."""
        return self.filter(release_date__lte=day).order_by("-release_date")

    def label_live_on(self, day: dt.date, tool: str = "tool") -> Subquery:
        """For annotating: the label of the version live on ``day`` of the tool that ``tool`` names in the
        outer query (``"pk"`` in a query of tools, ``"tool"`` in one of deployments)."""
        return Subquery(self.filter(tool=OuterRef(tool)).live_on(day).values("label")[:1])


class DeploymentQuerySet(models.QuerySet["Deployment"]):
    def active_on(self, day: dt.date) -> DeploymentQuerySet:
        """Deployments in use on ``day``."""
        return self.filter(active_on(day))


def active_on(day: dt.date) -> Q:
    """The condition "in use on ``day``" on a deployment (for filters across relations)."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Tool(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="tools", verbose_name=_("supplier")
    )
    description = models.TextField(_("description"), blank=True)
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(_("youngest intended user (age)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("oldest intended user (age)"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ("name",)
        constraints = [models.UniqueConstraint(fields=["supplier", "name"], name="tool_name_per_supplier")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("register:tool", args=[self.slug])

    def capability_labels(self) -> list[str]:
        return [vocab.label(vocab.CAPABILITIES, c) for c in self.capabilities]

    def audience_labels(self) -> list[str]:
        return [vocab.label(vocab.AUDIENCES, a) for a in self.audiences]

    @property
    def age_range(self) -> str:
        if self.min_age is None and self.max_age is None:
            return ""
        if self.max_age is None:
            return f"{self.min_age}+"
        if self.min_age is None:
            return f"up to {self.max_age}"
        return f"{self.min_age}–{self.max_age}"

    def timeline(self) -> list[ToolVersion]:
        return list(self.versions.order_by("release_date"))

    def version_on(self, day: dt.date) -> ToolVersion | None:
        """The version that was live on ``day``: the latest released on or before it."""
        return self.versions.live_on(day).first()


class ToolVersion(models.Model):
    """One release of a tool. A tool's versions form a timeline ordered by release date.

    A version is live from its release date until the next version's release date.
    """

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("version"), max_length=60, help_text=_("As the supplier names it, e.g. 3.2"))
    release_date = models.DateField(_("release date"))
    change_notes = models.TextField(_("what changed"), blank=True)
    underlying_models = models.CharField(
        _("underlying AI models"), max_length=300, blank=True, help_text=_("Comma-separated, if known")
    )
    material_change = models.BooleanField(
        _("material change"),
        default=False,
        help_text=_("The supplier changed how the tool works in a way staff or pupils would notice"),
    )

    objects = ToolVersionQuerySet.as_manager()

    class Meta:
        ordering = ("tool", "release_date")
        constraints = [
            models.UniqueConstraint(fields=["tool", "label"], name="version_label_per_tool"),
            models.UniqueConstraint(fields=["tool", "release_date"], name="one_release_per_day_per_tool"),
        ]

    def __str__(self) -> str:
        return f"{self.tool.name} {self.label}"

    def next_version(self) -> ToolVersion | None:
        return self.tool.versions.filter(release_date__gt=self.release_date).order_by("release_date").first()

    def live_until(self) -> dt.date | None:
        """The last day this version was live, or None if it is the current one."""
        following = self.next_version()
        return following.release_date - dt.timedelta(days=1) if following else None


def check_timeline(tool: Tool, label: str, release_date: dt.date, exclude_pk: int | None = None) -> None:
    """Refuse a version that would make the timeline ambiguous.

    Two versions cannot start on the same day (their live periods would overlap), a label cannot repeat,
    and a new version cannot be released before the latest one already recorded (out of order): record
    versions in the order they were released, or correct the dates of the later one first.
    """
    others = tool.versions.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    errors: dict[str, str] = {}
    if others.filter(label=label).exists():
        errors["label"] = _("%(tool)s already has a version labelled %(label)s.") % {
            "tool": tool.name,
            "label": label,
        }
    clash = others.filter(release_date=release_date).first()
    if clash is not None:
        errors["release_date"] = _(
            "Version %(label)s was already released on %(date)s; "
            "two versions cannot be live from the same day."
        ) % {"label": clash.label, "date": date_format(release_date, "j F Y")}
    elif exclude_pk is None:
        latest = others.order_by("-release_date").first()
        if latest is not None and release_date < latest.release_date:
            errors["release_date"] = _(
                "Version %(label)s was released on %(latest)s, after %(date)s; "
                "add versions in the order they were released."
            ) % {
                "label": latest.label,
                "latest": date_format(latest.release_date, "j F Y"),
                "date": date_format(release_date, "j F Y"),
            }
    else:
        # Editing a version may not move it past its neighbours.
        current = tool.versions.get(pk=exclude_pk)
        before = others.filter(release_date__lt=current.release_date).order_by("-release_date").first()
        after = others.filter(release_date__gt=current.release_date).order_by("release_date").first()
        if before is not None and release_date <= before.release_date:
            errors["release_date"] = _("It must stay after version %(label)s (%(date)s).") % {
                "label": before.label,
                "date": date_format(before.release_date, "j F Y"),
            }
        if after is not None and release_date >= after.release_date:
            errors["release_date"] = _("It must stay before version %(label)s (%(date)s).") % {
                "label": after.label,
                "date": date_format(after.release_date, "j F Y"),
            }
    if errors:
        raise ValidationError(errors)


class Deployment(models.Model):
    """A tool in use at a workplace over a period, for some staff roles."""

    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="deployments")
    workplace = models.ForeignKey(
        "workplaces.Organisation", on_delete=models.CASCADE, related_name="deployments"
    )
    starts_on = models.DateField(_("in use from"))
    ends_on = models.DateField(
        _("in use until"), null=True, blank=True, help_text=_("Leave empty if still in use")
    )
    staff_roles = models.JSONField(_("staff roles who use it"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    use = models.CharField(_("use is"), max_length=10, choices=vocab.DEPLOYMENT_USE, default="optional")

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        ordering = ("-starts_on",)
        indexes = [
            models.Index(fields=["tool", "starts_on"]),
            models.Index(fields=["workplace", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="deployment_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tool} at {self.workplace}"

    def role_labels(self) -> list[str]:
        return [vocab.label(vocab.STAFF_ROLES, r) for r in self.staff_roles]

    def is_active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def version_on(self, day: dt.date) -> ToolVersion | None:
        return self.tool.version_on(day) if self.is_active_on(day) else None
