"""Reading survey responses exported from Microsoft Forms or Google Forms (CSV or XLSX).

A mapping (JSON) says which column answers which question and which answer label is which stored value::

    {
      "workplace": {"urn": 100001},       # or {"column": "School", "values": {"Oakfield": 100001}}
      "tool": {"slug": "lessonspark"},    # or {"column": "Tool", "values": {"LessonSpark": "lessonspark"}}
      "date": {"column": "Completion time", "format": "%m/%d/%Y %H:%M:%S"},  # optional; default today
      "multiple_separator": ";",                          # optional, for multiple-choice cells
      "questions": {
        "workload": {"column": "My workload has gone up", "values": {"Strongly agree": 5, "Agree": 4}},
        "time_saved_hours": {"column": "Hours saved a week"},
        "comment": {"column": "Anything else?"}
      }
    }

Only mapped columns are read: names or email addresses that a form collected are never imported.
:func:`check_rows` checks every row and builds the check-ins without saving anything; it keeps only the week
of each date and redacts identifying text in comments. :func:`chalkface.imports.actions.import_responses`
saves them all in one transaction, or nothing if any row has an error, and refuses a file it has imported
before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone

from chalkface import redaction
from chalkface.imports.errors import ImportRefused, RowError
from chalkface.register.models import Tool
from chalkface.voice.forms import field_for
from chalkface.voice.models import Campaign, QuestionKind, Response, Source, week_of
from chalkface.voice.offered import version_for
from chalkface.workplaces.models import Organisation

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    filename: str
    rows: int = 0
    saved: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "rows": self.rows,
            "saved": self.saved,
            "dry_run": self.dry_run,
            "errors": [describe(e) for e in self.errors],
        }


def describe(error: RowError) -> str:
    """A row error as this import reports it: ``row 3, column 'School': no workplace ...``."""
    where = f"row {error.row}" + (f", column {error.column!r}" if error.column else "")
    return f"{where}: {error.problem}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_SCALAR = (str, int, float, bool, type(None))


def check_mapping(mapping: Any) -> None:
    """Refuse, with a message saying where, a mapping that is not shaped as docs/import.md describes: a
    JSON object with "workplace", "tool" and "questions" objects, an optional "date" object, columns and
    formats as text, and "values" objects of plain values. Checked before any row is read."""

    def spec(where: str, value: Any, keys: tuple[str, ...]) -> None:
        if not isinstance(value, dict):
            raise ImportRefused(f"The mapping's {where} must be a JSON object.")
        for key in keys:
            if key in value and not (isinstance(value[key], str) and value[key]):
                raise ImportRefused(f'The mapping\'s {where} "{key}" must be some text.')
        values = value.get("values")
        if values is not None and not (
            isinstance(values, dict) and all(isinstance(v, _SCALAR) for v in values.values())
        ):
            raise ImportRefused(f'The mapping\'s {where} "values" must be an object of plain values.')

    if not isinstance(mapping, dict) or not isinstance(mapping.get("questions"), dict):
        raise ImportRefused('The mapping must be a JSON object with a "questions" object.')
    for name in ("workplace", "tool"):
        if not mapping.get(name):
            raise ImportRefused(f"The mapping must say which {name} the answers are about.")
        spec(name, mapping[name], ("column",))
        for key in ("urn", "slug"):
            if key in mapping[name] and not isinstance(mapping[name][key], str | int):
                raise ImportRefused(f'The mapping\'s {name} "{key}" must be text or a number.')
    if mapping.get("date") is not None:
        spec("date", mapping["date"], ("column", "format"))
    for code, question in mapping["questions"].items():
        spec(f"question {code!r}", question, ("column",))
        if "column" not in question:
            raise ImportRefused(f'The mapping\'s question {code!r} must name its "column".')
    separator = mapping.get("multiple_separator", ";")
    if not (isinstance(separator, str) and separator):
        raise ImportRefused('The mapping\'s "multiple_separator" must be some text.')


class _Resolver:
    """Turns the fixed or per-row workplace and tool of the mapping into objects."""

    def __init__(self, campaign: Campaign, mapping: dict[str, Any], header: list[str]) -> None:
        self.campaign = campaign
        self.workplaces = {w.pk: w for w in campaign.workplaces.all()}
        self.tools = {t.slug: t for t in campaign.tools.all()}
        self.workplace_spec = mapping.get("workplace") or {}
        self.tool_spec = mapping.get("tool") or {}
        for name, spec in (("workplace", self.workplace_spec), ("tool", self.tool_spec)):
            if not spec:
                raise ImportRefused(f"The mapping must say which {name} the answers are about.")
            if "column" in spec and spec["column"] not in header:
                raise ImportRefused(f"The mapping's {name} column {spec['column']!r} is not in the file.")

    def workplace(self, row: dict[str, Any]) -> Organisation | str:
        spec = self.workplace_spec
        key: Any = spec.get("urn") or spec.get("slug")
        if "column" in spec:
            label = _cell(row.get(spec["column"]))
            key = (spec.get("values") or {}).get(label, label)
        is_urn = str(key).isdigit() and len(str(key)) <= 9  # URNs are six digits; longer is no URN
        found = Organisation.objects.filter(urn=int(key)).first() if is_urn else None
        found = found or Organisation.objects.filter(slug=str(key)).first()
        if found is None:
            return f"no workplace {key!r} in the register"
        if found.pk not in self.workplaces:
            return f"{found.name} is not one of this campaign's workplaces"
        return found

    def tool(self, row: dict[str, Any]) -> Tool | str:
        spec = self.tool_spec
        key = spec.get("slug", "")
        if "column" in spec:
            label = _cell(row.get(spec["column"]))
            key = (spec.get("values") or {}).get(label, label)
        tool = self.tools.get(str(key))
        return tool if tool is not None else f"{key!r} is not one of this campaign's tools"


def _date(value: Any, fmt: str | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell(value)
    if fmt:
        return dt.datetime.strptime(text, fmt).date()
    return dt.date.fromisoformat(text[:10])


def check_rows(
    campaign: Campaign,
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    mapping: dict[str, Any],
    report: ImportReport,
    progress: Progress | None = None,
) -> list[Response]:
    """Check every row against the mapping; add each problem to ``report`` and return the check-ins to save
    (unsaved). Raises :class:`ImportRefused` when the mapping does not fit the file at all."""
    check_mapping(mapping)
    questions = {q.code: q for q in campaign.question_set_version.ordered_questions()}
    specs: dict[str, dict[str, Any]] = mapping["questions"]
    unknown = sorted(set(specs) - set(questions))
    if unknown:
        raise ImportRefused(f"The mapping names questions this campaign does not ask: {', '.join(unknown)}.")
    missing = sorted({s["column"] for s in specs.values() if s.get("column") not in header})
    if missing:
        raise ImportRefused(
            f"The mapping names columns that are not in the file: {', '.join(map(repr, missing))}."
        )
    resolver = _Resolver(campaign, mapping, header)
    date_spec = mapping.get("date") or {}
    if date_spec.get("column") and date_spec["column"] not in header:
        raise ImportRefused(f"The mapping's date column {date_spec['column']!r} is not in the file.")
    separator = str(mapping.get("multiple_separator", ";"))
    fields = {code: field_for(questions[code]) for code in specs}
    allow = list(campaign.tools.values_list("name", flat=True))

    pending: list[Response] = []
    today = timezone.localdate()
    for count, (index, values) in enumerate(rows, start=1):
        row = dict(zip(header, values, strict=False))
        errors_before = len(report.errors)
        workplace = resolver.workplace(row)
        tool = resolver.tool(row)
        if isinstance(workplace, str):
            report.errors.append(RowError(index, resolver.workplace_spec.get("column", ""), workplace))
        if isinstance(tool, str):
            report.errors.append(RowError(index, resolver.tool_spec.get("column", ""), tool))
        day = today
        if date_spec.get("column"):
            try:
                day = _date(row.get(date_spec["column"]), date_spec.get("format"))
            except ValueError:
                report.errors.append(
                    RowError(
                        index, date_spec["column"], f"{_cell(row.get(date_spec['column']))!r} is not a date"
                    )
                )
        answers: dict[str, Any] = {}
        for code, spec in specs.items():
            question = questions[code]
            raw = _cell(row.get(spec["column"]))
            labels = {str(k): v for k, v in (spec.get("values") or {}).items()}
            value: Any = raw
            if question.kind == QuestionKind.MULTIPLE:
                parts = [p.strip() for p in raw.split(separator) if p.strip()]
                bad = [p for p in parts if labels and p not in labels]
                if bad:
                    report.errors.append(
                        RowError(index, spec["column"], f"{bad[0]!r} is not one of the mapped answers")
                    )
                    continue
                value = [str(labels.get(p, p)) for p in parts]
            elif raw and labels:
                if raw not in labels:
                    report.errors.append(
                        RowError(index, spec["column"], f"{raw!r} is not one of the mapped answers")
                    )
                    continue
                value = str(labels[raw])
            try:
                cleaned = fields[code].clean(value)
            except forms.ValidationError as exc:
                report.errors.append(RowError(index, spec["column"], " ".join(str(m) for m in exc.messages)))
                continue
            if cleaned in (None, "", []):
                continue
            if question.kind == QuestionKind.TEXT and not isinstance(workplace, str):
                names = [workplace.name, *(o.name for o in workplace.ancestors())]
                cleaned = redaction.protect(cleaned, workplace_names=names, allow=allow)
            answers[code] = cleaned
        if len(report.errors) == errors_before:
            assert isinstance(workplace, Organisation) and isinstance(tool, Tool)
            version = version_for(tool, workplace, day)
            response = Response(
                campaign=campaign,
                question_set_version_id=campaign.question_set_version_id,
                workplace=workplace,
                tool=tool,
                tool_version=version,
                week=week_of(day),
                role=str(answers.get("role") or ""),
                answers=answers,
                source=Source.IMPORT,
            )
            response.set_measures()
            pending.append(response)
        if progress is not None and (count % 200 == 0 or count == len(rows)):
            progress(count, len(rows))

    return pending
