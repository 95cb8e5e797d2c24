"""Reading the official schools register: the "Get Information About Schools" (GIAS) CSV.

GIAS publishes every establishment in England (and some beyond) as one CSV of ~50,000 rows and ~130
columns, in Windows-1252. :func:`read_records` checks every row of it (read by :func:`open_table` as a
stream) and maps it to our codes; :class:`SchoolsPlan` works out what would change (upsert by URN). Only if
every row is good does :func:`chalkface.imports.actions.import_schools` write all of it in one
transaction. A bad file imports nothing and explains itself row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from chalkface import vocab
from chalkface.imports.errors import ImportRefused, RowError
from chalkface.imports.tables import ENCODINGS, Table, UnreadableRow
from chalkface.workplaces.models import Organisation

# --- The columns we read (GIAS names them exactly so; every other column is ignored) -----------------
URN = "URN"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
PHASE = "PhaseOfEducation (name)"
REGION = "GOR (name)"
STATUS = "EstablishmentStatus (name)"
PUPILS = "NumberOfPupils"
FSM = "PercentageFSM"
URBAN_RURAL = "UrbanRural (name)"
TRUST = "Trusts (name)"
LOCAL_AUTHORITY = "LA (name)"

REQUIRED_COLUMNS: tuple[str, ...] = (URN, NAME, TYPE, PHASE, REGION, STATUS)
OPTIONAL_COLUMNS: tuple[str, ...] = (PUPILS, FSM, URBAN_RURAL, TRUST, LOCAL_AUTHORITY)

# --- How GIAS labels map to our codes (labels are matched ignoring case, hyphens and extra spaces) -----
PHASES: dict[str, str] = {
    "Nursery": "nursery",
    "Primary": "primary",
    "Middle deemed primary": "middle",
    "Middle deemed secondary": "middle",
    "Secondary": "secondary",
    "16 plus": "sixteen_plus",
    "All-through": "all_through",
    "Not applicable": "not_applicable",  # refined from the establishment type: see _phase()
}
REGIONS: dict[str, str] = {
    **{label: code for code, label in vocab.REGIONS if code != "wales"},
    "Wales (pseudo)": "wales",
    "Not Applicable": "",
    "Not Applicable (Archived)": "",
}
STATUSES: dict[str, bool] = {
    "Open": True,
    "Open, but proposed to close": True,
    "Proposed to open": False,
    "Closed": False,
}
KINDS_BY_TYPE: dict[str, str] = {
    "Further education": "college",
    "Sixth form centres": "college",
    "Higher education institutions": "university",
}
# Only schools the local authority maintains are placed under it. Academies, independent schools,
# colleges, universities and Welsh establishments carry an "LA (name)" too, but that only says where they
# are; placing them under the authority would give its employer leads access to them.
LA_MAINTAINED_TYPES: frozenset[str] = frozenset(
    {
        "Community school",
        "Voluntary aided school",
        "Voluntary controlled school",
        "Foundation school",
        "Community special school",
        "Foundation special school",
        "Local authority nursery school",
        "Pupil referral unit",
    }
)
# GIAS leaves a number blank when it has none. DfE statistics mark withheld or inapplicable numbers with
# these; they are read as "no value" too rather than as errors.
SUPPRESSED: frozenset[str] = frozenset({"supp", "ne", "na", "n/a", "x", "c", "z"})

BATCH_SIZE = 1000
MAX_ERRORS_SHOWN = 50
_MAX_INTEGER = 2_147_483_647
_NAME_LENGTH = Organisation._meta.get_field("name").max_length or 200
_TYPE_LENGTH = Organisation._meta.get_field("establishment_type").max_length or 120
_ONE_DECIMAL = Decimal("0.1")

# The fields of a school that the register provides; the import never changes any other field.
REGISTER_FIELDS: tuple[str, ...] = (
    "kind",
    "name",
    "phase",
    "region",
    "establishment_type",
    "pupils_on_roll",
    "fsm_share",
    "deprivation_quintile",
    "urban_rural",
    "is_open",
    "parent",
)

Problem = Callable[[str, str], None]  # report a problem: (column, what is wrong)
T = TypeVar("T")


# --- Results and problems -----------------------------------------------------------------------------
class SchoolsImportError(ImportRefused):
    """The schools register file has problems; ``errors`` lists every one found."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(self.report())

    def report(self, limit: int = MAX_ERRORS_SHOWN) -> str:
        count = len(self.errors)
        lines = [
            f"The schools register was not imported: the file has {count} "
            f"problem{'' if count == 1 else 's'}. Nothing was saved."
        ]
        lines += [f"  {error}" for error in self.errors[:limit]]
        if count > limit:
            lines.append(f"  ... and {count - limit} more.")
        return "\n".join(lines)


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str


@dataclass
class SchoolsImportSummary:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    trusts_created: int = 0
    local_authorities_created: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    encoding: str = ""
    dry_run: bool = False

    def counts(self) -> dict[str, int | str | bool]:
        """The summary as plain values, with ``skipped`` as a count (for the audit log)."""
        values = asdict(self)
        values["skipped"] = len(self.skipped)
        return values

    def __str__(self) -> str:
        if self.dry_run:
            prefix = "Dry run, nothing was saved. The schools register would be"
        else:
            prefix = "The schools register was"
        return (
            f"{prefix} imported: {self.rows_read} rows read ({ENCODINGS.get(self.encoding, self.encoding)}); "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.trusts_created} trusts and {self.local_authorities_created} local authorities created; "
            f"{len(self.skipped)} empty rows skipped."
        )


@dataclass(frozen=True)
class SchoolRecord:
    """What one row of the register says about one school, checked and mapped to our codes."""

    row: int
    urn: int
    kind: str
    name: str
    phase: str
    region: str
    establishment_type: str
    pupils_on_roll: int | None
    fsm_share: Decimal | None
    urban_rural: str
    is_open: bool
    trust: str
    local_authority: str

    @property
    def parent_key(self) -> tuple[str, str] | None:
        """(kind, name) of the organisation the school belongs to: its trust, else a maintaining LA."""
        if self.trust:
            return ("trust", self.trust)
        if self.local_authority and self.establishment_type in LA_MAINTAINED_TYPES:
            return ("local_authority", self.local_authority)
        return None


# --- Reading: rows of the table -> checked school records --------------------------------------------
@dataclass(frozen=True)
class _Header:
    positions: dict[str, int]  # the columns we read -> their position
    width: int  # how many columns the header has


def read_records(table: Table) -> tuple[list[SchoolRecord], list[SkippedRow]]:
    """Check every row of the file; return the school records, or raise listing every problem."""
    errors: list[RowError] = []
    records: list[SchoolRecord] = []
    skipped: list[SkippedRow] = []
    first_row_of: dict[int, int] = {}  # URN -> the row it was first seen on
    header = _header(table.header)
    try:
        for row, values in table.rows:
            if not any(value.strip() for value in values):
                skipped.append(SkippedRow(row, "empty row"))
                continue
            record = _record(row, values, header, errors)
            if record is None:
                continue
            if record.urn in first_row_of:
                first = first_row_of[record.urn]
                errors.append(RowError(row, URN, f"URN {record.urn} appears twice (first on row {first})."))
            else:
                first_row_of[record.urn] = row
                records.append(record)
    except UnreadableRow as unreadable:
        errors.append(RowError(unreadable.row, "", unreadable.problem))
    if errors:
        raise SchoolsImportError(errors)
    return records, skipped


def _header(names: list[str] | None) -> _Header:
    """Find the columns we read; raise naming every required column that is missing."""
    if not names:
        raise SchoolsImportError([RowError(1, "", "the file is empty; expected the GIAS header row.")])
    positions: dict[str, int] = {}
    for position, name in enumerate(names):
        positions.setdefault(name, position)
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise SchoolsImportError(
            [
                RowError(1, name, "this column is missing. Is this the GIAS all-establishments file?")
                for name in missing
            ]
        )
    wanted = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    return _Header({name: positions[name] for name in wanted if name in positions}, len(names))


def _record(row: int, values: list[str], header: _Header, errors: list[RowError]) -> SchoolRecord | None:
    """Check one row: append its problems to ``errors`` and return None if it has any."""
    if len(values) != header.width:
        problem = (
            f"this row has {len(values)} values but the header row has {header.width}. "
            "Is there a comma in a value without quotes around it?"
        )
        errors.append(RowError(row, "", problem))
        return None

    def value(column: str) -> str:
        position = header.positions.get(column)
        return values[position].strip() if position is not None else ""

    def problem(column: str, text: str) -> None:
        errors.append(RowError(row, column, text))

    before = len(errors)
    urn = _urn(value(URN), problem)
    name = _text(NAME, value(NAME), _NAME_LENGTH, problem, required=True)
    establishment_type = _text(TYPE, value(TYPE), _TYPE_LENGTH, problem)
    phase = _phase(value(PHASE), establishment_type, problem)
    region = _label(REGION, value(REGION), REGIONS, problem, blank="")
    is_open = _label(STATUS, value(STATUS), STATUSES, problem)
    pupils = _whole_number(PUPILS, value(PUPILS), problem)
    fsm = _percentage(FSM, value(FSM), problem)
    trust = _text(TRUST, value(TRUST), _NAME_LENGTH, problem)
    local_authority = _text(LOCAL_AUTHORITY, value(LOCAL_AUTHORITY), _NAME_LENGTH, problem)
    if len(errors) > before or urn is None or region is None or is_open is None:
        return None
    return SchoolRecord(
        row=row,
        urn=urn,
        kind=KINDS_BY_TYPE.get(establishment_type, "school"),
        name=name,
        phase=phase,
        region=region,
        establishment_type=establishment_type,
        pupils_on_roll=pupils,
        fsm_share=fsm,
        urban_rural=_urban_rural(value(URBAN_RURAL)),
        is_open=is_open,
        trust=trust,
        local_authority=local_authority,
    )


def _urn(text: str, problem: Problem) -> int | None:
    if not text:
        problem(URN, "is empty; every school in the register has a URN.")
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _MAX_INTEGER:
        problem(URN, f"'{text}' is not a URN (a whole number such as 100001).")
        return None
    return int(text)


def _text(column: str, text: str, max_length: int, problem: Problem, *, required: bool = False) -> str:
    if required and not text:
        problem(column, "is empty.")
    elif len(text) > max_length:
        problem(column, f"is {len(text)} characters long; at most {max_length} fit.")
    return text


def _normal(label: str) -> str:
    return " ".join(label.replace("-", " ").split()).casefold()


def _label(
    column: str, text: str, table: Mapping[str, T], problem: Problem, *, blank: T | None = None
) -> T | None:
    """Our code for a GIAS label. A blank is allowed only if ``blank`` gives its code."""
    if not text and blank is not None:
        return blank
    found = {_normal(label): code for label, code in table.items()}.get(_normal(text))
    if found is None:
        expected = ", ".join(f"'{label}'" for label in table)
        problem(
            column, f"'{text}' is not a value we know; expected one of {expected}." if text else "is empty."
        )
    return found


def _phase(text: str, establishment_type: str, problem: Problem) -> str:
    phase = _label(PHASE, text, PHASES, problem)
    if phase != "not_applicable":
        return phase or ""
    folded = establishment_type.casefold()
    if "special" in folded:
        return "special"
    if "pupil referral unit" in folded or "alternative provision" in folded:
        return "alternative_provision"
    return "not_applicable"


def _is_blank(text: str) -> bool:
    return not text or text.casefold() in SUPPRESSED


def _whole_number(column: str, text: str, problem: Problem) -> int | None:
    if _is_blank(text):
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > _MAX_INTEGER:
        problem(column, f"'{text}' is not a whole number.")
        return None
    return int(text)


def _percentage(column: str, text: str, problem: Problem) -> Decimal | None:
    if _is_blank(text):
        return None
    try:
        number = Decimal(text.removesuffix("%").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problem(column, f"'{text}' is not a number.")
        return None
    if not 0 <= number <= 100:
        problem(column, f"{text} is not a percentage between 0 and 100.")
        return None
    return number.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _urban_rural(text: str) -> str:
    folded = text.casefold()
    if "urban" in folded:
        return "urban"
    if "rural" in folded:
        return "rural"
    return ""  # blank, or a "(pseudo)" label for places outside England and Wales


# --- Planning -----------------------------------------------------------------------------
@dataclass
class SchoolsPlan:
    """What the import will do: the parents to create, and the schools to create and to update.

    :func:`chalkface.imports.actions.import_schools` carries it out."""

    records: list[SchoolRecord]
    parents: dict[tuple[str, str], Organisation]
    new_parents: list[Organisation]
    existing: dict[int, Organisation]

    @classmethod
    def make(cls, records: list[SchoolRecord]) -> SchoolsPlan:
        parents = existing_parents()
        wanted = {key for record in records if (key := record.parent_key) is not None}
        new_parents = [Organisation(kind=kind, name=name) for kind, name in sorted(wanted - parents.keys())]
        schools = Organisation.objects.filter(urn__isnull=False).order_by()
        schools = schools.only("urn", "slug", *REGISTER_FIELDS)
        existing = {school.urn: school for school in schools if school.urn is not None}
        return cls(records, parents, new_parents, existing)

    def count_into(self, summary: SchoolsImportSummary) -> None:
        summary.trusts_created = sum(1 for parent in self.new_parents if parent.kind == "trust")
        summary.local_authorities_created = len(self.new_parents) - summary.trusts_created
        new_parent_keys = {(parent.kind, parent.name) for parent in self.new_parents}
        for record in self.records:
            school = self.existing.get(record.urn)
            if school is None:
                summary.created += 1
            elif record.parent_key in new_parent_keys or changes(school, record, self.parents):
                summary.updated += 1
            else:
                summary.unchanged += 1


def existing_parents() -> dict[tuple[str, str], Organisation]:
    """Trusts and local authorities by (kind, name); the oldest wins if a name is used twice."""
    found: dict[tuple[str, str], Organisation] = {}
    for parent in Organisation.objects.filter(kind__in=("trust", "local_authority")).order_by("-pk"):
        found[(parent.kind, parent.name)] = parent
    return found


def _values(record: SchoolRecord, parents: dict[tuple[str, str], Organisation]) -> dict[str, object]:
    key = record.parent_key
    return {
        "kind": record.kind,
        "name": record.name,
        "phase": record.phase,
        "region": record.region,
        "establishment_type": record.establishment_type,
        "pupils_on_roll": record.pupils_on_roll,
        "fsm_share": record.fsm_share,
        "deprivation_quintile": vocab.deprivation_quintile(
            float(record.fsm_share) if record.fsm_share is not None else None
        ),
        "urban_rural": record.urban_rural,
        "is_open": record.is_open,
        "parent_id": parents[key].pk if key is not None and key in parents else None,
    }


def changes(
    school: Organisation, record: SchoolRecord, parents: dict[tuple[str, str], Organisation]
) -> set[str]:
    """The register fields whose stored value differs from the file's."""
    changed: set[str] = set()
    for name, new in _values(record, parents).items():
        old = getattr(school, name)
        if isinstance(old, Decimal) and new is not None:
            old = old.quantize(_ONE_DECIMAL)
        if old != new:
            changed.add("parent" if name == "parent_id" else name)
    return changed


def apply_record(
    school: Organisation, record: SchoolRecord, parents: dict[tuple[str, str], Organisation]
) -> None:
    for name, new in _values(record, parents).items():
        setattr(school, name, new)
