"""Shared vocabularies: the fixed lists that the register, the synthetic data and the analysis agree on.

Plain Python with no Django import, so that ``chalkface.synth`` and ``chalkface.evidence`` can use it.
Each list is (code, English label); codes are stored, labels are shown (and translated by the web layer).
"""

from __future__ import annotations

CAPABILITIES: list[tuple[str, str]] = [
    ("general_assistant", "General assistant"),
    ("lesson_planning", "Lesson planning"),
    ("marking_feedback", "Marking and feedback"),
    ("pupil_tutoring", "Pupil tutoring"),
    ("meeting_transcription", "Meeting transcription"),
    ("hr_analytics", "HR and performance analytics"),
    ("safeguarding_monitoring", "Safeguarding monitoring"),
    ("admin_automation", "Admin automation"),
    ("assessment", "Assessment and exam preparation"),
    ("communication", "Parent and pupil communication"),
]

AUDIENCES: list[tuple[str, str]] = [
    ("pupils", "Pupils"),
    ("staff", "Staff"),
    ("parents", "Parents"),
]

STAFF_ROLES: list[tuple[str, str]] = [
    ("teacher", "Teacher"),
    ("teaching_assistant", "Teaching assistant"),
    ("support_staff", "Support staff"),
    ("admin_staff", "Administrative staff"),
    ("leader", "School leader"),
]

ORGANISATION_KINDS: list[tuple[str, str]] = [
    ("school", "School"),
    ("college", "College"),
    ("university", "University"),
    ("trust", "Trust"),
    ("local_authority", "Local authority"),
    ("union_branch", "Union branch"),
    ("union", "Union"),
]

# The kinds of organisation that are workplaces (where staff work and tools are deployed).
WORKPLACE_KINDS: frozenset[str] = frozenset({"school", "college", "university"})

PHASES: list[tuple[str, str]] = [
    ("nursery", "Nursery"),
    ("primary", "Primary"),
    ("middle", "Middle"),
    ("secondary", "Secondary"),
    ("all_through", "All-through"),
    ("sixteen_plus", "16 plus"),
    ("special", "Special"),
    ("alternative_provision", "Alternative provision"),
    ("not_applicable", "Not applicable"),
]

# The nine English regions (Government Office Regions) as the schools register names them.
REGIONS: list[tuple[str, str]] = [
    ("north_east", "North East"),
    ("north_west", "North West"),
    ("yorkshire_humber", "Yorkshire and the Humber"),
    ("east_midlands", "East Midlands"),
    ("west_midlands", "West Midlands"),
    ("east_of_england", "East of England"),
    ("london", "London"),
    ("south_east", "South East"),
    ("south_west", "South West"),
    ("wales", "Wales"),
]

URBAN_RURAL: list[tuple[str, str]] = [
    ("urban", "Urban"),
    ("rural", "Rural"),
]

DEPLOYMENT_USE: list[tuple[str, str]] = [
    ("optional", "Optional"),
    ("mandatory", "Mandatory"),
]

# Upper bounds (inclusive, percent of pupils eligible for free school meals) of quintiles 1-4 of the
# school-level FSM distribution in England (rounded from the 2024/25 schools census); quintile 5 is above
# the last bound. Quintile 1 is the least deprived, 5 the most.
FSM_QUINTILE_BOUNDS: tuple[float, float, float, float] = (10.0, 17.0, 25.0, 35.0)


def deprivation_quintile(fsm_share: float | None) -> int | None:
    """Deprivation quintile (1 least, 5 most deprived) from the percent of pupils eligible for FSM."""
    if fsm_share is None:
        return None
    if not 0.0 <= fsm_share <= 100.0:
        raise ValueError(f"FSM share must be a percentage between 0 and 100, got {fsm_share}")
    for quintile, bound in enumerate(FSM_QUINTILE_BOUNDS, start=1):
        if fsm_share <= bound:
            return quintile
    return 5


def codes(vocabulary: list[tuple[str, str]]) -> list[str]:
    """The codes of a vocabulary, in order."""
    return [code for code, _ in vocabulary]


def label(vocabulary: list[tuple[str, str]], code: str) -> str:
    """The English label of a code; the code itself if it is unknown."""
    return dict(vocabulary).get(code, code)
