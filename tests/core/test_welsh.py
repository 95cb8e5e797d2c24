"""Every page in Welsh: the language comes from the browser or the footer switch, and all our text is
translated (the Welsh catalogue has no gaps for our templates, forms and vocabularies)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from chalkface import vocab
from chalkface.web import labels
from tests.base import BaseTestCase

PO_FILE = Path(settings.LOCALE_PATHS[0]) / "cy" / "LC_MESSAGES" / "django.po"
# Source files whose strings this catalogue must translate (paths as makemessages writes them).
OURS = (
    "templates/",
    "accounts/",
    "register/",
    "workplaces/",
    "voice/",
    "insights/",
    "imports/",
    "jobs/",
    "api/",
    "home/",
    "web/",
    "demo/",
    "governance/",
)


def catalogue_entries() -> list[tuple[list[str], str, list[str], bool]]:
    """(references, msgid, msgstrs, fuzzy) for each entry of the Welsh catalogue."""
    entries = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n")[1:]:
        references: list[str] = []
        fuzzy = False
        parts: dict[str, str] = {}
        key = ""
        for line in block.strip().splitlines():
            if line.startswith("#: "):
                references.extend(line[3:].split())
            elif line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line):
                key = match.group(1)
                parts[key] = match.group(2)
            elif match := re.match(r'^"(.*)"$', line):
                parts[key] += match.group(1)
        parts = {k: ast.literal_eval(f'"{value}"') for k, value in parts.items()}  # C-style escapes
        msgstrs = [value for k, value in parts.items() if k.startswith("msgstr")]
        entries.append((references, parts.get("msgid", ""), msgstrs, fuzzy))
    return entries


class WelshTestCase(BaseTestCase):
    def welsh_pages(self) -> list[tuple[str | None, str, str]]:
        """(user, URL, a Welsh phrase the page must show)."""
        tool, deployment = self.tool.slug, self.deployment.pk
        return [
            (None, reverse("home"), "Tystiolaeth o'r ystafell ddosbarth"),
            (None, reverse("login"), "Mewngofnodi i Chalkface"),
            (None, reverse("password_reset"), "Ailosod eich cyfrinair"),
            (None, reverse("password_reset_done"), "Gwiriwch eich e-bost"),
            (None, reverse("password_reset_complete"), "Mae eich cyfrinair wedi'i newid"),
            ("alice", reverse("home"), "Fel cynrychiolydd undeb yn y gweithle"),
            ("nobody", reverse("home"), "Nid oes gan eich cyfrif rôl eto"),
            ("nobody", reverse("register:tools"), "Ni allwch weld y dudalen hon"),
            ("ravi", reverse("password_change"), "Newid eich cyfrinair"),
            ("ravi", reverse("register:tools"), "Cynllunio gwersi"),
            ("ravi", reverse("register:tool", args=[tool]), "Yn fyw ers 1 Medi 2025"),
            ("ravi", reverse("register:suppliers"), "Y cwmnïau sy'n gwneud yr offer AI yn y gofrestr."),
            (
                "ravi",
                reverse("register:supplier", args=[self.supplier.slug]),
                "Offer a wnaed gan Brightlesson Ltd",
            ),
            ("ravi", reverse("register:deployments"), "Offer ar waith"),
            ("ravi", reverse("workplaces:list"), "Gogledd-orllewin Lloegr"),
            ("ravi", reverse("workplaces:detail", args=[self.oakfield.slug]), "Cwintel amddifadedd"),
            ("ravi", "/no-such-page/", "Heb ddod o hyd i'r dudalen"),
            ("olivia", reverse("register:tool_create"), "Tiwtora disgyblion"),
            ("olivia", reverse("register:tool_edit", args=[tool]), "Golygu'r offeryn"),
            ("olivia", reverse("register:version_create", args=[tool]), "Dyddiad rhyddhau"),
            ("olivia", reverse("register:version_edit", args=[tool, self.v1.pk]), "Golygu fersiwn 1.0"),
            ("olivia", reverse("register:supplier_create"), "Ychwanegu cyflenwr"),
            ("olivia", reverse("register:supplier_edit", args=[self.supplier.slug]), "Golygu'r cyflenwr"),
            ("alice", reverse("register:deployment_create", args=[self.oakfield.slug]), "Athro neu athrawes"),
            ("alice", reverse("register:deployment_edit", args=[deployment]), "Golygu'r cofnod o ddefnyddio"),
            ("alice", reverse("register:deployment_end", args=[deployment]), "Cofnodi'r diwrnod olaf"),
            ("emma", reverse("workplaces:edit", args=[self.oakfield.slug]), "Pa mor dda yw'r seilwaith TG?"),
            ("adam", reverse("accounts:audit"), "Cofnod archwilio"),
        ]

    def test_it_renders_every_page_in_welsh_from_the_browser_language(self) -> None:
        for user, url, phrase in self.welsh_pages():
            with self.subTest(user=user, url=url):
                self.client.logout()
                if user:
                    self.login(getattr(self, user))
                response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="cy")
                html = response.content.decode()
                assert '<html lang="cy">' in html
                assert "Neidio i&#x27;r prif gynnwys" in html or "Neidio i'r prif gynnwys" in html
                assert phrase.replace("'", "&#x27;") in html or phrase in html, phrase

    def test_it_remembers_the_language_chosen_in_the_footer(self) -> None:
        self.login(self.ravi)
        page = self.client.get(reverse("register:tools"), HTTP_ACCEPT_LANGUAGE="en")
        assert 'name="language" value="cy"' in page.content.decode()
        response = self.client.post(
            reverse("set_language"), {"language": "cy", "next": reverse("register:tools")}
        )
        self.assertRedirects(response, reverse("register:tools"), fetch_redirect_response=False)
        assert self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
        html = self.client.get(reverse("register:tools"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="cy">' in html and "Offer AI" in html

    def test_it_shows_form_errors_in_welsh(self) -> None:
        self.login(self.olivia)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        html = self.client.post(reverse("register:supplier_create"), {"name": ""}).content.decode()
        assert "Mae problem" in html and "Gwall:" in html

    def test_it_translates_every_vocabulary_label_into_welsh(self) -> None:
        listed = set(labels.MESSAGES)
        with translation.override("cy"):
            for name, vocabulary in labels.VOCABULARIES.items():
                for code, english in vocabulary:
                    assert english in listed, (
                        f"{name}.{code}: add {english!r} to chalkface.web.labels.MESSAGES"
                    )
                    welsh = labels.label(name, code)
                    assert welsh and (welsh != english or english in {"Staff"}), f"{name}.{code}"
        assert set(labels.VOCABULARIES["capabilities"]) == set(vocab.CAPABILITIES)

    def test_it_has_a_welsh_translation_for_every_string_of_ours(self) -> None:
        gaps = [
            msgid
            for references, msgid, msgstrs, fuzzy in catalogue_entries()
            if msgid and any(ref.startswith(OURS) for ref in references) and (fuzzy or not all(msgstrs))
        ]
        assert gaps == []

    def test_it_ships_a_compiled_catalogue_that_matches_the_po_file(self) -> None:
        mo_file = PO_FILE.with_suffix(".mo")
        assert mo_file.exists()
        with translation.override("cy"):
            for _, msgid, msgstrs, _fuzzy in catalogue_entries():
                if msgid and "%" not in msgid and len(msgstrs) == 1:
                    assert translation.gettext(msgid) == msgstrs[0], msgid
