"""The audit log and refusals read as plain sentences: no action codes, raw dictionaries or internal names."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from chalkface.accounts import audit
from chalkface.evidence import BudgetExhausted, PrivacyBudget
from chalkface.web.audit_words import ACTIONS, action_sentence, change_words, summary_words
from tests.base import BaseTestCase
from tests.core.test_welsh_pages import english_left


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


class AuditSummaryTestCase(BaseTestCase):
    """Entries keep the English summary their action wrote (and entries written before the audit page had
    words of its own have nothing else): the page says it again in the reader's language."""

    WRITTEN = [
        ("codes.generated", "30 access codes for Oakfield Primary School (Autumn check-in)"),
        ("codes.revoked", "Revoked 12 unused codes"),
        ("api_token.created", "API token cf_ab12… (nightly export)"),
        ("schools.imported", "Imported schools register: 40 created, 2 updated"),
        ("responses.imported", "Imported 54 responses from spring.csv"),
        ("synth.loaded", "Loaded synthetic data (seed 42): 300 workplaces"),
        ("synth.voice_loaded", "Loaded 9000 synthetic check-ins"),
        ("alerts.subscribed", "Alerts about LessonSpark"),
        ("deployment.created", "LessonSpark at Oakfield Primary School"),
        ("job.started", "Evidence brief for LessonSpark (PDF)"),
    ]

    def test_english_summaries_written_by_actions_read_in_welsh(self) -> None:
        for action, summary in self.WRITTEN:
            with translation.override("cy"):
                welsh = summary_words(action, summary)
            with translation.override("en"):
                english = summary_words(action, summary)
            assert welsh != summary, (action, welsh)
            assert english_left(welsh, {"Oakfield Primary School", "Autumn check-in", "LessonSpark"}) == []
            assert english != "" and "{" not in english, (action, english)

    def test_a_name_or_an_unknown_summary_is_shown_as_written(self) -> None:
        assert summary_words("tool.created", "LessonSpark") == "LessonSpark"
        assert summary_words("codes.generated", "something else") == "something else"

    def test_the_audit_page_shows_an_old_english_summary_in_welsh(self) -> None:
        audit.record(None, "codes.revoked", None, "Revoked 12 unused codes", object_type="voice.codebatch")
        audit.record(
            None, "synth.loaded", None, "Loaded synthetic data (seed 42): 300 workplaces", object_type="x"
        )
        self.login(self.adam)
        html = self.client.get(reverse("accounts:audit"), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
        assert "Revoked 12 unused codes" not in html and "Loaded synthetic data" not in html
        assert "Wedi tynnu 12 cod heb eu defnyddio yn ôl" in html
        assert "Data arddangos (hedyn ar hap 42): 300 gweithle" in html
        english = self.client.get(reverse("accounts:audit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Withdrew 12 unused codes" in english
