"""Importing responses exported from Microsoft Forms or Google Forms (CSV or XLSX).

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

Only mapped columns are read: names or email addresses that a form collected are never imported. The
import is atomic (every row is checked first; one bad row saves nothing), reports errors row by row, keeps
only the week of each date, redacts identifying text in comments automatically, and refuses a file it
has imported before.

From the web, :func:`start_web_import` saves the upload under ``DATA_DIR/uploads`` with a random name and
queues :func:`import_upload` on the task worker, which reports rows checked / total into a
:class:`chalkface.jobs.models.Job` and deletes the file when it ends, however it ends.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.register.models import Tool
from chalkface.voice import protect
from chalkface.voice.actions import version_for
from chalkface.voice.forms import field_for
from chalkface.voice.models import Campaign, QuestionKind, Response, ResponseImport, Source, week_of
from chalkface.workplaces.models import Organisation

UPLOAD_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def web_limit_bytes() -> int:
    """The largest file that may be imported from the web (``CHALKFACE_IMPORT_LIMIT_MB``)."""
    return int(float(getattr(settings, "IMPORT_LIMIT_MB", 50)) * 1_000_000)


Progress = Callable[[int, int], None]


class ImportRefused(Exception):
    """The whole file or mapping cannot be imported (as opposed to errors in some rows)."""


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


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
            "errors": [str(e) for e in self.errors],
        }


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a CSV (UTF-8, with or without BOM, or Windows-1252) or XLSX file."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise ImportRefused(
                f"{filename} is not a readable XLSX workbook ({exc.__class__.__name__})."
            ) from None
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    elif filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        rows = [list(r) for r in csv.reader(io.StringIO(text))]
    else:
        raise ImportRefused(f"{filename}: import a .csv or .xlsx file.")
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise ImportRefused(f"{filename} is empty.")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    return header, rows[1:]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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
        found = Organisation.objects.filter(urn=key).first() if str(key).isdigit() else None
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


def import_file(
    actor: User | None,
    campaign: Campaign,
    data: bytes,
    filename: str,
    mapping: dict[str, Any],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row, then save them all in one transaction (or nothing, if any row has an error)."""
    if not isinstance(mapping, dict) or not isinstance(mapping.get("questions"), dict):
        raise ImportRefused('The mapping must be a JSON object with a "questions" object.')
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = ResponseImport.objects.filter(sha256=sha256).first()
    if earlier is not None:
        raise ImportRefused(
            f"This file was already imported on {earlier.created_at:%d %B %Y} as {earlier.filename!r}; "
            "importing it again would count every answer twice."
        )
    header, rows = read_table(data, filename)
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

    report = ImportReport(filename=filename, rows=len(rows), dry_run=dry_run)
    pending: list[Response] = []
    today = timezone.localdate()
    for index, values in enumerate(rows, start=2):
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
                cleaned = protect.protect(cleaned, workplace_names=names, allow=allow)
            answers[code] = cleaned
        if len(report.errors) == errors_before:
            assert isinstance(workplace, Organisation) and isinstance(tool, Tool)
            version = version_for(tool, workplace, day)
            pending.append(
                Response(
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
            )
        if progress is not None and (index % 200 == 0 or index == len(rows) + 1):
            progress(index - 1, len(rows))

    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            _save(actor, campaign, sha256, filename, pending)
    except IntegrityError:  # the same file, imported by someone else at this very moment
        raise ImportRefused("This file has just been imported by someone else.") from None
    report.saved = len(pending)
    return report


def _save(
    actor: User | None, campaign: Campaign, sha256: str, filename: str, pending: list[Response]
) -> None:
    ResponseImport.objects.create(
        campaign=campaign, sha256=sha256, filename=filename[:255], rows=len(pending)
    )
    Response.objects.bulk_create(pending, batch_size=2000)
    audit.record(
        actor,
        "responses.imported",
        campaign,
        f"Imported {len(pending)} responses from {filename}",
        {"rows": len(pending), "sha256": sha256},
    )


# --- From the web, on the task worker -----------------------------------------------------------------------


def uploads_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def save_upload(chunks: Iterable[bytes], filename: str) -> Path:
    """Write an uploaded file under a random name in the data folder; the import deletes it."""
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportRefused(f"{filename}: import a .csv or .xlsx file.")
    path = uploads_dir() / f"{secrets.token_hex(16)}{suffix}"
    with path.open("xb") as out:
        for chunk in chunks:
            out.write(chunk)
    path.chmod(0o600)
    return path


def start_web_import(
    actor: User, campaign: Campaign, path: Path, filename: str, mapping: dict[str, Any], dry_run: bool
) -> Any:
    """Queue the import of a saved upload; returns the :class:`~chalkface.jobs.models.Job` to follow."""
    from chalkface.jobs import actions as jobs

    title = f"{'Check' if dry_run else 'Import'} {filename} into {campaign.name}"
    try:
        return jobs.start_job(
            actor, "voice.import", title, import_upload, campaign.pk, path.name, filename, mapping, dry_run
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise


@task()
def import_upload(
    job_id: str, campaign_id: int, stored_name: str, filename: str, mapping: dict[str, Any], dry_run: bool
) -> None:
    """The task: run :func:`import_file` on a saved upload, reporting progress into the job."""
    from chalkface.jobs import actions as jobs

    path = uploads_dir() / Path(stored_name).name

    def work(job: Any) -> tuple[str, str]:
        campaign = Campaign.objects.select_related("question_set_version").get(pk=campaign_id)

        def progress(done: int, total: int) -> None:
            jobs.set_progress(job_id, done, total, f"Checked {done} of {total} rows")

        try:
            report = import_file(
                job.owner, campaign, path.read_bytes(), filename, mapping, dry_run=dry_run, progress=progress
            )
        except ImportRefused as exc:
            raise jobs.JobFailed(str(exc)) from None
        jobs.set_progress(job_id, report.rows, report.rows)
        if not report.ok:
            raise jobs.JobFailed(
                f"{len(report.errors)} problems; nothing was saved.", [str(e) for e in report.errors]
            )
        if dry_run:
            message = f"All {report.rows} rows are fine. Nothing was saved (checking only)."
        else:
            message = f"Imported {report.saved} responses."
        return message, reverse("voice:campaign", args=[campaign.slug])

    try:
        jobs.run(job_id, work)
    finally:
        path.unlink(missing_ok=True)
