"""Every tool's every version change on every measure (and incident rates) at once, with Benjamini-Hochberg
false discovery rate control."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl
from statsmodels.stats.multitest import multipletests  # type: ignore[import-untyped]

from chalkface.evidence._frames import jsonable, require_columns
from chalkface.evidence.change.incidents import incident_rate_change
from chalkface.evidence.change.versions import VersionComparison, compare_versions, display_name
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.notes import format_p


@dataclass(frozen=True)
class Signal:
    """One tested change: a tool's version change on one measure (or on incident rates)."""

    tool: Any
    measure: str
    before: str
    after: str
    estimate: float
    lower: float
    upper: float
    p_value: float
    q_value: float
    significant: bool
    sentence: str
    kind: Literal["difference", "rate_ratio"] = "difference"
    n_before: int | None = None
    n_after: int | None = None
    notes: tuple[str, ...] = ()
    tool_name: str | None = None
    measure_label: str | None = None
    perturbed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: jsonable(v) for k, v in vars(self).items()}


@dataclass(frozen=True)
class SignalList:
    """Every comparison tested, with Benjamini-Hochberg q-values; ``signals`` are those below ``fdr``."""

    tests: tuple[Signal, ...]
    fdr: float
    not_shown: tuple[str, ...] = ()

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(s for s in self.tests if s.significant)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fdr": self.fdr,
            "tests": len(self.tests),
            "signals": [s.to_dict() for s in self.signals],
            "all": [s.to_dict() for s in self.tests],
            "not_shown": list(self.not_shown),
        }

    def to_frame(self) -> pl.DataFrame:
        return pl.DataFrame([s.to_dict() for s in self.tests], infer_schema_length=None)

    def summary(self) -> str:
        head = (
            f"{len(self.signals)} signal(s) among {len(self.tests)} comparisons "
            f"(false discovery rate {self.fdr:.0%} within check-ins and within incidents, Benjamini-Hochberg)"
        )
        return "\n".join([head] + [f"- {s.sentence}" for s in self.signals])


def version_order(
    frame: pl.DataFrame,
    *,
    tool_col: str = "tool_id",
    version: str = "version_label",
    date: str = "submitted_on",
    releases: pl.DataFrame | None = None,
    release_date: str = "released_on",
    release_label: str | None = None,
    unknown: Sequence[str] = ("dont_know",),
) -> dict[Any, list[str]]:
    """The versions of each tool in release order: from ``releases`` (the version register, whose version
    column is ``release_label``, by default ``version``) when given, else by when responses start."""
    if releases is not None:
        label = release_label or version
        require_columns(releases, [tool_col, label, release_date], "the version register")
        ordered = releases.sort(tool_col, release_date)
        out: dict[Any, list[str]] = {}
        for t, v in ordered.select(tool_col, label).iter_rows():
            out.setdefault(t, []).append(str(v))
        return out
    require_columns(frame, [tool_col, version, date])
    firsts = (
        frame.with_columns(pl.col(version).cast(pl.String))
        .filter(~pl.col(version).is_in(list(unknown)))
        .group_by(tool_col, version)
        .agg(pl.col(date).quantile(0.05, "nearest").alias("__first"))
        .sort(tool_col, "__first", version)
    )
    out = {}
    for t, v in firsts.select(tool_col, version).iter_rows():
        out.setdefault(t, []).append(str(v))
    return out


def signal_list(
    responses: pl.DataFrame,
    measures: Sequence[str],
    *,
    tool_col: str = "tool_id",
    version: str = "version_label",
    date: str = "submitted_on",
    cluster: str | None = "workplace_id",
    releases: pl.DataFrame | None = None,
    release_date: str = "released_on",
    release_label: str | None = None,
    incidents: pl.DataFrame | None = None,
    exposure: pl.DataFrame | None = None,
    period: str = "month",
    exposure_col: str = "deployment_months",
    fdr: float = 0.05,
    k: int = 10,
    unknown: Sequence[str] = ("dont_know",),
    labels: Mapping[str, str] | None = None,
    tool_names: Mapping[Any, str] | None = None,
    policy: DisclosurePolicy | None = None,
) -> SignalList:
    """Test every tool's every version change on every measure (and incident rates), controlling the FDR.

    Each tool's versions are compared in release order, each with the one before it. p-values come from the
    clustered difference in means (and the quasi-Poisson rate ratio for incidents); Benjamini-Hochberg turns
    them into q-values within each family (check-in measures; incident rates), and comparisons with
    ``q < fdr`` are signals. Comparisons with too few responses
    are not tested and are listed in ``not_shown``.

    ``labels`` (measure code to display label) and ``tool_names`` (tool to display name) say what the
    sentences call them; a measure or tool missing from them is called by its code.
    """
    labels = labels or {}
    tool_names = tool_names or {}
    require_columns(responses, [tool_col, version, *measures, cluster])
    order = version_order(
        responses,
        tool_col=tool_col,
        version=version,
        date=date,
        releases=releases,
        release_date=release_date,
        release_label=release_label,
        unknown=unknown,
    )
    raw: list[dict[str, Any]] = []
    not_shown: list[str] = []
    for tool in sorted(order, key=str):
        sub = responses.filter(pl.col(tool_col) == tool)
        answered = set(sub[version].cast(pl.String).unique().to_list())
        versions = [v for v in order[tool] if v not in unknown and v in answered]
        for before, after in zip(versions, versions[1:], strict=False):
            for m in measures:
                cmp = compare_versions(
                    sub,
                    m,
                    version=version,
                    before=before,
                    after=after,
                    cluster=cluster,
                    k=k,
                    policy=policy,
                    ordinal=False,
                    tool=tool,
                    tool_name=tool_names.get(tool),
                    measure_label=labels.get(m),
                    within={tool_col: tool},
                )
                if cmp.suppressed or cmp.p_value is None or not math.isfinite(cmp.p_value):
                    not_shown.append(cmp.sentence())
                    continue
                assert cmp.difference is not None and cmp.lower is not None and cmp.upper is not None
                raw.append(
                    dict(
                        tool=tool,
                        measure=m,
                        before=before,
                        after=after,
                        estimate=cmp.difference,
                        lower=cmp.lower,
                        upper=cmp.upper,
                        p=cmp.p_value,
                        kind="difference",
                        obj=cmp,
                    )
                )
        if incidents is None or exposure is None:
            continue
        exposed = set(
            exposure.filter((pl.col(tool_col) == tool) & (pl.col(exposure_col) > 0))[version]
            .cast(pl.String)
            .unique()
            .to_list()
        )
        deployed = [v for v in order[tool] if v not in unknown and v in exposed]
        for before, after in zip(deployed, deployed[1:], strict=False):
            try:
                irc = incident_rate_change(
                    incidents,
                    exposure,
                    before=before,
                    after=after,
                    tool=tool,
                    tool_col=tool_col,
                    version=version,
                    period=period,
                    exposure_col=exposure_col,
                    k=k,
                    tool_name=tool_names.get(tool),
                    policy=policy,
                )
            except EvidenceError as exc:
                not_shown.append(
                    f"Incidents with {display_name(tool_names.get(tool), tool)}{after} vs {before}: {exc}"
                )
                continue
            if irc.suppressed or irc.p_value is None or not math.isfinite(irc.p_value):
                not_shown.append(irc.sentence())
                continue
            assert irc.rate_ratio is not None and irc.lower is not None and irc.upper is not None
            raw.append(
                dict(
                    tool=tool,
                    measure="incident rate",
                    before=before,
                    after=after,
                    estimate=irc.rate_ratio,
                    lower=irc.lower,
                    upper=irc.upper,
                    p=irc.p_value,
                    kind="rate_ratio",
                    obj=irc,
                )
            )
    if not raw:
        return SignalList((), fdr, tuple(not_shown))
    # False discovery rate control within each family of tests: the check-in measures, and incident rates
    # (different data, different questions); each family's q-values account for all the tests in it.
    tests = []
    families = {kind: [r for r in raw if r["kind"] == kind] for kind in ("difference", "rate_ratio")}
    for family in families.values():
        if not family:
            continue
        pvals = np.array([r["p"] for r in family])
        reject, qvals, _, _ = multipletests(pvals, alpha=fdr, method="fdr_bh")
        what = "check-in comparisons" if family[0]["kind"] == "difference" else "incident-rate comparisons"
        for r, rej, q in zip(family, reject, qvals, strict=True):
            # the sentence ends "...; p=0.012)." and gains the q-value inside its parentheses
            sentence = r["obj"].sentence()
            sentence = (
                sentence.removesuffix(").") + f"; {format_p(float(q), 'q')} among {len(family)} {what})."
            )
            obj = r["obj"]
            is_cmp = isinstance(obj, VersionComparison)
            tests.append(
                Signal(
                    r["tool"],
                    r["measure"],
                    r["before"],
                    r["after"],
                    float(r["estimate"]),
                    float(r["lower"]),
                    float(r["upper"]),
                    float(r["p"]),
                    float(q),
                    bool(rej),
                    sentence,
                    r["kind"],
                    obj.n_before if is_cmp else obj.incidents_before,
                    obj.n_after if is_cmp else obj.incidents_after,
                    obj.notes if is_cmp else (),
                    tool_names.get(r["tool"]),
                    labels.get(r["measure"]) if is_cmp else None,
                    bool(obj.perturbed),
                )
            )
    tests.sort(key=lambda s: (s.q_value, str(s.tool), s.measure, s.after))
    return SignalList(tuple(tests), fdr, tuple(not_shown))
