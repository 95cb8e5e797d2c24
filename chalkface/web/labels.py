"""Translated labels for the shared vocabularies.

``chalkface.vocab`` holds codes with English labels and no Django, so the web layer translates the labels.
Every label is listed below as a literal so that ``makemessages`` finds it; ``tests/core/test_labels.py``
checks that the list covers every vocabulary and that each label has a Welsh translation.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from chalkface import vocab

VOCABULARIES: dict[str, list[tuple[str, str]]] = {
    "capabilities": vocab.CAPABILITIES,
    "audiences": vocab.AUDIENCES,
    "staff_roles": vocab.STAFF_ROLES,
    "organisation_kinds": vocab.ORGANISATION_KINDS,
    "phases": vocab.PHASES,
    "regions": vocab.REGIONS,
    "urban_rural": vocab.URBAN_RURAL,
    "deployment_use": vocab.DEPLOYMENT_USE,
}

MESSAGES: tuple[str, ...] = (
    # Capabilities
    gettext_noop("General assistant"),
    gettext_noop("Lesson planning"),
    gettext_noop("Marking and feedback"),
    gettext_noop("Pupil tutoring"),
    gettext_noop("Meeting transcription"),
    gettext_noop("HR and performance analytics"),
    gettext_noop("Safeguarding monitoring"),
    gettext_noop("Admin automation"),
    gettext_noop("Assessment and exam preparation"),
    gettext_noop("Parent and pupil communication"),
    # Audiences
    gettext_noop("Pupils"),
    gettext_noop("Staff"),
    gettext_noop("Parents"),
    # Staff roles
    gettext_noop("Teacher"),
    gettext_noop("Teaching assistant"),
    gettext_noop("Support staff"),
    gettext_noop("Administrative staff"),
    gettext_noop("School leader"),
    # Organisation kinds
    gettext_noop("School"),
    gettext_noop("College"),
    gettext_noop("University"),
    gettext_noop("Trust"),
    gettext_noop("Local authority"),
    gettext_noop("Union branch"),
    gettext_noop("Union"),
    # Phases
    gettext_noop("Nursery"),
    gettext_noop("Primary"),
    gettext_noop("Middle"),
    gettext_noop("Secondary"),
    gettext_noop("All-through"),
    gettext_noop("16 plus"),
    gettext_noop("Special"),
    gettext_noop("Alternative provision"),
    gettext_noop("Not applicable"),
    # Regions
    gettext_noop("North East"),
    gettext_noop("North West"),
    gettext_noop("Yorkshire and the Humber"),
    gettext_noop("East Midlands"),
    gettext_noop("West Midlands"),
    gettext_noop("East of England"),
    gettext_noop("London"),
    gettext_noop("South East"),
    gettext_noop("South West"),
    gettext_noop("Wales"),
    # Urban or rural
    gettext_noop("Urban"),
    gettext_noop("Rural"),
    # Deployment use
    gettext_noop("Optional"),
    gettext_noop("Mandatory"),
)


def choices(name: str) -> list[tuple[str, str | Promise]]:
    """A vocabulary as form choices, with labels translated when they are shown."""
    return [(code, gettext_lazy(text)) for code, text in VOCABULARIES[name]]


def label(name: str, code: str) -> str:
    """The translated label of one code (the code itself if it is not in the vocabulary)."""
    if not code:
        return ""
    return gettext(vocab.label(VOCABULARIES[name], code))


def labels(name: str, codes: list[str] | None) -> list[str]:
    return [label(name, code) for code in codes or []]
