"""The one permission helper answers for each role, within the organisations each role reaches."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from chalkface.accounts.permissions import can
from tests.base import BaseTestCase


class PermissionTestCase(BaseTestCase):
    def test_every_role_may_view_the_register(self) -> None:
        for user in (self.alice, self.olivia, self.emma, self.ravi, self.adam, self.bob):
            assert can(user, "view_register"), user

    def test_someone_without_a_role_and_anonymous_visitors_may_do_nothing(self) -> None:
        for action in ("view_register", "edit_catalogue", "view_audit_log", "edit_organisation"):
            assert not can(self.nobody, action, self.oakfield)
            assert not can(AnonymousUser(), action, self.oakfield)

    def test_officers_and_employer_leads_edit_the_catalogue_but_reps_and_analysts_do_not(self) -> None:
        assert can(self.olivia, "edit_catalogue")
        assert can(self.emma, "edit_catalogue")
        assert can(self.adam, "edit_catalogue")
        assert not can(self.alice, "edit_catalogue")
        assert not can(self.ravi, "edit_catalogue")

    def test_an_employer_lead_edits_the_schools_of_their_trust_only(self) -> None:
        assert can(self.emma, "edit_organisation", self.oakfield)
        assert can(self.emma, "edit_organisation", self.trust)
        assert not can(self.emma, "edit_organisation", self.hillside)

    def test_a_rep_records_deployments_at_their_own_workplace_only(self) -> None:
        assert can(self.alice, "edit_deployments", self.oakfield)
        assert can(self.alice, "edit_deployments", self.deployment)
        assert not can(self.alice, "edit_deployments", self.hillside)
        assert can(self.bob, "edit_deployments", self.hillside)
        assert not can(self.bob, "edit_deployments", self.deployment)

    def test_a_rep_may_not_edit_their_workplace_context(self) -> None:
        assert not can(self.alice, "edit_organisation", self.oakfield)

    def test_an_officer_may_not_edit_employer_records(self) -> None:
        assert not can(self.olivia, "edit_organisation", self.oakfield)
        assert not can(self.olivia, "edit_deployments", self.oakfield)

    def test_an_analyst_reads_but_never_writes(self) -> None:
        assert can(self.ravi, "view_register")
        for action in ("edit_catalogue", "edit_organisation", "edit_deployments", "view_audit_log"):
            assert not can(self.ravi, action, self.oakfield)

    def test_an_admin_may_do_everything(self) -> None:
        for action in (
            "edit_catalogue",
            "edit_organisation",
            "edit_deployments",
            "view_audit_log",
            "import_schools",
        ):
            assert can(self.adam, action, self.hillside)

    def test_only_admins_see_the_audit_log(self) -> None:
        assert [
            u.email
            for u in (self.alice, self.olivia, self.emma, self.ravi, self.adam)
            if can(u, "view_audit_log")
        ] == ["adam@example.org"]

    def test_a_deactivated_user_loses_every_permission(self) -> None:
        self.emma.is_active = False
        assert not can(self.emma, "edit_organisation", self.oakfield)

    def test_it_refuses_to_guess_an_unknown_action(self) -> None:
        with pytest.raises(ValueError, match="Unknown action"):
            can(self.adam, "delete_everything")
