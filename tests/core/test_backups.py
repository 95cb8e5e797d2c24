"""Backup and restore: back up, lose the check-ins, restore, and find every one again."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from django.db import connection
from django.test import TransactionTestCase

from chalkface import backups
from chalkface.cli import cli
from chalkface.insights import extract
from chalkface.register.models import Supplier, Tool
from chalkface.voice.models import QuestionSet, Response
from chalkface.workplaces.models import Organisation


class BackupRestoreTests(TransactionTestCase):
    serialized_rollback = True  # the question sets that migrations load are there for later tests

    def make_responses(self, count: int) -> set[str]:
        school = Organisation.objects.create(kind="school", name="Oakfield", slug="oakfield", urn=100001)
        supplier = Supplier.objects.create(name="Brightlesson Ltd", slug="brightlesson-ltd")
        tool = Tool.objects.create(name="LessonSpark", slug="lessonspark", supplier=supplier)
        version = QuestionSet.objects.get(slug="core-checkin").current()
        for i in range(count):
            Response.objects.create(
                question_set_version=version,
                workplace=school,
                tool=tool,
                week=dt.date(2025, 9, 1),
                answers={"workload": str(1 + i % 5)},
                source="code",
            )
        return {str(pk) for pk in Response.objects.values_list("pk", flat=True)}

    def test_a_restored_backup_has_every_response_again(self) -> None:
        kept = self.make_responses(25)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "chalkface.backup"
            result = CliRunner().invoke(cli, ["backup", str(out)])
            self.assertEqual(result.exit_code, 0, result.output)
            at_backup = extract.change_state()
            Response.objects.all().delete()
            self.assertEqual(Response.objects.count(), 0)
            checked = CliRunner().invoke(cli, ["restore", "--check", str(out)])
            self.assertEqual(checked.exit_code, 0, checked.output)
            self.assertEqual(Response.objects.count(), 0)  # checking restores nothing
            result = CliRunner().invoke(cli, ["restore", "--yes", str(out)])
            self.assertEqual(result.exit_code, 0, result.output)
        self.assertEqual({str(pk) for pk in Response.objects.values_list("pk", flat=True)}, kept)
        # the restored check-ins carry a new change token, never the one they had when backed up: a copy
        # of the check-ins made then is not taken for current
        self.assertIsNotNone(at_backup)
        self.assertNotIn(extract.change_state(), (None, at_backup))

    def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(self) -> None:
        kept = self.make_responses(3)
        with tempfile.TemporaryDirectory() as folder:
            junk = Path(folder) / "junk.backup"
            junk.write_bytes(b"not a database at all" * 100)
            result = CliRunner().invoke(cli, ["restore", "--yes", str(junk)])
        self.assertNotEqual(result.exit_code, 0)
        self.assertIn("Error:", result.output)
        self.assertEqual({str(pk) for pk in Response.objects.values_list("pk", flat=True)}, kept)


def test_missing_postgresql_tools_are_named_with_how_to_install_them() -> None:
    with (
        mock.patch("chalkface.backups.shutil.which", return_value=None),
        pytest.raises(backups.BackupError, match="pg_dump was not found.*postgresql-client"),
    ):
        backups._pg_run("pg_dump", ["--format=custom"], {"NAME": "chalkface"})


def test_the_postgresql_password_goes_in_the_environment_not_the_command_line() -> None:
    env = backups._pg_environment({"HOST": "db", "PORT": 5432, "USER": "u", "PASSWORD": "p", "NAME": "x"})
    assert env == {"PGHOST": "db", "PGPORT": "5432", "PGUSER": "u", "PGPASSWORD": "p"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DATABASE_URL does not point at PostgreSQL")
class PostgresBackupRestoreTests(BackupRestoreTests):
    """The same on PostgreSQL, through pg_dump and pg_restore."""
