"""Fixtures for the voice tests: a union branch campaign at Oakfield and Hillside about LessonSpark."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from chalkface.voice import actions
from chalkface.voice.models import Campaign, QuestionSet
from tests.base import BaseTestCase

CHECKIN_ANSWERS: dict[str, str] = {
    "tool": "lessonspark",
    "role": "teacher",
    "frequency": "weekly",
    "time_saved_hours": "3",
    "workload": "2",
    "quality": "4",
    "trust": "3",
    "training": "some",
    "stance": "willing",
    "comment": "It helps with planning but the quizzes need checking.",
}

INCIDENT_ANSWERS: dict[str, str] = {
    "tool": "lessonspark",
    "category": "inaccurate_output",
    "affected": "pupils",
    "severity": "minor",
    "harm_type": "psychological",
    "description": "A quiz it wrote had wrong answers and pupils were upset.",
}


def make_campaign(owner: Any, workplaces: list[Any], tools: list[Any], **values: Any) -> Campaign:
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "name": "Autumn check-in",
        "slug": "autumn-check-in",
        "owner": owner,
        "question_set_version": QuestionSet.objects.get(slug="core-checkin").current(),
        "opens_on": today - dt.timedelta(days=10),
        "closes_on": today + dt.timedelta(days=30),
        "threshold": 10,
    }
    defaults.update(values)
    return actions.create_campaign(None, defaults, workplaces, tools)


def mix_all() -> int:
    """Move every waiting submission into the results now, as the sweep does once a batch is due."""
    from chalkface.voice.actions import mix_due

    return mix_due(batch=1)


class VoiceTestCase(BaseTestCase):
    def mix(self) -> int:
        return mix_all()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = make_campaign(cls.branch, [cls.oakfield, cls.hillside], [cls.tool])

    def codes(self, count: int = 3, workplace: Any = None) -> list[str]:
        _batch, plain = actions.generate_codes(
            None, self.campaign, workplace or self.oakfield, count, self.campaign.closes_on
        )
        return plain
