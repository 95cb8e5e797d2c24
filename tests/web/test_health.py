"""``/healthz`` says whether the database answers, to anyone, with nothing personal and nothing recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from chalkface.accounts.models import AuditEvent
from tests.base import BaseTestCase


class HealthTests(BaseTestCase):
    def test_it_answers_ok_without_logging_in(self) -> None:
        response = Client().get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-cache", response.headers["Cache-Control"])

    def test_it_sets_no_cookie_and_writes_nothing_to_the_audit_log(self) -> None:
        before = AuditEvent.objects.count()
        self.login(self.alice)
        response = self.client.get("/healthz")
        self.assertEqual(response.json(), {"status": "ok"})  # the same answer, whoever asks
        self.assertNotIn("sessionid", response.cookies)
        self.assertNotIn("csrftoken", response.cookies)
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_it_only_reads(self) -> None:
        self.assertEqual(Client().post("/healthz").status_code, 405)


_PROBE = (
    "import django, json; django.setup(); from django.test import Client; "
    "r = Client().get('/healthz'); print(json.dumps([r.status_code, r.content.decode()]))"
)


def test_it_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # Production settings, a real PostgreSQL client, a port nothing listens on; over plain HTTP, which must
    # not be redirected to HTTPS for a probe.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHALKFACE_", "SECRET_KEY", "DATABASE_", "SECURE_", "ALLOWED_HOSTS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="chalkface.settings",
        SECRET_KEY="health-test-" + "x" * 40,
        ALLOWED_HOSTS="testserver",
        CHALKFACE_DATA_DIR=str(tmp_path),
        CHALKFACE_CACHE="memory",
        DATABASE_URL="postgres://nobody:nothing@127.0.0.1:1/none",
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert json.loads(body) == {"status": "unavailable"}
