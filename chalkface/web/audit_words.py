"""What the audit log says, in plain sentences in the viewer's language: each action an ``actions.py``
records (``synth.loaded``) as a sentence, each changed field by its name in the users' world, and each
change as words rather than a raw dictionary or list.

Each entry also keeps the summary its action wrote, in English ("30 access codes for Oakfield (Autumn
check-in)"), as entries written before these words existed do. :func:`summary_words` reads that summary
back through its action's pattern and says it again in the viewer's language; a summary that is only a
name (a tool's, a campaign's) is shown as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

ACTIONS: dict[str, Any] = {
    "alerts.subscribed": gettext_lazy("Asked for alerts"),
    "alerts.unsubscribed": gettext_lazy("Stopped alerts"),
    "insights.margins_added": gettext_lazy("Added workforce margins"),
    "api_token.created": gettext_lazy("Made an API key"),
    "api_token.revoked": gettext_lazy("Withdrew an API key"),
    "campaign.created": gettext_lazy("Started a campaign"),
    "campaign.edited": gettext_lazy("Changed a campaign"),
    "campaign.shares_changed": gettext_lazy("Changed who sees a campaign's results"),
    "codes.generated": gettext_lazy("Made access codes"),
    "codes.revoked": gettext_lazy("Withdrew unused access codes"),
    "deployment.created": gettext_lazy("Recorded a tool in use at a workplace"),
    "deployment.ended": gettext_lazy("Recorded that a workplace stopped using a tool"),
    "deployment.updated": gettext_lazy("Changed the record of a tool in use"),
    "incident.entered_by_rep": gettext_lazy("Entered an incident report for a member of staff"),
    "incident.status_changed": gettext_lazy("Changed where an incident report stands"),
    "job.started": gettext_lazy("Started a background job"),
    "open_link.closed": gettext_lazy("Closed an open link"),
    "open_link.created": gettext_lazy("Made an open link"),
    "organisation.created": gettext_lazy("Added a workplace"),
    "organisation.updated": gettext_lazy("Changed a workplace"),
    "responses.imported": gettext_lazy("Imported check-ins from a file"),
    "schools.imported": gettext_lazy("Imported the schools register"),
    "supplier.created": gettext_lazy("Added a supplier"),
    "supplier.updated": gettext_lazy("Changed a supplier"),
    "synth.loaded": gettext_lazy("Loaded the demonstration data"),
    "synth.voice_loaded": gettext_lazy("Loaded the demonstration check-ins"),
    "tool.created": gettext_lazy("Added an AI tool"),
    "tool.updated": gettext_lazy("Changed an AI tool"),
    "version.created": gettext_lazy("Added a version of a tool"),
    "version.updated": gettext_lazy("Changed a version of a tool"),
    "results.read": gettext_lazy("Read results about named workplaces"),
    "results.exported": gettext_lazy("Took results away as a document or a file"),
    "agreement.created": gettext_lazy("Started the record of a workplace AI agreement"),
    "agreement.position_recorded": gettext_lazy("Recorded one side's view of an agreement item"),
    "agreement.position_changed": gettext_lazy("Changed one side's view of an agreement item"),
    "agreement.review_set": gettext_lazy("Set the joint review date of an agreement"),
    "data_practice.saved": gettext_lazy("Recorded the data practices of a tool version"),
    "deployment_record.saved": gettext_lazy("Recorded what a tool is used for at a workplace"),
    "safety.recorded": gettext_lazy("Recorded a product safety check of a tool version"),
    "conversation.created": gettext_lazy("Started a conversation"),
    "conversation.changed": gettext_lazy("Changed a conversation"),
    "conversation.seeded": gettext_lazy("Added a statement to a conversation"),
    "conversation.moderated": gettext_lazy("Moderated a statement in a conversation"),
    "conversation.imported": gettext_lazy("Imported the votes of a conversation from a file"),
    "conversation.exported": gettext_lazy("Exported a conversation"),
    "question_set.versioned": gettext_lazy("Made a new version of a question set"),
    "question_set.edited": gettext_lazy("Changed the questions of a question set"),
}

# Recorded values that are codes: the release channels, in words.
VALUES: dict[str, Any] = {
    "page.overview": gettext_lazy("the evidence overview"),
    "page.tool": gettext_lazy("a tool's page"),
    "page.compare": gettext_lazy("the comparison of two versions"),
    "page.workplace": gettext_lazy("a workplace's page"),
    "page.conversation": gettext_lazy("a conversation's report"),
    "brief.html": gettext_lazy("a brief on the web"),
    "brief.pdf": gettext_lazy("a brief as PDF"),
    "export": gettext_lazy("an open-data export"),
    "api.tool": gettext_lazy("the API: a tool's results"),
    "api.workplace": gettext_lazy("the API: a workplace's results"),
    "api.export": gettext_lazy("the API: an export"),
    "alert": gettext_lazy("an alert"),
    "cli.brief": gettext_lazy("a brief made on the server"),
    "cli.export": gettext_lazy("an export made on the server"),
}

FIELDS: dict[str, Any] = {
    "count": gettext_lazy("Number"),
    "done": gettext_lazy("Done"),
    "expires_on": gettext_lazy("Ends on"),
    "ends_on": gettext_lazy("Ends on"),
    "starts_on": gettext_lazy("Starts on"),
    "from_version": gettext_lazy("From version"),
    "kind": gettext_lazy("Kind"),
    "name": gettext_lazy("Name"),
    "new": gettext_lazy("New"),
    "owner": gettext_lazy("Owner"),
    "per_hour": gettext_lazy("Most an hour"),
    "questions": gettext_lazy("Questions"),
    "rows": gettext_lazy("Rows"),
    "seed": gettext_lazy("Random seed"),
    "status": gettext_lazy("Status"),
    "total": gettext_lazy("Total"),
    "unused": gettext_lazy("Unused codes"),
    "workplace": gettext_lazy("Workplace"),
    "workplaces": gettext_lazy("Workplaces"),
    "tools": gettext_lazy("Tools"),
    "slug": gettext_lazy("Web address name"),
    "description": gettext_lazy("Description"),
    "release_date": gettext_lazy("Release date"),
    "label": gettext_lazy("Version"),
    "threshold": gettext_lazy("Smallest group shown"),
    "opens_on": gettext_lazy("Opens on"),
    "closes_on": gettext_lazy("Closes on"),
    "shares": gettext_lazy("Shared with"),
    "channel": gettext_lazy("Where"),
    "audience": gettext_lazy("Campaigns and workplaces (record numbers)"),
    "figures": gettext_lazy("Figures"),
    "shown": gettext_lazy("Figures shown"),
    "digest": gettext_lazy("Fingerprint of the figures"),
    "responses": gettext_lazy("Check-ins"),
    "incidents": gettext_lazy("Incident reports"),
    "created": gettext_lazy("Added"),
    "updated": gettext_lazy("Changed"),
    "campaign": gettext_lazy("Campaign"),
    "statement": gettext_lazy("Statement"),
    "statements": gettext_lazy("Statements"),
    "votes": gettext_lazy("Votes"),
    "participants": gettext_lazy("Participants"),
    "sha256": gettext_lazy("Fingerprint of the file"),
    "skipped": gettext_lazy("Left out"),
    "dry_run": gettext_lazy("A check only, nothing saved"),
}


def _count(sentence: Any) -> Callable[[dict[str, str]], str]:
    """A sentence with a count in it (``count``, which chooses the plural), the pattern's other parts put in
    by name."""
    return lambda parts: str(sentence % {**parts, "count": int(parts["count"])})


def _say(sentence: Any) -> Callable[[dict[str, str]], str]:
    """A sentence with the pattern's parts put in by name."""
    return lambda parts: str(sentence) % parts


_DEPLOYMENT = r"(?P<tool>.+?) at (?P<workplace>.+)"
_OPEN_LINK = (
    re.compile(r"open link for (?P<workplace>.+) \((?P<campaign>.+)\)"),
    _say(gettext_lazy("open link for %(workplace)s (%(campaign)s)")),
)
_API_KEY = (
    re.compile(r"API token (?P<prefix>\S+)… \((?P<name>.*)\)"),
    _say(gettext_lazy("API key %(prefix)s… (%(name)s)")),
)
_AGREEMENT = [
    (
        re.compile(r"AI agreement for all AI at (?P<workplace>.+)"),
        _say(gettext_lazy("AI agreement for all AI at %(workplace)s")),
    ),
    (
        re.compile(rf"AI agreement for {_DEPLOYMENT}"),
        _say(gettext_lazy("AI agreement for %(tool)s at %(workplace)s")),
    ),
]
_ALERTS = (re.compile(r"Alerts about (?P<subject>.+)"), _say(gettext_lazy("Alerts about %(subject)s")))
_STOPPED = (
    re.compile(r"Stopped alerts about (?P<subject>.+)"),
    _say(gettext_lazy("Stopped alerts about %(subject)s")),
)
_IN_USE = (re.compile(_DEPLOYMENT), _say(gettext_lazy("%(tool)s at %(workplace)s")))

# The English summaries the actions write, as patterns, each with the sentence that says it again.
SUMMARIES: dict[str, list[tuple[re.Pattern[str], Callable[[dict[str, str]], str]]]] = {
    "codes.generated": [
        (
            re.compile(r"(?P<count>\d+) access codes for (?P<workplace>.+) \((?P<campaign>.+)\)"),
            _count(
                ngettext_lazy(
                    "%(count)s access code for %(workplace)s (%(campaign)s)",
                    "%(count)s access codes for %(workplace)s (%(campaign)s)",
                    "count",
                )
            ),
        )
    ],
    "codes.revoked": [
        (
            re.compile(r"Revoked (?P<count>\d+) unused codes"),
            _count(
                ngettext_lazy("Withdrew %(count)s unused code", "Withdrew %(count)s unused codes", "count")
            ),
        )
    ],
    "api_token.created": [_API_KEY],
    "api_token.revoked": [_API_KEY],
    "schools.imported": [
        (
            re.compile(r"Imported schools register: (?P<created>\d+) created, (?P<updated>\d+) updated"),
            _say(gettext_lazy("Imported the schools register: %(created)s added, %(updated)s changed")),
        )
    ],
    "responses.imported": [
        (
            re.compile(r"Imported (?P<count>\d+) responses from (?P<filename>.+)"),
            _count(
                ngettext_lazy(
                    "Imported %(count)s check-in from %(filename)s",
                    "Imported %(count)s check-ins from %(filename)s",
                    "count",
                )
            ),
        )
    ],
    "synth.loaded": [
        (
            re.compile(r"Loaded synthetic data \(seed (?P<seed>[^)]*)\): (?P<count>\d+) workplaces"),
            _count(
                ngettext_lazy(
                    "Demonstration data (random seed %(seed)s): %(count)s workplace",
                    "Demonstration data (random seed %(seed)s): %(count)s workplaces",
                    "count",
                )
            ),
        )
    ],
    "synth.voice_loaded": [
        (
            re.compile(r"Loaded (?P<count>\d+) synthetic check-ins"),
            _count(
                ngettext_lazy(
                    "%(count)s demonstration check-in", "%(count)s demonstration check-ins", "count"
                )
            ),
        )
    ],
    "alerts.subscribed": [_ALERTS],
    "alerts.unsubscribed": [_STOPPED],
    "incident.entered_by_rep": [
        (
            re.compile(
                r"An incident report entered by a rep joined the results \(workplace (?P<workplace>\d+)\)"
            ),
            _say(
                gettext_lazy(
                    "An incident report entered by a rep joined the results (workplace record %(workplace)s)"
                )
            ),
        )
    ],
    "deployment.created": [_IN_USE],
    "deployment.updated": [_IN_USE],
    "deployment.ended": [_IN_USE],
    "deployment_record.saved": [
        (
            re.compile(rf"{_DEPLOYMENT}: record"),
            _say(gettext_lazy("What %(tool)s is used for at %(workplace)s")),
        )
    ],
    "data_practice.saved": [
        (re.compile(r"(?P<version>.+): data practices"), _say(gettext_lazy("Data practices of %(version)s")))
    ],
    "open_link.created": [_OPEN_LINK],
    "open_link.closed": [_OPEN_LINK],
    "agreement.created": _AGREEMENT,
    "agreement.review_set": _AGREEMENT,
    "job.started": [
        (
            re.compile(r"Evidence brief for (?P<tool>.+) \((?P<format>[A-Z]+)\)"),
            _say(gettext_lazy("Evidence brief for %(tool)s (%(format)s)")),
        ),
        (
            re.compile(r"Open data for (?P<campaign>.+) \((?P<format>[a-z]+)\)"),
            _say(gettext_lazy("Open data for %(campaign)s (%(format)s)")),
        ),
        (
            re.compile(r"Check (?P<filename>.+) into (?P<campaign>.+)"),
            _say(gettext_lazy("Check %(filename)s before importing it into %(campaign)s")),
        ),
        (
            re.compile(r"Import (?P<filename>.+) into (?P<campaign>.+)"),
            _say(gettext_lazy("Import %(filename)s into %(campaign)s")),
        ),
    ],
}


def summary_words(action: str, summary: str) -> str:
    """An entry's stored summary in the viewer's language: read back through its action's pattern, or as
    written where it is a name, or an action whose summary has no pattern."""
    for pattern, say in SUMMARIES.get(action, []):
        found = pattern.fullmatch(summary)
        if found:
            return say(found.groupdict())
    return summary


def _plain(code: str) -> str:
    """A code not listed here, made readable: ``data_practices`` → "Data practices"."""
    text = code.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def action_sentence(action: str) -> str:
    """An audit action as a plain sentence."""
    found = ACTIONS.get(action)
    return str(found) if found is not None else _plain(action)


def field_label(name: str) -> str:
    found = FIELDS.get(name)
    return str(found) if found is not None else _plain(name)


def value_words(value: Any) -> str:
    """One recorded value in words: nothing as a dash, yes/no, lists joined, dictionaries as
    "label: value" pairs."""
    if value in (None, "", [], {}):
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, str) and value in VALUES:
        return str(VALUES[value])
    if isinstance(value, dict):
        return "; ".join(f"{field_label(str(k))}: {value_words(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_words(v) for v in value)
    return str(value)


def change_words(value: Any) -> str:
    """An audit-log change: "old → new" for a pair, the value in words otherwise."""
    if isinstance(value, list) and len(value) == 2:
        return f"{value_words(value[0])} → {value_words(value[1])}"
    return value_words(value)
