"""Nothing stored ties a check-in to the access code that unlocked it, or says in what order check-ins came.

The attack these tests reproduce: on PostgreSQL a code used up and a check-in saved in one statement share
a transaction id, so ``JOIN ... ON a.xmin = r.xmin`` linked every check-in to its code, and ordering by
``xmin`` (or ``ctid``, or SQLite's rowid) gave the order of submission. The control shows the join works on
rows written that way; the tests show it finds nothing once submissions join the results in batches.
"""

from __future__ import annotations

import unittest

from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from scipy import stats

from chalkface.voice import actions, codes
from chalkface.voice.models import AccessCode, PendingSubmission, Response
from tests.voice.helpers import CHECKIN_ANSWERS, VoiceTestCase

N = 30
POSTGRES = connection.vendor == "postgresql"


def rows(sql: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


@override_settings(CHALKFACE_MIX_BATCH=N)
class UnlinkableStorageTests(VoiceTestCase):
    def submit_in_order(self) -> list[str]:
        """N check-ins through the web, one after another; each comment says which one it was."""
        plain = self.codes(N)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        for i, code in enumerate(plain):
            response = self.client.post(
                url, {**CHECKIN_ANSWERS, "comment": f"answer number {i}", "code": code}
            )
            self.assertEqual(response.status_code, 302)
        return plain

    def order_of_submission(self, column: str) -> list[int]:
        """The submission numbers of the check-ins, sorted by ``column`` of the response table."""
        table = connection.ops.quote_name(Response._meta.db_table)
        found = rows(f"SELECT answers FROM {table} ORDER BY {column}")  # noqa: S608 - fixed names
        out = []
        for (answers,) in found:
            text = answers if isinstance(answers, str) else __import__("json").dumps(answers)
            out.append(int(text.split("answer number ")[1].split('"')[0]))
        return out

    def assert_unordered(self, order: list[int]) -> None:
        self.assertEqual(sorted(order), list(range(N)))
        rho = stats.spearmanr(order, list(range(N))).statistic
        # A random order of 30 has |rho| above 0.6 about once in 2,500 runs.
        self.assertLess(abs(rho), 0.6, order)

    def test_submissions_wait_and_then_join_the_results_together(self) -> None:
        plain = self.codes(N - 1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        for code in plain:
            self.client.post(url, {**CHECKIN_ANSWERS, "code": code})
        self.assertEqual((Response.objects.count(), PendingSubmission.objects.count()), (0, N - 1))
        (last,) = self.codes(1)
        self.client.post(url, {**CHECKIN_ANSWERS, "code": last})
        self.assertEqual((Response.objects.count(), PendingSubmission.objects.count()), (N, 0))

    @unittest.skipUnless(POSTGRES, "xmin and ctid are PostgreSQL's")
    def test_no_transaction_id_joins_a_checkin_to_its_code(self) -> None:
        self.submit_in_order()
        code_table = connection.ops.quote_name(AccessCode._meta.db_table)
        table = connection.ops.quote_name(Response._meta.db_table)
        joined = rows(f"SELECT count(*) FROM {table} r JOIN {code_table} a ON a.xmin = r.xmin")  # noqa: S608
        self.assertEqual(joined[0][0], 0)
        # One transaction wrote them all: xmin cannot order them.
        self.assertEqual(rows(f"SELECT count(DISTINCT xmin::text) FROM {table}")[0][0], 1)  # noqa: S608
        self.assert_unordered(self.order_of_submission("ctid"))

    @unittest.skipIf(POSTGRES, "the rowid is SQLite's")
    def test_the_rowid_does_not_give_the_order_of_submission(self) -> None:
        self.submit_in_order()
        self.assert_unordered(self.order_of_submission("rowid"))

    def test_neither_the_key_nor_the_record_key_gives_the_order_of_submission(self) -> None:
        self.submit_in_order()
        self.assert_unordered(self.order_of_submission("id"))
        self.assert_unordered(self.order_of_submission("record_key"))

    def test_codes_are_stored_in_an_order_unrelated_to_the_printed_sheet(self) -> None:
        plain = self.codes(N)
        stored = list(AccessCode.objects.order_by("pk").values_list("code_hash", flat=True))
        sheet = [codes.digest(code) for code in plain]
        order = [sheet.index(h) for h in stored]
        self.assert_unordered(order)


@unittest.skipUnless(POSTGRES, "xmin is PostgreSQL's")
class NaiveStorageControlTests(VoiceTestCase):
    def test_a_checkin_saved_with_its_code_in_one_transaction_is_linked_by_xmin(self) -> None:
        """The attack is real: written the naive way, every check-in is joined to its code."""
        plain = self.codes(5)
        for code in plain:
            with transaction.atomic():
                AccessCode.objects.filter(code_hash=codes.digest(code)).update(used=True)
                response = Response(
                    campaign=self.campaign,
                    question_set_version_id=self.campaign.question_set_version_id,
                    workplace=self.oakfield,
                    tool=self.tool,
                    week=self.campaign.opens_on,
                    answers={},
                    source="code",
                )
                response.save()
        code_table = connection.ops.quote_name(AccessCode._meta.db_table)
        table = connection.ops.quote_name(Response._meta.db_table)
        joined = rows(f"SELECT count(*) FROM {table} r JOIN {code_table} a ON a.xmin = r.xmin")  # noqa: S608
        self.assertEqual(joined[0][0], 5)
        actions.mix_due(batch=1)  # nothing pending: the naive rows stay linked
        joined = rows(f"SELECT count(*) FROM {table} r JOIN {code_table} a ON a.xmin = r.xmin")  # noqa: S608
        self.assertEqual(joined[0][0], 5)
