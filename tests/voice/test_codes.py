from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from chalkface.voice import actions, codes
from chalkface.voice.entry import check_code
from chalkface.voice.errors import CodeRejected
from chalkface.voice.models import AccessCode, Response
from tests.voice.helpers import VoiceTestCase, mix_all


class CodeFormatTests(VoiceTestCase):
    def test_it_generates_grouped_crockford_codes(self) -> None:
        code = codes.generate()
        self.assertRegex(code, r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")

    def test_it_forgives_case_spaces_and_lookalike_letters(self) -> None:
        self.assertEqual(codes.normalise("1o2l-abcd efgh"), "1021ABCDEFGH")
        self.assertEqual(codes.digest("10z1-abcd-efgh"), codes.digest("1OZI ABCD EFGH"))
        self.assertIsNone(codes.normalise("too-short"))

    def test_it_stores_only_a_keyed_hash(self) -> None:
        plain = self.codes(5)
        stored = list(AccessCode.objects.values_list("code_hash", flat=True))
        self.assertEqual(len(stored), 5)
        for code in plain:
            self.assertNotIn(codes.normalise(code), " ".join(stored))
            self.assertIn(codes.digest(code), stored)

    def test_it_uses_the_dedicated_key_from_the_environment(self) -> None:
        script = (
            "import django; django.setup(); from chalkface.voice import codes; "
            "print(codes.digest('1234-5678-9ABC'))"
        )

        def digest(**env: str) -> str:
            clean = {k: v for k, v in os.environ.items() if not k.startswith("CHALKFACE_CODE_KEY")}
            clean.update(DJANGO_SETTINGS_MODULE="chalkface.test_settings", **env)
            out = subprocess.run(
                [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=True
            )
            return out.stdout.strip()

        derived = digest()
        dedicated = digest(CHALKFACE_CODE_KEY="another-key")
        self.assertNotEqual(dedicated, derived)
        self.assertEqual(dedicated, digest(CHALKFACE_CODE_KEY="another-key"))


class SingleUseTests(VoiceTestCase):
    def test_it_accepts_a_code_once_and_only_once(self) -> None:
        (code,) = self.codes(1)
        entry = check_code(self.campaign, code)
        actions.submit_checkin(entry, tool=self.tool, answers={"workload": 2})
        with self.assertRaises(CodeRejected):
            check_code(self.campaign, code)
        with self.assertRaises(CodeRejected):
            actions.submit_checkin(entry, tool=self.tool, answers={"workload": 3})
        mix_all()
        self.assertEqual(Response.objects.count(), 1)

    def test_it_refuses_revoked_and_expired_codes(self) -> None:
        batch, plain = actions.generate_codes(None, self.campaign, self.oakfield, 2, self.campaign.closes_on)
        actions.revoke_batch(None, batch)
        with self.assertRaises(CodeRejected):
            check_code(self.campaign, plain[0])
        (fresh,) = self.codes(1)
        AccessCode.objects.filter(used=False, revoked=False).update(
            expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        with self.assertRaises(CodeRejected):
            check_code(self.campaign, fresh)

    def test_it_refuses_a_code_from_another_campaign(self) -> None:
        from tests.voice.helpers import make_campaign

        other = make_campaign(self.branch, [self.oakfield], [self.tool], slug="other", name="Other")
        (code,) = self.codes(1)
        with self.assertRaises(CodeRejected):
            check_code(other, code)

    def test_it_keeps_no_reference_from_response_to_code(self) -> None:
        field_names = {f.name for f in Response._meta.get_fields()}
        self.assertFalse({"code", "access_code", "code_hash", "batch"} & field_names)
        self.assertFalse(
            any(f.related_model is AccessCode for f in Response._meta.get_fields() if f.is_relation)
        )
