"""The generated period and the tools' release timelines, as whole days counted from the period's start.

Days are offsets from ``start`` (day 0); the period is days ``0 .. days - 1``, i.e. ``[start, start +
months)``. A version is live from its release day until the day before the next version's release, as in the
register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.synth.catalogue import TOOLS


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or the month's last day if shorter: 31 Jan + 1 month = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first_of_next = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last = (first_of_next - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    days: int
    # Calendar months meeting the period: "YYYY-MM", first and last day offsets (the last exclusive), and the
    # number of days in the whole calendar month (the denominator of a deployment-month).
    month_labels: tuple[str, ...]
    month_starts: tuple[int, ...]
    month_ends: tuple[int, ...]
    month_lengths: tuple[int, ...]

    @classmethod
    def of(cls, start: dt.date, months: int) -> Period:
        end = add_months(start, months)
        labels: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        lengths: list[int] = []
        first = start.replace(day=1)
        while first < end:
            following = add_months(first, 1)
            labels.append(f"{first.year:04d}-{first.month:02d}")
            starts.append((max(first, start) - start).days)
            ends.append((min(following, end) - start).days)
            lengths.append((following - first).days)
            first = following
        return cls(start, end, (end - start).days, tuple(labels), tuple(starts), tuple(ends), tuple(lengths))

    def dates(self, offsets: npt.NDArray[np.integer]) -> pl.Series:
        """Day offsets as a polars Date series."""
        epoch = np.datetime64(self.start, "D")
        return pl.Series(epoch + offsets.astype("timedelta64[D]"))

    def weekday(self, offsets: npt.NDArray[np.integer]) -> npt.NDArray[np.int64]:
        """Monday 0 ... Sunday 6."""
        return (np.asarray(offsets, dtype=np.int64) + self.start.weekday()) % 7


@dataclass(frozen=True)
class Releases:
    """Release day offsets of every tool's versions (negative: before the period), in catalogue order."""

    offsets: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, period: Period) -> Releases:
        per_tool: list[tuple[int, ...]] = []
        for tool in TOOLS:
            days: list[int] = []
            for version in tool.versions:
                if version.days_before_start is not None:
                    day = -version.days_before_start
                else:
                    assert version.period_fraction is not None
                    # Strictly inside the period, so that every in-period release has a before and an after.
                    day = min(max(1, round(version.period_fraction * period.days)), period.days - 1)
                if days and day <= days[-1]:
                    day = days[-1] + 1  # one release a day per tool, in order
                days.append(day)
            per_tool.append(tuple(days))
        return cls(tuple(per_tool))

    def matrix(self) -> npt.NDArray[np.int64]:
        """Tools x versions, padded with a day no period reaches."""
        width = max(len(days) for days in self.offsets)
        out = np.full((len(self.offsets), width), np.iinfo(np.int32).max, dtype=np.int64)
        for i, days in enumerate(self.offsets):
            out[i, : len(days)] = days
        return out

    def global_index(self) -> npt.NDArray[np.int64]:
        """Row of each tool's first version in the tool_versions table."""
        return np.cumsum([0] + [len(days) for days in self.offsets[:-1]]).astype(np.int64)

    def labels(self) -> list[str]:
        return [version.label for tool in TOOLS for version in tool.versions]

    def live(self, tool: npt.NDArray[np.int64], day: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Index (within its tool) of the version live on each day; -1 before the first release."""
        matrix = self.matrix()
        live: npt.NDArray[np.int64] = (matrix[tool] <= day[:, None]).sum(axis=1).astype(np.int64) - 1
        return live
