"""``chalkface analyze``: the evidence engine from the command line, on CSV files, JSON or CSV out.

Attached to the main ``chalkface`` command by ``cli.add_command(analyze)``.
"""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import click
import polars as pl

from chalkface.evidence.change import compare_versions, segmented_regression, version_order
from chalkface.evidence.disclosure import DisclosurePolicy, protect_table
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.estimate import estimate
from chalkface.evidence.weighting import Raker

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="Output format, written to standard output.",
)
K = click.option(
    "--k",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Smallest group that may be shown. Smaller groups are hidden, and so are any others that would let "
    "someone work them out.",
)


def _read(path: Path, text: tuple[str, ...] = ()) -> pl.DataFrame:
    """Read a CSV; columns in ``text`` stay text (version labels such as 3.0 are not numbers)."""
    try:
        header = pl.read_csv(path, n_rows=0).columns
        overrides = {c: pl.String for c in text if c in header}
        return pl.read_csv(path, try_parse_dates=True, infer_schema_length=10000, schema_overrides=overrides)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(f"could not read {path} as CSV: {exc}") from exc


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _json(data: Any) -> None:
    click.echo(json.dumps(_clean(data), indent=2, default=str))


def _csv(frame: pl.DataFrame) -> None:
    buf = io.StringIO()
    frame.write_csv(buf)
    click.echo(buf.getvalue(), nl=False)


class _Errors(click.Group):
    """Turn the evidence layer's errors into clean command-line errors (message, exit status 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EvidenceError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(name="analyze", cls=_Errors)
def analyze() -> None:
    """Analyse check-in responses from a CSV file: weights, estimates, tables, version changes.

    Every figure comes with its number of responses and an interval, and no group smaller than --k is ever
    shown. Start with `chalkface analyze estimate --help`.
    """


@analyze.command()
@click.argument("infile", metavar="IN.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--margins",
    "margins_path",
    required=True,
    metavar="MARGINS.json",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='Population totals (or shares) per column and category, e.g. {"phase": {"Primary": 21000, '
    '"Secondary": 3400}}.',
)
@click.option("--base-weight", metavar="COL", help="Column of starting weights (default: everyone 1).")
@click.option("--trim", type=float, metavar="X", help="Cap weights at X times the mean weight, e.g. 5.")
@click.option("--weight-name", default="weight", show_default=True, help="Name of the new column.")
@click.option(
    "--out",
    "outfile",
    required=True,
    metavar="OUT.csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the responses with their weights.",
)
def rake(
    infile: Path,
    margins_path: Path,
    base_weight: str | None,
    trim: float | None,
    weight_name: str,
    outfile: Path,
) -> None:
    """Weight responses so that they match the population (raking).

    Writes IN.csv plus a weight column to OUT.csv and prints how the raking went as JSON: iterations,
    whether it converged, the effective number of responses after weighting and the design effect.

    \b
    Example:
      chalkface analyze rake responses.csv --margins margins.json --trim 5 --out weighted.csv
    """
    try:
        margins = json.loads(margins_path.read_text())
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{margins_path} is not valid JSON: {exc}") from exc
    if not isinstance(margins, dict) or not all(isinstance(v, dict) for v in margins.values()):
        raise click.ClickException(
            f'{margins_path} must map each column to {{category: total}}, e.g. {{"phase": '
            '{"Primary": 21000, "Secondary": 3400}}'
        )
    frame = _read(infile)
    raker = Raker(margins, base_weight=base_weight, trim=trim).fit(frame)
    raker.transform(frame, weight_name).write_csv(outfile)
    _json(raker.result_.to_dict())
    if not raker.result_.converged:
        click.echo("warning: raking did not converge; see max_margin_error", err=True)


@analyze.command(name="estimate")
@click.argument("infile", metavar="IN.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--measure", required=True, metavar="COL", help="The column to estimate, e.g. wellbeing.")
@click.option("--by", multiple=True, metavar="COL", help="Group by this column; repeat for several.")
@click.option("--weight", metavar="COL", help="Column of survey weights (e.g. from `analyze rake`).")
@click.option(
    "--cluster",
    metavar="COL",
    help="Column whose members answer alike, e.g. workplace_id; widens intervals accordingly.",
)
@click.option("--level", metavar="VALUE", help="Estimate the share of answers equal to VALUE (text columns).")
@click.option(
    "--kind",
    type=click.Choice(["auto", "proportion", "mean", "agreement"]),
    default="auto",
    show_default=True,
    help="agreement: a 1-5 scale, reported as share agreeing (4-5) and as mean.",
)
@click.option(
    "--round-to", type=click.IntRange(min=1), help="Round shown counts to a multiple of this, e.g. 5."
)
@K
@FORMAT
def estimate_cmd(
    infile: Path,
    measure: str,
    by: tuple[str, ...],
    weight: str | None,
    cluster: str | None,
    level: str | None,
    kind: str,
    round_to: int | None,
    k: int,
    fmt: str,
) -> None:
    """Estimate a measure overall or by group, with intervals and small groups hidden.

    Each row gives n (responses), effective n (after weighting), the estimate and its 95% interval, and
    whether it is hidden and why. Hidden rows give no n.

    \b
    Examples:
      chalkface analyze estimate responses.csv --measure wellbeing --by role
      chalkface analyze estimate weighted.csv --measure trust --by phase --weight weight --format csv
    """
    frame = _read(infile, text=by)
    policy = DisclosurePolicy(k=k, round_to=round_to)
    table = estimate(
        frame,
        measure,
        list(by),
        weight=weight,
        cluster=cluster,
        policy=policy,
        level=level,
        kind=kind,  # type: ignore[arg-type]
    )
    if fmt == "csv":
        _csv(table.to_frame())
    else:
        _json(table.to_dict())


@analyze.command()
@click.argument("infile", metavar="IN.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rows", "row_col", required=True, metavar="COL", help="Column for the table's rows.")
@click.option("--cols", "col_col", required=True, metavar="COL", help="Column for the table's columns.")
@click.option(
    "--round-to", type=click.IntRange(min=1), help="Round shown counts to a multiple of this, e.g. 5."
)
@K
@FORMAT
def table(infile: Path, row_col: str, col_col: str, round_to: int | None, k: int, fmt: str) -> None:
    """Count responses in a two-way table with totals, safely.

    Cells below --k are hidden ("primary"), and further cells are hidden ("secondary") so that the hidden
    ones cannot be worked out from the totals.

    \b
    Example:
      chalkface analyze table responses.csv --rows role --cols phase --k 10
    """
    frame = _read(infile, text=(row_col, col_col))
    for col in (row_col, col_col):
        if col not in frame.columns:
            raise click.ClickException(
                f"{infile} has no column {col!r}; its columns are: {', '.join(frame.columns)}"
            )
    data = frame.drop_nulls([row_col, col_col])
    rows = data[row_col].unique().sort().to_list()
    cols = data[col_col].unique().sort().to_list()
    counts = data.group_by(row_col, col_col).len()
    lookup = {(r, c): int(n) for r, c, n in counts.iter_rows()}
    matrix = [[lookup.get((r, c), 0) for c in cols] for r in rows]
    result = protect_table(
        matrix, DisclosurePolicy(k=k, round_to=round_to), [str(r) for r in rows], [str(c) for c in cols]
    )
    if fmt == "json":
        _json(result.to_dict())
        return
    records = []
    for r, cells, tot in zip(result.rows, result.cells, result.row_totals, strict=True):
        for c, cell in zip(result.cols, cells, strict=True):
            records.append((r, c, cell.value, cell.suppressed))
        records.append((r, "Total", tot.value, tot.suppressed))
    for c, cell in zip(result.cols, result.col_totals, strict=True):
        records.append(("Total", c, cell.value, cell.suppressed))
    records.append(("Total", "Total", result.total.value, result.total.suppressed))
    _csv(
        pl.DataFrame(
            records,
            schema={row_col: pl.String, col_col: pl.String, "value": pl.Int64, "suppressed": pl.String},
            orient="row",
        )
    )


@analyze.command()
@click.argument("infile", metavar="IN.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--measure", required=True, metavar="COL", help="The measure to compare, e.g. time_saved_hours."
)
@click.option("--version", "version_col", required=True, metavar="COL", help="Column with the tool version.")
@click.option("--date", "date_col", required=True, metavar="COL", help="Column with the response date.")
@click.option(
    "--tool", "tool_col", metavar="COL", help="Column with the tool, to compare each tool's versions."
)
@click.option(
    "--cluster", metavar="COL", help="Column whose members answer alike (default: workplace_id if present)."
)
@click.option(
    "--unknown",
    multiple=True,
    default=["dont_know"],
    show_default=True,
    help="Version values that mean 'not known'; left out.",
)
@K
@FORMAT
def change(
    infile: Path,
    measure: str,
    version_col: str,
    date_col: str,
    tool_col: str | None,
    cluster: str | None,
    unknown: tuple[str, ...],
    k: int,
    fmt: str,
) -> None:
    """Compare a measure before and after each version change.

    Versions are put in order by when responses about them start. For each version and the one before it:
    the difference in means with a 95% interval, the Mann-Whitney test with its effect size, the
    proportional-odds odds ratio for 1-5 scales, and a segmented regression of the weekly means around the
    date the new version first appears (level change and slope change).

    \b
    Example:
      chalkface analyze change responses.csv --measure time_saved_hours --version version_label \\
          --date submitted_on --tool tool_id
    """
    frame = _read(infile, text=(version_col,))
    if cluster is None and "workplace_id" in frame.columns:
        cluster = "workplace_id"
    if tool_col is None:
        tool_col = "__tool"
        frame = frame.with_columns(pl.lit("all").alias(tool_col))
    if date_col not in frame.columns:
        raise click.ClickException(f"{infile} has no column {date_col!r}")
    if frame.schema[date_col] not in (pl.Date, pl.Datetime):
        frame = frame.with_columns(pl.col(date_col).cast(pl.String).str.to_date(strict=False))
    order = version_order(frame, tool_col=tool_col, version=version_col, date=date_col, unknown=unknown)
    comparisons: list[dict[str, Any]] = []
    segmented: list[dict[str, Any]] = []
    for tool in sorted(order, key=str):
        sub = frame.filter(pl.col(tool_col) == tool)
        versions = order[tool]
        for before, after in zip(versions, versions[1:], strict=False):
            cmp = compare_versions(
                sub,
                measure,
                version=version_col,
                before=before,
                after=after,
                cluster=cluster,
                k=k,
                tool=None if tool_col == "__tool" else tool,
            )
            comparisons.append(cmp.to_dict() | {"sentence": cmp.sentence()})
            release = sub.filter(pl.col(version_col) == after)[date_col].min()
            entry: dict[str, Any] = {
                "tool": None if tool_col == "__tool" else tool,
                "before": before,
                "after": after,
                "release": str(release),
            }
            try:
                pair = sub.filter(pl.col(version_col).is_in([before, after]))
                its = segmented_regression(pair, measure, date=date_col, release=release, k=k)  # type: ignore[arg-type]
                entry |= its.to_dict() | {"summary": its.summary()}
            except EvidenceError as exc:
                entry["not_available"] = str(exc)
            segmented.append(entry)
    if fmt == "csv":
        if not comparisons:
            click.echo("")
            return
        _csv(pl.DataFrame(comparisons, infer_schema_length=None).with_columns(pl.all().cast(pl.String)))
    else:
        _json({"measure": measure, "k": k, "comparisons": comparisons, "segmented_regression": segmented})


def main() -> None:  # pragma: no cover - for `python -m chalkface.evidence.cli`
    analyze(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    main()
