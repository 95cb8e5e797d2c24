"""The policy statements of the synthetic opinion conversation, with the chances planted in each opinion
group: three that both groups agree with (consensus) and four that divide them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    statement_id: int
    text: str
    topic: str
    # Planted chances of (agree, disagree, pass) in opinion groups A and B.
    a: tuple[float, float, float]
    b: tuple[float, float, float]


_CONSENSUS_A = (0.94, 0.02, 0.04)
_CONSENSUS_B = (0.91, 0.04, 0.05)
_DIVISIVE_A = (0.84, 0.10, 0.06)
_DIVISIVE_B = (0.12, 0.80, 0.08)

STATEMENTS: tuple[Statement, ...] = (
    Statement(
        1,
        "Staff should be consulted before any AI tool is introduced in our workplace.",
        "consultation",
        _CONSENSUS_A,
        _CONSENSUS_B,
    ),
    Statement(
        2,
        "The union should be consulted on our workplace AI policy before it is agreed.",
        "consultation",
        _CONSENSUS_A,
        _CONSENSUS_B,
    ),
    Statement(
        3,
        "Staff should be told in advance when an AI tool they use is changed or updated.",
        "consultation",
        _CONSENSUS_A,
        _CONSENSUS_B,
    ),
    Statement(
        4,
        "AI tools should never be used to monitor or rate staff performance.",
        "monitoring",
        _DIVISIVE_A,
        _DIVISIVE_B,
    ),
    Statement(
        5,
        "Data about how staff use AI tools should not be shared with line managers.",
        "monitoring",
        _DIVISIVE_A,
        _DIVISIVE_B,
    ),
    Statement(
        6,
        "Usage data from AI tools should be kept out of appraisal and capability procedures.",
        "monitoring",
        _DIVISIVE_A,
        _DIVISIVE_B,
    ),
    Statement(
        7,
        "Monitoring software should not record what staff type or say.",
        "monitoring",
        _DIVISIVE_A,
        _DIVISIVE_B,
    ),
    Statement(
        8,
        "A teacher should review every mark or piece of feedback produced by AI before pupils see it.",
        "human_review",
        (0.86, 0.08, 0.06),
        (0.66, 0.24, 0.10),
    ),
    Statement(
        9,
        "AI should never decide pupils' grades, sets or exclusions on its own.",
        "human_review",
        (0.88, 0.06, 0.06),
        (0.72, 0.18, 0.10),
    ),
    Statement(
        10,
        "Data from our workplace should not be used to train systems that could replace staff.",
        "data_use",
        (0.87, 0.06, 0.07),
        (0.55, 0.30, 0.15),
    ),
    Statement(
        11,
        "Suppliers should publish what data their AI tools collect and where it is stored.",
        "data_use",
        (0.86, 0.05, 0.09),
        (0.70, 0.15, 0.15),
    ),
    Statement(
        12,
        "The workload impact of every AI tool should be assessed before it is introduced.",
        "workload",
        (0.85, 0.08, 0.07),
        (0.66, 0.22, 0.12),
    ),
    Statement(
        13,
        "Time saved by AI should be given back to staff, not filled with new tasks.",
        "workload",
        (0.88, 0.05, 0.07),
        (0.52, 0.36, 0.12),
    ),
    Statement(
        14,
        "Training in AI tools should take place in paid time.",
        "training",
        (0.90, 0.04, 0.06),
        (0.62, 0.25, 0.13),
    ),
    Statement(
        15,
        "Support staff should get the same AI training as teachers.",
        "training",
        (0.80, 0.08, 0.12),
        (0.60, 0.22, 0.18),
    ),
    Statement(
        16,
        "Pupils' personal data should never be entered into general-purpose AI tools.",
        "pupil_data",
        (0.84, 0.08, 0.08),
        (0.72, 0.18, 0.10),
    ),
    Statement(
        17,
        "Parents should be told which AI tools are used with their children.",
        "pupil_data",
        (0.78, 0.10, 0.12),
        (0.74, 0.14, 0.12),
    ),
    Statement(
        18,
        "Each AI tool in use should be reviewed at least once a year with staff representatives.",
        "review",
        (0.82, 0.06, 0.12),
        (0.58, 0.26, 0.16),
    ),
    Statement(
        19,
        "AI tools should be checked for bias before they are used with pupils or staff.",
        "equality",
        (0.83, 0.07, 0.10),
        (0.68, 0.17, 0.15),
    ),
    Statement(
        20,
        "Our workplace should use AI tools more than it does now.",
        "adoption",
        (0.30, 0.52, 0.18),
        (0.62, 0.22, 0.16),
    ),
)
CONSENSUS_STATEMENTS: tuple[int, ...] = (1, 2, 3)
DIVISIVE_STATEMENTS: tuple[int, ...] = (4, 5, 6, 7)
