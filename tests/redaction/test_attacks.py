"""What an attacker found in the old redactor: each full name must become exactly one "[name]"."""

from __future__ import annotations

import unicodedata

import pytest

from chalkface.redaction import find, protect

ATTACKS = {
    "a title, first name and surname": ("Mrs Sarah Jones said so.", "[name] said so."),
    "a doctor with a Ghanaian name": ("Dr Kwame Mensah said so.", "[name] said so."),
    "a Welsh name with a circumflex": ("Ms Siân Llywelyn said so.", "[name] said so."),
    "a Welsh patronymic": ("Mr Dafydd ap Gwilym said so.", "[name] said so."),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_it_redacts_each_full_name_as_one_marker(attack: str) -> None:
    text, stored = ATTACKS[attack]
    assert protect(text) == stored
    assert [s.kind for s in find(text)] == ["name"]


@pytest.mark.parametrize(
    "text",
    [
        "Mrs Sarah Jones",
        "Dr Kwame Mensah",
        "Ms Siân Llywelyn",
        "Mr Dafydd ap Gwilym",
        "Dear Mrs Sarah Jones,",
        "I spoke to Dr Kwame Mensah.",
        "Diolch i Ms Siân Llywelyn.",
        "Siaradais gyda Mr Dafydd ap Gwilym ddoe.",
    ],
)
def test_nothing_of_the_name_is_left(text: str) -> None:
    redacted = protect(text)
    assert redacted.count("[name]") == 1
    for word in ("Sarah", "Jones", "Kwame", "Mensah", "Siân", "ân", "Llywelyn", "Dafydd", "ap", "Gwilym"):
        assert f" {word}" not in f" {redacted}".replace("[name]", " "), (text, redacted)


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_accents_in_either_unicode_form_stay_inside_the_name(form: str) -> None:
    text = unicodedata.normalize(form, "Ms Siân Llywelyn and Mr Siôn Rhys agreed, ŵyr Dafydd too.")
    redacted = protect(text)
    assert redacted.startswith("[name] and [name] agreed")
    assert "\u0302" not in redacted.split("agreed")[0]


def test_invisible_characters_do_not_split_a_name() -> None:
    for joiner in ("\u00ad", "\u200b", "\u200d"):
        text = f"Ask Sarah Jo{joiner}nes about it."
        assert protect(text) == "Ask [name] about it.", repr(joiner)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("mrs sarah jones said so", "[name] said so"),
        ("MRS SARAH JONES said so", "[name] said so"),
        ("Mrs. S. Jones said so", "[name] said so"),
        ("Mr and Mrs Nowak came in.", "[name] came in."),
        ("Mr & Mrs Shah came in.", "[name] came in."),
        ("The Rev. Dr. Thomas Morgan said so", "The [name] said so"),
        ("Mrs.Jones said so", "[name] said so"),
        ("Ask Mrs\nJones about it", "Ask [name] about it"),
        ("Mrs  Sarah  Jones said so", "[name] said so"),
        ("“Mrs O’Brien” said so", "“[name]” said so"),
        ("Ms SIÂN LLYWELYN said so", "[name] said so"),
        ("Mrs Smith-Jones and Ms O'Brien-Kelly", "[name] and [name]"),
        ("It was Mr Jones's idea.", "It was [name]'s idea."),
        ("It was Mrs Evans' idea.", "It was [name]' idea."),
    ],
)
def test_variants_of_a_full_name_are_one_marker(text: str, stored: str) -> None:
    assert protect(text) == stored
