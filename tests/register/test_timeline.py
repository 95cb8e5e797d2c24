"""A tool's versions form a timeline: which version was live on a day, and no ambiguous releases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chalkface.register import actions
from chalkface.register.models import ToolVersion
from tests.base import BaseTestCase


class TimelineTestCase(BaseTestCase):
    def test_it_answers_which_version_was_live_on_a_day(self) -> None:
        assert self.tool.version_on(dt.date(2024, 12, 31)) is None
        assert self.tool.version_on(dt.date(2025, 1, 6)) == self.v1
        assert self.tool.version_on(dt.date(2025, 8, 31)) == self.v1
        assert self.tool.version_on(dt.date(2025, 9, 1)) == self.v2
        assert self.tool.version_on(dt.date(2030, 1, 1)) == self.v2

    def test_a_version_is_live_until_the_day_before_the_next(self) -> None:
        assert self.v1.live_until() == dt.date(2025, 8, 31)
        assert self.v2.live_until() is None

    def test_a_deployment_knows_its_version_only_while_active(self) -> None:
        assert self.deployment.version_on(dt.date(2025, 1, 10)) is None  # before it started
        assert self.deployment.version_on(dt.date(2025, 3, 1)) == self.v1
        self.deployment.ends_on = dt.date(2025, 10, 1)
        assert self.deployment.version_on(dt.date(2025, 9, 15)) == self.v2
        assert self.deployment.version_on(dt.date(2025, 10, 2)) is None

    def test_it_refuses_two_versions_released_on_the_same_day(self) -> None:
        with pytest.raises(ValidationError) as caught:
            actions.add_version(self.olivia, self.tool, {"label": "2.1", "release_date": dt.date(2025, 9, 1)})
        assert "two versions cannot be live from the same day" in caught.value.message_dict["release_date"][0]
        assert self.tool.versions.count() == 2

    def test_it_refuses_a_version_released_before_the_latest_one(self) -> None:
        with pytest.raises(ValidationError) as caught:
            actions.add_version(self.olivia, self.tool, {"label": "1.5", "release_date": dt.date(2025, 5, 1)})
        assert "in the order they were released" in caught.value.message_dict["release_date"][0]

    def test_it_refuses_a_repeated_label(self) -> None:
        with pytest.raises(ValidationError) as caught:
            actions.add_version(self.olivia, self.tool, {"label": "2.0", "release_date": dt.date(2026, 1, 1)})
        assert "already has a version labelled 2.0" in caught.value.message_dict["label"][0]

    def test_it_accepts_the_next_release(self) -> None:
        v3 = actions.add_version(
            self.olivia,
            self.tool,
            {"label": "3.0", "release_date": dt.date(2026, 2, 2), "material_change": True},
        )
        assert self.tool.version_on(dt.date(2026, 2, 2)) == v3
        assert [v.label for v in self.tool.timeline()] == ["1.0", "2.0", "3.0"]

    def test_an_edit_may_not_move_a_version_past_its_neighbours(self) -> None:
        with pytest.raises(ValidationError):
            actions.update_version(
                self.olivia, self.v1, {"label": "1.0", "release_date": dt.date(2025, 10, 1)}
            )
        actions.update_version(self.olivia, self.v1, {"label": "1.0", "release_date": dt.date(2025, 2, 1)})
        assert ToolVersion.objects.get(pk=self.v1.pk).release_date == dt.date(2025, 2, 1)

    def test_the_database_refuses_a_same_day_release_even_without_the_check(self) -> None:
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            ToolVersion.objects.create(tool=self.tool, label="9", release_date=dt.date(2025, 9, 1))
