"""Redaction markers read in the page's language; stored text keeps the redactor's own markers."""

from __future__ import annotations

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from chalkface.redaction.spans import KINDS
from chalkface.web.templatetags.chalkface import MARKER_WORDS

TEMPLATE = Template("{% load chalkface %}<p>{{ text|markers }}</p>")


def shown(text: str, language: str) -> str:
    with translation.override(language):
        return TEMPLATE.render(Context({"text": text}))


class MarkerTests(SimpleTestCase):
    def test_it_words_every_marker_in_welsh_on_a_welsh_page(self) -> None:
        text = "Ask [name] at [workplace] on [phone] or [email], [postcode], [link], [number]"
        self.assertEqual(
            shown(text, "cy"),
            "<p>Ask [enw] at [gweithle] on [ffôn] or [e-bost], [cod post], [dolen], [rhif]</p>",
        )

    def test_it_leaves_english_as_stored(self) -> None:
        self.assertEqual(shown("Ask [name] at [workplace]", "en-gb"), "<p>Ask [name] at [workplace]</p>")

    def test_the_text_around_the_markers_is_still_escaped(self) -> None:
        self.assertEqual(shown("<script>[name]</script>", "cy"), "<p>&lt;script&gt;[enw]&lt;/script&gt;</p>")

    def test_every_marker_the_redactor_writes_has_a_welsh_word(self) -> None:
        self.assertEqual(set(MARKER_WORDS), set(KINDS.values()))
        with translation.override("cy"):
            for marker, words in MARKER_WORDS.items():
                self.assertNotEqual(str(words), marker, marker)
