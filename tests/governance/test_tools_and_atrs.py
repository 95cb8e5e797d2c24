"""Safety standards and data practices per tool version; declared uses; the ATRS export and its schema."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
from django.urls import reverse

from chalkface.accounts.models import AuditEvent
from chalkface.governance import actions, items
from chalkface.governance.atrs import SCHEMA_PATH, atrs_record
from chalkface.governance.models import DataPractice, SafetyAssessment
from tests.base import BaseTestCase


class SafetyAndDataTests(BaseTestCase):
    def version_url(self) -> str:
        return reverse("governance:version", args=[self.tool.slug, self.v2.pk])

    def test_an_employer_lead_records_a_safety_expectation(self) -> None:
        self.login(self.emma)
        url = reverse("governance:safety", args=[self.tool.slug, self.v2.pk, "security_testing"])
        response = self.client.post(
            url, {"status": "partly", "supplier_claim": "Tested quarterly", "verified_by": "Trust IT lead"}
        )
        self.assertRedirects(response, self.version_url())
        found = SafetyAssessment.objects.get(version=self.v2, expectation="security_testing")
        assert (found.status, found.verified_by) == ("partly", "Trust IT lead")
        assert AuditEvent.objects.filter(action="safety.recorded").exists()
        page = self.client.get(self.version_url()).content.decode()
        assert "Tested quarterly" in page and "Partly met" in page

    def test_only_employer_leads_and_administrators_assess_tools(self) -> None:
        url = reverse("governance:safety", args=[self.tool.slug, self.v2.pk, "security_testing"])
        for who in (self.alice, self.olivia, self.ravi):
            self.login(who)
            assert self.client.post(url, {"status": "met"}).status_code == 403
        assert not SafetyAssessment.objects.exists()

    def test_pupil_facing_tools_get_the_pupil_facing_expectations(self) -> None:
        self.login(self.ravi)
        page = self.client.get(self.version_url()).content.decode()
        assert "Blocks harmful content reliably" not in page
        self.tool.audiences = ["pupils", "staff"]
        self.tool.save()
        page = self.client.get(self.version_url()).content.decode()
        assert "Blocks harmful content reliably" in page and "Does not give full answers by default" in page
        assert len(items.expectations_for(True)) > len(items.expectations_for(False))

    def test_it_rates_a_data_practice_profile_with_its_reasons(self) -> None:
        values = {code: "does_not" for code, _label in items.PRACTICES}
        self.login(self.emma)
        url = reverse("governance:data_practice", args=[self.tool.slug, self.v2.pk])
        response = self.client.post(
            url, {**values, "trains_on_customer_data": "does", "retention": "30 days"}
        )
        self.assertRedirects(response, self.version_url())
        assert DataPractice.objects.get(version=self.v2).trains_on_customer_data == "does"
        page = self.client.get(self.version_url()).content.decode()
        assert "Rating: Fail" in page and "uses customer data to train its models" in page

    def test_it_flags_annex_iii_uses_on_the_governance_page(self) -> None:
        self.login(self.alice)
        url = reverse("governance:deployment_record", args=[self.deployment.pk])
        response = self.client.post(url, {"intended_uses": ["evaluating_learning", "emotion_recognition"]})
        self.assertRedirects(response, reverse("governance:workplace", args=[self.oakfield.slug]))
        page = self.client.get(reverse("governance:workplace", args=[self.oakfield.slug])).content.decode()
        assert "Annex III point 3" in page and "Article 5(1)(f)" in page
        assert "declared to recognise emotions" in page  # and a red flag
        self.login(self.bob)
        assert self.client.post(url, {"intended_uses": ["admin"]}).status_code == 403


class AtrsTests(BaseTestCase):
    def schema(self) -> dict[str, object]:
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def test_the_schema_is_a_valid_json_schema(self) -> None:
        jsonschema.Draft202012Validator.check_schema(self.schema())

    def test_the_export_validates_and_marks_unknown_fields_missing(self) -> None:
        record = atrs_record(self.deployment)
        jsonschema.validate(record, self.schema())
        assert record["tier_1"]["name"] == "LessonSpark at Oakfield Primary School"
        owner = record["tier_2"]["owner_and_responsibility"]
        assert owner["external_supplier"] == "Brightlesson Ltd"
        assert owner["senior_responsible_owner"] == {"missing": True}
        assert owner["procurement_procedure_type"] == {"missing": True}
        assert record["tier_2"]["risks"]["risks"] == {"missing": True}

    def test_recorded_fields_fill_the_export(self) -> None:
        actions.save_deployment_record(
            None,
            self.deployment,
            {"senior_responsible_owner": "Head teacher", "phase": "production", "intended_uses": ["admin"]},
        )
        record = atrs_record(self.deployment)
        jsonschema.validate(record, self.schema())
        assert record["tier_2"]["owner_and_responsibility"]["senior_responsible_owner"] == "Head teacher"
        assert record["tier_2"]["tool_specification"]["phase"] == "production"

    def test_a_wrong_record_fails_the_schema(self) -> None:
        record = atrs_record(self.deployment)
        del record["tier_1"]["contact_email"]
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(record, self.schema())
        record = atrs_record(self.deployment)
        record["tier_1"]["name"] = {"missing": False}
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(record, self.schema())

    def test_it_downloads_json_and_csv(self) -> None:
        self.login(self.ravi)
        response = self.client.get(reverse("governance:atrs", args=[self.deployment.pk, "json"]))
        assert response["Content-Type"] == "application/json"
        assert "attachment" in response["Content-Disposition"]
        jsonschema.validate(json.loads(response.content), self.schema())
        response = self.client.get(reverse("governance:atrs", args=[self.deployment.pk, "csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["section", "field", "value"]
        assert ["tier_2.owner_and_responsibility", "team", "MISSING"] in rows
        assert ["tier_2.owner_and_responsibility", "external_supplier", "Brightlesson Ltd"] in rows
        assert (
            self.client.get(reverse("governance:atrs", args=[self.deployment.pk, "xml"])).status_code == 404
        )


class ToolFlagTests(BaseTestCase):
    def test_the_tool_reads_only_deployments_with_governance_records(self) -> None:
        from django.utils import timezone

        from chalkface.governance.queries import flags_for_tool, flags_for_workplace

        today = timezone.localdate()
        assert flags_for_tool(self.tool, today) == []
        assert [f.rule for f in flags_for_workplace(self.oakfield, today)] == ["no_consultation_before_use"]
        actions.save_deployment_record(None, self.deployment, {"intended_uses": ["performance_monitoring"]})
        assert [f.rule for f in flags_for_tool(self.tool, today)] == ["no_consultation_before_use"]
