"""The register's pages: lists that search, filter and paginate; tool pages with their version timeline;
forms that save through the actions (with an audit event) and show what went wrong on the right field."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chalkface.accounts.models import AuditEvent
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.register.queries import timeline
from chalkface.workplaces.models import Organisation
from tests.base import BaseTestCase


def make_tools(supplier: Supplier, workplaces: list[Organisation], count: int, prefix: str = "Tool") -> None:
    for n in range(count):
        tool = Tool.objects.create(
            name=f"{prefix} {n:02d}",
            slug=f"{prefix.lower()}-{n:02d}",
            supplier=supplier,
            capabilities=["marking_feedback"] if n % 2 else ["pupil_tutoring", "assessment"],
            audiences=["pupils"] if n % 2 else ["staff"],
        )
        for v in range(3):
            ToolVersion.objects.create(tool=tool, label=f"{v}.0", release_date=dt.date(2024, 1 + v, 1))
        for workplace in workplaces:
            Deployment.objects.create(tool=tool, workplace=workplace, starts_on=dt.date(2024, 1, 15))


class ToolListTestCase(BaseTestCase):
    def test_it_searches_by_name_and_supplier(self) -> None:
        self.login(self.ravi)
        Tool.objects.create(
            name="MarkMate", slug="markmate", supplier=Supplier.objects.create(name="Gradewise")
        )
        response = self.client.get(reverse("register:tools"), {"q": "spark"})
        assert b"LessonSpark" in response.content and b"MarkMate" not in response.content
        assert b"1 tool" in response.content
        response = self.client.get(reverse("register:tools"), {"q": "gradewise"})
        assert b"MarkMate" in response.content and b"LessonSpark" not in response.content

    def test_it_filters_by_capability_and_audience(self) -> None:
        self.login(self.ravi)
        make_tools(self.supplier, [], 4)
        response = self.client.get(reverse("register:tools"), {"capability": "marking_feedback"})
        assert response.context["page"].paginator.count == 2
        assert {t.name for t in response.context["page"]} == {"Tool 01", "Tool 03"}
        response = self.client.get(
            reverse("register:tools"), {"capability": "assessment", "audience": "staff"}
        )
        assert {t.name for t in response.context["page"]} == {"Tool 00", "Tool 02"}
        response = self.client.get(reverse("register:tools"), {"audience": "parents"})
        assert response.context["page"].paginator.count == 0
        assert b"No tools match these filters." in response.content
        assert b"Clear all filters" in response.content

    def test_it_says_when_no_tool_matches_a_search(self) -> None:
        self.login(self.ravi)
        response = self.client.get(reverse("register:tools"), {"q": "nothing like this"})
        assert "No tools match “nothing like this”" in response.content.decode()
        assert b"0 tools" in response.content

    @override_settings(PAGE_SIZE=5)
    def test_it_paginates_and_keeps_the_filters_in_the_page_links(self) -> None:
        self.login(self.ravi)
        make_tools(self.supplier, [], 12)
        first = self.client.get(reverse("register:tools"), {"capability": "marking_feedback"})
        assert first.context["page"].paginator.count == 6
        assert len(first.context["page"].object_list) == 5
        assert b"Page 1 of 2" in first.content
        assert b'href="?capability=marking_feedback&amp;page=2"' in first.content
        second = self.client.get(reverse("register:tools"), {"capability": "marking_feedback", "page": 2})
        assert len(second.context["page"].object_list) == 1
        assert b'rel="prev"' in second.content

    def test_it_lists_tools_in_the_same_number_of_queries_however_many_there_are(self) -> None:
        self.login(self.ravi)
        url = reverse("register:tools")
        self.client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        make_tools(self.supplier, [self.oakfield, self.hillside], 20)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        assert response.context["page"].paginator.count == 21
        assert len(many) == len(few) <= 8
        row = next(t for t in response.context["page"] if t.name == "Tool 00")
        assert (row.version_count, row.current_version, row.workplaces_today) == (3, "2.0", 2)

    def test_it_lists_suppliers_with_search_and_counts(self) -> None:
        self.login(self.alice)
        Supplier.objects.create(name="Gradewise", slug="gradewise", companies_house_number="SC123456")
        response = self.client.get(reverse("register:suppliers"))
        assert response.context["page"].paginator.count == 2
        response = self.client.get(reverse("register:suppliers"), {"q": "sc123456"})
        assert [s.name for s in response.context["page"]] == ["Gradewise"]
        response = self.client.get(reverse("register:suppliers"), {"q": "zzz"})
        assert "No suppliers match “zzz”" in response.content.decode()

    def test_it_lists_suppliers_in_a_bounded_number_of_queries(self) -> None:
        self.login(self.alice)
        for n in range(30):
            Supplier.objects.create(name=f"Supplier {n}", slug=f"supplier-{n}")
        with self.assertNumQueries(5):
            # The session, the user, their roles, the count and the page: nothing per row.
            self.client.get(reverse("register:suppliers"))


class ToolPageTestCase(BaseTestCase):
    def test_it_shows_the_tool_and_its_version_timeline(self) -> None:
        self.login(self.alice)
        self.tool.min_age, self.tool.max_age, self.tool.website = 11, 16, "https://lessonspark.example"
        self.tool.save()
        self.v2.material_change, self.v2.change_notes, self.v2.underlying_models = (
            True,
            "New planner",
            "GPT-5",
        )
        self.v2.save()
        response = self.client.get(reverse("register:tool", args=[self.tool.slug]))
        html = response.content.decode()
        for text in (
            "Brightlesson Ltd",
            "Lesson planning",
            "Staff",
            "11 to 16",
            "https://lessonspark.example",
            "Version 2.0",
            "Material change",
            "New planner",
            "GPT-5",
            "Live from 6 January 2025 to 31 August 2025",
            "Live since 1 September 2025",
        ):
            assert text in html, text
        # Newest first.
        assert html.index("Version 2.0") < html.index("Version 1.0")

    def test_it_counts_the_workplaces_that_deployed_each_version(self) -> None:
        # Oakfield: from 1 Feb 2025, still in use (both versions). Hillside: Mar-May 2025 (1.0 only), twice.
        for start, end in (
            (dt.date(2025, 3, 1), dt.date(2025, 5, 1)),
            (dt.date(2025, 6, 1), dt.date(2025, 8, 31)),
        ):
            Deployment.objects.create(tool=self.tool, workplace=self.hillside, starts_on=start, ends_on=end)
        # A third workplace that started on the day 2.0 came out: 2.0 only.
        riverside = Organisation.objects.create(kind="school", name="Riverside", slug="riverside", urn=100003)
        Deployment.objects.create(tool=self.tool, workplace=riverside, starts_on=dt.date(2025, 9, 1))
        v3 = ToolVersion.objects.create(tool=self.tool, label="3.0", release_date=dt.date(2099, 1, 1))
        with self.assertNumQueries(1):
            entries = timeline(self.tool)
        assert [(e.version, e.live_until, e.workplaces) for e in entries] == [
            (self.v1, dt.date(2025, 8, 31), 2),
            (self.v2, dt.date(2098, 12, 31), 2),
            (v3, None, 2),
        ]

    def test_it_builds_the_tool_page_in_the_same_number_of_queries_however_many_versions(self) -> None:
        self.login(self.olivia)
        url = reverse("register:tool", args=[self.tool.slug])
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(10):
            ToolVersion.objects.create(tool=self.tool, label=f"3.{n}", release_date=dt.date(2026, 1, 1 + n))
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        assert len(many) == len(few)

    def test_it_links_only_to_web_addresses(self) -> None:
        Tool.objects.filter(pk=self.tool.pk).update(website="javascript:alert(1)")
        self.login(self.alice)
        html = self.client.get(reverse("register:tool", args=[self.tool.slug])).content.decode()
        assert 'href="javascript:' not in html

    def test_it_shows_a_supplier_with_its_tools(self) -> None:
        self.login(self.bob)
        response = self.client.get(reverse("register:supplier", args=[self.supplier.slug]))
        assert b"LessonSpark" in response.content
        assert b"Edit this supplier" not in response.content


class SupplierFormTestCase(BaseTestCase):
    def test_it_adds_a_supplier_and_records_it(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("register:supplier_create"),
            {"name": "Gradewise Ltd", "companies_house_number": "sc123456", "website": "gradewise.example"},
            follow=True,
        )
        supplier = Supplier.objects.get(name="Gradewise Ltd")
        assert (supplier.companies_house_number, supplier.website) == (
            "SC123456",
            "https://gradewise.example",
        )
        self.assertRedirects(response, supplier.get_absolute_url())
        assert b"Added Gradewise Ltd to the register." in response.content
        event = AuditEvent.objects.get(action="supplier.created")
        assert (event.actor, event.object_id) == (self.olivia, str(supplier.pk))

    def test_it_shows_what_is_wrong_and_keeps_what_was_typed(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("register:supplier_create"), {"name": "", "website": "not a web address at all"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert '<a href="#id_name">This field is required.</a>' in html
        assert 'value="not a web address at all"' in html
        assert 'aria-describedby="id_website-error"' in html
        assert "<title>Error:" in html
        assert not Supplier.objects.exclude(pk=self.supplier.pk).exists()
        assert not AuditEvent.objects.exists()

    def test_it_refuses_a_name_already_in_the_register_on_the_name_field(self) -> None:
        self.login(self.emma)
        response = self.client.post(reverse("register:supplier_create"), {"name": "Brightlesson Ltd"})
        assert response.status_code == 200
        assert "Supplier with this Name already exists." in str(response.context["form"].errors["name"])

    def test_it_edits_a_supplier(self) -> None:
        self.login(self.emma)
        url = reverse("register:supplier_edit", args=[self.supplier.slug])
        assert b'value="Brightlesson Ltd"' in self.client.get(url).content
        self.client.post(url, {"name": "Brightlesson Limited", "companies_house_number": "01234567"})
        self.supplier.refresh_from_db()
        assert self.supplier.name == "Brightlesson Limited"
        event = AuditEvent.objects.get(action="supplier.updated")
        assert event.changes["name"] == ["Brightlesson Ltd", "Brightlesson Limited"]

    def test_it_refuses_roles_that_may_not_edit_the_catalogue(self) -> None:
        for user in (self.alice, self.ravi, self.bob, self.nobody):
            self.login(user)
            response = self.client.post(reverse("register:supplier_create"), {"name": "Sneaky Ltd"})
            assert response.status_code == 403
        assert not Supplier.objects.filter(name="Sneaky Ltd").exists()
        self.client.logout()
        response = self.client.post(reverse("register:supplier_create"), {"name": "Sneaky Ltd"})
        assert response.status_code == 302
        assert not Supplier.objects.filter(name="Sneaky Ltd").exists()


class ToolFormTestCase(BaseTestCase):
    def tool_data(self, **overrides: object) -> dict[str, object]:
        data: dict[str, object] = {
            "name": "MarkMate",
            "supplier": str(self.supplier.pk),
            "description": "Suggests marks",
            "capabilities": ["marking_feedback", "assessment"],
            "audiences": ["staff"],
            "min_age": "",
            "max_age": "",
            "website": "",
        }
        data.update(overrides)
        return data

    def test_it_offers_capabilities_and_audiences_as_checkboxes(self) -> None:
        self.login(self.emma)
        html = self.client.get(
            reverse("register:tool_create"), {"supplier": self.supplier.slug}
        ).content.decode()
        assert 'type="checkbox" name="capabilities" value="lesson_planning"' in html
        assert 'type="checkbox" name="audiences" value="parents"' in html
        assert f'<option value="{self.supplier.pk}" selected>' in html
        assert "<legend" in html and "<fieldset" in html

    def test_it_adds_a_tool_and_records_it(self) -> None:
        self.login(self.emma)
        response = self.client.post(
            reverse("register:tool_create"), self.tool_data(min_age="11", max_age="18")
        )
        tool = Tool.objects.get(name="MarkMate")
        self.assertRedirects(response, tool.get_absolute_url())
        assert tool.capabilities == ["marking_feedback", "assessment"]
        assert (tool.min_age, tool.max_age, tool.slug) == (11, 18, "markmate")
        assert AuditEvent.objects.filter(
            action="tool.created", object_id=str(tool.pk), actor=self.emma
        ).exists()

    def test_it_keeps_the_ticked_boxes_when_the_form_fails(self) -> None:
        self.login(self.emma)
        response = self.client.post(
            reverse("register:tool_create"), self.tool_data(min_age="16", max_age="11")
        )
        html = response.content.decode()
        assert "The oldest age must be the same as the youngest age or older." in html
        assert 'name="capabilities" value="assessment" id="id_capabilities_8" checked' in html
        assert 'value="Suggests marks"' not in html and "Suggests marks</textarea>" in html
        assert not Tool.objects.filter(name="MarkMate").exists()

    def test_it_refuses_a_second_tool_with_the_same_name_from_the_same_supplier(self) -> None:
        self.login(self.emma)
        response = self.client.post(reverse("register:tool_create"), self.tool_data(name="lessonspark"))
        assert "already has a tool called lessonspark" in str(response.context["form"].errors["name"])

    def test_it_edits_a_tool(self) -> None:
        self.login(self.olivia)
        url = reverse("register:tool_edit", args=[self.tool.slug])
        html = self.client.get(url).content.decode()
        assert 'value="lesson_planning" id="id_capabilities_1" checked' in html
        response = self.client.post(url, self.tool_data(name="LessonSpark", capabilities=["lesson_planning"]))
        self.assertRedirects(response, self.tool.get_absolute_url())
        self.tool.refresh_from_db()
        assert self.tool.description == "Suggests marks"
        assert AuditEvent.objects.get(action="tool.updated").changes["description"] == ["", "Suggests marks"]

    def test_it_refuses_reps_and_analysts(self) -> None:
        for user in (self.alice, self.ravi):
            self.login(user)
            assert self.client.post(reverse("register:tool_create"), self.tool_data()).status_code == 403
        assert not Tool.objects.filter(name="MarkMate").exists()


class VersionFormTestCase(BaseTestCase):
    def test_it_offers_the_version_form_on_the_tool_page_to_editors_only(self) -> None:
        url = reverse("register:tool", args=[self.tool.slug])
        action = reverse("register:version_create", args=[self.tool.slug])
        self.login(self.olivia)
        assert f'action="{action}"' in self.client.get(url).content.decode()
        self.login(self.alice)
        assert f'action="{action}"' not in self.client.get(url).content.decode()

    def test_it_adds_a_version_to_the_timeline(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("register:version_create", args=[self.tool.slug]),
            {
                "label": "3.0",
                "release_date": "2026-02-02",
                "material_change": "on",
                "underlying_models": "GPT-5",
            },
            follow=True,
        )
        version = ToolVersion.objects.get(tool=self.tool, label="3.0")
        assert version.material_change and version.release_date == dt.date(2026, 2, 2)
        assert b"Added version 3.0 of LessonSpark." in response.content
        assert AuditEvent.objects.filter(action="version.created", object_id=str(version.pk)).exists()

    def test_it_refuses_a_second_release_on_the_same_day_on_the_date_field(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("register:version_create", args=[self.tool.slug]),
            {"label": "2.1", "release_date": "2025-09-01"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "two versions cannot be live from the same day" in str(
            response.context["form"].errors["release_date"]
        )
        assert 'id="id_release_date-error"' in html
        assert '<a href="#id_release_date">' in html
        assert 'value="2025-09-01"' in html and 'value="2.1"' in html
        assert 'type="date"' in html
        assert self.tool.versions.count() == 2

    def test_it_refuses_a_release_out_of_order_on_the_date_field(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("register:version_create", args=[self.tool.slug]),
            {"label": "1.5", "release_date": "2025-05-01"},
        )
        assert "in the order they were released" in str(response.context["form"].errors["release_date"])
        assert "There is a problem" in response.content.decode()
        assert not AuditEvent.objects.exists()

    def test_it_refuses_a_repeated_label_on_the_label_field(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            reverse("register:version_create", args=[self.tool.slug]),
            {"label": "2.0", "release_date": "2026-01-01"},
        )
        assert "already has a version labelled 2.0" in str(response.context["form"].errors["label"])

    def test_it_edits_a_version_within_its_neighbours(self) -> None:
        self.login(self.emma)
        url = reverse("register:version_edit", args=[self.tool.slug, self.v1.pk])
        assert b'value="2025-01-06"' in self.client.get(url).content
        refused = self.client.post(url, {"label": "1.0", "release_date": "2025-10-01"})
        assert "It must stay before version 2.0" in str(refused.context["form"].errors["release_date"])
        response = self.client.post(
            url, {"label": "1.0", "release_date": "2025-02-01", "change_notes": "First"}
        )
        self.assertRedirects(response, f"{self.tool.get_absolute_url()}#version-{self.v1.pk}")
        self.v1.refresh_from_db()
        assert (self.v1.release_date, self.v1.change_notes) == (dt.date(2025, 2, 1), "First")
        assert AuditEvent.objects.filter(action="version.updated").exists()

    def test_it_refuses_roles_that_may_not_add_versions(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            reverse("register:version_create", args=[self.tool.slug]),
            {"label": "3.0", "release_date": "2026-02-02"},
        )
        assert response.status_code == 403
        assert self.tool.versions.count() == 2


class DeploymentPagesTestCase(BaseTestCase):
    def deployment_data(self, **overrides: object) -> dict[str, object]:
        data: dict[str, object] = {
            "tool": str(self.tool.pk),
            "starts_on": "2025-10-01",
            "ends_on": "",
            "staff_roles": ["teacher", "leader"],
            "purpose": "Planning",
            "use": "mandatory",
        }
        data.update(overrides)
        return data

    def test_it_records_a_deployment_at_the_reps_workplace(self) -> None:
        self.login(self.alice)
        url = reverse("register:deployment_create", args=[self.oakfield.slug])
        response = self.client.post(url, self.deployment_data(), follow=True)
        self.assertRedirects(response, self.oakfield.get_absolute_url())
        deployment = Deployment.objects.get(purpose="Planning")
        assert (deployment.workplace, deployment.use, deployment.staff_roles) == (
            self.oakfield,
            "mandatory",
            ["teacher", "leader"],
        )
        assert b"Recorded LessonSpark in use at Oakfield Primary School." in response.content
        assert AuditEvent.objects.filter(action="deployment.created", actor=self.alice).exists()

    def test_it_refuses_an_end_before_the_start_and_keeps_the_input(self) -> None:
        self.login(self.emma)
        url = reverse("register:deployment_create", args=[self.oakfield.slug])
        response = self.client.post(url, self.deployment_data(ends_on="2025-09-01"))
        html = response.content.decode()
        assert "The end date must be the same as the start date or after it." in html
        assert '<a href="#id_ends_on">' in html
        assert 'value="2025-10-01"' in html and 'value="Planning"' in html
        assert 'value="mandatory" id="id_use_1" required checked' in html
        assert not Deployment.objects.filter(purpose="Planning").exists()

    def test_it_shows_what_is_missing_from_an_empty_form(self) -> None:
        self.login(self.alice)
        url = reverse("register:deployment_create", args=[self.oakfield.slug])
        response = self.client.post(url, {})
        assert set(response.context["form"].errors) == {"tool", "starts_on", "use"}
        assert '<a href="#id_use_0">' in response.content.decode()

    def test_it_refuses_a_rep_of_another_workplace(self) -> None:
        self.login(self.bob)
        url = reverse("register:deployment_create", args=[self.oakfield.slug])
        assert self.client.post(url, self.deployment_data()).status_code == 403
        assert (
            self.client.post(
                reverse("register:deployment_end", args=[self.deployment.pk]), {"ends_on": "2026-01-01"}
            ).status_code
            == 403
        )
        assert not Deployment.objects.filter(purpose="Planning").exists()
        self.deployment.refresh_from_db()
        assert self.deployment.ends_on is None

    def test_it_edits_a_deployment(self) -> None:
        self.login(self.emma)
        url = reverse("register:deployment_edit", args=[self.deployment.pk])
        assert b'value="teacher" id="id_staff_roles_0" checked' in self.client.get(url).content
        response = self.client.post(url, self.deployment_data(starts_on="2025-02-01", use="optional"))
        self.assertRedirects(response, self.oakfield.get_absolute_url())
        self.deployment.refresh_from_db()
        assert self.deployment.staff_roles == ["teacher", "leader"]
        assert AuditEvent.objects.get(action="deployment.updated").changes["staff_roles"] == [
            ["teacher"],
            ["teacher", "leader"],
        ]

    def test_it_ends_a_deployment(self) -> None:
        self.login(self.alice)
        url = reverse("register:deployment_end", args=[self.deployment.pk])
        refused = self.client.post(url, {"ends_on": "2025-01-01"})
        assert "on or after the day it was first used" in str(refused.context["form"].errors["ends_on"])
        response = self.client.post(url, {"ends_on": "2025-12-31"}, follow=True)
        self.deployment.refresh_from_db()
        assert self.deployment.ends_on == dt.date(2025, 12, 31)
        assert b"is no longer in use at Oakfield Primary School" in response.content
        assert AuditEvent.objects.filter(action="deployment.ended").exists()

    def test_it_lists_deployments_filtered_by_tool_workplace_status_and_search(self) -> None:
        other = Tool.objects.create(name="MarkMate", slug="markmate", supplier=self.supplier)
        Deployment.objects.create(
            tool=other, workplace=self.hillside, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 6, 1)
        )
        self.login(self.ravi)
        url = reverse("register:deployments")

        def names(params: dict[str, str]) -> list[tuple[str, str]]:
            page = self.client.get(url, params).context["page"]
            return [(d.tool.name, d.workplace.name) for d in page]

        assert len(names({})) == 2
        assert names({"tool": "markmate"}) == [("MarkMate", "Hillside Academy")]
        assert names({"workplace": self.oakfield.slug}) == [("LessonSpark", "Oakfield Primary School")]
        assert names({"status": "active"}) == [("LessonSpark", "Oakfield Primary School")]
        assert names({"status": "ended"}) == [("MarkMate", "Hillside Academy")]
        assert names({"q": "100002"}) == [("MarkMate", "Hillside Academy")]
        assert names({"q": "oakfield"}) == [("LessonSpark", "Oakfield Primary School")]
        assert names({"use": "mandatory"}) == []
        response = self.client.get(url, {"q": "nowhere"})
        assert "No deployments match “nowhere”" in response.content.decode()

    def test_it_shows_the_version_live_today_in_the_list(self) -> None:
        self.login(self.ravi)
        response = self.client.get(reverse("register:deployments"))
        assert response.context["page"][0].version_today == "2.0"

    @override_settings(PAGE_SIZE=5)
    def test_it_lists_deployments_in_a_bounded_number_of_queries(self) -> None:
        self.login(self.ravi)
        url = reverse("register:deployments")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        make_tools(self.supplier, [self.oakfield, self.hillside], 6)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        assert response.context["page"].paginator.num_pages == 3
        assert len(many) == len(few) <= 8

    def test_it_offers_edit_links_in_the_list_only_for_a_workplace_the_user_may_edit(self) -> None:
        edit = reverse("register:deployment_edit", args=[self.deployment.pk]).encode()
        self.login(self.alice)
        url = reverse("register:deployments")
        assert edit in self.client.get(url, {"workplace": self.oakfield.slug}).content
        self.login(self.bob)
        assert edit not in self.client.get(url, {"workplace": self.oakfield.slug}).content


class AdminTestCase(BaseTestCase):
    """The admin site changes the register through the same actions, so the audit log stays complete."""

    def setUp(self) -> None:
        self.admin_user = type(self.adam).objects.create_superuser(
            "root@example.org", "a long admin pass phrase"
        )
        self.client.force_login(self.admin_user)

    def test_it_renders_every_admin_list_and_form(self) -> None:
        for model in ("supplier", "tool", "toolversion", "deployment"):
            for url in (
                reverse(f"admin:register_{model}_changelist"),
                reverse(f"admin:register_{model}_add"),
            ):
                with self.subTest(url=url):
                    assert self.client.get(url).status_code == 200
        for url in (
            reverse("admin:workplaces_organisation_changelist") + "?q=100001",
            reverse("admin:workplaces_organisation_change", args=[self.oakfield.pk]),
            reverse("admin:accounts_user_change", args=[self.alice.pk]),
            reverse("admin:accounts_user_add"),
            reverse("admin:accounts_auditevent_changelist"),
        ):
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 200

    def test_it_adds_a_supplier_through_the_action(self) -> None:
        response = self.client.post(
            reverse("admin:register_supplier_add"),
            {
                "name": "Gradewise",
                "companies_house_number": "",
                "website": "",
                "tools-TOTAL_FORMS": "0",
                "tools-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content
        supplier = Supplier.objects.get(name="Gradewise")
        assert supplier.slug == "gradewise"
        assert AuditEvent.objects.get(action="supplier.created").actor == self.admin_user

    def test_it_changes_a_version_through_the_action_and_checks_the_timeline(self) -> None:
        url = reverse("admin:register_toolversion_change", args=[self.v1.pk])
        data = {"tool": str(self.tool.pk), "label": "1.0", "release_date": "2025-10-01", "change_notes": ""}
        refused = self.client.post(url, data)
        assert refused.status_code == 200
        assert "It must stay before version 2.0" in str(refused.context["adminform"].form.errors)
        accepted = self.client.post(url, {**data, "release_date": "2025-01-10"})
        assert accepted.status_code == 302
        self.v1.refresh_from_db()
        assert self.v1.release_date == dt.date(2025, 1, 10)
        assert AuditEvent.objects.get(action="version.updated").changes["release_date"] == [
            "2025-01-06",
            "2025-01-10",
        ]

    def test_it_deletes_nothing_in_the_register(self) -> None:
        response = self.client.get(reverse("admin:register_tool_delete", args=[self.tool.pk]))
        assert response.status_code == 403
