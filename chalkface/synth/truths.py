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
# 7. Response bias. The generator first draws the population of check-ins that would be made if everyone using
# a tool answered, then who actually answers: about RESPONSE_RATE of them, each in proportion to a response
# propensity, the product of the factors below (1 where a category is not listed). Those who answer less
# also answer differently: support and admin staff save less time and find their workload heavier, so the
# unweighted mean of the respondents is too optimistic about the population. Role, phase and region carry
# almost all of the bias, so raking to the population's margins on them removes it; the small part that
# runs through stance within a role (sceptics answer a little less than their role alone predicts) is left.
RESPONSE_RATE = 0.45
RESPONSE_BY_ROLE = {
    "teacher": 1.0,
    "teaching_assistant": 0.7,
    "support_staff": 0.3,
    "admin_staff": 0.45,
    "leader": 0.9,
}
RESPONSE_BY_STANCE = {"enthusiast": 1.0, "willing": 1.0, "sceptical": 0.95, "opposed": 0.9}
RESPONSE_BY_PHASE = {"secondary": 0.75, "all_through": 0.75, "sixteen_plus": 0.75}
RESPONSE_BY_REGION = {"london": 0.8}
# Time saved (hours a week) and workload (latent 1-5) by role, relative to teachers, in the population.
ROLE_HOURS = {
    "teacher": 0.0,
    "teaching_assistant": -0.5,
    "support_staff": -1.5,
    "admin_staff": -0.8,
    "leader": 0.2,
}
ROLE_WORKLOAD = {
    "teacher": 0.0,
    "teaching_assistant": 0.15,
    "support_staff": 0.6,
    "admin_staff": 0.35,
    "leader": -0.1,
}
# Share agreeing: an answer of 4 or 5 on the 1-5 scale.
AGREE_FROM = 4


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
    population: dict[str, Any] | None = None,
    response_bias: bool = True,
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
        "response_bias": _response_bias(population or {}, observed.get("response_bias", {}), response_bias),
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


def _factors(factors: dict[str, float]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} ({v:g})" for k, v in factors.items() if v < 1.0)


def _response_bias(population: dict[str, Any], observed: dict[str, Any], planted: bool) -> dict[str, Any]:
    """The response-bias truth: the population the check-ins were drawn from, and its margins."""
    keys = ("time_saved_hours", "workload_share_agree")
    how = (
        _join(
            "The check-ins are drawn from a population of potential check-ins (every one that would be",
            f"made if everyone using a tool answered): about {RESPONSE_RATE:.0%} of it answers, each in",
            "proportion to a response propensity (relative to 1) that is lower for",
            f"{_factors(RESPONSE_BY_ROLE)}; in {_factors(RESPONSE_BY_PHASE)} workplaces; in",
            f"{_factors(RESPONSE_BY_REGION)}; and, a little, for {_factors(RESPONSE_BY_STANCE)} staff.",
            "Those who answer less also answer differently: support and admin staff save less time, find",
            "their workload heavier and are more often sceptical. So the unweighted mean of the respondents",
            "overstates time saved and understates the share agreeing that the tool increased their",
            "workload. Role, phase and region carry almost all of the bias: raking the respondents to the",
            "population margins removes it, except the small part that runs through stance within a role,",
            "which no margin here can see.",
        )
        if planted
        else "Response bias is off (response_bias=False): every potential check-in is made, so the"
        " respondents are the population."
    )
    return {
        "id": "response_bias",
        "description": how,
        "table": "responses",
        "measure": "time_saved_hours and workload (share answering 4 or 5)",
        "planted": {
            "on": planted,
            "response_rate": RESPONSE_RATE if planted else 1.0,
            "propensity_by_role": RESPONSE_BY_ROLE,
            "propensity_by_stance": RESPONSE_BY_STANCE,
            "propensity_by_phase": {**RESPONSE_BY_PHASE, "other phases": 1.0},
            "propensity_by_region": {**RESPONSE_BY_REGION, "other regions": 1.0},
            "time_saved_hours_by_role": ROLE_HOURS,
            "workload_by_role": ROLE_WORKLOAD,
        },
        "scale": "hours a week (as recorded); share of check-ins answering 4 or 5 on workload",
        "population": {
            "size": population.get("size", 0),
            **{k: population.get(k) for k in keys},
            "time_saved_hours_by_role": population.get("time_saved_hours_by_role", {}),
            "margins": population.get("margins", {}),
        },
        "expected_observed": population.get("expected_unweighted", {k: None for k in keys}),
        "observed": observed,
        "detect": _join(
            "population.time_saved_hours and population.workload_share_agree are the national truths, the",
            "means over the whole population of potential check-ins. Rake the responses to",
            "population.margins (role, phase and region: counts of potential check-ins) with trimming, and",
            "estimate clustered by workplace_id: the weighted 95% interval covers the truth in about 95% of",
            "seeds, while the unweighted mean (expected_observed, observed) is off by several standard",
            "errors.",
        ),
    }
