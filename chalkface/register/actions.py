"""State changes to the register (tools, versions, suppliers, organisations, deployments). Each function
owns its transaction and writes the audit log.

Views and commands call these; nothing else saves register models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion, check_timeline
from chalkface.web.slugs import free_slug
from chalkface.workplaces.models import Organisation, unique_slug


@transaction.atomic
def save_supplier(actor: User | None, values: dict[str, Any], supplier: Supplier | None = None) -> Supplier:
    created = supplier is None
    supplier = supplier or Supplier()
    if created:
        supplier.slug = _unique_slug(Supplier, str(values["name"]))
    changes = audit.save_changes(supplier, values)
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
    changes = audit.save_changes(tool, values)
    audit.record(actor, "tool.created" if created else "tool.updated", tool, tool.name, changes)
    return tool


# Slugs that would collide with a fixed address ("/register/tools/new/").
RESERVED_SLUGS = frozenset({"new", "edit"})


def _unique_slug(model: type[Supplier] | type[Tool], name: str) -> str:
    kind = model._meta.model_name or "item"
    base = slugify(name)[:200] or kind
    if base in RESERVED_SLUGS:
        base = f"{base}-{kind}"
    return free_slug(base, lambda slug: model.objects.filter(slug=slug).exists(), fallback=kind)


@transaction.atomic
def add_version(actor: User | None, tool: Tool, values: dict[str, Any]) -> ToolVersion:
    """Add a release to a tool's timeline; refuses overlapping and out-of-order releases."""
    # Lock the tool row so two people adding versions at once cannot both pass the timeline check.
    Tool.objects.select_for_update().filter(pk=tool.pk).first()
    check_timeline(tool, str(values["label"]), values["release_date"])
    version = ToolVersion(tool=tool)
    changes = audit.save_changes(version, values)
    audit.record(actor, "version.created", version, str(version), changes)
    return version


@transaction.atomic
def update_version(actor: User | None, version: ToolVersion, values: dict[str, Any]) -> ToolVersion:
    Tool.objects.select_for_update().filter(pk=version.tool_id).first()
    check_timeline(version.tool, str(values["label"]), values["release_date"], exclude_pk=version.pk)
    changes = audit.save_changes(version, values)
    audit.record(actor, "version.updated", version, str(version), changes)
    return version


@transaction.atomic
def save_organisation(
    actor: User | None, values: dict[str, Any], organisation: Organisation | None = None
) -> Organisation:
    created = organisation is None
    organisation = organisation or Organisation()
    if created and not organisation.slug:
        organisation.slug = unique_slug(str(values["name"]), values.get("urn"))
    changes = audit.save_changes(organisation, values)
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
    changes = audit.save_changes(deployment, values)
    audit.record(
        actor, "deployment.created" if created else "deployment.updated", deployment, str(deployment), changes
    )
    return deployment


@transaction.atomic
def end_deployment(actor: User | None, deployment: Deployment, ends_on: dt.date) -> Deployment:
    changes = audit.save_changes(deployment, {"ends_on": ends_on})
    audit.record(actor, "deployment.ended", deployment, str(deployment), changes)
    return deployment
