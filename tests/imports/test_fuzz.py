"""Property tests: whatever bytes or text arrive, the table reader returns rows or refuses with its own
error, and every import refuses bad rows with a row-level report and saves nothing."""

from __future__ import annotations

import csv
import io
import json
from contextlib import ExitStack
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from chalkface.accounts.models import AuditEvent
from chalkface.imports.actions import import_responses, import_schools
from chalkface.imports.errors import ImportRefused
from chalkface.imports.schools import SchoolsImportError
from chalkface.imports.tables import Limits, open_table
from chalkface.voice.models import Response, ResponseImport
from chalkface.workplaces.models import Organisation
from tests.voice.helpers import VoiceTestCase
from tests.voice.test_import import GOOD, HEADER, MAPPING
from tests.workplaces.test_import_schools import sample_text

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMITS = Limits(rows=50, cell_chars=200)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
DELIMITERS = [",", ";", "\t", "|"]
cell_text = st.text(st.characters(codec="cp1252", exclude_categories=["Cs"]), max_size=300)


def read_all(data: bytes, filename: str = "upload.csv", **options: Any) -> list[tuple[int, list[Any]]]:
    """Every row of the file, or the reader's own error (any other exception fails the property)."""
    with ExitStack() as stack:
        table = open_table(data, filename, stack, limits=LIMITS, **options)
        assert isinstance(table.header, list)
        return list(table.rows)


def csv_text(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


# --- The table reader -----------------------------------------------------------------------------------


@FEW
@given(data=st.binary(max_size=2000), filename=st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.tsv"]))
def test_it_reads_or_refuses_arbitrary_bytes_with_its_own_error(data: bytes, filename: str) -> None:
    try:
        read_all(data, filename)
    except ImportRefused as refused:
        assert str(refused)


@FEW
@given(
    rows=st.lists(st.lists(cell_text, min_size=1, max_size=6), min_size=1, max_size=12),
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from(DELIMITERS),
)
def test_it_reads_or_refuses_csv_text_in_every_supported_encoding(
    rows: list[list[str]], encoding: str, delimiter: str
) -> None:
    data = csv_text(rows, delimiter).encode(encoding)
    for chosen in ("auto", "utf-16" if encoding == "utf-16" else "utf-8" if "utf" in encoding else "cp1252"):
        try:
            read = read_all(data, encoding=chosen)
        except ImportRefused as refused:
            assert str(refused)
            continue
        assert all(isinstance(number, int) and isinstance(values, list) for number, values in read)


@FEW
@given(size=st.integers(0, 400), delimiter=st.sampled_from(DELIMITERS), fill=st.sampled_from(["x", "é", '"']))
def test_a_cell_over_the_limit_is_refused_naming_its_row(size: int, delimiter: str, fill: str) -> None:
    data = csv_text([["a", "b"], ["1", fill * size]], delimiter).encode("utf-8")
    try:
        read = read_all(data)
    except ImportRefused as refused:
        assert size > LIMITS.cell_chars
        assert "row 2" in str(refused).lower()
    else:
        assert size <= LIMITS.cell_chars
        assert read[0][1][1] == fill * size


# --- The imports ----------------------------------------------------------------------------------------


class ImportFuzzTests(HypothesisTestCase, VoiceTestCase):
    """Each example runs in its own transaction, rolled back afterwards (hypothesis.extra.django)."""

    def counts(self) -> tuple[int, int, int, int]:
        return (
            Organisation.objects.count(),
            Response.objects.count(),
            ResponseImport.objects.count(),
            AuditEvent.objects.count(),
        )

    @FEW
    @given(
        column=st.sampled_from(["URN", "EstablishmentName", "NumberOfPupils", "OpenDate", "Postcode"]),
        value=st.text(max_size=40),
    )
    def test_a_bad_schools_row_is_reported_by_row_and_nothing_is_saved(self, column: str, value: str) -> None:
        rows = list(csv.reader(io.StringIO(sample_text(), newline="")))
        if column not in rows[0]:
            return
        rows[3][rows[0].index(column)] = value
        data = csv_text(rows, ",").encode("utf-8")
        before = self.counts()
        try:
            import_schools(io.BytesIO(data))
        except SchoolsImportError as refused:
            assert refused.errors and all(error.row >= 1 for error in refused.errors)
            assert self.counts() == before
        except ImportRefused:
            assert self.counts() == before

    @FEW
    @given(
        cells=st.lists(
            st.tuples(st.integers(0, len(HEADER.split(",")) - 1), st.text(max_size=30)),
            min_size=1,
            max_size=4,
        )
    )
    def test_bad_response_rows_are_reported_by_row_and_nothing_is_saved(self, cells: list[Any]) -> None:
        rows = [HEADER.split(","), *(next(csv.reader([line])) for line in GOOD)]
        for position, value in cells:
            rows[2][position] = value
        data = csv_text(rows, ",").encode("utf-8")
        before = self.counts()
        try:
            report = import_responses(None, self.campaign, data, "forms.csv", MAPPING)
        except ImportRefused as refused:
            assert str(refused)
            assert self.counts() == before
            return
        if report.errors:
            assert all(error.row >= 2 for error in report.errors)
            assert report.saved == 0
            assert self.counts() == before
        else:
            assert Response.objects.count() == before[1] + report.saved

    @FEW
    @given(
        mapping=st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
            ),
            max_leaves=12,
        ),
        key=st.sampled_from(["workplace", "tool", "date", "questions"]),
    )
    def test_a_mangled_mapping_is_refused_with_a_message_and_nothing_is_saved(
        self, mapping: Any, key: str
    ) -> None:
        bad = json.loads(json.dumps(MAPPING))
        bad[key] = mapping
        data = csv_text([HEADER.split(","), *(next(csv.reader([line])) for line in GOOD)], ",").encode()
        before = self.counts()
        try:
            report = import_responses(None, self.campaign, data, "forms.csv", bad)
        except ImportRefused as refused:
            assert str(refused)
            assert self.counts() == before
            return
        if report.errors:
            assert self.counts() == before
