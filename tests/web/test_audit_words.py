"""The audit log and refusals read as plain sentences: no action codes, raw dictionaries or internal names."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from chalkface.accounts import audit
from chalkface.evidence import BudgetExhausted, PrivacyBudget
from chalkface.web.audit_words import ACTIONS, action_sentence, change_words
from tests.base import BaseTestCase


class AuditWordsTestCase(SimpleTestCase):
    def test_every_action_reads_as_a_sentence_in_english_and_welsh(self) -> None:
        for code in ACTIONS:
            with translation.override("en"):
                english = action_sentence(code)
            assert "." not in english and "_" not in english, code
            with translation.override("cy"):
                assert action_sentence(code) != english, code

    def test_a_change_is_words_never_a_raw_dictionary(self) -> None:
        translation.activate("en")
        assert change_words([None, "live"]) == "— → live"
        text = change_words({"per_hour": 10, "expires_on": None})
        assert "{" not in text and "per_hour" not in text and "Most an hour: 10" in text
        assert change_words([["teacher", "ta"], []]) == "teacher, ta → —"

    def test_a_refused_differentially_private_release_names_no_internal_label(self) -> None:
        budget = PrivacyBudget("spring", epsilon=0.1)
        try:
            budget.charge("counts by tool_id", 0.5, "k")
        except BudgetExhausted as exc:
            assert exc.needed == 0.5
        from chalkface.insights.wording import budget_refusal

        sentence = budget_refusal("Spring check-in")
        assert "Spring check-in" in sentence and "tool_id" not in sentence and "epsilon" not in sentence


class AuditPageTestCase(BaseTestCase):
    def test_the_audit_log_shows_sentences_not_codes(self) -> None:
        audit.record(
            None, "synth.loaded", None, "Loaded", {"seed": 5, "total": {"workplaces": 3}}, object_type="x"
        )
        self.login(self.adam)
        html = self.client.get(reverse("accounts:audit")).content.decode()
        assert "Loaded the demonstration data" in html and "synth.loaded" not in html.split("<select")[0]
        assert "{&#x27;" not in html and "Random seed" in html
        with translation.override("cy"):
            html = self.client.get(reverse("accounts:audit"), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
        assert "Loaded the demonstration data" not in html


def test_every_release_channel_has_words_for_the_audit_page() -> None:
    from chalkface.insights.release import CHANNELS
    from chalkface.web.audit_words import VALUES, value_words

    assert set(CHANNELS) - set(VALUES) == set()
    with translation.override("en"):
        assert value_words("page.workplace") == "a workplace's page"
