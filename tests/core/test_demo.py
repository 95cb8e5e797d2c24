"""`chalkface demo` sets up from nothing, prints a log-in per role, and reuses its data next time."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def _demo(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHALKFACE_", "DATABASE_", "DJANGO_", "SECRET_"))
    }
    env["CHALKFACE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "chalkface", "demo", "--no-serve", "--workplaces", "30", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    result = _demo(data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def test_it_prints_a_log_in_for_every_role(demo_dir: Path) -> None:
    logins = json.loads((demo_dir / "demo-logins.json").read_text())
    assert {login["role"] for login in logins} == {
        "union_rep",
        "union_officer",
        "employer_lead",
        "analyst",
        "admin",
    }
    assert oct((demo_dir / "demo-logins.json").stat().st_mode & 0o777) == "0o600"


def test_it_fills_the_embedded_database_with_synthetic_workplaces(demo_dir: Path) -> None:
    with sqlite3.connect(demo_dir / "chalkface.sqlite3") as db:
        (workplaces,) = db.execute(
            "SELECT count(*) FROM workplaces_organisation WHERE kind = 'school'"
        ).fetchone()
        (tools,) = db.execute("SELECT count(*) FROM register_tool").fetchone()
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert workplaces >= 25
    assert tools >= 10
    assert mode == "wal"


def test_a_second_run_reuses_the_data_and_the_log_ins(demo_dir: Path) -> None:
    before = (demo_dir / "demo-logins.json").read_text()
    result = _demo(demo_dir)
    assert result.returncode == 0, result.stderr
    assert "Generating" not in result.stdout
    assert (demo_dir / "demo-logins.json").read_text() == before
    for login in json.loads(before):
        assert login["password"] in result.stdout


def test_the_printed_passwords_log_in(demo_dir: Path) -> None:
    code = (
        "import django, json, os; os.environ['CHALKFACE_DEMO']='1';"
        "os.environ['DJANGO_SETTINGS_MODULE']='chalkface.settings'; django.setup();"
        "from django.contrib.auth import authenticate;"
        f"logins = json.load(open({str(demo_dir / 'demo-logins.json')!r}));"
        "print(all(authenticate(username=l['email'], password=l['password']) for l in logins))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHALKFACE_", "DATABASE_", "DJANGO_"))}
    env["CHALKFACE_DATA_DIR"] = str(demo_dir)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "True", result.stderr


def test_reset_starts_again(tmp_path: Path) -> None:
    assert _demo(tmp_path).returncode == 0
    first = (tmp_path / "demo-logins.json").read_text()
    result = _demo(tmp_path, "--reset")
    assert result.returncode == 0, result.stderr
    assert "Generating" in result.stdout
    assert (tmp_path / "demo-logins.json").read_text() != first


def test_its_campaign_is_open_on_the_day_it_is_set_up_with_data_from_the_months_before(
    demo_dir: Path,
) -> None:
    import datetime as dt

    today = dt.date.today()
    with sqlite3.connect(demo_dir / "chalkface.sqlite3") as db:
        opens, closes = db.execute(
            "SELECT opens_on, closes_on FROM voice_campaign WHERE slug = 'synthetic-checkins'"
        ).fetchone()
        first, last = db.execute("SELECT min(week), max(week) FROM voice_response").fetchone()
    assert dt.date.fromisoformat(opens) <= today
    assert dt.date.fromisoformat(closes) >= today + dt.timedelta(weeks=4)
    assert dt.date.fromisoformat(last) < today.replace(day=1)
    assert dt.date.fromisoformat(first) >= today.replace(day=1) - dt.timedelta(days=190)


def test_each_log_in_has_something_real_to_see(demo_dir: Path) -> None:
    with sqlite3.connect(demo_dir / "chalkface.sqlite3") as db:
        campaign, threshold = db.execute(
            "SELECT id, threshold FROM voice_campaign WHERE slug = 'synthetic-checkins'"
        ).fetchone()
        (rep_checkins,) = db.execute(
            "SELECT count(*) FROM voice_response r JOIN accounts_membership m"
            " ON m.organisation_id = r.workplace_id AND m.role = 'union_rep' WHERE r.campaign_id = ?",
            (campaign,),
        ).fetchone()
        shared = set(
            db.execute(
                "SELECT s.what FROM voice_campaignshare s JOIN accounts_membership m"
                " ON m.organisation_id = s.organisation_id AND m.role = 'employer_lead'"
                " WHERE s.campaign_id = ?",
                (campaign,),
            ).fetchall()
        )
    assert rep_checkins >= threshold
    assert shared == {("results",), ("incidents",)}
