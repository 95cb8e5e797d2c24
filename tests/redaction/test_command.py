"""``chalkface redact IN.csv --text-column COL --out OUT.csv``."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from chalkface.redaction import protect
from chalkface.redaction.command import redact_command

ROWS = [
    ["id", "school", "comment", "score"],
    ["1", "Oakfield", "Mrs Sarah Jones said it was fine.", "4"],
    ["2", "Hillside", "Ring me on 07700 900123 or email j.bloggs@example.org", "2"],
    ["3", "Oakfield", "", "5"],
    ["4", "Oakfield", 'Ms Siân Llywelyn said "no",\nand Mr Dafydd ap Gwilym agreed.', "1"],
    ["5", "Sarah Jones", "Useful for planning.", "3"],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(redact_command, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_it_redacts_the_text_column_as_it_would_be_stored_and_nothing_else(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(source, ROWS)
    code, stdout, stderr = run(str(source), "--text-column", "comment", "--out", str(out))
    assert code == 0, stderr
    written = read_csv(out)
    assert written[0] == ROWS[0]
    assert [row[:2] + row[3:] for row in written] == [row[:2] + row[3:] for row in ROWS]
    assert [row[2] for row in written[1:]] == [protect(row[2]) for row in ROWS[1:]]
    assert written[1][2] == "[name] said it was fine."
    assert written[2][2] == "Ring me on [phone] or email [email]"
    assert written[4][2] == '[name] said "no",\nand [name] agreed.'
    assert written[5][1] == "Sarah Jones"  # other columns are left alone
    assert stdout == ""
    assert stderr.strip() == "5 rows: 1 e-mail, 1 phone, 3 names"


def test_it_reads_utf8_with_a_byte_order_mark_and_keeps_it(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(source, ROWS, encoding="utf-8-sig")
    code, _, stderr = run(str(source), "-c", "comment", "-o", str(out))
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,school")
    assert read_csv(out)[1][2] == "[name] said it was fine."


def test_it_catches_the_workplace_and_leaves_the_allowed_tools(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(source, [["comment"], ["Claude helped at Oakfield Primary."]])
    args = ["--workplace", "Oakfield Primary School", "--allow", "Claude"]
    code, _, stderr = run(str(source), "-c", "comment", "-o", str(out), *args)
    assert code == 0, stderr
    assert read_csv(out) == [["comment"], ["Claude helped at [workplace]."]]
    assert stderr.strip() == "1 row: 1 workplace"


def test_it_names_the_columns_when_the_text_column_is_missing(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(source, ROWS)
    code, _, stderr = run(str(source), "--text-column", "Comments", "--out", str(out))
    assert code == 2
    assert "no column 'Comments' in in.csv; its columns are 'id', 'school', 'comment', 'score'" in stderr
    assert not out.exists()


def test_it_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes("comment\nSiân said no\n".encode("cp1252"))
    code, _, stderr = run(str(source), "-c", "comment", "-o", str(out))
    assert code == 1
    assert "it is not UTF-8 text" in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # no half-written file left behind


def test_it_refuses_a_missing_or_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, _, stderr = run(str(tmp_path / "nope.csv"), "-c", "comment", "-o", str(out))
    assert code == 2 and "does not exist" in stderr
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, stderr = run(str(empty), "-c", "comment", "-o", str(out))
    assert code == 1 and "it is empty" in stderr
    code, _, stderr = run(str(tmp_path), "-c", "comment", "-o", str(out))
    assert code == 2 and "is a directory" in stderr


def test_it_explains_itself() -> None:
    code, stdout, _ = run("--help")
    assert code == 0
    assert "--text-column" in stdout and "--out" in stdout
