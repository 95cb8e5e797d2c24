"""Open data: a campaign's aggregated, disclosure-controlled tables (never a row per check-in), with a
data dictionary and a method note, as CSV (one file a table), Excel (one sheet a table) or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from chalkface.evidence import EstimateTable, HistoryGate
from chalkface.insights import precomputed
from chalkface.insights.actions import release_dp_tables
from chalkface.insights.extract import checkins
from chalkface.insights.frames import policy_for, scoped_frame
from chalkface.insights.history import gate_for
from chalkface.insights.release import audience_of, publish
from chalkface.insights.results import headline_tables
from chalkface.insights.wording import MEASURE_LABELS
from chalkface.voice.access import Scopes, can_export, narrow, result_scopes
from chalkface.voice.models import Campaign

EXPORT_GROUPINGS: tuple[str, ...] = (
    "tool_id",
    "tool_version",
    "role",
    "phase",
    "region",
    "deprivation_quintile",
)


def _estimates_frame(tables: list[EstimateTable], by: str | None) -> pl.DataFrame:
    frames = []
    for table in tables:
        part = table.to_frame().with_columns(pl.lit(table.measure).alias("measure"))
        if by is None:
            part = part.with_columns(pl.lit("everyone").alias("group"))
        else:
            part = part.rename({by: "group"})
        frames.append(
            part.select(
                "measure",
                "group",
                "statistic",
                "n",
                "n_eff",
                "estimate",
                "lower",
                "upper",
                "suppressed",
                "reason",
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame()


def data_dictionary() -> pl.DataFrame:
    """What each table and column of the open data means."""
    rows = [
        ("*", "measure", _("Question code of the check-in (see the measures below)")),
        ("*", "group", _("The group the row describes; 'everyone' for the whole campaign")),
        ("*", "statistic", _("share_agree: share answering agree or strongly agree; mean: average answer")),
        ("*", "n", _("Check-ins the figure rests on; empty when the figure is hidden")),
        (
            "*",
            "n_eff",
            _("Effective number of check-ins: n over the design effect of clustering and weighting"),
        ),
        ("*", "estimate", _("The share (0 to 1) or the mean")),
        ("*", "lower", _("Lower end of the 95% interval")),
        ("*", "upper", _("Upper end of the 95% interval")),
        ("*", "suppressed", _("True when the figure is hidden to protect respondents")),
        ("*", "reason", _("Why a figure is hidden")),
        ("dp_counts", "count", _("Check-ins with Laplace noise added (differential privacy)")),
        ("dp_counts", "accuracy", _("95% of noisy counts are within this of the true count")),
        ("dp_means", "mean", _("Mean with Laplace noise added; empty when the noisy count is below k")),
    ]
    for measure, label in MEASURE_LABELS.items():
        rows.append(("measures", measure, str(label)))
    for grouping in EXPORT_GROUPINGS:
        rows.append(("tables", f"estimates_by_{grouping}", _("Estimates by %(g)s") % {"g": grouping}))
    return pl.DataFrame(
        rows, schema={"table": pl.String, "column": pl.String, "meaning": pl.String}, orient="row"
    )


def campaign_export_tables(
    user: Any, campaign: Campaign, *, dp: bool = False, channel: str = "export"
) -> dict[str, pl.DataFrame]:
    """The campaign's open data: aggregated, disclosure-controlled tables (never a row per check-in), keyed
    by table name, with ``data_dictionary``. With ``dp`` also noisy counts and means by tool (differential
    privacy), charged to the campaign's privacy budget, which is stored; asking again reuses the stored
    release. Raises ``PermissionDenied`` or :class:`chalkface.evidence.BudgetExhausted`."""
    if not can_export(user, campaign):
        raise PermissionDenied(
            _("Only the campaign's owner and those it shares results with can download it.")
        )
    scopes = narrow(result_scopes(user), campaign, None)
    (estimates, shown), gates = kept_estimates(scopes, campaign)
    tables = dict(estimates)
    publish(user, channel, scopes, campaign.threshold, shown, {"campaign": campaign.slug}, gates)
    if dp:
        tables.update(release_dp_tables(campaign, _export_frame(scopes)))
    tables["data_dictionary"] = data_dictionary()
    return tables


def _export_frame(scopes: Scopes) -> pl.DataFrame:
    return scoped_frame(scopes).with_columns(
        (pl.col("tool_id") + " " + pl.col("version_label")).alias("tool_version")
    )


def kept_estimates(
    scopes: Scopes, campaign: Campaign
) -> tuple[tuple[dict[str, pl.DataFrame], list[Any]], list[HistoryGate]]:
    """The campaign's estimate tables for an audience and the figures behind them (for the release), as
    kept (:mod:`chalkface.insights.precomputed`) or computed now and kept, and the gates whose decisions
    the release must save (none when they were kept)."""
    _lazy, manifest = checkins()
    stable = {
        "audience": audience_of(scopes),
        "campaign": [campaign.pk, campaign.threshold],
        "language": translation.get_language(),
    }
    fresh = {"checkins": manifest.get("fingerprint")}
    params = {"scopes": precomputed.scopes_param(scopes), "campaign": campaign.pk}
    found = precomputed.lookup("export", stable, fresh, scopes=scopes, params=params)
    if found is not None:
        return found, []
    frame = _export_frame(scopes)
    gate = gate_for(campaign.threshold, scopes)
    gate.joined = {"tool_version": ("tool_id", "version_label")}
    policy = policy_for(campaign.threshold, gate)
    overall = headline_tables(frame, policy)
    tables: dict[str, pl.DataFrame] = {"estimates_overall": _estimates_frame(overall, None)}
    shown: list[Any] = [overall]
    for grouping in EXPORT_GROUPINGS:
        data = frame.with_columns(pl.col(grouping).cast(pl.String))
        grouped = headline_tables(data, policy, (grouping,))
        shown.append(grouped)
        tables[f"estimates_by_{grouping}"] = _estimates_frame(grouped, grouping)
    precomputed.keep("export", stable, fresh, (tables, shown))
    return (tables, shown), [gate]


FORMATS = ("csv", "xlsx", "parquet")

METHOD_NOTE = """Method note

These tables are aggregated from staff check-ins about AI tools. Every figure comes with n (the number of
check-ins it rests on), its effective n and a 95% interval. No figure is given for a group of fewer than the
campaign's threshold k; some larger groups are hidden too, so that a small group cannot be worked out by
subtracting published figures (complementary suppression). Hidden figures give no n.

Shares (share_agree: agree or strongly agree) use Wilson intervals; means use t intervals; standard errors are
clustered by workplace. The figures are not weighted: they describe the staff who answered.

Tables named dp_* (when present) add Laplace noise (differential privacy, through OpenDP) to counts and means;
'accuracy' is the half-width within which 95% of noisy values fall. Each release is charged to the campaign's
privacy budget; repeating a release returns the stored one.

What the data cannot say: who did not answer; whether a difference between versions or groups was caused by
the tool. See docs/methods.md in Chalkface for the full method.
"""


def write_tables(tables: dict[str, pl.DataFrame], fmt: str, out: Path, stem: str) -> list[Path]:
    """Write every table to ``out`` in ``fmt``, with the method note; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if fmt == "xlsx":
        path = out / f"{stem}.xlsx"
        import xlsxwriter

        from chalkface.web.cellsafe import neutralise_frame

        # No text becomes a formula: not when written, not when a spreadsheet opens it.
        with xlsxwriter.Workbook(str(path), {"strings_to_formulas": False}) as book:
            for name, frame in tables.items():
                neutralise_frame(frame).write_excel(book, worksheet=name[:31], autofit=True)
            note = book.add_worksheet("method_note")
            for i, line in enumerate(METHOD_NOTE.splitlines()):
                note.write(i, 0, line)
        written.append(path)
    else:
        for name, frame in tables.items():
            path = out / f"{stem}-{name}.{fmt}"
            if fmt == "csv":
                from chalkface.web.cellsafe import neutralise_frame

                neutralise_frame(frame).write_csv(path)
            else:
                frame.write_parquet(path)
            written.append(path)
    note_path = out / f"{stem}-method-note.txt"
    note_path.write_text(METHOD_NOTE, encoding="utf-8")
    written.append(note_path)
    return written


def zip_files(files: list[Path], target: Path) -> Path:
    """One zip of the files (what the download page hands out)."""
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.name)
    return target
