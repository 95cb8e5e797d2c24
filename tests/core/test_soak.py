"""The short soak (bench/soak.py): every acknowledged check-in is stored, through gunicorn and PostgreSQL,
steadily and across a SIGKILL of the server mid-load; never a 5xx."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="DATABASE_URL does not point at PostgreSQL")
def test_the_short_soak_stores_every_acknowledged_checkin_and_answers_no_5xx(tmp_path: Path) -> None:
    figures = tmp_path / "soak.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "soak.py"),
            "--seconds",
            "10",
            "--rate",
            "20",
            "--json",
            str(figures),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert figures.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    steady, crash = json.loads(figures.read_text())["runs"]
    assert steady["acknowledged"] == steady["stored"] > 0, steady
    assert steady["five_xx"] == 0, steady
    assert crash["five_xx"] == 0, crash
    assert crash["stored"] >= crash["acknowledged"] > 0, crash  # none acknowledged and lost
    assert crash["stored"] - crash["acknowledged"] <= crash["cut_off"], crash
    assert done.returncode == 0, done.stdout[-3000:]
