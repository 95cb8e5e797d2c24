"""One error format for every kind of error; pagination; writes go through actions; the schema validates."""

from __future__ import annotations

import json

from openapi_spec_validator import validate

from chalkface.accounts.models import AuditEvent
from chalkface.register.models import Deployment, Supplier
from chalkface.workplaces.models import Organisation
from tests.api.base import ApiTestCase


class ErrorFormatTests(ApiTestCase):
    def test_it_answers_not_found_in_the_error_format(self) -> None:
        self.assertError(self.call("adam", "get", "/tools/no-such-tool"), 404, "not_found")
        self.assertError(self.call("adam", "get", "/deployments/999999"), 404, "not_found")
        self.assertError(self.call("adam", "get", "/no/such/address"), 404, "not_found")

    def test_it_answers_unauthorised_and_forbidden_in_the_error_format(self) -> None:
        self.assertError(self.call(None, "get", "/tools"), 401, "unauthorised")
        error = self.assertError(self.call("ravi", "post", "/suppliers", {"name": "X"}), 403, "forbidden")
        self.assertIn("union officers", error["message"])

    def test_it_answers_invalid_input_with_the_fields_at_fault(self) -> None:
        error = self.assertError(self.call("adam", "get", "/tools", page="zero"), 422, "invalid")
        self.assertIn("page", error["fields"])
        error = self.assertError(self.call("adam", "post", "/suppliers", {"website": 3}), 422, "invalid")
        self.assertIn("name", error["fields"])
        error = self.assertError(self.call("adam", "post", "/suppliers", {"name": "a\x00b"}), 422, "invalid")
        self.assertIn("name", error["fields"])
        self.assertError(self.call("adam", "get", "/workplaces", quintile=9), 422, "invalid")

    def test_it_answers_an_action_refusal_as_invalid_with_its_fields(self) -> None:
        body = {"label": "0.5", "release_date": "2024-01-01"}
        error = self.assertError(
            self.call("adam", "post", "/tools/lessonspark/versions", body), 422, "invalid"
        )
        self.assertIn("release_date", error["fields"])
        body = {"ends_on": "2024-01-01"}
        error = self.assertError(
            self.call("adam", "patch", f"/deployments/{self.deployment.pk}", body), 422, "invalid"
        )
        self.assertIn("ends_on", error["fields"])

    def test_it_answers_a_body_that_is_not_json_as_bad_request(self) -> None:
        response = self.client.post(
            "/api/v1/suppliers",
            "{not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.tokens['adam']}"},
        )
        self.assertError(response, 400, "bad_request")

    def test_it_answers_a_method_an_address_does_not_take_in_the_error_format(self) -> None:
        response = self.call("adam", "delete", "/tools/lessonspark")
        self.assertError(response, 405, "method_not_allowed")
        self.assertIn("GET", response.headers["Allow"])


class PaginationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Supplier.objects.bulk_create(
            Supplier(name=f"Supplier {i:02d}", slug=f"supplier-{i:02d}") for i in range(7)
        )

    def test_it_pages_a_list_with_count_next_and_previous(self) -> None:
        first = self.call("ravi", "get", "/suppliers", page_size=3).json()
        self.assertEqual(first["count"], 8)
        self.assertIsNone(first["previous"])
        self.assertIn("page=2", first["next"])
        self.assertEqual(len(first["results"]), 3)
        last = self.call("ravi", "get", "/suppliers", page=3, page_size=3).json()
        self.assertIsNone(last["next"])
        self.assertIn("page=2", last["previous"])
        self.assertEqual(len(last["results"]), 2)
        names = [r["name"] for r in first["results"]] + [r["name"] for r in last["results"]]
        self.assertEqual(len(set(names)), 5)

    def test_it_answers_a_page_past_the_end_as_not_found(self) -> None:
        error = self.assertError(
            self.call("ravi", "get", "/suppliers", page=9, page_size=3), 404, "not_found"
        )
        self.assertIn("last page is 3", error["message"])

    def test_it_filters_workplaces_by_phase_region_quintile_and_name(self) -> None:
        def slugs(**query: object) -> list[str]:
            return [w["slug"] for w in self.call("ravi", "get", "/workplaces", **query).json()["results"]]

        self.assertEqual(slugs(phase="primary"), ["oakfield-primary-school"])
        self.assertEqual(slugs(region="london"), ["hillside-academy"])
        quintile = Organisation.objects.get(slug="oakfield-primary-school").deprivation_quintile
        self.assertIn("oakfield-primary-school", slugs(quintile=quintile))
        self.assertEqual(slugs(q="hill"), ["hillside-academy"])


class WriteTests(ApiTestCase):
    def test_it_records_a_deployment_through_the_action_with_an_audit_event(self) -> None:
        body = {
            "tool": "lessonspark",
            "workplace": "oakfield-primary-school",
            "starts_on": "2025-04-01",
            "staff_roles": ["teacher", "leader"],
            "use": "mandatory",
        }
        response = self.call("alice", "post", "/deployments", body)
        self.assertEqual(response.status_code, 201, response.content)
        made = Deployment.objects.get(pk=response.json()["id"])
        self.assertEqual(made.staff_roles, ["teacher", "leader"])
        event = AuditEvent.objects.get(action="deployment.created", object_id=str(made.pk))
        self.assertEqual(event.actor, self.alice)

    def test_it_adds_a_version_to_the_timeline_with_an_audit_event(self) -> None:
        body = {"label": "3.0", "release_date": "2026-02-02", "material_change": True}
        response = self.call("olivia", "post", "/tools/lessonspark/versions", body)
        self.assertEqual(response.status_code, 201, response.content)
        labels = [v["label"] for v in self.call("olivia", "get", "/tools/lessonspark").json()["versions"]]
        self.assertEqual(labels, ["1.0", "2.0", "3.0"])
        self.assertTrue(AuditEvent.objects.filter(action="version.created", actor=self.olivia).exists())

    def test_it_changes_only_the_fields_sent(self) -> None:
        response = self.call("emma", "patch", "/tools/lessonspark", {"min_age": 11})
        self.assertEqual(response.status_code, 200, response.content)
        tool = response.json()
        self.assertEqual(
            (tool["min_age"], tool["capabilities"], tool["name"]), (11, ["lesson_planning"], "LessonSpark")
        )
        self.assertTrue(AuditEvent.objects.filter(action="tool.updated", actor=self.emma).exists())


class SchemaTests(ApiTestCase):
    def test_it_publishes_a_valid_openapi_schema(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = json.loads(response.content)
        validate(schema)
        self.assertEqual(schema["info"]["version"], "1")
        self.assertIn("/api/v1/tools/{slug}/results", schema["paths"])

    def test_it_documents_every_operation_on_the_docs_page(self) -> None:
        page = self.client.get("/api/v1/docs")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "GET /api/v1/campaigns/{slug}/incidents")
        self.assertNotContains(page, "cdn.")
