"""A deployment as an Algorithmic Transparency Recording Standard (ATRS v3) record, in JSON and CSV.

Every field of Tier 1 and Tier 2 appears. What the register and the governance records hold is filled in;
everything else is marked ``{"missing": true}`` (in CSV, the word MISSING), never guessed.
``atrs_schema.json`` (next to this module) is the JSON Schema the record follows.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from chalkface.governance.models import DeploymentRecord
from chalkface.register.models import Deployment

SCHEMA_PATH = Path(__file__).with_name("atrs_schema.json")
ATRS_VERSION = "3.0"
MISSING: dict[str, bool] = {"missing": True}

TIER_2: dict[str, tuple[str, ...]] = {
    "owner_and_responsibility": (
        "organisation",
        "team",
        "senior_responsible_owner",
        "external_supplier",
        "companies_house_number",
        "external_supplier_role",
        "procurement_procedure_type",
        "data_access_terms",
    ),
    "description_and_rationale": (
        "detailed_description",
        "scope",
        "benefit",
        "previous_process",
        "alternatives_considered",
    ),
    "decision_making_process": (
        "process_integration",
        "provided_information",
        "frequency_and_scale_of_usage",
        "human_decisions_and_review",
        "required_training",
        "appeals_and_review",
    ),
    "tool_specification": ("system_architecture", "phase", "maintenance"),
    "data_specification": (
        "source_data_name",
        "data_modality",
        "data_description",
        "data_quantities",
        "sensitive_attributes",
        "data_completeness_and_representativeness",
        "source_data_url",
        "data_collection",
        "data_cleaning",
        "data_sharing_agreements",
        "data_access_and_storage",
    ),
}
TIER_1 = ("name", "description", "website", "contact_email")
MODEL_FIELDS = ("name", "version", "task", "input", "output", "architecture", "performance", "datasets")


def _value(value: Any) -> Any:
    return value if value not in (None, "", [], {}) else MISSING


def atrs_record(deployment: Deployment) -> dict[str, Any]:
    """The ATRS v3 record of one deployment (a dict the JSON Schema accepts)."""
    tool = deployment.tool
    supplier = tool.supplier
    record = DeploymentRecord.objects.filter(deployment=deployment).first()
    versions = list(tool.versions.order_by("release_date"))
    latest = versions[-1] if versions else None
    known: dict[str, Any] = {
        "name": f"{tool.name} at {deployment.workplace.name}",
        "description": tool.description,
        "website": tool.website or supplier.website,
        "contact_email": record.contact_email if record else "",
        "organisation": deployment.workplace.name,
        "team": record.team if record else "",
        "senior_responsible_owner": record.senior_responsible_owner if record else "",
        "external_supplier": supplier.name,
        "companies_house_number": supplier.companies_house_number,
        "detailed_description": tool.description,
        "scope": deployment.purpose,
        "benefit": record.benefit if record else "",
        "human_decisions_and_review": record.human_decisions_and_review if record else "",
        "appeals_and_review": record.appeals_and_review if record else "",
        "phase": record.phase if record else "",
    }
    if record and record.intended_uses:
        known["process_integration"] = ", ".join(record.intended_uses)
    impact = []
    if record and record.dpia_on:
        impact.append(
            {
                "name": "DPIA",
                "description": "Data protection impact assessment",
                "date": record.dpia_on.isoformat(),
                "link": _value(record.dpia_url),
            }
        )
    models = [
        {
            name: _value(value)
            for name, value in {
                "name": model.strip(),
                "version": latest.label if latest else "",
                **{f: "" for f in MODEL_FIELDS[2:]},
            }.items()
        }
        for model in (latest.underlying_models.split(",") if latest and latest.underlying_models else [])
        if model.strip()
    ]
    return {
        "atrs_version": ATRS_VERSION,
        "tier_1": {name: _value(known.get(name)) for name in TIER_1},
        "tier_2": {
            **{
                section: {name: _value(known.get(name)) for name in names}
                for section, names in TIER_2.items()
            },
            "models": models or MISSING,
            "risks": {"impact_assessments": impact or MISSING, "risks": MISSING},
        },
    }


def atrs_json(deployment: Deployment) -> str:
    return json.dumps(atrs_record(deployment), indent=2, ensure_ascii=False)


def atrs_csv(deployment: Deployment) -> str:
    """One row per field: section, field, value (MISSING when not recorded)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "field", "value"])

    def rows(prefix: str, value: Any) -> None:
        if value == MISSING:
            section, _dot, name = prefix.rpartition(".")
            writer.writerow([section, name, "MISSING"])
        elif isinstance(value, dict):
            for key, inner in value.items():
                rows(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                rows(f"{prefix}.{i}", inner)
        else:
            section, _dot, name = prefix.rpartition(".")
            writer.writerow([section, name, _safe(str(value))])

    rows("", atrs_record(deployment))
    return out.getvalue()


def _safe(text: str) -> str:
    """A spreadsheet must not run a cell as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
