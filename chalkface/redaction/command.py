"""``chalkface redact IN.csv --text-column COL --out OUT.csv``: redact one column of a CSV file.

The text column is redacted exactly as an import stores it (:func:`chalkface.redaction.protect`);
every other column, the header and the row order are left as they were. A summary line (rows, and
spans found by kind) goes to standard error.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections import Counter
from pathlib import Path

import click

from chalkface.redaction.finder import find
from chalkface.redaction.spans import KINDS, redact

_BOM = "\ufeff"


def _plural(count: int, kind: str) -> str:
    word = {"email": "e-mail", "url": "link"}.get(kind, kind)
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(rows: int, found: Counter[str]) -> str:
    """One line: how many rows, and what was found in them by kind."""
    kinds = [_plural(found[kind], kind) for kind in KINDS if found[kind]]
    return f"{rows} row{'' if rows == 1 else 's'}: " + (", ".join(kinds) if kinds else "nothing to redact")


@click.command("redact")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--text-column", "-c", required=True, help="The column holding the free text to redact.")
@click.option(
    "--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write."
)
@click.option("--workplace", multiple=True, help="A workplace name to catch (repeat for several).")
@click.option("--allow", multiple=True, help="A name never to flag, e.g. an AI tool (repeat for several).")
def redact_command(
    source: Path, text_column: str, out: Path, workplace: tuple[str, ...], allow: tuple[str, ...]
) -> None:
    """Write SOURCE (a UTF-8 CSV file) to --out with the text column redacted as it would be stored."""
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise click.FileError(str(source), hint=exc.strerror or str(exc)) from exc
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.FileError(
            str(source), hint=f"it is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8 and try again"
        ) from exc
    bom = content.startswith(_BOM)
    reader = csv.reader(content.removeprefix(_BOM).splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        raise click.FileError(str(source), hint="it is empty: a header row is needed") from None
    except csv.Error as exc:
        raise click.FileError(str(source), hint=f"it is not a readable CSV file ({exc})") from exc
    if text_column not in header:
        columns = ", ".join(repr(c) for c in header)
        raise click.BadParameter(f"no column {text_column!r} in {source.name}; its columns are {columns}")
    index = header.index(text_column)
    workplaces, allowed = list(workplace), list(allow)
    found: Counter[str] = Counter()
    rows = 0
    folder = out.resolve().parent
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".redact-", suffix=".csv")
    except OSError as exc:
        raise click.FileError(str(out), hint=exc.strerror or str(exc)) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as target:
            writer = csv.writer(target)
            writer.writerow(header)
            try:
                for row in reader:
                    rows += 1
                    if index < len(row) and row[index]:
                        spans = find(row[index], workplace_names=workplaces, allow=allowed)
                        found.update(span.kind for span in spans)
                        row[index] = redact(row[index], spans)
                    writer.writerow(row)
            except csv.Error as exc:
                raise click.FileError(
                    str(source), hint=f"row {rows + 1} is not readable CSV ({exc})"
                ) from exc
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(summary(rows, found), err=True)
