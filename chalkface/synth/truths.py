"""The planted truths: effects put into the synthetic data on purpose, so that analyses can be checked against
them.

The generator reads the sizes from here; ``truth_document`` writes them, with what was observed in one
generated data set, to ``truth.json``. Effects on 1-5 items are planted on the latent (continuous) scale;
rounding to whole points and clipping to 1-5 shrink them a little, so each truth also gives the expected
observed difference, computed from the generated latent scores with and without the effect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalkface.synth.catalogue import INCIDENT_SPIKE_TOOL, TOOLS, VERSION_DROP_TOOL, Tool
from chalkface.synth.statements import CONSENSUS_STATEMENTS, DIVISIVE_STATEMENTS, STATEMENTS

SCHEMA_VERSION = 1

# 1. A tool's new version saves less time.
VERSION_DROP_FROM, VERSION_DROP_TO = "2.0", "3.0"
VERSION_DROP_HOURS = -1.5
# 2. IT friction rises with deprivation: +0.2 a quintile, so quintile 5 is 0.8 above quintile 1.
IT_FRICTION_PER_QUINTILE = 0.2
# 3. A tool's incidents per deployment-month triple after its new version.
INCIDENT_SPIKE_FROM, INCIDENT_SPIKE_TO = "2.0", "3.0"
INCIDENT_RATE_RATIO = 3.0
# Its incidents after the change lean to inappropriate content and safeguarding (the new open chat mode).
INCIDENT_SPIKE_MIX = {
    "inappropriate_content": 6.0,
    "safeguarding": 3.0,
    "inaccurate_output": 2.0,
    "academic_integrity": 2.0,
}
# 4. Opinion groups: share of participants in group B by role (leaders lean to B), see statements.STATEMENTS.
GROUP_B_SHARE = {
    "teacher": 0.35,
    "teaching_assistant": 0.3,
    "support_staff": 0.35,
    "admin_staff": 0.45,
    "leader": 0.7,
}
# 5. Mandatory use lowers wellbeing.
MANDATORY_WELLBEING = -0.5
# 6. Training adds time saved (hours a week, relative to none).
TRAINING_HOURS = {"none": 0.0, "self_taught": 0.6, "some": 1.1, "enough": 2.0}


def _tool(tool_id: str) -> Tool:
    return next(t for t in TOOLS if t.tool_id == tool_id)


def _join(*parts: str) -> str:
    return " ".join(parts)


def truth_document(
    *,
    seed: int,
    release_dates: dict[tuple[str, str], dt.date],
    expected: dict[str, Any],
    observed: dict[str, Any],
) -> dict[str, Any]:
    """The contents of truth.json.

    ``expected`` holds each effect's expected size on the observed scale (from the latent scores with and
    without it); ``observed`` what the detection method described in each truth finds in the generated tables.
    """
    drop_release = release_dates[(VERSION_DROP_TOOL, VERSION_DROP_TO)]
    spike_release = release_dates[(INCIDENT_SPIKE_TOOL, INCIDENT_SPIKE_TO)]
    planted_releases = {(VERSION_DROP_TOOL, VERSION_DROP_TO), (INCIDENT_SPIKE_TOOL, INCIDENT_SPIKE_TO)}
    statements = {s.statement_id: s for s in STATEMENTS}
    drop, spike = _tool(VERSION_DROP_TOOL).name, _tool(INCIDENT_SPIKE_TOOL).name
    truths: dict[str, dict[str, Any]] = {
        "version_drop": {
            "id": "version_drop",
            "description": _join(
                f"{drop} version {VERSION_DROP_TO}, released during the period, saves staff",
                f"{abs(VERSION_DROP_HOURS)} hours a week less than version {VERSION_DROP_FROM},",
                "all else equal.",
            ),
            "table": "responses",
            "measure": "time_saved_hours",
            "planted": VERSION_DROP_HOURS,
            "scale": "hours a week, before rounding to half hours and clipping to -10..10",
            "expected_observed": expected["version_drop"],
            "observed": observed["version_drop"],
            "tool_id": VERSION_DROP_TOOL,
            "from_version": VERSION_DROP_FROM,
            "to_version": VERSION_DROP_TO,
            "release_date": drop_release.isoformat(),
            "detect": _join(
                f"Mean time_saved_hours of {VERSION_DROP_TOOL} check-ins with version_label",
                f"'{VERSION_DROP_TO}' minus those with '{VERSION_DROP_FROM}' (leave out 'dont_know').",
                "Nothing else that affects time saved changes over the period, so the raw difference",
                "estimates the effect.",
            ),
        },
        "deprivation_it_friction": {
            "id": "deprivation_it_friction",
            "description": _join(
                "Staff in more deprived workplaces report more IT friction: the latent score rises",
                f"{IT_FRICTION_PER_QUINTILE} a deprivation quintile,",
                f"{4 * IT_FRICTION_PER_QUINTILE:.1f} points from quintile 1 (least deprived) to quintile 5.",
            ),
            "table": "responses",
            "measure": "it_friction",
            "planted": round(4 * IT_FRICTION_PER_QUINTILE, 3),
            "planted_by_quintile": {
                str(q): round(IT_FRICTION_PER_QUINTILE * (q - 1), 3) for q in range(1, 6)
            },
            "scale": "agreement 1-5, latent (before rounding and clipping)",
            "expected_observed": expected["deprivation_it_friction"],
            "observed": observed["deprivation_it_friction"],
            "detect": _join(
                "Join responses to workplaces on workplace_id; mean it_friction by deprivation_quintile.",
                "Quintile 5 minus quintile 1 is about expected_observed and the means rise with every",
                "quintile. Tools are deployed independently of deprivation, so no adjustment is needed.",
                "(it_rating is lower in deprived workplaces but has no effect of its own on it_friction.)",
            ),
        },
        "incident_spike": {
            "id": "incident_spike",
            "description": _join(
                f"Incidents involving {spike} per deployment-month triple after version {INCIDENT_SPIKE_TO}",
                "(an open-ended chat mode) is released during the period, and lean to inappropriate content",
                "and safeguarding.",
            ),
            "table": "incidents",
            "measure": "incidents per deployment-month (exposure.deployment_months)",
            "planted": INCIDENT_RATE_RATIO,
            "scale": "rate ratio, version after / versions before",
            "expected_observed": INCIDENT_RATE_RATIO,
            "observed": observed["incident_spike"],
            "tool_id": INCIDENT_SPIKE_TOOL,
            "from_version": INCIDENT_SPIKE_FROM,
            "to_version": INCIDENT_SPIKE_TO,
            "release_date": spike_release.isoformat(),
            "baseline_rate": _tool(INCIDENT_SPIKE_TOOL).incident_rate,
            "category_mix_after": INCIDENT_SPIKE_MIX,
            "detect": _join(
                f"For tool {INCIDENT_SPIKE_TOOL}: incidents with version_label '{INCIDENT_SPIKE_TO}' over",
                "that version's deployment_months in exposure, divided by the same for the versions before",
                "it (within the period). Other tools' rates do not change.",
            ),
        },
        "opinion_groups": {
            "id": "opinion_groups",
            "description": _join(
                "Participants fall into two opinion groups. They disagree on monitoring staff with AI",
                "(group A agrees it should be ruled out, group B disagrees) but both agree on consulting",
                "staff and the union before tools are introduced or changed.",
            ),
            "table": "votes",
            "measure": "share of votes cast that agree (a pass counts as cast)",
            "planted": {
                str(s.statement_id): {
                    "A": dict(zip(("agree", "disagree", "pass"), s.a, strict=True)),
                    "B": dict(zip(("agree", "disagree", "pass"), s.b, strict=True)),
                }
                for s in STATEMENTS
            },
            "group_b_share_by_role": GROUP_B_SHARE,
            "consensus_statement_ids": list(CONSENSUS_STATEMENTS),
            "consensus_statements": [statements[i].text for i in CONSENSUS_STATEMENTS],
            "divisive_statement_ids": list(DIVISIVE_STATEMENTS),
            "divisive_statements": [statements[i].text for i in DIVISIVE_STATEMENTS],
            "expected_observed": {
                "consensus": "more than 80% of each group's votes agree",
                "divisive": "most of group A's votes agree and most of group B's disagree",
            },
            "observed": observed["opinion_groups"],
            "detect": _join(
                "participants.opinion_group is the ground truth. An opinion map (e.g. PCA of the",
                "participant x statement vote matrix, missing = 0, then two clusters) should recover the",
                "groups; the consensus statements are agreed by both; the divisive ones separate them.",
            ),
        },
        "mandated_wellbeing": {
            "id": "mandated_wellbeing",
            "description": _join(
                f"Staff for whom use is mandatory report wellbeing {abs(MANDATORY_WELLBEING)} points lower",
                "than staff for whom it is optional, all else equal.",
            ),
            "table": "responses",
            "measure": "wellbeing",
            "planted": MANDATORY_WELLBEING,
            "scale": "agreement 1-5, latent (before rounding and clipping)",
            "expected_observed": expected["mandated_wellbeing"],
            "observed": observed["mandated_wellbeing"],
            "detect": _join(
                "Mean wellbeing of use = 'mandatory' minus 'optional' within each tool, averaged over tools",
                "weighted by check-ins (or a regression of wellbeing on use with tool fixed effects). Tools",
                "differ both in wellbeing and in how often they are mandatory, so compare within tools.",
            ),
        },
        "training_time_saved": {
            "id": "training_time_saved",
            "description": _join(
                f"Staff with enough training save {TRAINING_HOURS['enough']} hours a week more than staff",
                "with none, all else equal.",
            ),
            "table": "responses",
            "measure": "time_saved_hours",
            "planted": TRAINING_HOURS["enough"] - TRAINING_HOURS["none"],
            "planted_by_training": TRAINING_HOURS,
            "scale": "hours a week, before rounding to half hours and clipping to -10..10",
            "expected_observed": expected["training_time_saved"],
            "observed": observed["training_time_saved"],
            "detect": _join(
                "Mean time_saved_hours of training = 'enough' minus 'none' within each role, averaged over",
                "roles weighted by check-ins (training and time saved both vary by role), or a regression",
                "with role fixed effects.",
            ),
        },
    }
    nulls = [
        {
            "tool_id": tool.tool_id,
            "version_label": version.label,
            "release_date": release_dates[(tool.tool_id, version.label)].isoformat(),
            "note": "released during the period with no planted change in any measure",
        }
        for tool in TOOLS
        for version in tool.versions
        if version.period_fraction is not None and (tool.tool_id, version.label) not in planted_releases
    ]
    return {"schema_version": SCHEMA_VERSION, "seed": seed, "truths": truths, "negative_controls": nulls}
