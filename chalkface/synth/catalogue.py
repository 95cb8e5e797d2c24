"""The fixed cast: fictional suppliers and tools and their versions (the check-in items are in
:mod:`chalkface.synth.vocabulary`, the policy statements in :mod:`chalkface.synth.statements`).

Every supplier, tool and model name here is invented; web addresses use the reserved ``.example`` domain and
Companies House numbers start with 99, a range Companies House has not issued. The per-tool numbers (how
widely a tool is deployed, how much time it saves, how staff feel about it) are the generator's assumptions,
chosen to look like what unions and the DfE's 2024-25 surveys report, not measurements.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# Staff roles in the order of vocab.STAFF_ROLES; arrays in the generator are indexed in this order.
@dataclass(frozen=True)
class Supplier:
    supplier_id: str
    name: str
    companies_house_number: str
    website: str


@dataclass(frozen=True)
class Version:
    """One release. Exactly one of ``days_before_start`` and ``period_fraction`` is set: releases before the
    generated period sit a fixed number of days before its start; releases inside it sit at a fraction of it,
    so that every period length has versions released during it."""

    label: str
    change_notes: str
    underlying_models: str
    material_change: bool
    days_before_start: int | None = None
    period_fraction: float | None = None


@dataclass(frozen=True)
class Tool:
    tool_id: str
    name: str
    supplier_id: str
    description: str
    capabilities: tuple[str, ...]
    audiences: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    versions: tuple[Version, ...]
    # Relative chance of being one of a workplace's tools: (primary, secondary and post-16, special and AP).
    adoption: tuple[float, float, float]
    # Chance a deployment makes use mandatory.
    mandatory: float
    # Roles that always use it where it is deployed, and roles each included with probability 0.7.
    core_roles: tuple[str, ...]
    optional_roles: tuple[str, ...]
    purposes: tuple[str, ...]
    # What staff use it for, as a comment would name it ("it saves me an hour on {task}").
    tasks: tuple[str, ...]
    # Mean time saved (hours a week) by a willing, untrained weekly user of the first version in the period.
    time_saved: float
    # Shift in the latent stance (positive: more enthusiastic) and in how often it is used.
    stance: float = 0.0
    frequency: float = 0.0
    # How many check-ins a deployment draws relative to others (tools used daily draw more).
    intensity: float = 1.0
    # Shifts in the latent 1-5 items for this tool.
    items: dict[str, float] = field(default_factory=dict)
    # Incidents per deployment-month and their mix over INCIDENT_CATEGORIES.
    incident_rate: float = 0.02
    incident_mix: dict[str, float] = field(default_factory=dict)


SUPPLIERS: tuple[Supplier, ...] = (
    Supplier("paperlane-software", "Paperlane Software Ltd", "99104527", "https://paperlane.example"),
    Supplier("tallyworth-hr", "Tallyworth HR Ltd", "99218830", "https://tallyworth.example"),
    Supplier("brightlesson", "Brightlesson Ltd", "99307412", "https://brightlesson.example"),
    Supplier("inkwell-learning", "Inkwell Learning Ltd", "99411956", "https://inkwell-learning.example"),
    Supplier("owlbright-education", "Owlbright Education Ltd", "99523380", "https://owlbright.example"),
    Supplier("scribehouse", "Scribehouse Ltd", "99630174", "https://scribehouse.example"),
    Supplier("lanternguard-safety", "Lanternguard Safety Ltd", "99745203", "https://lanternguard.example"),
    Supplier("ledgerline-systems", "Ledgerline Systems Ltd", "99850691", "https://ledgerline.example"),
    Supplier(
        "kiteline-communications", "Kiteline Communications Ltd", "99962218", "https://kiteline.example"
    ),
    Supplier("parley-labs", "Parley Labs Ltd", "99071345", "https://parley.example"),
)

# The tools whose changes are planted truths (see truths.py).
VERSION_DROP_TOOL = "lessonloom"
INCIDENT_SPIKE_TOOL = "tutor-owl"

TOOLS: tuple[Tool, ...] = (
    Tool(
        tool_id="paperlane-assist",
        name="Paperlane Assist",
        supplier_id="paperlane-software",
        description="An assistant built into the Paperlane office suite that drafts, summarises and rewrites "
        "documents, emails and spreadsheets.",
        capabilities=("general_assistant", "admin_automation"),
        audiences=("staff",),
        min_age=None,
        max_age=None,
        versions=(
            Version("1.0", "First release inside the Paperlane office suite.", "Aster-1", True, 820),
            Version("2.0", "Drafts emails and summarises long documents.", "Aster-2", True, 260),
            Version(
                "2.1", "Faster responses; no change to features.", "Aster-2", False, period_fraction=0.22
            ),
            Version(
                "3.0", "Adds a side panel in spreadsheets and slides.", "Aster-3", True, period_fraction=0.7
            ),
        ),
        adoption=(8.0, 8.0, 6.0),
        mandatory=0.3,
        core_roles=("teacher", "admin_staff", "leader"),
        optional_roles=("teaching_assistant", "support_staff"),
        purposes=(
            "Drafting letters and emails",
            "Summarising documents and policies",
            "Everyday office work",
        ),
        tasks=("emails", "letters home", "meeting notes", "reports", "policy documents"),
        time_saved=1.2,
        stance=0.2,
        frequency=0.8,
        intensity=1.3,
        items={"data_concern": 0.1, "it_friction": -0.1},
        incident_rate=0.012,
        incident_mix={"inaccurate_output": 5, "privacy_breach": 2, "workload_increase": 1, "other": 1},
    ),
    Tool(
        tool_id="tallyworth-insights",
        name="Tallyworth People Insights",
        supplier_id="tallyworth-hr",
        description="HR analytics that combines calendars, email metadata and absence records into workload "
        "and performance dashboards for leaders.",
        capabilities=("hr_analytics",),
        audiences=("staff",),
        min_age=None,
        max_age=None,
        versions=(
            Version("1.0", "Absence and cover dashboards.", "Borealis-S", True, 600),
            Version("2.0", "Workload dashboards from calendars and email metadata.", "Borealis-M", True, 150),
            Version("2.5", "Redesigned reports page; bug fixes.", "Borealis-M", False, period_fraction=0.55),
        ),
        adoption=(1.0, 1.2, 0.8),
        mandatory=0.5,
        core_roles=("teacher", "leader"),
        optional_roles=("teaching_assistant", "support_staff", "admin_staff"),
        purposes=("Staff workload monitoring", "Absence and cover management", "Performance management data"),
        tasks=("appraisal paperwork", "cover planning", "workload returns", "staff surveys"),
        time_saved=-0.8,
        stance=-0.9,
        frequency=-0.8,
        intensity=0.8,
        items={"data_concern": 1.2, "autonomy": -0.6, "trust": -0.5, "wellbeing": -0.3, "workload": 0.3},
        incident_rate=0.03,
        incident_mix={"surveillance": 6, "privacy_breach": 3, "bias": 2, "workload_increase": 2, "other": 1},
    ),
    Tool(
        tool_id=VERSION_DROP_TOOL,
        name="Lessonloom",
        supplier_id="brightlesson",
        description="Generates lesson plans, slides and differentiated worksheets aligned to the national "
        "curriculum.",
        capabilities=("lesson_planning",),
        audiences=("staff",),
        min_age=None,
        max_age=None,
        versions=(
            Version("1.0", "Lesson plans from a topic and year group.", "Loom-1", True, 720),
            Version(
                "2.0",
                "Plans aligned to the national curriculum; slide and worksheet generation.",
                "Loom-2",
                True,
                200,
            ),
            Version(
                "3.0",
                "Plan generation moves to a smaller, cheaper model; plans are shorter and need more editing.",
                "Loom-3 mini",
                True,
                period_fraction=0.4,
            ),
        ),
        adoption=(2.2, 1.8, 1.5),
        mandatory=0.15,
        core_roles=("teacher",),
        optional_roles=("teaching_assistant", "leader"),
        purposes=("Lesson planning", "Making teaching resources", "Differentiating materials"),
        tasks=(
            "lesson planning",
            "making resources",
            "differentiating worksheets",
            "planning sequences of lessons",
        ),
        time_saved=2.3,
        stance=0.3,
        frequency=0.3,
        items={"quality": 0.3, "skills": 0.2},
        incident_rate=0.015,
        incident_mix={"inaccurate_output": 6, "bias": 1, "deskilling": 2, "other": 1},
    ),
    Tool(
        tool_id="inkwell-mark",
        name="Inkwell Mark",
        supplier_id="inkwell-learning",
        description="Marks written work against a mark scheme and drafts feedback for the teacher to check.",
        capabilities=("marking_feedback", "assessment"),
        audiences=("staff", "pupils"),
        min_age=7,
        max_age=18,
        versions=(
            Version("1.0", "Marks short answers against a mark scheme.", "Quill-2", True, 500),
            Version("1.1", "Bulk upload of class sets.", "Quill-2", False, 90),
            Version(
                "2.0",
                "Handwriting recognition for scanned exercise books.",
                "Quill-3",
                True,
                period_fraction=0.6,
            ),
        ),
        adoption=(1.0, 2.2, 0.5),
        mandatory=0.25,
        core_roles=("teacher",),
        optional_roles=("teaching_assistant",),
        purposes=("Marking and feedback", "Marking mock examinations"),
        tasks=("marking", "writing feedback", "moderating books", "marking mock papers"),
        time_saved=1.7,
        items={"skills": 0.4, "trust": -0.2, "relationships": -0.1},
        incident_rate=0.02,
        incident_mix={"inaccurate_output": 6, "bias": 3, "deskilling": 1, "workload_increase": 2},
    ),
    Tool(
        tool_id=INCIDENT_SPIKE_TOOL,
        name="Tutor Owl",
        supplier_id="owlbright-education",
        description="An AI tutor that pupils use for homework help, reading practice and catch-up, with "
        "progress reports for teachers.",
        capabilities=("pupil_tutoring", "assessment"),
        audiences=("pupils", "staff"),
        min_age=7,
        max_age=16,
        versions=(
            Version("1.0", "Maths and reading practice with hints.", "Kestrel-1", True, 900),
            Version("2.0", "Progress reports for teachers; science added.", "Kestrel-2", True, 330),
            Version(
                "3.0",
                "Adds an open-ended chat mode in which pupils can ask about anything.",
                "Kestrel-3",
                True,
                period_fraction=0.5,
            ),
        ),
        adoption=(1.3, 1.6, 1.0),
        mandatory=0.2,
        core_roles=("teacher", "teaching_assistant"),
        optional_roles=("support_staff",),
        purposes=("Homework support", "Catch-up and intervention", "Reading practice"),
        tasks=("homework support", "intervention groups", "catch-up sessions", "reading practice"),
        time_saved=0.8,
        frequency=0.3,
        items={"relationships": -0.2, "skills": 0.2, "data_concern": 0.3},
        incident_rate=0.03,
        incident_mix={
            "inaccurate_output": 4,
            "inappropriate_content": 2,
            "academic_integrity": 3,
            "safeguarding": 1,
            "accessibility": 1,
            "privacy_breach": 1,
        },
    ),
    Tool(
        tool_id="scribehouse-notes",
        name="Scribehouse Notes",
        supplier_id="scribehouse",
        description="Records and transcribes meetings and produces minutes and action lists.",
        capabilities=("meeting_transcription",),
        audiences=("staff",),
        min_age=None,
        max_age=None,
        versions=(
            Version("1.0", "Transcripts and summaries of recorded meetings.", "Echo-2", True, 400),
            Version("2.0", "Speaker identification and action lists.", "Echo-3", True, period_fraction=0.3),
        ),
        adoption=(0.8, 1.4, 1.0),
        mandatory=0.2,
        core_roles=("leader", "admin_staff"),
        optional_roles=("teacher", "support_staff"),
        purposes=("Minutes of meetings", "Notes of pupil review meetings"),
        tasks=("meeting minutes", "review meeting notes", "team meeting notes", "governors' minutes"),
        time_saved=1.5,
        frequency=-0.3,
        items={"data_concern": 0.4, "workload": -0.2},
        incident_rate=0.015,
        incident_mix={"inaccurate_output": 4, "privacy_breach": 4, "surveillance": 1, "other": 1},
    ),
    Tool(
        tool_id="lanternguard",
        name="Lanternguard",
        supplier_id="lanternguard-safety",
        description="Monitors pupils' activity on school devices and flags possible safeguarding concerns to "
        "designated staff.",
        capabilities=("safeguarding_monitoring",),
        audiences=("pupils", "staff"),
        min_age=4,
        max_age=18,
        versions=(
            Version("1.0", "Keyword alerts on school devices.", "Lumen-1", True, 1400),
            Version("2.0", "Alerts triaged by severity.", "Lumen-2", True, 500),
            Version("3.0", "Screenshot capture on alerts.", "Lumen-3", True, 60),
            Version("3.1", "Improved keyword lists.", "Lumen-3", False, period_fraction=0.45),
        ),
        adoption=(1.2, 2.5, 1.5),
        mandatory=0.8,
        core_roles=("leader", "teacher"),
        optional_roles=("support_staff", "teaching_assistant", "admin_staff"),
        purposes=("Safeguarding monitoring of school devices", "Online safety"),
        tasks=("safeguarding alerts", "online safety checks", "filtering reports", "logging concerns"),
        time_saved=-0.4,
        stance=-0.3,
        frequency=-0.2,
        items={"data_concern": 0.8, "it_friction": 0.15, "workload": 0.2},
        incident_rate=0.035,
        incident_mix={
            "safeguarding": 4,
            "surveillance": 3,
            "privacy_breach": 2,
            "bias": 1,
            "workload_increase": 1,
        },
    ),
    Tool(
        tool_id="clerkflow",
        name="Clerkflow",
        supplier_id="ledgerline-systems",
        description="Automates routine office tasks: attendance follow-up, trip administration and data "
        "entry.",
        capabilities=("admin_automation",),
        audiences=("staff",),
        min_age=None,
        max_age=None,
        versions=(
            Version(
                "1.0", "Data entry from forms into the management information system.", "Tally-2", True, 365
            ),
            Version("2.0", "Automatic attendance follow-up letters.", "Tally-3", True, period_fraction=0.8),
        ),
        adoption=(1.2, 1.0, 0.8),
        mandatory=0.4,
        core_roles=("admin_staff",),
        optional_roles=("leader", "support_staff"),
        purposes=("Attendance follow-up", "Office administration"),
        tasks=("attendance letters", "trip admin", "data entry", "timetable changes"),
        time_saved=1.8,
        frequency=0.6,
        items={"workload": -0.3, "skills": 0.1},
        incident_rate=0.01,
        incident_mix={"inaccurate_output": 4, "privacy_breach": 3, "other": 2},
    ),
    Tool(
        tool_id="quizforge",
        name="Quizforge",
        supplier_id="inkwell-learning",
        description="Builds quizzes and revision tests from a topic or a past paper and tracks pupils' "
        "scores.",
        capabilities=("assessment",),
        audiences=("pupils", "staff"),
        min_age=11,
        max_age=18,
        versions=(
            Version("1.0", "Quizzes from a topic.", "Quill-1", True, 450),
            Version("2.0", "Questions in the style of past papers.", "Quill-2", True, 100),
            Version("2.1", "Export of scores to the markbook.", "Quill-2", False, period_fraction=0.35),
            Version("2.2", "Accessibility fixes.", "Quill-2", False, period_fraction=0.85),
        ),
        adoption=(0.5, 2.0, 0.4),
        mandatory=0.3,
        core_roles=("teacher",),
        optional_roles=("teaching_assistant", "leader"),
        purposes=("Retrieval practice", "Exam preparation"),
        tasks=("setting quizzes", "revision tests", "exam preparation", "tracking assessment data"),
        time_saved=1.2,
        frequency=-0.2,
        items={"quality": 0.1},
        incident_rate=0.015,
        incident_mix={"inaccurate_output": 5, "academic_integrity": 2, "accessibility": 1, "bias": 1},
    ),
    Tool(
        tool_id="kiteline-messages",
        name="Kiteline Messages",
        supplier_id="kiteline-communications",
        description="Drafts, translates and sends messages and newsletters to parents and carers.",
        capabilities=("communication",),
        audiences=("parents", "staff"),
        min_age=None,
        max_age=None,
        versions=(
            Version("1.0", "Messages and newsletters to parents.", "Swift-1", True, 1000),
            Version("2.0", "Translation of messages into 40 languages.", "Swift-2", True, 420),
            Version("3.0", "Drafts replies to parents' messages.", "Swift-3", True, period_fraction=0.65),
        ),
        adoption=(2.2, 1.8, 1.5),
        mandatory=0.5,
        core_roles=("admin_staff", "teacher"),
        optional_roles=("leader", "support_staff"),
        purposes=("Communication with parents", "Translating letters home"),
        tasks=("messages to parents", "newsletters", "replying to parents", "translating letters home"),
        time_saved=0.6,
        frequency=0.5,
        items={"relationships": 0.1, "workload": 0.1},
        incident_rate=0.015,
        incident_mix={"privacy_breach": 4, "inaccurate_output": 3, "accessibility": 1, "other": 1},
    ),
    Tool(
        tool_id="parley-chat",
        name="Parley",
        supplier_id="parley-labs",
        description="A general-purpose chat assistant licensed for staff and older pupils.",
        capabilities=("general_assistant",),
        audiences=("staff", "pupils"),
        min_age=13,
        max_age=18,
        versions=(
            Version("1.0", "Chat assistant with a school administration console.", "Parley-1", True, 300),
            Version("2.0", "Longer conversations and file upload.", "Parley-2", True, period_fraction=0.15),
            Version("3.0", "Image generation.", "Parley-3", True, period_fraction=0.75),
        ),
        adoption=(0.6, 1.5, 0.6),
        mandatory=0.05,
        core_roles=("teacher",),
        optional_roles=("teaching_assistant", "support_staff", "admin_staff", "leader"),
        purposes=("General assistance", "Research and drafting"),
        tasks=("planning", "writing reports", "researching topics", "drafting emails"),
        time_saved=1.0,
        stance=0.1,
        items={"trust": -0.2, "skills": 0.2},
        incident_rate=0.025,
        incident_mix={
            "inaccurate_output": 5,
            "inappropriate_content": 2,
            "academic_integrity": 3,
            "privacy_breach": 1,
            "bias": 1,
        },
    ),
)
