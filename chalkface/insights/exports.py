"""Open data files: the aggregated, disclosure-controlled tables of
:func:`chalkface.insights.services.campaign_export_tables`, with the data dictionary and the method note, as
CSV (one file a table), Excel (one sheet a table) or Parquet. Never a row per check-in."""

from __future__ import annotations

from pathlib import Path

import polars as pl

FORMATS = ("csv", "xlsx", "parquet")

METHOD_NOTE = """Method note

These tables are aggregated from staff check-ins about AI tools. Every figure comes with n (the number of
check-ins it rests on), its effective n and a 95% interval. No figure is given for a group of fewer than the
campaign's threshold k; some larger groups are hidden too, so that a small group cannot be worked out by
subtracting published figures (complementary suppression). Hidden figures give no n.

Shares (share_agree: agree or strongly agree) use Wilson intervals; means use t intervals; standard errors are
clustered by workplace. The figures are not weighted: they describe the staff who answered.

Tables named dp_* (when present) add Laplace noise (differential privacy, through OpenDP) to counts and means;
'accuracy' is the half-width within which 95% of noisy values fall. Each release is charged to the campaign's
privacy budget; repeating a release returns the stored one.

What the data cannot say: who did not answer; whether a difference between versions or groups was caused by
the tool. See docs/methods.md in Chalkface for the full method.
"""


def write_tables(tables: dict[str, pl.DataFrame], fmt: str, out: Path, stem: str) -> list[Path]:
    """Write every table to ``out`` in ``fmt``, with the method note; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if fmt == "xlsx":
        path = out / f"{stem}.xlsx"
        import xlsxwriter

        with xlsxwriter.Workbook(str(path)) as book:
            for name, frame in tables.items():
                frame.write_excel(book, worksheet=name[:31], autofit=True)
            note = book.add_worksheet("method_note")
            for i, line in enumerate(METHOD_NOTE.splitlines()):
                note.write(i, 0, line)
        written.append(path)
    else:
        for name, frame in tables.items():
            path = out / f"{stem}-{name}.{fmt}"
            if fmt == "csv":
                frame.write_csv(path)
            else:
                frame.write_parquet(path)
            written.append(path)
    note_path = out / f"{stem}-method-note.txt"
    note_path.write_text(METHOD_NOTE, encoding="utf-8")
    written.append(note_path)
    return written


def zip_files(files: list[Path], target: Path) -> Path:
    """One zip of the files (what the download page hands out)."""
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.name)
    return target
