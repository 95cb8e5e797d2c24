"""Figures kept per audience: a second view is served what the first computed (and still recorded as a
release to its viewer), new check-ins mean new figures (or, with stale serving on, the last ones with the
time they were computed), another audience computes its own, and the worker computes them ahead of views."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

from django.test import override_settings

from chalkface.insights import results, warming
from chalkface.insights.models import ReleaseRecord
from chalkface.insights.overview import overview
from chalkface.insights.results import tool_results
from tests.insights.fixtures import InsightTestCase


class KeptFiguresTests(InsightTestCase):
    def _counted(self) -> Any:
        return mock.patch.object(results, "_tool_figures", wraps=results._tool_figures)

    def test_a_second_view_is_served_the_kept_figures_and_is_still_recorded(self) -> None:
        with self._counted() as computed:
            first = tool_results(self.olivia, self.tool)
            second = tool_results(self.olivia, self.tool)
        assert computed.call_count == 1
        assert [t.to_dict() for t in first.headline] == [t.to_dict() for t in second.headline]
        assert ReleaseRecord.objects.filter(channel="page.tool", viewer=self.olivia).count() == 2

    def test_a_new_check_in_means_the_figures_are_computed_again(self) -> None:
        with self._counted() as computed:
            first = tool_results(self.olivia, self.tool)
            self.add_check_in()
            second = tool_results(self.olivia, self.tool)
        assert computed.call_count == 2
        # the new answer moves the figures (the counts shown are perturbed a little, so the estimate tells)
        assert [t.to_dict() for t in second.headline] != [t.to_dict() for t in first.headline]

    @override_settings(CHALKFACE_RESULTS_STALE_SECONDS=600)
    def test_with_stale_serving_the_last_figures_are_shown_until_recomputed(self) -> None:
        with self._counted() as computed:
            first = tool_results(self.olivia, self.tool)
            self.add_check_in()
            second = tool_results(self.olivia, self.tool)
        assert computed.call_count == 1
        assert [t.to_dict() for t in second.headline] == [t.to_dict() for t in first.headline]
        assert second.as_of == first.as_of

    def test_another_audience_computes_its_own(self) -> None:
        with self._counted() as computed:
            tool_results(self.olivia, self.tool)
            tool_results(self.alice, self.tool)
        assert computed.call_count == 2

    def test_the_worker_computes_the_pages_recent_viewers_look_at(self) -> None:
        overview(self.olivia)  # a recent view: the audience the worker keeps figures for
        from chalkface.insights import precomputed

        precomputed.forget_all()
        assert warming.warm(force=True) >= 2  # the overview and the tool's page
        with self._counted() as computed:
            tool_results(self.olivia, self.tool)
        assert computed.call_count == 0

    def test_the_worker_computes_briefs_for_audiences_that_read_them(self) -> None:
        from chalkface.insights import brief, precomputed

        brief.brief_for_user(self.olivia, self.tool)
        precomputed.forget_all()
        assert warming.warm(force=True) >= 3  # the overview, the tool's page and its brief
        with mock.patch.object(brief, "brief_figures", wraps=brief.brief_figures) as computed:
            brief.brief_for_user(self.olivia, self.tool)
        assert computed.call_count == 0

    def test_a_version_comparison_is_kept_for_its_audience_and_recorded_each_time(self) -> None:
        from chalkface.insights.results import version_comparison

        with mock.patch.object(results, "compare", wraps=results.compare) as computed:
            first = version_comparison(self.olivia, self.tool, "1.0", "2.0")
            calls = computed.call_count
            second = version_comparison(self.olivia, self.tool, "1.0", "2.0")
        assert calls > 0 and computed.call_count == calls
        assert [c.to_dict() for c in first] == [c.to_dict() for c in second]
        assert ReleaseRecord.objects.filter(channel="page.compare", viewer=self.olivia).count() == 2

    def test_a_second_brief_is_served_the_kept_figures_and_a_new_check_in_recomputes(self) -> None:
        from chalkface.insights import brief

        with mock.patch.object(brief, "brief_figures", wraps=brief.brief_figures) as computed:
            first = brief.brief_for_user(self.olivia, self.tool)
            second = brief.brief_for_user(self.olivia, self.tool)
            assert computed.call_count == 1
            assert first.headline == second.headline and first.findings == second.findings
            assert second.as_of_time is not None
            assert "Figures computed from the check-ins received by" in second.html()
            self.add_check_in()
            brief.brief_for_user(self.olivia, self.tool)
            assert computed.call_count == 2
        assert ReleaseRecord.objects.filter(channel="brief.html", viewer=self.olivia).count() == 3

    def test_an_export_is_kept_for_its_audience_recorded_each_time_and_warmed(self) -> None:
        from chalkface.insights import opendata, precomputed

        with mock.patch.object(opendata, "headline_tables", wraps=opendata.headline_tables) as computed:
            first = opendata.campaign_export_tables(self.olivia, self.campaign, channel="api.export")
            calls = computed.call_count
            second = opendata.campaign_export_tables(self.olivia, self.campaign, channel="api.export")
            assert calls > 0 and computed.call_count == calls
            assert all(first[name].equals(second[name]) for name in first)
            precomputed.forget_all()
            assert warming.warm(force=True) >= 1
            opendata.campaign_export_tables(self.olivia, self.campaign, channel="api.export")
            assert computed.call_count == 2 * calls  # the worker computed it; the download did not
        assert ReleaseRecord.objects.filter(channel="api.export", viewer=self.olivia).count() == 3


class KeptDrawingTests(InsightTestCase):
    def test_a_chart_drawn_once_is_read_by_every_process_after(self) -> None:
        from chalkface.insights import charts

        page = tool_results(self.olivia, self.tool)
        table = page.breakdowns["role"][0]
        chart = charts.estimate_chart("kept", table, "Workload", "Role", "role")
        first = chart.svg()
        charts._drawn.cache_clear()  # another process: nothing in its memory
        with mock.patch.object(charts.vlc, "vegalite_to_svg", side_effect=AssertionError("drawn again")):
            assert chart.svg() == first
        assert first.startswith('<svg role="img"')


class LoadedCommentsTests(InsightTestCase):
    def test_comments_are_read_once_until_a_check_in_changes(self) -> None:
        from chalkface.insights import themes
        from chalkface.voice.access import result_scopes

        scopes = result_scopes(self.olivia)
        with mock.patch.object(themes, "_load_comments", wraps=themes._load_comments) as read:
            first = themes.load_comments(scopes, self.tool)
            assert themes.load_comments(scopes, self.tool) is first
            assert read.call_count == 1
            added = self.add_check_in()
            added.answers = {**added.answers, "comment": "The planning tool saves me an evening a week."}
            added.save()
            again = themes.load_comments(scopes, self.tool)
            assert read.call_count == 2
        assert "The planning tool saves me an evening a week." in again.texts
        assert len(again) == len(first) + 1


@override_settings(CHALKFACE_COMPUTE_ON_VIEW_MAX=10)
class ComputedByTheWorkerTests(InsightTestCase):
    """An audience too large to compute during a page view (here: more than 10 check-ins) has the task
    worker compute its figures; the page says so, records no release, and opens once they are kept."""

    def test_a_large_tool_page_is_computed_by_the_worker_and_then_served(self) -> None:
        from django.urls import reverse
        from django_tasks.backends.database.models import DBTaskResult

        from tests.jobs.helpers import run_worker

        self.login(self.olivia)
        url = reverse("insights:tool", args=[self.tool.slug])
        with self._counted() as computed:
            waiting = self.client.get(url)
            again = self.client.get(url)
            assert computed.call_count == 0  # the views computed nothing
        assert waiting.status_code == 202 and waiting["Retry-After"] == "15"
        self.assertContains(waiting, "The figures are being computed", status_code=202)
        self.assertContains(waiting, 'id="check-again"', status_code=202)
        assert again.status_code == 202
        # it says the figures come from more than the setting's number of check-ins, never how many: an
        # exact count beside the perturbed counts the pages publish would give their noise away
        from chalkface.voice.models import Response

        self.assertContains(waiting, "more than 10 check-ins", status_code=202)
        exact = str(Response.objects.filter(campaign=self.campaign).count())
        assert not re.search(rf"\b{exact}\b", waiting.content.decode().split("<main", 1)[-1]), exact
        assert DBTaskResult.objects.count() == 1  # asked for once, however many look
        assert not ReleaseRecord.objects.filter(channel="page.tool").exists()
        run_worker()
        with self._counted() as computed:
            ready = self.client.get(url)
        assert computed.call_count == 0
        self.assertContains(ready, "check-ins from")
        assert ReleaseRecord.objects.filter(channel="page.tool", viewer=self.olivia).count() == 1

    def test_the_overview_brief_comparison_and_api_wait_for_the_worker_too(self) -> None:
        from django.urls import reverse

        from chalkface.api import actions as api_actions
        from tests.jobs.helpers import run_worker

        self.login(self.olivia)
        pages = [
            reverse("insights:overview"),
            reverse("insights:brief", args=[self.tool.slug]),
            reverse("insights:compare", args=[self.tool.slug]) + "?before=1.0&after=2.0",
        ]
        for url in pages:
            assert self.client.get(url).status_code == 202, url
        _token, raw = api_actions.create_token(self.olivia, "test")
        api = f"/api/v1/tools/{self.tool.slug}/results"
        answer = self.client.get(api, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert answer.status_code == 202 and answer.json()["status"] == "computing"
        assert answer.json()["more_than"] == 10 and "n_responses" not in answer.json()
        run_worker()
        for url in pages:
            assert self.client.get(url).status_code == 200, url
        assert self.client.get(api, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    def test_a_computation_that_fails_says_so_instead_of_being_computed_for_ever(self) -> None:
        from django.urls import reverse
        from django_tasks.backends.database.models import DBTaskResult

        from tests.jobs.helpers import run_worker

        self.login(self.olivia)
        url = reverse("insights:tool", args=[self.tool.slug])
        assert self.client.get(url).status_code == 202
        with mock.patch.object(results, "_tool_figures", side_effect=RuntimeError("worker fault")):
            run_worker()
        assert DBTaskResult.objects.filter(status="FAILED").count() == 1
        failed = self.client.get(url)
        self.assertContains(failed, "The figures could not be computed", status_code=503)
        assert failed["Retry-After"] == "900"
        assert DBTaskResult.objects.count() == 1  # not asked for again at once
        from chalkface.api import actions as api_actions

        _token, raw = api_actions.create_token(self.olivia, "test")
        api = f"/api/v1/tools/{self.tool.slug}/results"
        answer = self.client.get(api, HTTP_AUTHORIZATION=f"Bearer {raw}")
        # the API asks for the same figures as the page: it says the same
        assert answer.status_code == 503 and answer.json()["error"]["code"] == "unavailable"

    def _counted(self) -> Any:
        return mock.patch.object(results, "_tool_figures", wraps=results._tool_figures)

    def test_outside_a_request_the_figures_are_computed_at_once(self) -> None:
        assert tool_results(self.olivia, self.tool).n_responses
