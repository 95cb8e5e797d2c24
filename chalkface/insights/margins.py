"""Reading workforce margins from a CSV file or pasted rows: ``margin,category,headcount``, one row per
category, for each of role, phase and region (see docs/insights.md). Every row is checked before anything is
kept; the errors say which row and what to change."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chalkface.evidence.workforce import WEIGHTING_COLUMNS
from chalkface.vocab import PHASES, REGIONS, STAFF_ROLES

#: The categories each margin may have: their codes, and their English names (either may be used).
CATEGORIES: dict[str, list[tuple[str, str]]] = {"role": STAFF_ROLES, "phase": PHASES, "region": REGIONS}
HEADER = ("margin", "category", "headcount")
MAX_ROWS = 200


@dataclass
class ParsedMargins:
    margins: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _category(margin: str, raw: str) -> str | None:
    wanted = raw.strip().casefold()
    for code, label in CATEGORIES[margin]:
        if wanted in (code.casefold(), label.casefold()):
            return code
    return None


def parse_margins(text: str) -> ParsedMargins:
    """The margins in ``text`` (CSV with a header row), or the errors that stop them being used."""
    out = ParsedMargins()
    rows = list(csv.reader(io.StringIO(text.strip())))
    if not rows:
        out.errors.append(
            _("The file is empty: give a header row (margin,category,headcount) and one row per category.")
        )
        return out
    header = tuple(c.strip().casefold() for c in rows[0])
    if header != HEADER:
        out.errors.append(
            _("Row 1: the header must be margin,category,headcount, not %(header)s.")
            % {"header": ",".join(rows[0])}
        )
        return out
    if len(rows) - 1 > MAX_ROWS:
        out.errors.append(
            _("There are more than %(max)s rows; give one row per category.") % {"max": MAX_ROWS}
        )
        return out
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            out.errors.append(
                _("Row %(row)s: give three values (margin, category, headcount).") % {"row": number}
            )
            continue
        margin, raw_category, raw_count = (cell.strip() for cell in row)
        margin = margin.casefold()
        if margin not in WEIGHTING_COLUMNS:
            out.errors.append(
                _("Row %(row)s: the margin must be role, phase or region, not %(margin)s.")
                % {"row": number, "margin": margin or _("nothing")}
            )
            continue
        category = _category(margin, raw_category)
        if category is None:
            known = ", ".join(code for code, _label in CATEGORIES[margin])
            out.errors.append(
                _("Row %(row)s: %(category)s is not a %(margin)s Chalkface knows (use one of: %(known)s).")
                % {"row": number, "category": raw_category or _("nothing"), "margin": margin, "known": known}
            )
            continue
        try:
            count = float(raw_count.replace(",", ""))
        except ValueError:
            count = math.nan
        if not math.isfinite(count) or count <= 0:
            out.errors.append(
                _("Row %(row)s: the headcount must be a number above 0, not %(value)s.")
                % {"row": number, "value": raw_count or _("nothing")}
            )
            continue
        if category in out.margins.get(margin, {}):
            out.errors.append(
                _("Row %(row)s: %(margin)s %(category)s is given twice.")
                % {"row": number, "margin": margin, "category": category}
            )
            continue
        out.margins.setdefault(margin, {})[category] = count
    for margin in WEIGHTING_COLUMNS:
        if margin not in out.margins and not out.errors:
            out.errors.append(
                _("There is no row for the %(margin)s margin: give at least one.") % {"margin": margin}
            )
    return out


def margins_csv(margins: dict[str, dict[str, float]]) -> str:
    """Margins as the CSV :func:`parse_margins` reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for margin in WEIGHTING_COLUMNS:
        for category, count in margins.get(margin, {}).items():
            writer.writerow([margin, category, f"{count:.12g}"])
    return buffer.getvalue()
