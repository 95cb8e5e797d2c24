"""What the API takes and gives: pydantic schemas, which are also its OpenAPI schema."""

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from chalkface import vocab


def _plain_text(value: str) -> str:
    """Text the database can hold: no NUL character, nothing that is not Unicode."""
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def Text(max_length: int | None = None, min_length: int | None = None) -> Any:  # noqa: N802 — a type
    return Annotated[str, Field(max_length=max_length, min_length=min_length), AfterValidator(_plain_text)]


Capability = Literal[tuple(vocab.codes(vocab.CAPABILITIES))]  # type: ignore[valid-type]
Audience = Literal[tuple(vocab.codes(vocab.AUDIENCES))]  # type: ignore[valid-type]
StaffRole = Literal[tuple(vocab.codes(vocab.STAFF_ROLES))]  # type: ignore[valid-type]
Phase = Literal[tuple(vocab.codes(vocab.PHASES))]  # type: ignore[valid-type]
Region = Literal[tuple(vocab.codes(vocab.REGIONS))]  # type: ignore[valid-type]
UrbanRural = Literal[tuple(vocab.codes(vocab.URBAN_RURAL))]  # type: ignore[valid-type]
Use = Literal[tuple(vocab.codes(vocab.DEPLOYMENT_USE))]  # type: ignore[valid-type]
# Ids are 64-bit; a larger number can only be a mistake, and must not reach the database.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ErrorDetail(Schema):
    code: str = Field(..., description="not_found, forbidden, unauthorised, invalid, refused, ...")
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict, description="For invalid: input → messages")


class Error(Schema):
    error: ErrorDetail


# Who is calling -----------------------------------------------------------------------------------------


class TokenOut(Schema):
    name: str
    prefix: str = Field(..., description="The first characters of the token, to tell it apart")
    created_at: dt.datetime
    last_used_on: dt.date | None


class MeOut(Schema):
    email: str
    name: str
    roles: list[str]
    token: TokenOut | None = Field(None, description="The token used for this request (none for a session)")


# Register -----------------------------------------------------------------------------------------------


class SupplierRef(Schema):
    slug: str
    name: str


class SupplierOut(Schema):
    slug: str
    name: str
    companies_house_number: str
    website: str


class SupplierIn(Schema):
    name: Text(200, 1)  # type: ignore[valid-type]
    companies_house_number: Text(8) = ""  # type: ignore[valid-type]
    website: Text(200) = ""  # type: ignore[valid-type]


class SupplierPatch(Schema):
    name: Text(200, 1) | None = None  # type: ignore[valid-type]
    companies_house_number: Text(8) | None = None  # type: ignore[valid-type]
    website: Text(200) | None = None  # type: ignore[valid-type]


class VersionOut(Schema):
    id: int
    tool: str = Field(..., description="The tool's slug")
    label: str
    release_date: dt.date
    live_until: dt.date | None = Field(None, description="The last day it was live; none if current")
    change_notes: str
    underlying_models: str
    material_change: bool


class TimelineEntryOut(VersionOut):
    workplaces: int = Field(..., description="Workplaces with a deployment while this version was live")


class VersionIn(Schema):
    label: Text(60, 1)  # type: ignore[valid-type]
    release_date: dt.date
    change_notes: Text(5000) = ""  # type: ignore[valid-type]
    underlying_models: Text(300) = ""  # type: ignore[valid-type]
    material_change: bool = False


class VersionPatch(Schema):
    label: Text(60, 1) | None = None  # type: ignore[valid-type]
    release_date: dt.date | None = None
    change_notes: Text(5000) | None = None  # type: ignore[valid-type]
    underlying_models: Text(300) | None = None  # type: ignore[valid-type]
    material_change: bool | None = None


class ToolOut(Schema):
    slug: str
    name: str
    supplier: SupplierRef
    description: str
    capabilities: list[str]
    audiences: list[str]
    min_age: int | None
    max_age: int | None
    website: str
    current_version: str | None = Field(None, description="The label of the version live today")


class ToolDetailOut(ToolOut):
    versions: list[TimelineEntryOut] = Field(..., description="The version timeline, oldest first")


class ToolIn(Schema):
    name: Text(200, 1)  # type: ignore[valid-type]
    supplier: Text(220, 1) = Field(..., description="The supplier's slug")  # type: ignore[valid-type]
    description: Text(5000) = ""  # type: ignore[valid-type]
    capabilities: list[Capability] = Field(default_factory=list, max_length=20)
    audiences: list[Audience] = Field(default_factory=list, max_length=10)
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)
    website: Text(200) = ""  # type: ignore[valid-type]


class ToolPatch(Schema):
    name: Text(200, 1) | None = None  # type: ignore[valid-type]
    supplier: Text(220, 1) | None = Field(None, description="The supplier's slug")  # type: ignore[valid-type]
    description: Text(5000) | None = None  # type: ignore[valid-type]
    capabilities: list[Capability] | None = Field(None, max_length=20)
    audiences: list[Audience] | None = Field(None, max_length=10)
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)
    website: Text(200) | None = None  # type: ignore[valid-type]


class WorkplaceOut(Schema):
    slug: str
    name: str
    kind: str
    urn: int | None
    part_of: str | None = Field(None, description="The slug of the trust or authority it belongs to")
    phase: str
    region: str
    establishment_type: str
    pupils_on_roll: int | None
    staff_headcount: int | None
    fsm_share: float | None = Field(None, description="Pupils eligible for free school meals (%)")
    deprivation_quintile: int | None = Field(None, description="1 = least deprived, 5 = most")
    urban_rural: str
    it_rating: int | None = Field(None, description="IT infrastructure, self-rated, 1 to 5")
    is_open: bool


class WorkplacePatch(Schema):
    establishment_type: Text(120) | None = None  # type: ignore[valid-type]
    phase: Phase | Literal[""] | None = None
    region: Region | Literal[""] | None = None
    urban_rural: UrbanRural | Literal[""] | None = None
    pupils_on_roll: int | None = Field(None, ge=0, le=100_000)
    staff_headcount: int | None = Field(None, ge=0, le=100_000)
    fsm_share: float | None = Field(None, ge=0, le=100)
    it_rating: int | None = Field(None, ge=1, le=5)


class DeploymentOut(Schema):
    id: int
    tool: SupplierRef = Field(..., description="The tool's slug and name")
    workplace: SupplierRef = Field(..., description="The workplace's slug and name")
    starts_on: dt.date
    ends_on: dt.date | None
    staff_roles: list[str]
    purpose: str
    use: str


class DeploymentIn(Schema):
    tool: Text(220, 1) = Field(..., description="The tool's slug")  # type: ignore[valid-type]
    workplace: Text(220, 1) = Field(..., description="The workplace's slug")  # type: ignore[valid-type]
    starts_on: dt.date
    ends_on: dt.date | None = None
    staff_roles: list[StaffRole] = Field(default_factory=list, max_length=10)
    purpose: Text(300) = ""  # type: ignore[valid-type]
    use: Use = "optional"


class DeploymentPatch(Schema):
    tool: Text(220, 1) | None = Field(None, description="The tool's slug")  # type: ignore[valid-type]
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    staff_roles: list[StaffRole] | None = Field(None, max_length=10)
    purpose: Text(300) | None = None  # type: ignore[valid-type]
    use: Use | None = None


# Campaigns and incidents --------------------------------------------------------------------------------


class CampaignOut(Schema):
    slug: str
    name: str
    owner: SupplierRef = Field(..., description="The owning organisation's slug and name")
    opens_on: dt.date
    closes_on: dt.date
    threshold: int = Field(..., description="Nothing is shown for a group with fewer answers than this")
    question_set: str
    question_set_version: int
    workplaces: list[str] = Field(..., description="Slugs of the workplaces it runs in that you may see")
    tools: list[str] = Field(..., description="Slugs of the tools it asks about")
    incidents_visible: bool = Field(..., description="Whether you may see its incident reports")


class IncidentOut(Schema):
    """An incident report in the AI Incident Database's terms (see docs/api.md)."""

    incident_id: str
    title: str
    description: str
    date: str
    AllegedDeployerOfAISystem: list[str]  # noqa: N815 — the AI Incident Database's field name
    AllegedDeveloperOfAISystem: list[str]  # noqa: N815
    AllegedHarmedOrNearlyHarmedParties: list[str]  # noqa: N815
    implicated_systems: list[str]
    classifications: list[dict[str, Any]]


# Results ------------------------------------------------------------------------------------------------


class ExportOut(Schema):
    campaign: str
    format: Literal["json"]
    dp: bool
    tables: dict[str, list[dict[str, Any]]] = Field(..., description="Aggregated tables, by name")
