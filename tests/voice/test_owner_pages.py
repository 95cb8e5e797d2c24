"""Campaign pages for owners and reps: campaigns, code sheets, open links, incident triage and export."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from chalkface.accounts.models import AuditEvent
from chalkface.voice import actions
from chalkface.voice.entry import Access
from chalkface.voice.models import AccessCode, Campaign, IncidentReport, QuestionSet, Share
from tests.voice.helpers import INCIDENT_ANSWERS, VoiceTestCase, mix_all


class CampaignPageTests(VoiceTestCase):
    def test_it_lets_a_union_officer_start_a_campaign_owned_by_the_branch(self) -> None:
        self.login(self.olivia)
        today = timezone.localdate()
        response = self.client.post(
            reverse("voice:campaign_create"),
            {
                "name": "Spring pulse",
                "owner": self.branch.pk,
                "question_set_version": QuestionSet.objects.get(slug="core-checkin").current().pk,
                "workplaces": [self.oakfield.pk],
                "tools": [self.tool.pk],
                "opens_on": today.isoformat(),
                "closes_on": today.isoformat(),
                "threshold": 10,
                "share_results": [self.trust.pk],
            },
        )
        campaign = Campaign.objects.get(slug="spring-pulse")
        self.assertRedirects(response, campaign.get_absolute_url())
        self.assertEqual(list(campaign.shares.values_list("what", flat=True)), [Share.RESULTS])
        self.assertTrue(AuditEvent.objects.filter(action="campaign.created").exists())

    def test_it_refuses_a_threshold_below_five(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("voice:campaign_create"), {"name": "X", "owner": self.branch.pk, "threshold": 4}
        )
        self.assertContains(response, "greater than or equal to 5")

    def test_it_keeps_union_campaigns_from_the_employer_unless_shared(self) -> None:
        self.login(self.emma)
        self.assertEqual(self.client.get(self.campaign.get_absolute_url()).status_code, 404)
        actions.set_shares(None, self.campaign, {Share.INCIDENTS: [self.trust]})
        self.assertEqual(self.client.get(self.campaign.get_absolute_url()).status_code, 200)
        self.assertEqual(
            self.client.get(reverse("voice:incidents", args=[self.campaign.slug])).status_code, 200
        )

    def test_it_shows_counts_below_the_threshold_as_fewer_than_k(self) -> None:
        self.login(self.olivia)
        response = self.client.get(self.campaign.get_absolute_url())
        self.assertContains(response, "fewer than 10")

    def test_it_prints_a_code_sheet_as_html_with_qr_codes_and_stores_only_hashes(self) -> None:
        self.login(self.alice)  # the rep at Oakfield
        response = self.client.post(
            reverse("voice:codes_generate", args=[self.campaign.slug]),
            {
                "workplace": self.oakfield.pk,
                "count": 4,
                "expires_on": self.campaign.closes_on.isoformat(),
                "output": "html",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")
        html = response.content.decode()
        self.assertEqual(html.count('<img src="data:image/svg+xml'), 4)
        self.assertEqual(AccessCode.objects.count(), 4)
        event = AuditEvent.objects.get(action="codes.generated")
        for code_hash in AccessCode.objects.values_list("code_hash", flat=True):
            self.assertNotIn(code_hash, html)
            self.assertNotIn(code_hash, json.dumps(event.changes))

    def test_it_prints_a_code_sheet_as_pdf(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("voice:codes_generate", args=[self.campaign.slug]),
            {
                "workplace": self.hillside.pk,
                "count": 2,
                "expires_on": self.campaign.closes_on.isoformat(),
                "output": "pdf",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_it_lets_a_rep_act_only_for_their_own_workplace(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            reverse("voice:codes_generate", args=[self.campaign.slug]),
            {
                "workplace": self.hillside.pk,
                "count": 2,
                "expires_on": self.campaign.closes_on.isoformat(),
                "output": "html",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(AccessCode.objects.count(), 0)

    def test_it_creates_and_closes_an_open_link(self) -> None:
        self.login(self.olivia)
        self.client.post(
            reverse("voice:link_create", args=[self.campaign.slug]),
            {"workplace": self.oakfield.pk, "per_hour": 30},
        )
        link = self.campaign.open_links.get()
        self.client.post(reverse("voice:link_close", args=[self.campaign.slug, link.pk]))
        link.refresh_from_db()
        self.assertFalse(link.active)


class IncidentTriageTests(VoiceTestCase):
    def report(self) -> IncidentReport:
        entry = Access(campaign=self.campaign, workplace=self.oakfield, source="code", code=self.codes(1)[0])
        values = {
            **INCIDENT_ANSWERS,
            "tool": self.tool,
            "affected": ["pupils"],
            "month": timezone.localdate().replace(day=1),
        }
        actions.submit_incident(entry, values=values)
        mix_all()
        return IncidentReport.objects.get()

    def test_it_moves_a_report_through_its_statuses_with_an_audit_trail(self) -> None:
        incident = self.report()
        self.login(self.olivia)
        url = reverse("voice:incident", args=[incident.pk])
        self.assertContains(self.client.get(url), "Inaccurate or harmful output")
        for status in ("reviewed", "raised", "resolved"):
            self.client.post(url, {"status": status})
            incident.refresh_from_db()
            self.assertEqual(incident.status, status)
        self.assertEqual(AuditEvent.objects.filter(action="incident.status_changed").count(), 3)
        response = self.client.post(url, {"status": "new"})
        self.assertContains(response, "cannot move to")

    def test_a_description_stored_before_a_rule_improved_is_redacted_when_shown_and_exported(self) -> None:
        incident = self.report()
        # written straight into the database, as if stored before the redactor knew to catch it
        IncidentReport.objects.filter(pk=incident.pk).update(
            description="Mrs Sarah Jones (sarah.jones@example.org) saw it mark the wrong pupils."
        )
        self.login(self.olivia)
        page = self.client.get(reverse("voice:incident", args=[incident.pk])).content.decode()
        exported = self.client.get(
            reverse("voice:incidents_export", args=[self.campaign.slug])
        ).content.decode()
        for shown in (page, exported):
            self.assertNotIn("Sarah Jones", shown)
            self.assertNotIn("sarah.jones@example.org", shown)
            self.assertIn("mark the wrong pupils", shown)

    def test_it_exports_reports_with_ai_incident_database_fields(self) -> None:
        self.report()
        self.login(self.olivia)
        data = json.loads(
            self.client.get(reverse("voice:incidents_export", args=[self.campaign.slug])).content
        )
        (item,) = data
        for key in (
            "incident_id",
            "title",
            "description",
            "date",
            "AllegedDeployerOfAISystem",
            "AllegedDeveloperOfAISystem",
            "AllegedHarmedOrNearlyHarmedParties",
            "implicated_systems",
            "classifications",
        ):
            self.assertIn(key, item)
        self.assertEqual(item["AllegedDeveloperOfAISystem"], ["Brightlesson Ltd"])
        self.assertEqual(item["implicated_systems"], ["LessonSpark 2.0"])

    def test_it_lets_a_rep_enter_a_report_for_a_colleague(self) -> None:
        self.login(self.alice)
        url = reverse("voice:rep_report", args=[self.campaign.slug])
        response = self.client.post(
            url, {**INCIDENT_ANSWERS, "workplace": self.oakfield.pk, "month": f"{timezone.localdate():%Y-%m}"}
        )
        self.assertRedirects(response, reverse("voice:incidents", args=[self.campaign.slug]))
        mix_all()
        incident = IncidentReport.objects.get()
        self.assertEqual(incident.source, "rep")
        self.assertTrue(
            AuditEvent.objects.filter(action="incident.entered_by_rep", actor=self.alice).exists()
        )

    def test_it_tells_a_rep_the_campaign_is_closed_instead_of_failing(self) -> None:
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        Campaign.objects.filter(pk=self.campaign.pk).update(closes_on=yesterday)
        self.login(self.alice)
        url = reverse("voice:rep_report", args=[self.campaign.slug])
        response = self.client.post(
            url, {**INCIDENT_ANSWERS, "workplace": self.oakfield.pk, "month": f"{yesterday:%Y-%m}"}
        )
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "the campaign is closed", status_code=410)
        self.assertContains(response, INCIDENT_ANSWERS["description"], status_code=410)
        self.assertFalse(IncidentReport.objects.exists())
