"""Every state change writes the audit log, and the log cannot be rewritten."""

from __future__ import annotations

import datetime as dt

import pytest

from chalkface.accounts.models import AuditEvent
from chalkface.register import actions
from tests.base import BaseTestCase


class AuditLogTestCase(BaseTestCase):
    def test_creating_a_supplier_writes_who_did_it_and_what(self) -> None:
        supplier = actions.save_supplier(self.olivia, {"name": "Northwind Learning", "website": ""})
        event = AuditEvent.objects.get(action="supplier.created")
        assert event.actor == self.olivia
        assert event.object_type == "register.supplier"
        assert event.object_id == str(supplier.pk)
        assert event.changes["name"] == [None, "Northwind Learning"]

    def test_an_update_records_only_the_fields_that_changed(self) -> None:
        actions.save_tool(self.emma, {"name": "LessonSpark", "description": "Plans lessons"}, self.tool)
        event = AuditEvent.objects.get(action="tool.updated")
        assert event.changes == {"description": ["", "Plans lessons"]}

    def test_each_action_writes_its_event(self) -> None:
        actions.add_version(self.olivia, self.tool, {"label": "3.0", "release_date": dt.date(2026, 1, 5)})
        actions.save_deployment(
            self.alice,
            {
                "tool": self.tool,
                "workplace": self.oakfield,
                "starts_on": dt.date(2025, 3, 1),
                "staff_roles": [],
            },
        )
        actions.end_deployment(self.alice, self.deployment, dt.date(2026, 1, 1))
        actions.save_organisation(
            self.emma, {"name": "Oakfield Primary School", "it_rating": 3}, self.oakfield
        )
        assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
            "deployment.created",
            "deployment.ended",
            "organisation.updated",
            "version.created",
        ]

    def test_a_failed_action_writes_nothing(self) -> None:
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            actions.add_version(self.olivia, self.tool, {"label": "1.5", "release_date": dt.date(2025, 9, 1)})
        assert not AuditEvent.objects.exists()

    def test_events_cannot_be_changed(self) -> None:
        actions.save_supplier(self.olivia, {"name": "Northwind Learning"})
        event = AuditEvent.objects.get()
        event.summary = "nothing happened"
        with pytest.raises(PermissionError):
            event.save()

    def test_events_cannot_be_deleted(self) -> None:
        actions.save_supplier(self.olivia, {"name": "Northwind Learning"})
        with pytest.raises(PermissionError):
            AuditEvent.objects.get().delete()
        with pytest.raises(PermissionError):
            AuditEvent.objects.all().delete()
        with pytest.raises(PermissionError):
            AuditEvent.objects.all().update(summary="rewritten")
        assert AuditEvent.objects.count() == 1
