"""A real browser completes a check-in and an incident report with codes, with and without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.voice import actions
from chalkface.voice.models import IncidentReport, QuestionSet, Response
from chalkface.workplaces.models import Organisation
from tests.browser import ARGS, chromium
from tests.voice.helpers import mix_all


def _campaign() -> tuple[Any, list[str]]:
    branch = Organisation.objects.create(kind="union_branch", name="Riverside Branch", slug="riverside")
    school = Organisation.objects.create(
        kind="school", name="Elmwood Primary School", slug="elmwood", urn=700001
    )
    supplier = Supplier.objects.create(name="Brightlesson Ltd", slug="brightlesson")
    tool = Tool.objects.create(name="LessonSpark", slug="lessonspark", supplier=supplier)
    ToolVersion.objects.create(tool=tool, label="2.0", release_date=dt.date(2025, 9, 1))
    Deployment.objects.create(
        tool=tool, workplace=school, starts_on=dt.date(2025, 9, 1), staff_roles=["teacher"]
    )
    today = timezone.localdate()
    campaign = actions.create_campaign(
        None,
        {
            "name": "Autumn check-in",
            "slug": "autumn",
            "owner": branch,
            "question_set_version": QuestionSet.objects.get(slug="core-checkin").current(),
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
        },
        [school],
        [tool],
    )
    _batch, plain = actions.generate_codes(None, campaign, school, 4, campaign.closes_on)
    return campaign, plain


def _run(base: str, codes: list[str], javascript: bool) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
        page = browser.new_context(java_script_enabled=javascript).new_page()
        # The pages work under their Content-Security-Policy: the browser refuses nothing they ask for.
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        start = f"{base}/c/autumn/"
        # Check-in: with JavaScript the code comes from the QR code's #fragment; without, it is typed.
        if javascript:
            page.goto(f"{start}#code={codes[0]}")
            assert page.input_value("#id_code") == codes[0]
            assert "#" not in page.url
        else:
            page.goto(start)
            page.fill("#id_code", codes[0].lower().replace("-", " "))
        page.click("button[value=checkin]")
        page.check("#id_tool_0")
        page.check("input[name=role][value=teacher]")
        page.select_option("#id_time_saved_hours", "2")
        page.check("input[name=workload][value='4']")
        page.fill("#id_comment", "Ask Sarah Jones, she knows.")
        page.click("button[value=check]")
        assert "This could show who you are" in page.content()
        page.click("button[value=redact]")
        page.wait_for_url("**/thanks/**")
        assert "Your answers have been saved." in page.content()

        # Incident report, typed code.
        page.goto(start)
        page.fill("#id_code", codes[1])
        page.click("button[value=incident]")
        page.check("#id_tool_0")
        page.check("input[name=category][value=inaccurate_output]")
        page.check("input[name=affected][value=pupils]")
        page.check("input[name=severity][value=minor]")
        page.check("input[name=harm_type][value=psychological]")
        page.fill("#id_description", "A quiz it wrote had wrong answers.")
        page.click("button[value=check]")
        page.wait_for_url("**/thanks/**")
        assert "Your report has been saved." in page.content()
        assert not refused, refused
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_it_completes_a_checkin_and_an_incident_report_in_a_browser(
    live_server: Any, javascript: bool
) -> None:
    chromium()
    _campaign_obj, plain = _campaign()
    _run(live_server.url, plain, javascript)
    mix_all()
    saved = Response.objects.get()
    assert saved.answers["comment"] == "Ask [name], she knows."
    assert saved.answers["workload"] == 4
    assert saved.tool_version is not None and saved.tool_version.label == "2.0"
    assert IncidentReport.objects.get().category == "inaccurate_output"
