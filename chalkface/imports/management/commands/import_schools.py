"""``manage.py import_schools FILE``: import the "Get Information About Schools" all-establishments CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chalkface.imports.actions import import_schools
from chalkface.imports.errors import ImportRefused


class Command(BaseCommand):
    help = (
        'Import the "Get Information About Schools" all-establishments CSV (edubasealldata*.csv): create '
        "new schools and update changed ones, matched by URN. A file with any problem imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file downloaded from GIAS.")
        parser.add_argument(
            "--encoding",
            choices=["auto", "utf-8", "utf-16", "cp1252"],
            default="auto",
            help=(
                "The file's text encoding (default: auto, which takes UTF-16 if the file starts with its "
                "mark, else tries UTF-8 and then Windows-1252)."
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what would change, without saving."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            summary = import_schools(path, encoding=options["encoding"], dry_run=options["dry_run"])
        except ImportRefused as problem:
            raise CommandError(str(problem)) from problem
        except OSError as error:
            raise CommandError(f"Could not read {path}: {error.strerror or error}.") from error
        self.stdout.write(str(summary))
