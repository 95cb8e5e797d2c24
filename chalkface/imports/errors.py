"""What an import says when it cannot do what was asked."""

from __future__ import annotations

from dataclasses import dataclass

from chalkface.errors import ChalkfaceError


class ImportRefused(ChalkfaceError):
    """The whole file (or its mapping) cannot be imported; nothing was saved."""


@dataclass(frozen=True)
class RowError:
    """One problem in a file. ``row`` is the row a spreadsheet shows (the header is row 1); ``column`` is
    "" for a problem with the whole row."""

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        where = f"Row {self.row}, column {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.problem}"
