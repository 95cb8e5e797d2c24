"""Imports that change the database. Each function checks the whole file first and then writes all of it
in one transaction (with an audit entry), or nothing."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from django_tasks import task

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.imports.errors import ImportRefused, RowError
from chalkface.imports.responses import ImportReport, Progress, check_mapping, check_rows, describe
from chalkface.imports.schools import (
    BATCH_SIZE,
    SchoolsImportError,
    SchoolsImportSummary,
    SchoolsPlan,
    apply_record,
    changes,
    existing_parents,
    read_records,
)
from chalkface.imports.tables import UnreadableRow, open_table
from chalkface.imports.uploads import uploads_dir
from chalkface.voice.models import Campaign, Response, ResponseImport
from chalkface.web.slugs import free_slug
from chalkface.workplaces.models import Organisation

# --- The schools register -----------------------------------------------------------------------------


def import_schools(
    source: Path | BinaryIO,
    *,
    actor: User | None = None,
    encoding: str = "auto",
    dry_run: bool = False,
) -> SchoolsImportSummary:
    """Import (upsert by URN) the GIAS all-establishments CSV from a path or a binary file object.

    ``encoding`` is "auto" (UTF-8 with or without BOM, else Windows-1252), "utf-8" or "cp1252".
    Raises :class:`SchoolsImportError` listing every problem found; then nothing is saved.
    With ``dry_run`` the file is checked and the summary says what would change, but nothing is saved.
    """
    with ExitStack() as stack:
        try:
            # The register is published as CSV, whatever the file is called.
            table = open_table(source, "edubasealldata.csv", stack, encoding=encoding)
        except UnreadableRow as unreadable:
            raise SchoolsImportError([RowError(unreadable.row, "", unreadable.problem)]) from None
        records, skipped = read_records(table)
    summary = SchoolsImportSummary(
        rows_read=len(records) + len(skipped), skipped=skipped, encoding=table.encoding, dry_run=dry_run
    )
    if dry_run:
        SchoolsPlan.make(records).count_into(summary)
        return summary
    with transaction.atomic():
        plan = SchoolsPlan.make(records)
        plan.count_into(summary)
        _write_schools(plan)
        audit.record(
            actor,
            "schools.imported",
            None,
            f"Imported schools register: {summary.created} created, {summary.updated} updated",
            summary.counts(),
            object_type="workplaces.organisation",
        )
    return summary


def _write_schools(plan: SchoolsPlan) -> None:
    new_records = [record for record in plan.records if record.urn not in plan.existing]
    taken: set[str] = set()
    if plan.new_parents or new_records:
        taken = set(Organisation.objects.values_list("slug", flat=True))
    for parent in plan.new_parents:
        parent.slug = free_slug(parent.name, taken, fallback=parent.kind.replace("_", "-"), max_length=180)
        taken.add(parent.slug)
    Organisation.objects.bulk_create(plan.new_parents, batch_size=BATCH_SIZE)
    if plan.new_parents:
        plan.parents = existing_parents()  # with their ids, whether or not the database returned them

    to_create: list[Organisation] = []
    for record in new_records:
        school = Organisation(urn=record.urn)
        apply_record(school, record, plan.parents)
        school.slug = free_slug(f"{slugify(record.name)[:180] or 'school'}-{record.urn}", taken)
        taken.add(school.slug)
        to_create.append(school)
    Organisation.objects.bulk_create(to_create, batch_size=BATCH_SIZE)

    to_update: list[Organisation] = []
    changed_fields: set[str] = set()
    for record in plan.records:
        school = plan.existing.get(record.urn)
        if school is not None and (changed := changes(school, record, plan.parents)):
            apply_record(school, record, plan.parents)
            changed_fields |= changed
            to_update.append(school)
    if to_update:
        Organisation.objects.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)


# --- Survey responses ---------------------------------------------------------------------------------


def import_responses(
    actor: User | None,
    campaign: Campaign,
    data: bytes,
    filename: str,
    mapping: dict[str, Any],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    before_commit: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then save them all in one transaction (or nothing, if any row has an error).

    ``before_commit(saved)`` runs last inside that transaction: an exception from it undoes the import (the
    job that runs a web import ends itself there, so the rows and the job's ending commit together)."""
    check_mapping(mapping)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = ResponseImport.objects.filter(sha256=sha256).first()
    if earlier is not None:
        raise ImportRefused(
            f"This file was already imported on {earlier.created_at:%d %B %Y} as {earlier.filename!r}; "
            "importing it again would count every answer twice."
        )
    with ExitStack() as stack:
        table = open_table(data, filename, stack)
        rows = [(row, values) for row, values in table.rows if any(c not in (None, "") for c in values)]
    if not table.header and not rows:
        raise ImportRefused(f"{filename} is empty.")
    report = ImportReport(filename=filename, rows=len(rows), dry_run=dry_run)
    pending = check_rows(campaign, table.header, rows, mapping, report, progress)
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            ResponseImport.objects.create(
                campaign=campaign, sha256=sha256, filename=filename[:255], rows=len(pending)
            )
            # In an order unrelated to the file's (a form export lists answers in the order they came).
            random.SystemRandom().shuffle(pending)
            Response.objects.bulk_create(pending, batch_size=2000)
            audit.record(
                actor,
                "responses.imported",
                campaign,
                f"Imported {len(pending)} responses from {filename}",
                {"rows": len(pending), "sha256": sha256},
            )
            if before_commit is not None:
                before_commit(len(pending))
    except IntegrityError:  # the same file, imported by someone else at this very moment
        raise ImportRefused("This file has just been imported by someone else.") from None
    report.saved = len(pending)
    return report


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
    """The task: run :func:`import_responses` on a saved upload, reporting progress into the job."""
    from chalkface.jobs import actions as jobs

    path = uploads_dir() / Path(stored_name).name

    def work(job: Any) -> tuple[str, str]:
        campaign = Campaign.objects.select_related("question_set_version").get(pk=campaign_id)
        # Reading the file is limited on its own (imports.tables); this bounds reading and checking together.
        limit = int(getattr(settings, "IMPORT_MAX_SECONDS", 300))
        deadline = time.monotonic() + limit

        def progress(done: int, total: int) -> None:
            if time.monotonic() > deadline:
                raise jobs.JobFailed(
                    f"Checking {filename} took longer than {limit} seconds and was stopped at row {done} of "
                    f"{total}; nothing was saved. Split it into smaller files."
                )
            jobs.set_progress(job_id, done, total, f"Checked {done} of {total} rows")

        done_url = reverse("voice:campaign", args=[campaign.slug])

        def end_job(saved: int) -> None:  # inside the import's transaction: a swept job saves nothing
            jobs.finish_within(job_id, f"Imported {saved} responses.", done_url)

        try:
            report = import_responses(
                job.owner,
                campaign,
                path.read_bytes(),
                filename,
                mapping,
                dry_run=dry_run,
                progress=progress,
                before_commit=end_job,
            )
        except ImportRefused as exc:
            raise jobs.JobFailed(str(exc)) from None
        jobs.set_progress(job_id, report.rows, report.rows)
        if not report.ok:
            raise jobs.JobFailed(
                f"{len(report.errors)} problems; nothing was saved.", [describe(e) for e in report.errors]
            )
        if dry_run:
            message = f"All {report.rows} rows are fine. Nothing was saved (checking only)."
        else:
            message = f"Imported {report.saved} responses."
        return message, done_url

    try:
        jobs.run(job_id, work)
    finally:
        path.unlink(missing_ok=True)
