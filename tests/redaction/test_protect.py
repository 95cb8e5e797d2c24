"""Identifying text is caught before it is stored, and the redaction is what gets saved.

The cases of the comment protection it replaced, run against ``chalkface.redaction``: the respondent pages
and the import use it.
"""

from __future__ import annotations

from django.urls import reverse

from chalkface import redaction as protect
from chalkface.voice.models import IncidentReport, Response
from tests.voice.helpers import CHECKIN_ANSWERS, INCIDENT_ANSWERS, VoiceTestCase, mix_all

EXAMPLES: dict[str, tuple[str, str]] = {
    "name": ("Sarah Jones told me it was fine.", "Sarah Jones"),
    "email": ("Write to j.bloggs@example.org about it.", "j.bloggs@example.org"),
    "phone": ("Ring me on 07700 900123 after school.", "07700 900123"),
    "postcode": ("We are based near CF10 3NQ in the city.", "CF10 3NQ"),
    "url": (
        "It is on https://example.org/our-ai-policy for all to see.",
        "https://example.org/our-ai-policy",
    ),
    "workplace": ("Everyone at Oakfield knows about it.", "Oakfield"),
    "number": ("The pupil with UPN A123456789012 was affected.", "A123456789012"),
}


class FindTests(VoiceTestCase):
    def test_it_catches_each_kind_of_identifying_text(self) -> None:
        for kind, (text, span) in EXAMPLES.items():
            with self.subTest(kind=kind):
                found = protect.find(text, workplace_names=[self.oakfield.name])
                self.assertEqual([(s.kind, s.text) for s in found], [(kind, span)])
                self.assertIn(protect.KINDS[kind], protect.redact(text, found))
                self.assertNotIn(span, protect.redact(text, found))

    def test_it_catches_titles_welsh_names_and_short_forms_of_the_workplace(self) -> None:
        text = "Mrs Hughes and Rhys said Oakfield Primary should stop. Dear mr o'brien,"
        redacted = protect.protect(text, workplace_names=[self.oakfield.name])
        self.assertEqual(redacted, "[name] and [name] said [workplace] should stop. Dear [name],")

    def test_it_leaves_everyday_words_months_and_tool_names_alone(self) -> None:
        text = "May I say that in June the AI tool Claude helped. Will it last? I miss the old way."
        self.assertEqual(protect.find(text, allow=["Claude"]), [])


class WebRedactionTests(VoiceTestCase):
    def test_it_shows_the_spans_and_saves_nothing_until_the_respondent_chooses(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        comment = "Mr Patel at Oakfield said email me at t.patel@example.org or ring 07700 900123."
        response = self.client.post(url, {**CHECKIN_ANSWERS, "comment": comment, "code": code})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This could show who you are, or who you mean")
        self.assertContains(response, "<mark")
        self.assertContains(response, "[name] at [workplace] said email me at [email] or ring [phone].")
        mix_all()
        self.assertEqual(Response.objects.count(), 0)

        response = self.client.post(
            url, {**CHECKIN_ANSWERS, "comment": comment, "code": code, "protect": "redact"}
        )
        self.assertEqual(response.status_code, 302)
        mix_all()
        saved = Response.objects.get()
        self.assertEqual(
            saved.answers["comment"], "[name] at [workplace] said email me at [email] or ring [phone]."
        )

    def test_it_checks_an_edited_comment_again_and_saves_it_when_clean(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        self.client.post(url, {**CHECKIN_ANSWERS, "comment": "Ask Sarah Jones.", "code": code})
        response = self.client.post(url, {**CHECKIN_ANSWERS, "comment": "Ask the deputy head.", "code": code})
        self.assertEqual(response.status_code, 302)
        mix_all()
        self.assertEqual(Response.objects.get().answers["comment"], "Ask the deputy head.")

    def test_it_redacts_incident_descriptions_too(self) -> None:
        from django.utils import timezone

        (code,) = self.codes(1)
        url = reverse("voice:code_report", args=[self.campaign.slug])
        data = {
            **INCIDENT_ANSWERS,
            "month": f"{timezone.localdate():%Y-%m}",
            "description": "It told Jack Smith's parents at SW1A 1AA his grades.",
            "code": code,
            "protect": "redact",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        mix_all()
        self.assertEqual(
            IncidentReport.objects.get().description, "It told [name]'s parents at [postcode] his grades."
        )


class ImportRedactionTests(VoiceTestCase):
    def test_an_import_stores_what_the_redact_command_writes(self) -> None:
        import csv
        import tempfile
        from pathlib import Path

        from click.testing import CliRunner

        from chalkface.imports.actions import import_responses
        from chalkface.redaction.command import redact_command
        from tests.voice.test_import import HEADER, MAPPING

        comments = [
            "Mrs Sarah Jones said it was fine",
            "Dr Kwame Mensah asked about Oakfield",
            "Ms Siân Llywelyn wants it stopped",
            "Mr Dafydd ap Gwilym rang 07700 900123",
        ]
        rows = [
            f'{n},,9/{n}/2025 10:03:12,anonymous,,Oakfield,Teacher,Agree,2,"{comment}"'
            for n, comment in enumerate(comments, start=1)
        ]
        data = ("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode("utf-8")
        report = import_responses(None, self.campaign, data, "forms.csv", MAPPING)
        self.assertTrue(report.ok, report.errors)
        mix_all()
        stored = sorted(r.answers["comment"] for r in Response.objects.all())
        self.assertEqual(
            stored,
            sorted(
                [
                    "[name] said it was fine",
                    "[name] asked about [workplace]",
                    "[name] wants it stopped",
                    "[name] rang [phone]",
                ]
            ),
        )

        names = [self.oakfield.name, *(o.name for o in self.oakfield.ancestors())]
        with tempfile.TemporaryDirectory() as folder:
            source, out = Path(folder) / "in.csv", Path(folder) / "out.csv"
            source.write_bytes(data)
            args = [str(source), "--text-column", "Anything else?", "--out", str(out)]
            args += [arg for name in names for arg in ("--workplace", name)]
            result = CliRunner().invoke(redact_command, args)
            self.assertEqual(result.exit_code, 0, result.output)
            with out.open(encoding="utf-8-sig", newline="") as handle:
                written = sorted(row["Anything else?"] for row in csv.DictReader(handle))
        self.assertEqual(written, stored)
