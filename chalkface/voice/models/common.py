"""What the voice models share: thresholds, the typed measures, record keys, weeks, the language."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.utils.translation import get_language

MIN_THRESHOLD = 5
DEFAULT_THRESHOLD = 10

# The measures every check-in of the core instrument answers, stored typed beside the answers so that the
# insight layer reads columns, not JSON. Agreement items are 1 to 5; time saved is hours a week.
AGREEMENT_MEASURES: tuple[str, ...] = ("workload", "quality", "wellbeing", "trust", "data_concern")
MEASURE_COLUMNS: tuple[str, ...] = ("time_saved_hours", *AGREEMENT_MEASURES)
RECORD_KEY_RANGE = 2**31


def new_record_key() -> int:
    """A random key for one response or report, used by disclosure control's cell-key perturbation: the
    same group of people always gets the same noise. It says nothing about who or when."""
    return secrets.randbelow(RECORD_KEY_RANGE)


def typed_measures(answers: dict[str, Any]) -> dict[str, Any]:
    """The core measures of ``answers`` as typed values (``None`` where not answered or not a number)."""
    out: dict[str, Any] = {}
    for code in MEASURE_COLUMNS:
        value = answers.get(code)
        try:
            number = float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            number = None
        if number is not None and code in AGREEMENT_MEASURES:
            out[code] = round(number) if 1 <= number <= 5 else None
        else:
            out[code] = number
    return out


def week_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week that contains ``day``: the only date a submission keeps."""
    return day - dt.timedelta(days=day.weekday())


def welsh() -> bool:
    return (get_language() or "").startswith("cy")
