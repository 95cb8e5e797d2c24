"""What synthetic staff are and answer: roles, stances, the check-in items with their planted baselines,
incident categories, severities and harm types."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("teacher", "teaching_assistant", "support_staff", "admin_staff", "leader")
# Share of each role in a school's workforce (England's school workforce census, 2024: about 465k FTE
# teachers, 285k teaching assistants, and support, admin and leadership staff making up the rest).
ROLE_SHARES: tuple[float, ...] = (0.42, 0.28, 0.12, 0.10, 0.08)

STANCES: tuple[str, ...] = ("enthusiast", "willing", "sceptical", "opposed")
TRAINING: tuple[str, ...] = ("none", "self_taught", "some", "enough")
FREQUENCIES: tuple[str, ...] = ("daily", "weekly", "monthly", "rarely")
USES: tuple[str, ...] = ("optional", "mandatory")

# The core check-in, in the wording of the shipped question set (chalkface/voice/core_checkin.py): each item
# is agreement on a 1-5 scale (1 strongly disagree ... 5 strongly agree), worded so that a higher score means
# more of the thing the column is named after.
ITEMS: dict[str, str] = {
    "workload": "Using this tool has increased my workload.",
    "quality": "Using this tool has improved the quality of my work.",
    "relationships": "Using this tool has been good for my relationships with pupils and colleagues.",
    "autonomy": "I keep control of my professional judgement when I use this tool.",
    "skills": "I am losing skills because this tool does the work for me.",
    "wellbeing": "Using this tool has been good for my wellbeing at work.",
    "trust": "I trust what this tool produces.",
    "data_concern": "I am concerned about the data this tool collects about me or about pupils.",
    "it_friction": "Our IT (devices, connection, log-ins) gets in the way when I use this tool.",
}
# +1: a higher score is good news for staff; -1: a higher score is bad news. Stance and mood act along it.
ITEM_VALENCE: dict[str, float] = {
    "workload": -1.0,
    "quality": 1.0,
    "relationships": 1.0,
    "autonomy": 1.0,
    "skills": -1.0,
    "wellbeing": 1.0,
    "trust": 1.0,
    "data_concern": -1.0,
    "it_friction": -0.3,
}
# Centre of each item's latent score, before the tool, stance and mood shifts (and before rounding).
ITEM_BASE: dict[str, float] = {
    "workload": 2.9,
    "quality": 3.2,
    "relationships": 2.9,
    "autonomy": 2.9,
    "skills": 2.6,
    "wellbeing": 3.0,
    "trust": 3.1,
    "data_concern": 3.1,
    "it_friction": 2.6,
}

# The optional module about pupils' own use of AI, answered by some respondents.
PUPIL_ITEMS: dict[str, str] = {
    "pupil_ai_integrity": (
        "Pupils' use of AI outside school makes it harder to know whether their work is their own."
    ),
    "pupil_ai_complaints": (
        "Complaints or letters written with AI by parents or pupils are adding to my work."
    ),
    "pupil_ai_wellbeing": "Pupils' use of AI outside school is harming their wellbeing.",
    "pupil_ai_misinformation": (
        "I spend more time correcting misinformation that pupils or parents got from AI."
    ),
}

INCIDENT_CATEGORIES: tuple[str, ...] = (
    "inaccurate_output",
    "inappropriate_content",
    "bias",
    "privacy_breach",
    "surveillance",
    "workload_increase",
    "deskilling",
    "safeguarding",
    "academic_integrity",
    "accessibility",
    "other",
)
SEVERITIES: tuple[str, ...] = ("near_miss", "minor", "serious", "severe")
# Harm types after the OECD AI incidents framework; "none" for near misses.
HARM_TYPES: tuple[str, ...] = (
    "physical",
    "psychological",
    "economic",
    "reputational",
    "human_rights",
    "public_interest",
    "none",
)
