"""Incident reports and the exposure they are measured against.

Exposure is counted in deployment-months: a deployment active for all of a calendar month contributes 1, for
ten days of a 30-day month 1/3, split between the versions live on those days. Incidents are Poisson with mean
tool rate (about 0.02 a deployment-month on average) x exposure x a workplace reporting factor (gamma, mean 1,
so some workplaces report more) x the planted rate ratio for the spiking tool's new version. Categories,
affected groups, severity and harm type (after the OECD AI incident framework) follow the tool and category.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.synth import truths
from chalkface.synth.catalogue import INCIDENT_SPIKE_TOOL, TOOLS
from chalkface.synth.comments import fill
from chalkface.synth.deployments import Deployments
from chalkface.synth.timeline import Period, Releases
from chalkface.synth.vocabulary import HARM_TYPES, INCIDENT_CATEGORIES, SEVERITIES
from chalkface.synth.workplaces import Workplaces

_AFFECTED_GROUPS = ("pupils", "staff", "parents")
# Per category: chance that pupils, staff, parents are affected; severity mix; harm-type mix when harm
# occurred; description templates and details.
_AFFECTED: dict[str, tuple[float, float, float]] = {
    "inaccurate_output": (0.5, 0.6, 0.2),
    "inappropriate_content": (0.95, 0.1, 0.2),
    "bias": (0.7, 0.3, 0.1),
    "privacy_breach": (0.6, 0.4, 0.4),
    "surveillance": (0.2, 0.95, 0.0),
    "workload_increase": (0.0, 1.0, 0.0),
    "deskilling": (0.0, 1.0, 0.0),
    "safeguarding": (1.0, 0.2, 0.3),
    "academic_integrity": (0.9, 0.4, 0.0),
    "accessibility": (0.7, 0.1, 0.4),
    "other": (0.3, 0.7, 0.2),
}
_SEVERITY_DEFAULT = (0.35, 0.40, 0.20, 0.05)
_SEVERITY: dict[str, tuple[float, float, float, float]] = {
    "safeguarding": (0.20, 0.30, 0.35, 0.15),
    "inappropriate_content": (0.25, 0.40, 0.28, 0.07),
    "privacy_breach": (0.30, 0.40, 0.25, 0.05),
}
_HARM: dict[str, dict[str, float]] = {
    "inaccurate_output": {"public_interest": 0.4, "reputational": 0.3, "economic": 0.1, "psychological": 0.2},
    "inappropriate_content": {"psychological": 0.9, "reputational": 0.1},
    "bias": {"human_rights": 0.8, "psychological": 0.2},
    "privacy_breach": {"human_rights": 0.8, "reputational": 0.2},
    "surveillance": {"human_rights": 0.7, "psychological": 0.3},
    "workload_increase": {"economic": 0.4, "psychological": 0.6},
    "deskilling": {"economic": 0.7, "public_interest": 0.3},
    "safeguarding": {"psychological": 0.6, "physical": 0.4},
    "academic_integrity": {"public_interest": 0.6, "reputational": 0.4},
    "accessibility": {"human_rights": 1.0},
    "other": {"economic": 0.5, "reputational": 0.5},
}
_DESCRIPTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "inaccurate_output": (
        (
            "{tool} produced {detail}; a member of staff noticed before it was used.",
            "{tool} produced {detail}, which was used before the error was spotted.",
        ),
        (
            "output with several factual errors",
            "an incorrect summary that was shared with colleagues",
            "wrong information that reached parents",
            "a confident but false answer",
        ),
    ),
    "inappropriate_content": (
        ("A pupil using {tool} was shown {detail}.", "{tool} generated {detail} during a lesson."),
        (
            "content unsuitable for their age",
            "a violent story",
            "harmful advice about dieting",
            "offensive language",
        ),
    ),
    "bias": (
        ("{tool} {detail}.", "Staff found that {tool} {detail}."),
        (
            "treated work by pupils learning English less favourably",
            "made assumptions about families from one part of the town",
            "produced stereotyped examples about girls and science",
            "gave different results for people with non-English names",
        ),
    ),
    "privacy_breach": (
        ("{tool} {detail}.", "A data protection breach was reported: {tool} {detail}."),
        (
            "included another pupil's details in a message to parents",
            "kept personal data beyond the agreed retention period",
            "sent a summary containing personal data to the wrong staff group",
            "exposed pupils' names in a shared link",
        ),
    ),
    "surveillance": (
        ("Staff found that {tool} {detail}.", "Without consultation, {tool} {detail}."),
        (
            "was reporting individual log-in times to leaders",
            "ranked staff by an engagement score",
            "recorded what staff typed on school laptops",
            "flagged staff for low usage",
        ),
    ),
    "workload_increase": (
        ("After {tool} was introduced, {detail}.",),
        (
            "staff were asked to log every use of it",
            "every output had to be double-checked",
            "a new weekly reporting task was added",
            "lesson plans had to be rewritten to fit its format",
        ),
    ),
    "deskilling": (
        ("{detail} after months of relying on {tool}.",),
        (
            "Early-career teachers struggled to mark without it",
            "Staff could no longer write reports unaided",
            "Office staff lost track of how the attendance process works",
        ),
    ),
    "safeguarding": (
        ("{tool} {detail}.", "A safeguarding concern: {tool} {detail}."),
        (
            "failed to flag a pupil's searches about self-harm",
            "flagged a concern that was not passed on for two days",
            "let a pupil share personal contact details in a chat",
            "gave a pupil advice that should have come from a trusted adult",
        ),
    ),
    "academic_integrity": (
        ("Pupils used {tool} to {detail}.",),
        (
            "complete coursework submitted as their own",
            "get answers during an online test",
            "write homework essays",
            "answer a controlled assessment",
        ),
    ),
    "accessibility": (
        ("{tool} {detail}.",),
        (
            "does not work with screen readers",
            "has no option for larger text",
            "is not available in languages many parents speak",
            "cannot be used with switch access",
        ),
    ),
    "other": (
        ("A problem with {tool}: {detail}.",),
        (
            "it was unavailable for a week during exams",
            "licences expired without warning",
            "an update changed settings without notice",
        ),
    ),
}
_WORKPLACE_REPORTING_SHAPE = 2.0  # gamma shape of the workplace reporting factor (mean 1, sd 0.7)

COLUMNS: tuple[str, ...] = (
    "incident_id",
    "workplace_id",
    "tool_id",
    "version_label",
    "month",
    "category",
    "affected",
    "severity",
    "harm_type",
    "description",
)


@dataclass
class Incidents:
    incidents: pl.DataFrame
    exposure: pl.DataFrame


def _draw(rng: np.random.Generator, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """One category per row of a (rows x categories) weight matrix."""
    cumulative = np.cumsum(weights, axis=1)
    point = rng.random(weights.shape[0]) * cumulative[:, -1]
    drawn: npt.NDArray[np.int64] = np.minimum(
        (cumulative <= point[:, None]).sum(axis=1), weights.shape[1] - 1
    )
    return drawn.astype(np.int64)


def generate_incidents(
    rng: np.random.Generator,
    period: Period,
    releases: Releases,
    workplaces: Workplaces,
    deployments: Deployments,
) -> Incidents:
    reporting = rng.gamma(_WORKPLACE_REPORTING_SHAPE, 1.0 / _WORKPLACE_REPORTING_SHAPE, size=len(workplaces))
    first, last = deployments.window(period)
    version_base = releases.global_index()
    labels = releases.labels()

    exposure_rows: list[tuple[str, str, str, float]] = []
    hit_dep: list[npt.NDArray[np.int64]] = []
    hit_month: list[npt.NDArray[np.int64]] = []
    hit_version: list[npt.NDArray[np.int64]] = []
    for t, spec in enumerate(TOOLS):
        rows = np.flatnonzero(deployments.tool == t)
        days = releases.offsets[t]
        risk = spec.incident_rate * reporting[deployments.workplace[rows]]
        for v, version in enumerate(spec.versions):
            live_from = days[v]
            live_to = days[v + 1] if v + 1 < len(days) else period.days  # exclusive
            ratio = (
                truths.INCIDENT_RATE_RATIO
                if (spec.tool_id == INCIDENT_SPIKE_TOOL and version.label == truths.INCIDENT_SPIKE_TO)
                else 1.0
            )
            for m, label in enumerate(period.month_labels):
                seg_from = max(live_from, period.month_starts[m])
                seg_to = min(live_to, period.month_ends[m])
                if seg_to <= seg_from or rows.size == 0:
                    continue
                overlap = np.minimum(seg_to, last[rows] + 1) - np.maximum(seg_from, first[rows])
                exposure = np.maximum(overlap, 0) / period.month_lengths[m]
                if exposure.sum() <= 0:
                    continue
                exposure_rows.append((spec.tool_id, version.label, label, round(float(exposure.sum()), 4)))
                count = rng.poisson(risk * ratio * exposure)
                hits = np.flatnonzero(count)
                hit_dep.append(np.repeat(rows[hits], count[hits]))
                hit_month.append(np.full(int(count.sum()), m, dtype=np.int64))
                hit_version.append(np.full(int(count.sum()), version_base[t] + v, dtype=np.int64))

    exposure_frame = pl.DataFrame(
        exposure_rows,
        schema={
            "tool_id": pl.String,
            "version_label": pl.String,
            "month": pl.String,
            "deployment_months": pl.Float64,
        },
        orient="row",
    ).sort("tool_id", "version_label", "month")

    dep = np.concatenate(hit_dep) if hit_dep else np.zeros(0, np.int64)
    month = np.concatenate(hit_month) if hit_month else np.zeros(0, np.int64)
    version_row = np.concatenate(hit_version) if hit_version else np.zeros(0, np.int64)
    order = np.lexsort((dep, month))
    dep, month, version_row = dep[order], month[order], version_row[order]
    n = dep.size
    tool = deployments.tool[dep]

    spike_row = labels.index(
        truths.INCIDENT_SPIKE_TO, int(version_base[[t.tool_id for t in TOOLS].index(INCIDENT_SPIKE_TOOL)])
    )
    mix = np.array([[t.incident_mix.get(c, 0.0) for c in INCIDENT_CATEGORIES] for t in TOOLS])
    spike_mix = np.array([truths.INCIDENT_SPIKE_MIX.get(c, 0.0) for c in INCIDENT_CATEGORIES])
    weights = np.where((version_row == spike_row)[:, None], spike_mix[None, :], mix[tool])
    category = _draw(rng, weights) if n else np.zeros(0, np.int64)

    affected_p = np.array([_AFFECTED[c] for c in INCIDENT_CATEGORIES])[category]
    affected = rng.random((n, 3)) < affected_p
    nobody = ~affected.any(axis=1)
    affected[nobody, np.argmax(affected_p[nobody], axis=1)] = True  # someone is always affected
    bits = affected.astype(np.int64) @ np.array([1, 2, 4])
    affected_text = [
        ";".join(g for j, g in enumerate(_AFFECTED_GROUPS) if code >> j & 1) for code in range(8)
    ]

    severity_p = np.array([_SEVERITY.get(c, _SEVERITY_DEFAULT) for c in INCIDENT_CATEGORIES])[category]
    severity = _draw(rng, severity_p) if n else np.zeros(0, np.int64)
    harm_p = np.array([[_HARM[c].get(h, 0.0) for h in HARM_TYPES] for c in INCIDENT_CATEGORIES])[category]
    harm = _draw(rng, harm_p) if n else np.zeros(0, np.int64)
    harm = np.where(severity == SEVERITIES.index("near_miss"), HARM_TYPES.index("none"), harm)

    templates = [t for c in INCIDENT_CATEGORIES for t in _DESCRIPTIONS[c][0]]
    t_offset = np.cumsum([0] + [len(_DESCRIPTIONS[c][0]) for c in INCIDENT_CATEGORIES])[:-1]
    t_count = np.array([len(_DESCRIPTIONS[c][0]) for c in INCIDENT_CATEGORIES])
    details = [d for c in INCIDENT_CATEGORIES for d in _DESCRIPTIONS[c][1]]
    d_offset = np.cumsum([0] + [len(_DESCRIPTIONS[c][1]) for c in INCIDENT_CATEGORIES])[:-1]
    d_count = np.array([len(_DESCRIPTIONS[c][1]) for c in INCIDENT_CATEGORIES])
    template = t_offset[category] + np.floor(rng.random(n) * t_count[category]).astype(np.int64)
    detail = d_offset[category] + np.floor(rng.random(n) * d_count[category]).astype(np.int64)
    description = fill(
        templates,
        template,
        {
            "tool": pl.Series([t.name for t in TOOLS], dtype=pl.String).gather(tool),
            "detail": pl.Series(details, dtype=pl.String).gather(detail),
        },
    )

    width = max(6, len(str(n)))
    incidents = pl.DataFrame(
        {
            "incident_id": pl.Series([f"I{i:0{width}d}" for i in range(1, n + 1)], dtype=pl.String),
            "workplace_id": workplaces.frame["workplace_id"].gather(deployments.workplace[dep]),
            "tool_id": pl.Series([t.tool_id for t in TOOLS], dtype=pl.String).gather(tool),
            "version_label": pl.Series(labels, dtype=pl.String).gather(version_row),
            "month": pl.Series(period.month_labels, dtype=pl.String).gather(month),
            "category": pl.Series(INCIDENT_CATEGORIES, dtype=pl.String).gather(category),
            "affected": pl.Series(affected_text, dtype=pl.String).gather(bits),
            "severity": pl.Series(SEVERITIES, dtype=pl.String).gather(severity),
            "harm_type": pl.Series(HARM_TYPES, dtype=pl.String).gather(harm),
            "description": description,
        }
    )
    return Incidents(incidents=incidents, exposure=exposure_frame)
