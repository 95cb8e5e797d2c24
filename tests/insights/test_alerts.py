"""Alerts: subscribing to a tool or a workplace, the scheduled run (``chalkface alerts`` and the
``compute_alerts`` task) raising in-app alerts and emails once per signal, marking them read, and never a
figure below k."""

from __future__ import annotations

import datetime as dt
import random
import re
from unittest import mock

from click.testing import CliRunner
from django.core import mail
from django.urls import reverse

from chalkface.accounts.models import Membership, Role, User
from chalkface.cli import cli
from chalkface.insights import actions, alerts, overview
from chalkface.insights.models import Alert, Subscription
from chalkface.voice.models import RECORD_KEY_RANGE, IncidentReport, QuestionSet, Response, Source
from chalkface.workplaces.models import Organisation
from tests.base import PASSWORD
from tests.insights.fixtures import InsightTestCase
from tests.jobs.helpers import run_worker


class SubscribingTests(InsightTestCase):
    def test_an_officer_subscribes_to_a_tool_from_its_page_and_stops(self) -> None:
        self.login(self.olivia)
        tool_page = reverse("insights:tool", args=[self.tool.slug])
        self.assertContains(self.client.get(tool_page), "Alert me to new signals about this tool")
        response = self.client.post(reverse("insights:subscribe"), {"tool": self.tool.slug}, follow=True)
        self.assertRedirects(response, tool_page)
        self.assertContains(response, "You will get an alert when there is a new signal about LessonSpark.")
        self.assertContains(response, "Stop alerts about this tool")
        self.assertTrue(Subscription.objects.filter(user=self.olivia, tool=self.tool).exists())
        # subscribing twice keeps one subscription
        self.client.post(reverse("insights:subscribe"), {"tool": self.tool.slug})
        self.assertEqual(Subscription.objects.filter(user=self.olivia).count(), 1)
        listing = self.client.get(reverse("insights:alerts"))
        self.assertContains(listing, "LessonSpark")
        self.client.post(reverse("insights:subscribe"), {"tool": self.tool.slug, "stop": "1"})
        self.assertFalse(Subscription.objects.filter(user=self.olivia).exists())

    def test_an_officer_subscribes_to_a_workplace_from_its_page(self) -> None:
        self.login(self.olivia)
        page = reverse("insights:workplace", args=[self.oakfield.slug])
        response = self.client.post(reverse("insights:subscribe"), {"workplace": self.oakfield.slug})
        self.assertRedirects(response, page)
        self.assertTrue(Subscription.objects.filter(user=self.olivia, workplace=self.oakfield).exists())
        self.client.post(reverse("insights:subscribe"), {"workplace": self.oakfield.slug, "stop": "1"})
        self.assertFalse(Subscription.objects.filter(user=self.olivia).exists())

    def test_it_lets_only_those_who_see_the_results_subscribe(self) -> None:
        url = reverse("insights:subscribe")
        # not signed in: sent to log in
        response = self.client.post(url, {"tool": self.tool.slug})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        # the employer lead has been shared nothing
        self.login(self.emma)
        self.assertEqual(self.client.post(url, {"tool": self.tool.slug}).status_code, 403)
        # a rep at Hillside may not follow Oakfield, whose page they cannot open, but may follow their own
        self.login(self.bob)
        self.assertEqual(self.client.post(url, {"workplace": self.oakfield.slug}).status_code, 403)
        self.assertEqual(self.client.post(url, {"workplace": self.hillside.slug}).status_code, 302)
        # only by POST, and only for something that exists
        self.assertEqual(self.client.get(url, {"tool": self.tool.slug}).status_code, 405)
        self.assertEqual(self.client.post(url, {"tool": "no-such-tool"}).status_code, 404)
        self.assertEqual(self.client.post(url, {}).status_code, 404)
        self.assertEqual(
            list(Subscription.objects.values_list("user__email", "workplace__slug")),
            [("bob@example.org", "hillside-academy")],
        )


class ComputingTests(InsightTestCase):
    """The fixture's version 2.0 raised workload sharply (a planted version change); Oakfield has 7 incident
    reports and Hillside 7, both below k=10."""

    def setUp(self) -> None:
        # Alice (rep at Oakfield) follows the tool: she sees Oakfield's 30 check-ins; 2.0 raised workload.
        actions.set_subscription(self.alice, tool=self.tool)
        actions.set_subscription(self.olivia, workplace=self.oakfield)
        self.keys = random.Random(7)  # fixed record keys, so the published counts are fixed too

    def plant_incidents(self, count: int) -> None:
        IncidentReport.objects.bulk_create(
            IncidentReport(
                campaign=self.campaign,
                workplace=self.oakfield,
                tool=self.tool,
                tool_version=self.v2,
                month=dt.date(2025, 11, 1),
                category="workload_increase",
                severity="moderate",
                harm_type="psychological",
                week=dt.date(2025, 11, 3),
                source=Source.CODE,
                record_key=self.keys.randrange(RECORD_KEY_RANGE),
            )
            for _ in range(count)
        )

    def test_the_command_raises_an_alert_and_an_email_for_a_version_change_once(self) -> None:
        result = CliRunner().invoke(cli, ["alerts"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("Raised 2 alert(s).", result.output)
        version = Alert.objects.get(user=self.alice, key="version:lessonspark:workload:1.0:2.0")
        self.assertEqual(version.title, "New signal about LessonSpark")
        self.assertIn("version 2.0", version.body)
        self.assertIn("n=14 before, 16 after", version.body)
        self.assertEqual(
            version.url, reverse("insights:compare", args=["lessonspark"]) + "?before=1.0&after=2.0"
        )
        self.assertFalse(version.read)
        ready = Alert.objects.get(user=self.olivia)
        self.assertEqual(ready.key, f"workplace-ready:{self.oakfield.pk}")
        self.assertEqual(ready.title, "Results for Oakfield Primary School are ready")
        # one email per alert, to its person, with the link to the evidence
        self.assertEqual(len(mail.outbox), 2)
        sent = {m.to[0]: m for m in mail.outbox}
        self.assertEqual(sent["alice@example.org"].subject, "Chalkface: New signal about LessonSpark")
        self.assertIn(version.body, sent["alice@example.org"].body)
        self.assertIn(version.url, sent["alice@example.org"].body)
        # the second run finds the same signals and raises nothing new
        again = CliRunner().invoke(cli, ["alerts"])
        self.assertIn("Raised 0 alert(s).", again.output)
        self.assertEqual(Alert.objects.count(), 2)
        self.assertEqual(len(mail.outbox), 2)
        # the alert shows on the person's alerts page and overview
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("insights:alerts")), "New signal about LessonSpark")
        self.assertContains(self.client.get(reverse("insights:overview")), "New signal about LessonSpark")

    def test_the_scheduled_task_raises_an_alert_for_an_incident_spike_on_the_worker(self) -> None:
        from chalkface.insights.alerts import compute_alerts

        compute_alerts.enqueue()
        run_worker()
        self.assertFalse(Alert.objects.filter(key__startswith="workplace-incidents").exists())
        # 6 more reports at Oakfield: 13, past k, so the count can be shown; an alert says so
        self.plant_incidents(6)
        compute_alerts.enqueue()
        run_worker()
        spike = Alert.objects.get(key=f"workplace-incidents:{self.oakfield.pk}:1")
        self.assertEqual(spike.user, self.olivia)
        # 13, published with cell-key noise of at most 2
        self.assertRegex(spike.body, r"^1[1-5] incident reports at Oakfield Primary School so far\.$")
        self.assertTrue(
            any(m.subject == "Chalkface: Incident reports at Oakfield Primary School" for m in mail.outbox)
        )
        # no new alert until the count passes the next multiple of k
        self.plant_incidents(2)
        self.assertEqual(alerts.run_alerts(), 0)
        self.plant_incidents(8)  # 23: published 21 to 25, past 2k whatever the noise
        self.assertEqual(alerts.run_alerts(), 1)
        self.assertRegex(
            Alert.objects.get(key=f"workplace-incidents:{self.oakfield.pk}:2").body,
            r"^2[1-5] incident reports at Oakfield Primary School so far\.$",
        )

    def test_an_alert_never_reveals_a_figure_below_k(self) -> None:
        # A third school with only 4 check-ins; Olivia follows it and both schools with 7 incident reports.
        brook = Organisation.objects.create(
            kind="school", name="Brook Infants", slug="brook-infants", urn=100009
        )
        self.campaign.workplaces.add(brook)
        version = QuestionSet.objects.get(slug="core-checkin").current()
        Response.objects.bulk_create(
            Response(
                campaign=self.campaign,
                question_set_version=version,
                workplace=brook,
                tool=self.tool,
                tool_version=self.v2,
                week=dt.date(2025, 10, 6),
                role="teacher",
                answers={"role": "teacher", "workload": 5},
                source=Source.CODE,
            )
            for _ in range(4)
        )
        actions.set_subscription(self.olivia, workplace=brook)
        actions.set_subscription(self.olivia, workplace=self.hillside)
        actions.set_subscription(self.olivia, tool=self.tool)
        alerts.run_alerts()
        keys = set(Alert.objects.filter(user=self.olivia).values_list("key", flat=True))
        self.assertNotIn(f"workplace-ready:{brook.pk}", keys)
        self.assertFalse(any(key.startswith("workplace-incidents") for key in keys))
        texts = [f"{a.title} {a.body}" for a in Alert.objects.all()] + [m.body for m in mail.outbox]
        self.assertTrue(texts)
        for text in texts:
            self.assertNotIn("Brook", text)
            self.assertIsNone(re.search(r"\b[47] (?:incident|report|check-in|people)", text), text)
            for n in re.findall(r"n=(\d+)", text) + re.findall(r"(\d+) (?:before|after)\b", text):
                self.assertGreaterEqual(int(n), 10, text)

    def test_a_run_reads_the_check_ins_once_however_many_follow(self) -> None:
        # Olivia, and a second officer of the same union, follow both schools and the tool (Alice, from
        # setUp, follows it too and sees only Oakfield: another audience). Signals are the overview's kept
        # figures, computed once per audience and then read; the workplaces' counts come from one pass
        # over the copy of the check-ins, not one load per subscription.
        second = User.objects.create_user("oscar@example.org", PASSWORD, name="Oscar")
        Membership.objects.create(user=second, organisation=self.branch, role=Role.UNION_OFFICER)
        for person in (self.olivia, second):
            actions.set_subscription(person, workplace=self.oakfield)
            actions.set_subscription(person, workplace=self.hillside)
            actions.set_subscription(person, tool=self.tool)
        with (
            mock.patch.object(alerts, "_counts", wraps=alerts._counts) as counted,
            mock.patch.object(overview, "_overview", wraps=overview._overview) as computed,
        ):
            alerts.run_alerts()
            self.assertEqual(counted.call_count, 1)
            self.assertEqual(computed.call_count, 2)  # Alice's audience and the officers'
            alerts.run_alerts()  # nothing new: the figures kept are read again
            self.assertEqual(computed.call_count, 2)
        mine = set(Alert.objects.filter(user=self.olivia).values_list("key", flat=True))
        self.assertIn(f"workplace-ready:{self.oakfield.pk}", mine)
        self.assertEqual(set(Alert.objects.filter(user=second).values_list("key", flat=True)), mine)


class ReadingTests(InsightTestCase):
    def setUp(self) -> None:
        actions.set_subscription(self.olivia, workplace=self.oakfield)
        alerts.run_alerts()
        self.alert = Alert.objects.get(user=self.olivia)

    def test_opening_an_alert_marks_it_read_and_takes_the_person_to_the_evidence(self) -> None:
        self.login(self.olivia)
        self.assertContains(self.client.get(reverse("insights:overview")), self.alert.title)
        response = self.client.post(reverse("insights:alert_read", args=[self.alert.pk]))
        self.assertRedirects(response, self.alert.url)
        self.alert.refresh_from_db()
        self.assertTrue(self.alert.read)
        # the overview lists unread alerts only
        self.assertNotContains(self.client.get(reverse("insights:overview")), self.alert.title)

    def test_only_its_person_can_mark_an_alert_read_and_only_by_post(self) -> None:
        url = reverse("insights:alert_read", args=[self.alert.pk])
        self.login(self.alice)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.olivia)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.alert.refresh_from_db()
        self.assertFalse(self.alert.read)
