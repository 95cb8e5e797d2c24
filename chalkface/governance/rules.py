"""Red flags: each rule is a pure function over plain data that returns one sentence with its source, or
None when it does not fire. :mod:`chalkface.governance.queries` gathers the data from the records; the
evidence rule takes only figures already released to the viewer (see :mod:`chalkface.insights.redflags`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chalkface.governance import items


@dataclass(frozen=True)
class RedFlag:
    rule: str
    sentence: str
    source: str


@dataclass(frozen=True)
class VersionDrop:
    """A fall in mean time saved from one version to the next, both figures already released to the viewer
    with intervals that do not overlap."""

    tool: str
    before: str
    after: str
    before_value: float
    after_value: float


@dataclass(frozen=True)
class DeploymentFacts:
    """What the rules need to know about one deployment, as plain values."""

    tool: str
    workplace: str
    starts_on: dt.date
    pupil_facing: bool
    intended_uses: tuple[str, ...] = ()
    # item code -> {side: status}
    positions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # expectation code -> status, for the version in use
    safety: Mapping[str, str] = field(default_factory=dict)
    trains_on_customer_data: str = ""
    review_due: dt.date | None = None
    drops: tuple[VersionDrop, ...] = ()


def _statuses(facts: DeploymentFacts, item: str) -> set[str]:
    return set(facts.positions.get(item, {}).values())


def pupil_facing_filtering_unknown(facts: DeploymentFacts) -> RedFlag | None:
    if not facts.pupil_facing:
        return None
    unknown = [c for c in items.FILTERING_CODES if facts.safety.get(c, items.UNKNOWN) == items.UNKNOWN]
    if not unknown:
        return None
    return RedFlag(
        "pupil_facing_filtering_unknown",
        _("%(tool)s is used by pupils at %(workplace)s, but whether it filters harmful content is unknown.")
        % {"tool": facts.tool, "workplace": facts.workplace},
        _("DfE product safety standards: filtering"),
    )


def trains_on_data_against_agreement(facts: DeploymentFacts) -> RedFlag | None:
    item = "no_training_replacement_systems_on_staff_data_or_materials"
    if facts.trains_on_customer_data != items.DOES or items.AGREED not in _statuses(facts, item):
        return None
    return RedFlag(
        "trains_on_data_against_agreement",
        _(
            "The data-practice profile of %(tool)s says it trains its models on customer data, while the "
            "agreement at %(workplace)s says staff data and materials will not train replacement systems."
        )
        % {"tool": facts.tool, "workplace": facts.workplace},
        _("Data-practice profile and workplace AI agreement"),
    )


def no_consultation_before_use(facts: DeploymentFacts, today: dt.date) -> RedFlag | None:
    if facts.starts_on > today:
        return None
    if _statuses(facts, "consultation_before_introduction") & {
        items.AGREED,
        items.PARTLY,
        items.NOT_APPLICABLE,
    }:
        return None
    return RedFlag(
        "no_consultation_before_use",
        _(
            "%(tool)s is in use at %(workplace)s, but neither side has recorded consultation before it "
            "was introduced."
        )
        % {"tool": facts.tool, "workplace": facts.workplace},
        _("Workplace AI agreement: consultation before introduction"),
    )


def time_saved_fell_while_workload_agreed(facts: DeploymentFacts) -> RedFlag | None:
    if not facts.drops or not any(items.AGREED in _statuses(facts, i) for i in items.WORKLOAD_ITEMS):
        return None
    drop = facts.drops[-1]
    return RedFlag(
        "time_saved_fell_while_workload_agreed",
        _(
            "After %(tool)s changed from version %(before)s to %(after)s, the time staff report saving fell "
            "(from %(a).1f to %(b).1f hours a week on average), while the agreement at %(workplace)s records "
            "the workload promise as agreed."
        )
        % {
            "tool": facts.tool,
            "before": drop.before,
            "after": drop.after,
            "a": drop.before_value,
            "b": drop.after_value,
            "workplace": facts.workplace,
        },
        _("Staff check-ins (released figures) and workplace AI agreement: workload"),
    )


def emotion_recognition_declared(facts: DeploymentFacts) -> RedFlag | None:
    if not set(facts.intended_uses) & set(items.PROHIBITED):
        return None
    return RedFlag(
        "emotion_recognition_declared",
        _(
            "%(tool)s at %(workplace)s is declared to recognise emotions, which is banned at work and in "
            "schools."
        )
        % {"tool": facts.tool, "workplace": facts.workplace},
        _("EU AI Act, Article 5(1)(f)"),
    )


def review_overdue(facts: DeploymentFacts, today: dt.date) -> RedFlag | None:
    if facts.review_due is None or facts.review_due >= today:
        return None
    return RedFlag(
        "review_overdue",
        _("The joint review of the AI agreement for %(tool)s at %(workplace)s was due on %(date)s.")
        % {"tool": facts.tool, "workplace": facts.workplace, "date": facts.review_due.isoformat()},
        _("Workplace AI agreement: joint review every 12 months"),
    )


def red_flags(facts: DeploymentFacts, today: dt.date) -> list[RedFlag]:
    """Every rule that fires for one deployment."""
    found = [
        emotion_recognition_declared(facts),
        pupil_facing_filtering_unknown(facts),
        trains_on_data_against_agreement(facts),
        no_consultation_before_use(facts, today),
        time_saved_fell_while_workload_agreed(facts),
        review_overdue(facts, today),
    ]
    return [f for f in found if f is not None]


def eu_ai_act_flags(intended_uses: Iterable[str]) -> list[str]:
    """The EU AI Act categories a deployment's declared uses fall under, in words."""
    uses = set(intended_uses)
    out = []
    if uses & set(items.ANNEX_III_POINT_3):
        out.append(
            _("High-risk: Annex III point 3, education (admission, learning outcomes, level, cheating)")
        )
    if uses & set(items.ANNEX_III_POINT_4):
        out.append(_("High-risk: Annex III point 4, employment (staff decisions, performance monitoring)"))
    if uses & set(items.PROHIBITED):
        out.append(_("Prohibited: emotion recognition at work or in education, Article 5(1)(f)"))
    return out


def data_rating(answers: Mapping[str, str]) -> tuple[str, list[str]]:
    """A Common-Sense-style rating of a data-practice profile, with its reasons: Fail when the supplier does
    any of the practices a Pass rules out, Warning when any is unclear, Pass when it commits to none."""
    names = dict(items.PRACTICES)
    does = [code for code, _label in items.PRACTICES if answers.get(code) == items.DOES]
    unclear = [
        code
        for code, _label in items.PRACTICES
        if answers.get(code, items.UNCLEAR) not in (items.DOES, items.DOES_NOT)
    ]
    if does:
        return items.FAIL, [_("It does: %(what)s.") % {"what": str(names[c]).lower()} for c in does]
    if unclear:
        return items.WARNING, [
            _("Not stated or unclear: %(what)s.") % {"what": str(names[c]).lower()} for c in unclear
        ]
    return items.PASS, [
        _("It commits not to sell data, advertise, track, profile or train on customer data.")
    ]


def disagreements(positions: Mapping[str, Mapping[str, str]]) -> set[str]:
    """Items on which both sides recorded a view, and the views differ."""
    return {
        item
        for item, sides in positions.items()
        if items.UNION in sides and items.EMPLOYER in sides and sides[items.UNION] != sides[items.EMPLOYER]
    }
