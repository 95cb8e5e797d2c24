"""A union campaign with check-ins at two workplaces, for the insight tests."""

from __future__ import annotations

import datetime as dt
import random

from chalkface.voice.models import RECORD_KEY_RANGE, Campaign, IncidentReport, QuestionSet, Response, Source
from tests.base import BaseTestCase


class InsightTestCase(BaseTestCase):
    """The branch's campaign covers Oakfield (27 teachers, 3 teaching assistants) and Hillside (24 teachers);
    k is 10. Nothing is shared with the trust, so Emma (its employer lead) sees nothing."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        version = QuestionSet.objects.get(slug="core-checkin").current()
        cls.campaign = Campaign.objects.create(
            slug="spring",
            name="Spring check-in",
            owner=cls.branch,
            question_set_version=version,
            opens_on=dt.date(2025, 1, 1),
            closes_on=dt.date(2025, 12, 31),
            threshold=10,
        )
        cls.campaign.workplaces.set([cls.oakfield, cls.hillside])
        cls.campaign.tools.set([cls.tool])
        rng = random.Random(5)
        rows = []
        plan = [
            (cls.oakfield, "teacher", 27),
            (cls.oakfield, "teaching_assistant", 3),
            (cls.hillside, "teacher", 24),
        ]
        for place, role, count in plan:
            for i in range(count):
                later = i % 2 == 0
                rows.append(
                    Response(
                        campaign=cls.campaign,
                        question_set_version=version,
                        workplace=place,
                        tool=cls.tool,
                        tool_version=cls.v2 if later else cls.v1,
                        week=dt.date(2025, 10, 6) if later else dt.date(2025, 3, 3),
                        role=role,
                        answers={
                            "role": role,
                            "workload": rng.randint(3, 5) if later else rng.randint(1, 3),
                            "quality": rng.randint(1, 5),
                            "wellbeing": rng.randint(1, 5),
                            "trust": rng.randint(1, 5),
                            "data_concern": rng.randint(1, 5),
                            "time_saved_hours": rng.choice([-1, 0, 1, 2, 3]),
                            "comment": f"Comment number {i} about planning",
                        },
                        source=Source.CODE,
                        record_key=rng.randrange(RECORD_KEY_RANGE),  # fixed, so the figures are too
                    )
                )
        Response.objects.bulk_create(rows)
        incidents = []
        for i in range(14):
            incidents.append(
                IncidentReport(
                    campaign=cls.campaign,
                    workplace=cls.oakfield if i % 2 else cls.hillside,
                    tool=cls.tool,
                    tool_version=cls.v2,
                    month=dt.date(2025, 10, 1),
                    category="workload_increase" if i < 12 else "privacy_breach",
                    severity="minor",
                    harm_type="psychological",
                    week=dt.date(2025, 10, 6),
                    source=Source.CODE,
                    record_key=rng.randrange(RECORD_KEY_RANGE),
                )
            )
        IncidentReport.objects.bulk_create(incidents)

    def add_check_in(self, record_key: int | None = None) -> Response:
        """One more teacher's check-in at Oakfield about version 2.0, like the first one there."""
        template = Response.objects.filter(workplace=self.oakfield).first()
        assert template is not None
        extra = {"record_key": record_key} if record_key is not None else {}
        return Response.objects.create(
            campaign=self.campaign,
            question_set_version=template.question_set_version,
            workplace=self.oakfield,
            tool=self.tool,
            tool_version=self.v2,
            week=dt.date(2025, 10, 13),
            role="teacher",
            answers=dict(template.answers),
            source=Source.CODE,
            **extra,
        )
