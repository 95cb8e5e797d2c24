"""Fifty people submit with the same code at the same moment: exactly one answer is saved."""

from __future__ import annotations

import threading
import time

from django.db import OperationalError, connection, connections
from django.test import TransactionTestCase

from chalkface.register.models import Supplier, Tool
from chalkface.voice import actions
from chalkface.voice.entry import Access
from chalkface.voice.errors import CodeRejected
from chalkface.voice.models import Response
from chalkface.workplaces.models import Organisation
from tests.voice.helpers import make_campaign, mix_all

ATTEMPTS = 50


class ConcurrentCodeTests(TransactionTestCase):
    serialized_rollback = True  # keep the core check-in that the data migration loaded

    def test_it_saves_exactly_one_response_for_fifty_simultaneous_attempts(self) -> None:
        branch = Organisation.objects.create(kind="union_branch", name="Branch", slug="branch")
        school = Organisation.objects.create(kind="school", name="Elm School", slug="elm", urn=900001)
        supplier = Supplier.objects.create(name="S", slug="s")
        tool = Tool.objects.create(name="T", slug="t", supplier=supplier)
        campaign = make_campaign(branch, [school], [tool])
        _batch, (code,) = actions.generate_codes(None, campaign, school, 1, campaign.closes_on)

        barrier = threading.Barrier(ATTEMPTS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def attempt() -> None:
            try:
                entry = Access(campaign=campaign, workplace=school, source="code", code=code)
                barrier.wait()
                # SQLite's in-memory test database answers "locked" rather than waiting; a client
                # would simply send again, so retry until the database gives a definite answer.
                for _ in range(400):
                    try:
                        actions.submit_checkin(entry, tool=tool, answers={"workload": 3})
                        outcome = "saved"
                        break
                    except CodeRejected:
                        outcome = "rejected"
                        break
                    except OperationalError:
                        time.sleep(0.005)
                else:
                    outcome = "gave up"
                with lock:
                    outcomes.append(outcome)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        self.assertEqual(len(outcomes), ATTEMPTS)
        self.assertEqual(outcomes.count("saved"), 1, outcomes)
        self.assertEqual(outcomes.count("rejected"), ATTEMPTS - 1, outcomes)
        mix_all()
        self.assertEqual(Response.objects.filter(campaign=campaign).count(), 1)
        self.assertIn(connection.vendor, {"postgresql", "sqlite"})
