"""The rules for names, one behaviour at a time."""

from __future__ import annotations

import pytest

from chalkface.redaction import find, first_names, protect, surnames


def names(text: str, allow: list[str] | None = None) -> list[str]:
    return [s.text for s in find(text, allow=allow) if s.kind == "name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I told Jones about it.", ["Jones"]),
        ("Jones said it was fine.", ["Jones"]),
        ("I was paired with Patel.", ["Patel"]),
        ("Khan and Begum both asked.", ["Khan", "Begum"]),
        ("Nowak, Wiśniewski and Kowalski were on the rota.", ["Nowak", "Wiśniewski", "Kowalski"]),
        ("Okafor and Adeyemi run the club.", ["Okafor", "Adeyemi"]),
        ("Wang, Zhang and Chan all had the same mark.", ["Wang", "Zhang", "Chan"]),
    ],
)
def test_it_finds_surnames_without_a_first_name(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I asked Will about it.", ["Will"]),
        ("Will said the rubric was better.", ["Will"]),
        ("Grace told me it was fine.", ["Grace"]),
        ("Thanks to Holly Wood for the help.", ["Holly Wood"]),
        ("Mark Evans wrote to the union.", ["Mark Evans"]),
        ("I've told Young that it changed.", ["Young"]),
        ("Long said the marking was inconsistent.", ["Long"]),
        ("Mr King and Ms Price ran it.", ["Mr King", "Ms Price"]),
        ("The tool marked Summer's essay down.", ["Summer"]),
        ("Will it last? I hope so, and we will see.", []),
        ("Mark the essays by hand. Grace periods keep changing.", []),
        ("Young people need to learn this. Long days followed.", []),
        ("The Green Flag award and the Young Carers group.", []),
        ("Hope for improvement rests on the Summer term review.", []),
        ("Brown envelopes went home in May.", []),
    ],
)
def test_names_that_are_everyday_words_only_where_they_stand_as_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dear mrs jones, thank you.", ["mrs jones"]),
        ("I asked mr patel.", ["mr patel"]),
        ("dr o'brien agreed", ["dr o'brien"]),
        ("i told sarah jones about it", ["sarah jones"]),
        ("i told sarah about it", ["sarah"]),
        ("a 200 ms delay, and the mr said nothing", []),
    ],
)
def test_it_finds_lower_case_names_after_a_title_or_together(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ms D'Souza and Mr O'Brien agreed.", ["Ms D'Souza", "Mr O'Brien"]),
        ("McAllister and MacLeod printed them.", ["McAllister", "MacLeod"]),
        ("Mrs Llewellyn-Jones said so.", ["Mrs Llewellyn-Jones"]),
        ("Evie-Mae was flagged.", ["Evie-Mae"]),
        ("Ali, Ben and Chloe got the same feedback.", ["Ali", "Ben", "Chloe"]),
        ("Jones's class and Patel's set.", ["Jones", "Patel"]),
        ("We met Ms Ní Bhriain.", ["Ms Ní Bhriain"]),
        ("Mr Van der Merwe sent it.", ["Mr Van der Merwe"]),
    ],
)
def test_it_finds_names_of_every_shape(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mae ab Owen yn dysgu hanes.", ["ab Owen"]),
        ("Siaradais gyda Mr ap Gwilym.", ["Mr ap Gwilym"]),
        ("Mae Nia ferch Rhys yn gofyn.", ["Nia ferch Rhys"]),
        ("Diolch i Fethan am ei help.", ["Fethan"]),
        ("Daeth y neges gan Ddafydd.", ["Ddafydd"]),
        ("Siaradais â Huw a Chatrin ddoe.", ["Huw", "Chatrin"]),
        ("Roedd y cyfieithiad i'r Gymraeg yn wael ym Mlwyddyn 8 yng Nghaerdydd.", []),
        ("Mae'r offeryn yn arbed amser, ond mae angen gwirio popeth.", []),
    ],
)
def test_it_knows_welsh_patronymics_and_mutations(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sir said we could use it. Miss told us it was a computer.",
        "We use MS Teams and Google Classroom.",
        "St David's Day and St John Ambulance came in.",
        "In March, on a Monday, the Year 7 English team met in Cardiff.",
        "The DfE, Ofsted and Estyn said nothing about AI.",
        "Don't worry, we'll see.",
    ],
)
def test_it_leaves_titles_without_names_saints_and_school_words_alone(text: str) -> None:
    assert names(text) == []


def test_it_never_flags_the_allowed_tool_names() -> None:
    text = "Claude and Gemini wrote it, and Mrs Claude said so."
    assert names(text, allow=["Claude", "Gemini"]) == []
    assert names("Claude wrote it.") == ["Claude"]


def test_the_lists_hold_english_welsh_and_community_names() -> None:
    for name in ("sarah", "siân", "dafydd", "kwame", "aisha", "wiktoria", "oluwaseun"):
        assert name in first_names()
    for name in (
        "jones",
        "llywelyn",
        "patel",
        "begum",
        "mensah",
        "okafor",
        "wang",
        "nowak",
        "wisniewski",
        "obrien",
    ):
        assert name in surnames()


def test_protect_marks_each_kind() -> None:
    text = "Mr Patel said email t.patel@example.org or ring 07700 900123 near CF10 3NQ."
    assert protect(text) == "[name] said email [email] or ring [phone] near [postcode]."
