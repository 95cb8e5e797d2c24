"""PostgreSQL: check-ins are partitioned by month, ready two years ahead, and no other table refers to them
by foreign key (so they can be distributed by workplace, as docs/deploying.md describes).

A check-in submitted through the web lands in its week's month; a query for one month reads only that
month's partition; the worker's sweep makes any month that is missing. SQLite keeps one table."""

from __future__ import annotations

import datetime as dt
import unittest

from django.db import connection
from django.urls import reverse

from chalkface.voice.actions.partitions import ensure_month_partitions, month_partitions, partition_name
from chalkface.voice.models import Response
from tests.voice.helpers import CHECKIN_ANSWERS, VoiceTestCase

POSTGRES = connection.vendor == "postgresql"


def _one(sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _months_ahead(months: int) -> dt.date:
    month = dt.date.today().replace(day=1)
    for _ in range(months):
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return month


@unittest.skipUnless(POSTGRES, "PostgreSQL partitions; SQLite keeps one table")
class PartitionTests(VoiceTestCase):
    def test_check_ins_are_partitioned_by_the_month_of_their_week(self) -> None:
        (strategy, column) = _one(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
            "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'voice_response'::regclass"
        )[0]
        assert (strategy, column) == ("r", "week")
        names = set(month_partitions())
        assert "voice_response_default" in names
        for months in range(0, 25):
            assert partition_name(_months_ahead(months)) in names, months

    def test_a_check_in_lands_in_its_months_partition(self) -> None:
        code = self.codes(1)[0]
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        assert self.client.post(url, {**CHECKIN_ANSWERS, "code": code}).status_code == 302
        assert self.mix() == 1
        saved = Response.objects.get()
        (where,) = _one("SELECT tableoid::regclass::text FROM voice_response WHERE id = %s", [saved.pk])[0]
        assert where == partition_name(saved.week)

    def test_a_query_for_one_month_reads_only_that_months_partition(self) -> None:
        month = dt.date.today().replace(day=1)
        following = (month + dt.timedelta(days=32)).replace(day=1)
        plan = "\n".join(
            line
            for (line,) in _one(
                "EXPLAIN SELECT count(*) FROM voice_response WHERE week >= %s AND week < %s",
                [month, following],
            )
        )
        assert partition_name(month) in plan
        assert partition_name(following) not in plan and "voice_response_default" not in plan

    def test_the_sweep_makes_a_missing_month_again(self) -> None:
        last = _months_ahead(24)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {partition_name(last)}")
        assert partition_name(last) not in month_partitions()
        assert ensure_month_partitions() == [partition_name(last)]
        assert ensure_month_partitions() == []

    def test_nothing_refers_to_check_ins_by_foreign_key(self) -> None:
        referring = _one("SELECT conname FROM pg_constraint WHERE confrelid = 'voice_response'::regclass")
        assert referring == []
