"""The register part of loading ``chalkface synth`` output: suppliers, tools, versions, workplaces with
their trusts and local authorities, and deployments, in bulk. Called by
:func:`chalkface.demo.actions.load_synth` inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import polars as pl
from django.db.models import Model
from django.utils.text import slugify

from chalkface import vocab
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.web.slugs import free_slug
from chalkface.workplaces.models import Organisation

BATCH = 2000
M = TypeVar("M", bound=Model)


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part]


def _batched(items: Iterable[M]) -> Iterator[list[M]]:
    batch: list[M] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk_create(model: type[M], objects: Iterable[M]) -> list[M]:
    created: list[M] = []
    for batch in _batched(objects):
        created.extend(model.objects.bulk_create(batch))  # type: ignore[attr-defined]
    return created


def write_register(tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Write the register tables; returns the rows written per table."""
    counts: dict[str, int] = {}
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))

    suppliers = {
        row["supplier_id"]: Supplier(
            name=row["name"],
            slug=row["supplier_id"],
            companies_house_number=row["companies_house_number"] or "",
            website=row["website"] or "",
        )
        for row in tables["suppliers"].iter_rows(named=True)
    }
    _bulk_create(Supplier, suppliers.values())
    counts["suppliers"] = len(suppliers)

    tools: dict[str, Tool] = {}
    for row in tables["tools"].iter_rows(named=True):
        tools[row["tool_id"]] = Tool(
            name=row["name"],
            slug=row["tool_id"],
            supplier=suppliers[row["supplier_id"]],
            description=row["description"] or "",
            capabilities=_split(row["capabilities"]),
            audiences=_split(row["audiences"]),
            min_age=row.get("min_age"),
            max_age=row.get("max_age"),
            website=row["website"] or "",
        )
    _bulk_create(Tool, tools.values())
    counts["tools"] = len(tools)

    versions = [
        ToolVersion(
            tool=tools[row["tool_id"]],
            label=str(row["label"]),
            release_date=_date(row["release_date"]),
            change_notes=row["change_notes"] or "",
            underlying_models=row["underlying_models"] or "",
            material_change=bool(row["material_change"]),
        )
        for row in tables["tool_versions"].iter_rows(named=True)
    ]
    _bulk_create(ToolVersion, versions)
    counts["tool_versions"] = len(versions)

    workplaces = tables["workplaces"]
    parents: dict[tuple[str, str], Organisation] = {}
    for kind, column in (("trust", "trust"), ("local_authority", "local_authority")):
        if column not in workplaces.columns:
            continue
        for name in sorted({n for n in workplaces[column].to_list() if n}):
            existing = Organisation.objects.filter(kind=kind, name=name).first()
            if existing is None:
                slug = _free_slug(f"{slugify(name)}-{kind.replace('_', '-')}", taken_slugs)
                existing = Organisation(kind=kind, name=name, slug=slug)
            parents[(kind, name)] = existing
    _bulk_create(Organisation, (o for o in parents.values() if o.pk is None))
    counts["parent_organisations"] = len(parents)

    by_id: dict[str, Organisation] = {}
    for row in workplaces.iter_rows(named=True):
        parent = parents.get(("trust", row.get("trust") or "")) or parents.get(
            ("local_authority", row.get("local_authority") or "")
        )
        fsm = row["fsm_share"]
        by_id[row["workplace_id"]] = Organisation(
            kind=row.get("kind") or "school",
            name=row["name"],
            slug=_free_slug(f"{slugify(row['name'])}-{row['urn']}", taken_slugs),
            parent=parent,
            urn=int(row["urn"]),
            phase=row["phase"] or "",
            region=row["region"] or "",
            establishment_type=row.get("establishment_type") or "",
            pupils_on_roll=row["pupils"],
            fsm_share=round(float(fsm), 1) if fsm is not None else None,
            deprivation_quintile=vocab.deprivation_quintile(float(fsm)) if fsm is not None else None,
            urban_rural=row.get("urban_rural") or "",
            it_rating=row.get("it_rating"),
            staff_headcount=row.get("staff_headcount"),
        )
    _bulk_create(Organisation, by_id.values())
    counts["workplaces"] = len(by_id)

    deployments = (
        Deployment(
            tool=tools[row["tool_id"]],
            workplace=by_id[row["workplace_id"]],
            starts_on=_date(row["starts_on"]),
            ends_on=_date(row["ends_on"]) if row["ends_on"] is not None else None,
            staff_roles=_split(row["staff_roles"]),
            purpose=row.get("purpose") or "",
            use=row["use"],
        )
        for row in tables["deployments"].iter_rows(named=True)
    )
    counts["deployments"] = len(_bulk_create(Deployment, deployments))
    return counts


def _free_slug(base: str, taken: set[str]) -> str:
    slug = free_slug(base, taken, fallback="organisation")
    taken.add(slug)
    return slug


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
