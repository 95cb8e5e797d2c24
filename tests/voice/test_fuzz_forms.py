"""Property tests of the respondent forms: whatever is posted, the answer is never a 500; a bad value is
a field error, nothing is saved and the access code is not spent; only a good submission spends it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from chalkface.voice.models import AccessCode, IncidentReport, PendingSubmission, Response
from tests.voice.helpers import CHECKIN_ANSWERS, INCIDENT_ANSWERS, VoiceTestCase

# No shrinking phase: shrinking a failing form post through the whole view takes minutes; the failing
# example is still printed, and --hypothesis-seed replays it.
FEW = settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# What a field may receive: its good value, nothing, or anything at all (including control characters,
# very long text, numbers out of range and values of other fields).
ODD = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(min_size=3000, max_size=6000, alphabet="ab \n"),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["teacher", "weekly", "some", "willing", "pupils", "minor", "3", "0", "-1", "2025-13"]),
)


def posted(good: dict[str, str], extra: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Form data in which each field keeps its good value, is left out, or gets an odd value (or several)."""
    fields = {
        name: st.one_of(st.just(value), st.none(), ODD, st.lists(ODD, min_size=2, max_size=3))
        for name, value in good.items()
    }
    fields.update({name: st.one_of(st.none(), ODD) for name in extra})
    return st.fixed_dictionaries(fields).map(lambda data: {k: v for k, v in data.items() if v is not None})


class RespondentFormFuzzTests(HypothesisTestCase, VoiceTestCase):
    """Each example runs in its own transaction, rolled back afterwards (hypothesis.extra.django)."""

    def stored(self) -> tuple[int, int, int]:
        return Response.objects.count(), IncidentReport.objects.count(), PendingSubmission.objects.count()

    def check(self, url_name: str, data: dict[str, Any]) -> None:
        (code,) = self.codes(1)
        before = self.stored()
        response = self.client.post(reverse(url_name, args=[self.campaign.slug]), {**data, "code": code})
        spent = AccessCode.objects.filter(used=True).count()
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code == 302:  # accepted: stored once, waiting to be mixed, the code spent
            assert self.stored()[2] == before[2] + 1
            assert spent == 1
            return
        assert self.stored() == before
        assert spent == 0
        if response.status_code == 400:  # a bad value: the page says which field
            errors = response.context["form"].errors
            assert errors
            body = response.content.decode()
            assert "There is a problem" in body
            for name in set(errors) - {"__all__"}:  # the summary links each field error to its question
                assert f'href="#q-{name}"' in body, name

    @FEW
    @given(data=posted(CHECKIN_ANSWERS, extra=("version_unknown", "lang")))
    def test_it_never_fails_on_a_posted_checkin_and_refuses_bad_values_saving_nothing(
        self, data: dict[str, Any]
    ) -> None:
        self.check("voice:code_checkin", data)

    @FEW
    @given(
        data=posted(
            {**INCIDENT_ANSWERS, "month": f"{timezone.localdate():%Y-%m}"}, extra=("version_unknown", "lang")
        )
    )
    def test_it_never_fails_on_a_posted_incident_and_refuses_bad_values_saving_nothing(
        self, data: dict[str, Any]
    ) -> None:
        self.check("voice:code_report", data)

    @FEW
    @given(code=st.text(max_size=60), next_page=st.one_of(st.none(), st.text(max_size=20)))
    def test_it_never_fails_on_an_odd_code_and_spends_none(self, code: str, next_page: str | None) -> None:
        data = {"code": code} if next_page is None else {"code": code, "next": next_page}
        response = self.client.post(reverse("voice:start", args=[self.campaign.slug]), data)
        assert response.status_code in (200, 400, 409, 429), response.status_code
        assert not AccessCode.objects.filter(used=True).exists()
