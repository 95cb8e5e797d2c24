"""``chalkface analyze opinions``: the opinion map of a conversation from a CSV of votes.

A click command meant to be attached to the ``analyze`` group (``analyze.add_command(opinions)``); it also
runs on its own.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import click
import polars as pl

from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.opinions._votes import read_polis_votes
from chalkface.evidence.opinions.model import ChalkfaceModel
from chalkface.evidence.opinions.polis import PolisModel
from chalkface.evidence.opinions.result import OpinionMap

PATH = click.Path(exists=True, dir_okay=False, path_type=Path)


def read_votes(path: Path) -> pl.DataFrame:
    """Votes from a Pol.is ``votes.csv`` export (``voter-id``, ``comment-id``, ``vote``) or from a CSV with
    ``participant``, ``statement``, ``vote`` and optionally ``timestamp``."""
    try:
        header = pl.read_csv(path, n_rows=0).columns
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(f"could not read {path} as CSV: {exc}") from exc
    if "voter-id" in header:
        return read_polis_votes(path)
    try:
        return pl.read_csv(path, infer_schema_length=10000)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(f"could not read {path} as CSV: {exc}") from exc


def moderated_out(comments: Path | None, exclude: tuple[str, ...], votes: pl.DataFrame) -> set[Any]:
    """Statement ids moderated out: ``moderated == -1`` in a Pol.is ``comments.csv``, plus ``--exclude``."""
    ids: set[Any] = set()
    as_int = votes.schema["statement"].is_integer()
    for value in exclude:
        try:
            ids.add(int(value) if as_int else value)
        except ValueError as exc:
            raise click.BadParameter(f"statement ids are whole numbers here, got {value!r}") from exc
    if comments is not None:
        frame = pl.read_csv(comments, infer_schema_length=10000)
        if "comment-id" not in frame.columns or "moderated" not in frame.columns:
            raise click.ClickException(f"{comments} needs the columns comment-id and moderated")
        ids.update(frame.filter(pl.col("moderated") == -1)["comment-id"].to_list())
    return ids


def statements_frame(result: OpinionMap) -> pl.DataFrame:
    """One row per statement; per-group shares as ``group_<id>_agree_share`` columns."""
    rows = []
    for s in result.statements:
        row: dict[str, Any] = {
            "statement": s.id,
            "n_votes": s.n_votes,
            "n_agree": s.n_agree,
            "n_disagree": s.n_disagree,
            "n_pass": s.n_pass,
            "agree_share": s.agree_share,
            "estimated_agree_share": s.estimated_agree_share,
            "estimated_lower": None
            if s.estimated_agree_share_interval is None
            else s.estimated_agree_share_interval[0],
            "estimated_upper": None
            if s.estimated_agree_share_interval is None
            else s.estimated_agree_share_interval[1],
            "consensus": s.consensus,
            "bridging": s.bridging,
        }
        for g in s.groups:
            row[f"group_{g.group}_agree_share"] = g.agree_share
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


@click.command(name="opinions")
@click.argument("votes_path", metavar="VOTES.csv", type=PATH)
@click.option(
    "--method",
    type=click.Choice(["chalkface", "polis"]),
    default="chalkface",
    show_default=True,
    help="chalkface: a model of the votes cast, with bridging and uncertainty. polis: the Pol.is map.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed; the same seed gives the same map."
)
@click.option(
    "--comments", type=PATH, metavar="COMMENTS.csv", help="Pol.is comments export: moderated -1 is left out."
)
@click.option("--exclude", multiple=True, metavar="ID", help="Leave this statement out; repeat for several.")
@click.option(
    "--k",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Smallest group that may be shown; smaller groups are withheld.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "text"]),
    default="json",
    show_default=True,
    help="json: the whole map; csv: one row per statement; text: a summary.",
)
@click.option(
    "--predict", "pairs_path", type=PATH, metavar="PAIRS.csv", help="voter-id,comment-id rows to predict."
)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), metavar="PRED.csv")
@click.option(
    "--given-side", is_flag=True, help="With --predict: P(agree) among agree or disagree, passes aside."
)
def opinions(
    votes_path: Path,
    method: str,
    seed: int,
    comments: Path | None,
    exclude: tuple[str, ...],
    k: int,
    fmt: str,
    pairs_path: Path | None,
    out_path: Path | None,
    given_side: bool,
) -> None:
    """Map who agrees with whom: opinion groups, what each group stands for, consensus and bridging.

    VOTES.csv is a Pol.is votes export (timestamp, datetime, comment-id, voter-id, vote) or has the columns
    participant, statement, vote (1 agree, -1 disagree, 0 pass) and optionally timestamp; the latest vote
    of each participant on each statement counts.

    With --predict PAIRS.csv --out PRED.csv, writes voter-id,comment-id,p_agree for each pair instead
    (the chance the participant agrees; with --given-side, among agree or disagree).

    \b
    Examples:
      chalkface analyze opinions votes.csv --comments comments.csv
      chalkface analyze opinions votes.csv --method polis --seed 1 --format text
      chalkface analyze opinions votes.csv --predict pairs.csv --out predictions.csv
    """
    if (pairs_path is None) != (out_path is None):
        raise click.UsageError("--predict and --out go together")
    try:
        votes = read_votes(votes_path)
        mod = moderated_out(comments, exclude, votes) if "statement" in votes.columns else set()
        model: PolisModel | ChalkfaceModel = (
            PolisModel(seed=seed) if method == "polis" else ChalkfaceModel(seed=seed)
        ).fit(votes, mod)
        if pairs_path is not None and out_path is not None:
            _predict(model, pairs_path, out_path, given_side)
            return
        result = model.result_.released(k)
    except EvidenceError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        statements_frame(result).write_csv(buf)
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(result.summary())


def _predict(model: PolisModel | ChalkfaceModel, pairs_path: Path, out_path: Path, given_side: bool) -> None:
    pairs = pl.read_csv(pairs_path, infer_schema_length=10000)
    missing = [c for c in ("voter-id", "comment-id") if c not in pairs.columns]
    if missing:
        raise click.ClickException(f"{pairs_path} needs the columns voter-id and comment-id")
    frame = pairs.select(pl.col("voter-id").alias("participant"), pl.col("comment-id").alias("statement"))
    if isinstance(model, ChalkfaceModel):
        p = model.predict_proba(frame, given_side=given_side)
    else:
        p = model.predict_proba(frame)
    pairs.select("voter-id", "comment-id").with_columns(pl.Series("p_agree", p).round(6)).write_csv(out_path)
    click.echo(f"wrote {len(p)} predictions to {out_path}", err=True)
