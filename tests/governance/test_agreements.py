"""Workplace AI agreements: each side records its own view, disagreement is marked, the review alert."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from chalkface.accounts.models import AuditEvent
from chalkface.governance import actions, items
from chalkface.governance.models import Agreement, Position
from chalkface.insights.alerts import review_alerts
from chalkface.insights.models import Alert
from tests.base import BaseTestCase

ITEM = "opt_out"


class AgreementTests(BaseTestCase):
    def position_url(self, side: str, item: str = ITEM) -> str:
        url = reverse("governance:position", args=[self.oakfield.slug, item, side])
        return f"{url}?deployment={self.deployment.pk}"

    def agreement_url(self) -> str:
        return (
            reverse("governance:agreement", args=[self.oakfield.slug]) + f"?deployment={self.deployment.pk}"
        )

    def post(self, side: str, status: str, item: str = ITEM) -> object:
        return self.client.post(self.position_url(side, item), {"status": status, "decided_on": "2026-01-10"})

    def test_it_lets_each_side_record_its_own_view(self) -> None:
        self.login(self.alice)
        self.assertRedirects(self.post("union", "refused"), self.agreement_url())
        self.login(self.emma)
        self.assertRedirects(self.post("employer", "agreed"), self.agreement_url())
        views = dict(Position.objects.filter(item=ITEM).values_list("side", "status"))
        assert views == {"union": "refused", "employer": "agreed"}
        assert AuditEvent.objects.filter(action="agreement.position_recorded").count() == 2

    def test_it_refuses_the_other_sides_view(self) -> None:
        self.login(self.alice)
        assert self.post("employer", "agreed").status_code == 403
        self.login(self.emma)
        assert self.post("union", "agreed").status_code == 403
        self.login(self.bob)  # a rep at another workplace
        assert self.post("union", "agreed").status_code == 403
        assert not Position.objects.exists()

    def test_a_union_officer_records_the_unions_view(self) -> None:
        self.login(self.olivia)
        self.assertRedirects(self.post("union", "partly"), self.agreement_url())

    def test_it_records_every_transition_of_an_item(self) -> None:
        self.login(self.alice)
        for status, _label in items.AGREEMENT_STATUSES:
            self.post("union", status)
            assert Position.objects.get(item=ITEM, side="union").status == status
        changed = AuditEvent.objects.filter(action="agreement.position_changed")
        assert changed.count() == len(items.AGREEMENT_STATUSES) - 1
        assert changed.first() is not None and changed.first().changes["status"] is not None

    def test_it_refuses_a_status_that_does_not_exist(self) -> None:
        self.login(self.alice)
        response = self.post("union", "maybe")
        assert response.status_code == 200 and "There is a problem" in response.content.decode()

    def test_it_marks_disagreement_between_union_and_employer(self) -> None:
        actions.record_position(
            self.alice, self.oakfield, self.deployment, ITEM, "union", {"status": "refused"}
        )
        actions.record_position(
            self.emma, self.oakfield, self.deployment, ITEM, "employer", {"status": "agreed"}
        )
        actions.record_position(
            self.alice, self.oakfield, self.deployment, "paid_training", "union", {"status": "agreed"}
        )
        actions.record_position(
            self.emma, self.oakfield, self.deployment, "paid_training", "employer", {"status": "agreed"}
        )
        self.login(self.ravi)
        page = self.client.get(self.agreement_url()).content.decode()
        assert "The two sides disagree on 1 item." in page
        row = page.split(f'id="item-{ITEM}"')[1].split("</tr>")[0]
        assert "The sides disagree" in row and "Refused" in row and "Agreed" in row
        other = page.split('id="item-paid_training"')[1].split("</tr>")[0]
        assert "The sides disagree" not in other

    def test_it_shows_a_passed_review_date_and_alerts_those_who_can_act(self) -> None:
        past = timezone.localdate() - dt.timedelta(days=1)
        actions.set_review_due(self.alice, self.oakfield, self.deployment, {"review_due": past})
        self.login(self.alice)
        assert "The review date has passed." in self.client.get(self.agreement_url()).content.decode()
        assert "was due on" in self.client.get(reverse("home")).content.decode()
        raised = review_alerts()
        assert raised == 2  # Alice (rep) and Emma (the trust's employer lead)
        assert set(Alert.objects.values_list("user__email", flat=True)) == {self.alice.email, self.emma.email}
        assert len(mail.outbox) == 2
        assert review_alerts() == 0  # once per agreement and date
        self.login(self.bob)
        assert "was due on" not in self.client.get(reverse("home")).content.decode()

    def test_it_raises_no_review_alert_before_the_date(self) -> None:
        actions.set_review_due(self.alice, self.oakfield, None, {"review_due": timezone.localdate()})
        assert review_alerts() == 0
        assert Agreement.objects.get(deployment__isnull=True).review_overdue() is False

    def test_each_role_reaches_the_agreement_by_following_links(self) -> None:
        self.login(self.alice)
        home = self.client.get(reverse("home")).content.decode()
        governance = reverse("governance:workplace", args=[self.oakfield.slug])
        assert governance in home
        page = self.client.get(governance).content.decode()
        assert self.agreement_url().replace("?", "?").split("?")[0] in page
        self.login(self.emma)
        workplace = self.client.get(self.oakfield.get_absolute_url()).content.decode()
        assert governance in workplace


class WelshTests(BaseTestCase):
    def test_the_agreement_page_is_in_welsh(self) -> None:
        self.login(self.alice)
        url = reverse("governance:agreement", args=[self.oakfield.slug])
        page = self.client.get(url, headers={"accept-language": "cy"}).content.decode()
        assert "Cofnodi barn yr undeb" in page and "Hawl i ddatgysylltu" in page
