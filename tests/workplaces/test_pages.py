"""Workplace pages: a list that searches and filters by context, a page with the context and the tools
in use (with the version live today), and the context form for the employer lead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chalkface.accounts.models import AuditEvent
from chalkface.register.models import Deployment, Tool
from chalkface.workplaces.models import Organisation
from tests.base import BaseTestCase


class WorkplaceListTestCase(BaseTestCase):
    def names(self, **params: str) -> list[str]:
        response = self.client.get(reverse("workplaces:list"), params)
        return [organisation.name for organisation in response.context["page"]]

    def test_it_searches_by_name_and_urn(self) -> None:
        self.login(self.olivia)
        assert self.names(q="oakfield") == ["Oakfield Primary School"]
        assert self.names(q="100002") == ["Hillside Academy"]
        response = self.client.get(reverse("workplaces:list"), {"q": "nowhere school"})
        assert "No workplaces match “nowhere school”" in response.content.decode()

    def test_it_filters_by_kind_phase_region_quintile_and_urban_rural(self) -> None:
        self.login(self.olivia)
        assert self.names(kind="trust") == ["Northway Trust"]
        assert self.names(kind="school") == ["Hillside Academy", "Oakfield Primary School"]
        assert self.names(phase="secondary") == ["Hillside Academy"]
        assert self.names(region="north_west") == ["Oakfield Primary School"]
        # Oakfield: 38% FSM, the most deprived quintile; Hillside 12%, the second.
        assert self.names(quintile="5") == ["Oakfield Primary School"]
        assert self.names(quintile="2") == ["Hillside Academy"]
        assert self.names(urban_rural="rural") == []
        assert self.names(kind="school", region="london", urban_rural="urban") == ["Hillside Academy"]
        assert self.names(parent=self.trust.slug) == ["Oakfield Primary School"]

    def test_it_ignores_a_filter_value_it_does_not_know(self) -> None:
        self.login(self.olivia)
        assert len(self.names(phase="no-such-phase")) == 5

    @override_settings(PAGE_SIZE=5)
    def test_it_paginates_in_a_bounded_number_of_queries(self) -> None:
        self.login(self.ravi)
        url = reverse("workplaces:list")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(12):
            school = Organisation.objects.create(kind="school", name=f"School {n:02d}", slug=f"school-{n}")
            Deployment.objects.create(tool=self.tool, workplace=school, starts_on=dt.date(2025, 1, 1))
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url, {"kind": "school"})
        assert response.context["page"].paginator.count == 14
        assert len(response.context["page"].object_list) == 5
        assert len(many) == len(few) <= 7
        second = self.client.get(url, {"kind": "school", "page": "3"})
        assert [o.name for o in second.context["page"]] == [
            "School 08",
            "School 09",
            "School 10",
            "School 11",
        ]
        assert b"Page 3 of 3" in second.content

    def test_it_counts_the_tools_in_use_today(self) -> None:
        self.login(self.ravi)
        response = self.client.get(reverse("workplaces:list"), {"q": "oakfield"})
        assert response.context["page"][0].tools_today == 1


class WorkplacePageTestCase(BaseTestCase):
    def test_it_shows_the_context(self) -> None:
        self.login(self.bob)
        html = self.client.get(reverse("workplaces:detail", args=[self.oakfield.slug])).content.decode()
        for text in (
            "URN 100001",
            "Northway Trust",
            "Primary",
            "North West",
            "Urban",
            "320",
            "38.0%",
            "5 of 5",
            "2 out of 5",
        ):
            assert text in html, text

    def test_it_shows_the_tools_in_use_with_the_version_live_today(self) -> None:
        ended = Tool.objects.create(name="MarkMate", slug="markmate", supplier=self.supplier)
        Deployment.objects.create(
            tool=ended, workplace=self.oakfield, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 7, 1)
        )
        self.login(self.ravi)
        response = self.client.get(reverse("workplaces:detail", args=[self.oakfield.slug]))
        assert [(d.tool.name, d.version_today) for d in response.context["current"]] == [
            ("LessonSpark", "2.0")
        ]
        assert [d.tool.name for d in response.context["past"]] == ["MarkMate"]
        html = response.content.decode()
        assert "Since 1 Feb 2025" in html and "Teacher" in html and "Optional" in html
        assert "1 Jan 2024 to 1 Jul 2024" in html

    def test_it_shows_a_trust_with_a_link_to_its_schools(self) -> None:
        self.login(self.ravi)
        html = self.client.get(reverse("workplaces:detail", args=[self.trust.slug])).content.decode()
        assert f"?parent={self.trust.slug}" in html
        assert "See the 1 organisation in Northway Trust" in html


class WorkplaceFormTestCase(BaseTestCase):
    def data(self, **overrides: str) -> dict[str, str]:
        values = {
            "establishment_type": "Academy converter",
            "phase": "primary",
            "region": "north_west",
            "urban_rural": "urban",
            "pupils_on_roll": "330",
            "staff_headcount": "41",
            "fsm_share": "16.5",
            "it_rating": "3",
        }
        values.update(overrides)
        return values

    def test_it_shows_the_current_context_in_the_form(self) -> None:
        self.login(self.emma)
        html = self.client.get(reverse("workplaces:edit", args=[self.oakfield.slug])).content.decode()
        assert 'name="it_rating" value="2" id="id_it_rating_2" checked' in html
        assert '<option value="north_west" selected>North West</option>' in html
        assert 'value="38.0"' in html

    def test_it_saves_the_context_and_works_out_the_quintile(self) -> None:
        self.login(self.emma)
        url = reverse("workplaces:edit", args=[self.oakfield.slug])
        response = self.client.post(url, self.data(), follow=True)
        self.assertRedirects(response, self.oakfield.get_absolute_url())
        self.oakfield.refresh_from_db()
        assert (self.oakfield.it_rating, self.oakfield.fsm_share, self.oakfield.deprivation_quintile) == (
            3,
            Decimal("16.5"),
            2,
        )
        assert self.oakfield.staff_headcount == 41
        assert b"Saved the details of Oakfield Primary School." in response.content
        event = AuditEvent.objects.get(action="organisation.updated")
        assert event.actor == self.emma and event.changes["it_rating"] == [2, 3]

    def test_it_shows_what_is_wrong_and_keeps_what_was_typed(self) -> None:
        self.login(self.adam)
        url = reverse("workplaces:edit", args=[self.hillside.slug])
        response = self.client.post(url, self.data(fsm_share="150", pupils_on_roll="-3"))
        html = response.content.decode()
        assert "There is a problem" in html
        assert '<a href="#id_fsm_share">' in html and '<a href="#id_pupils_on_roll">' in html
        assert 'value="150"' in html and 'value="Academy converter"' in html
        self.hillside.refresh_from_db()
        assert self.hillside.fsm_share == Decimal("12.0")
        assert not AuditEvent.objects.exists()

    def test_it_refuses_anyone_but_the_employer_lead_of_the_workplace(self) -> None:
        for user, workplace in (
            (self.alice, self.oakfield),
            (self.olivia, self.oakfield),
            (self.emma, self.hillside),
        ):
            self.login(user)
            response = self.client.post(reverse("workplaces:edit", args=[workplace.slug]), self.data())
            assert response.status_code == 403
        assert not AuditEvent.objects.exists()

    def test_it_asks_a_trust_or_local_authority_only_what_applies_to_it(self) -> None:
        self.login(self.emma)
        url = reverse("workplaces:edit", args=[self.trust.slug])
        html = self.client.get(url).content.decode()
        assert 'name="region"' in html and 'name="staff_headcount"' in html
        for school_only in ("phase", "pupils_on_roll", "fsm_share", "it_rating", "establishment_type"):
            assert f'name="{school_only}"' not in html, school_only
        assert "Each of its schools has its own details" in html
        response = self.client.post(url, {"region": "north_west", "staff_headcount": "900"})
        self.assertRedirects(response, self.trust.get_absolute_url())
        self.trust.refresh_from_db()
        assert (self.trust.region, self.trust.staff_headcount) == ("north_west", 900)
