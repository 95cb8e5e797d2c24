"""State changes to the register. Each function owns its transaction and writes the audit log.

Views and commands call these; nothing else saves register models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.text import slugify

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion, check_timeline
from chalkface.workplaces.models import Organisation


def _fields(obj: Model, names: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _apply(obj: Model, values: dict[str, Any]) -> dict[str, Any]:
    names = list(values)
    before = _fields(obj, names) if obj.pk is not None else {}
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return audit.diff(before, _fields(obj, names))


@transaction.atomic
def save_supplier(actor: User | None, values: dict[str, Any], supplier: Supplier | None = None) -> Supplier:
    created = supplier is None
    supplier = supplier or Supplier()
    if created:
        supplier.slug = _unique_slug(Supplier, str(values["name"]))
    changes = _apply(supplier, values)
    audit.record(
        actor, "supplier.created" if created else "supplier.updated", supplier, supplier.name, changes
    )
    return supplier


@transaction.atomic
def save_tool(actor: User | None, values: dict[str, Any], tool: Tool | None = None) -> Tool:
    created = tool is None
    tool = tool or Tool()
    if created and not tool.slug:
        tool.slug = _unique_slug(Tool, str(values["name"]))
    changes = _apply(tool, values)
    audit.record(actor, "tool.created" if created else "tool.updated", tool, tool.name, changes)
    return tool


# Slugs that would collide with a fixed address ("/register/tools/new/").
RESERVED_SLUGS = frozenset({"new", "edit"})


def _unique_slug(model: type[Supplier] | type[Tool], name: str) -> str:
    base = slugify(name)[:200] or model._meta.model_name or "item"
    if base in RESERVED_SLUGS:
        base = f"{base}-{model._meta.model_name}"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def add_version(actor: User | None, tool: Tool, values: dict[str, Any]) -> ToolVersion:
    """Add a release to a tool's timeline; refuses overlapping and out-of-order releases."""
    # Lock the tool row so two people adding versions at once cannot both pass the timeline check.
    Tool.objects.select_for_update().filter(pk=tool.pk).first()
    check_timeline(tool, str(values["label"]), values["release_date"])
    version = ToolVersion(tool=tool)
    changes = _apply(version, values)
    audit.record(actor, "version.created", version, str(version), changes)
    return version


@transaction.atomic
def update_version(actor: User | None, version: ToolVersion, values: dict[str, Any]) -> ToolVersion:
    Tool.objects.select_for_update().filter(pk=version.tool_id).first()
    check_timeline(version.tool, str(values["label"]), values["release_date"], exclude_pk=version.pk)
    changes = _apply(version, values)
    audit.record(actor, "version.updated", version, str(version), changes)
    return version


@transaction.atomic
def save_organisation(
    actor: User | None, values: dict[str, Any], organisation: Organisation | None = None
) -> Organisation:
    created = organisation is None
    organisation = organisation or Organisation()
    if created and not organisation.slug:
        from chalkface.workplaces.models import unique_slug

        organisation.slug = unique_slug(str(values["name"]), values.get("urn"))
    changes = _apply(organisation, values)
    audit.record(
        actor,
        "organisation.created" if created else "organisation.updated",
        organisation,
        organisation.name,
        changes,
    )
    return organisation


@transaction.atomic
def save_deployment(
    actor: User | None, values: dict[str, Any], deployment: Deployment | None = None
) -> Deployment:
    created = deployment is None
    deployment = deployment or Deployment()
    changes = _apply(deployment, values)
    audit.record(
        actor, "deployment.created" if created else "deployment.updated", deployment, str(deployment), changes
    )
    return deployment


@transaction.atomic
def end_deployment(actor: User | None, deployment: Deployment, ends_on: dt.date) -> Deployment:
    changes = _apply(deployment, {"ends_on": ends_on})
    audit.record(actor, "deployment.ended", deployment, str(deployment), changes)
    return deployment
