"""Red flags on the tool, workplace and governance pages and in the brief. The evidence rule reads only
figures the release gate let this viewer see: a version group below the campaign's k is never used."""

from __future__ import annotations

from django.urls import reverse

from chalkface.governance import actions
from chalkface.insights import extract
from chalkface.insights.brief import brief_for_user
from chalkface.voice.models import Response
from chalkface.workplaces.models import Organisation
from tests.insights.fixtures import InsightTestCase

DROP = "the time staff report saving fell"


class EvidenceFlagTests(InsightTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Six more schools answer; at every school check-ins about version 1.0 saved three hours a week and
        # about 2.0 none, so the drop is clear even with an interval clustered by workplace.
        template = Response.objects.filter(workplace=self.oakfield, role="teacher").first()
        assert template is not None
        rows = []
        for i in range(6):
            school = Organisation.objects.create(
                kind="school", name=f"School {i}", slug=f"school-{i}", urn=200 + i
            )
            self.campaign.workplaces.add(school)
            for j in range(12):
                version = self.v1 if j % 2 else self.v2
                rows.append(
                    Response(
                        campaign=self.campaign,
                        question_set_version=template.question_set_version,
                        workplace=school,
                        tool=self.tool,
                        tool_version=version,
                        week=template.week,
                        role="teacher",
                        answers={"role": "teacher", "time_saved_hours": 3 if version == self.v1 else 0},
                        source=template.source,
                        record_key=1000 + 12 * i + j,
                    )
                )
        Response.objects.bulk_create(rows)
        Response.objects.filter(tool_version=self.v1).update(time_saved_hours=3)
        Response.objects.filter(tool_version=self.v2).update(time_saved_hours=0)
        extract.refresh(force=True)
        consulted = {"status": "agreed"}
        for side, who in (("union", self.alice), ("employer", self.emma)):
            actions.record_position(
                who, self.oakfield, self.deployment, "consultation_before_introduction", side, consulted
            )

    def agree_workload(self) -> None:
        actions.record_position(
            self.emma,
            self.oakfield,
            self.deployment,
            "no_backfill_of_saved_time",
            "employer",
            {"status": "agreed"},
        )

    def test_it_flags_a_drop_in_time_saved_on_the_tool_page_when_workload_is_agreed(self) -> None:
        self.agree_workload()
        self.login(self.olivia)
        page = self.client.get(reverse("insights:tool", args=[self.tool.slug])).content.decode()
        assert DROP in page and "from version 1.0 to 2.0" in page

    def test_it_does_not_flag_the_drop_when_workload_is_not_agreed(self) -> None:
        self.login(self.olivia)
        page = self.client.get(reverse("insights:tool", args=[self.tool.slug])).content.decode()
        assert DROP not in page

    def test_it_never_uses_a_version_group_below_k(self) -> None:
        self.agree_workload()
        self.campaign.threshold = 70  # fewer than 70 check-ins about each version: both hidden
        self.campaign.save()
        self.login(self.olivia)
        page = self.client.get(reverse("insights:tool", args=[self.tool.slug])).content.decode()
        assert DROP not in page
        page = self.client.get(reverse("insights:workplace", args=[self.oakfield.slug])).content.decode()
        assert DROP not in page

    def test_it_shows_the_drop_on_the_workplace_page_and_in_the_brief(self) -> None:
        self.agree_workload()
        self.login(self.olivia)
        page = self.client.get(reverse("insights:workplace", args=[self.oakfield.slug])).content.decode()
        assert DROP in page
        assert DROP in brief_for_user(self.olivia, self.tool).html()

    def test_it_shows_rule_flags_on_the_governance_page(self) -> None:
        self.tool.audiences = ["pupils"]
        self.tool.save()
        self.login(self.alice)
        page = self.client.get(reverse("governance:workplace", args=[self.oakfield.slug])).content.decode()
        assert "whether it filters harmful content is unknown" in page
        assert "Source: DfE product safety standards: filtering" in page
