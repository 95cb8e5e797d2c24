"""``chalkface analyze themes``: what staff wrote, as themes with keywords and verbatim quotes, from a CSV.

Attached to the ``analyze`` group with ``analyze.add_command(themes_command(redact))``, where ``redact`` is
the project's comment redactor; ``themes`` is the same command without one (quotes are then shown as
written, and the output's notes say so).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import polars as pl

from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.themes import ThemeModel

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}


def _read(path: Path, text_columns: list[str]) -> pl.DataFrame:
    try:
        header = pl.read_csv(path, n_rows=0).columns
        overrides = {c: pl.String for c in text_columns if c in header}
        return pl.read_csv(path, infer_schema_length=10000, schema_overrides=overrides)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(f"could not read {path} as CSV: {exc}") from exc


def _as_boolean(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Accept true/false, yes/no or 1/0 in the may-quote column; anything else is an error."""
    if column not in frame.columns or frame.schema[column] == pl.Boolean:
        return frame
    values = frame[column].cast(pl.String).str.strip_chars().str.to_lowercase()
    bad = sorted({v for v in values.drop_nulls().to_list() if v not in _TRUE | _FALSE})
    if bad:
        raise click.ClickException(f"column {column!r} must hold true or false, not {bad[0]!r}")
    return frame.with_columns(values.is_in(list(_TRUE)).alias(column))


def themes_command(redact: Callable[[str], str] | None = None) -> click.Command:
    """The ``themes`` command, applying ``redact`` to every quote and keyword it prints."""

    @click.command(name="themes")
    @click.argument("infile", metavar="IN.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--text-column", required=True, metavar="COL", help="The column of free-text answers.")
    @click.option(
        "--may-quote",
        metavar="COL",
        help="A true/false column: only answers marked true are quoted (default: any answer may be).",
    )
    @click.option(
        "--group",
        metavar="COL",
        help="A column such as tool version: each theme's count per group is printed, and no quote comes "
        "from a group with fewer than --k answers in its theme.",
    )
    @click.option("--seed", type=int, default=0, show_default=True, help="Same data and seed, same themes.")
    @click.option(
        "--k",
        type=click.IntRange(min=2),
        default=10,
        show_default=True,
        help="Smallest theme, and smallest group a quote may come from.",
    )
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["json", "csv"]),
        default="json",
        show_default=True,
        help="json: themes and assignments; csv: one line per row with its theme.",
    )
    def themes(
        infile: Path,
        text_column: str,
        may_quote: str | None,
        group: str | None,
        seed: int,
        k: int,
        fmt: str,
    ) -> None:
        """Find the themes in a column of free-text answers, offline.

        Each theme has an id (0 is the largest), a label and keywords (its most distinctive words), its
        number of answers and up to 3 verbatim quotes. Every row is assigned a theme, or null when it fits
        none or has no text. The number of themes is chosen from the data.

        \b
        Example:
          chalkface analyze themes checkins.csv --text-column comment --may-quote may_quote --seed 1
        """
        frame = _read(infile, [c for c in (text_column, group) if c])
        if may_quote:
            frame = _as_boolean(frame, may_quote)
        try:
            model = ThemeModel(min_size=k, seed=seed, redact=redact).fit(
                frame, text_column, may_quote=may_quote, group=group
            )
        except EvidenceError as exc:
            raise click.ClickException(str(exc)) from exc
        result = model.result_.withhold(k)
        if fmt == "csv":
            out = pl.DataFrame(
                {"row": list(range(len(result.assignments))), "theme": list(result.assignments)},
                schema={"row": pl.Int64, "theme": pl.Int64},
            )
            buf = io.StringIO()
            out.write_csv(buf)
            click.echo(buf.getvalue(), nl=False)
            return
        themes_out: list[dict[str, Any]] = []
        for t in result.themes:
            item: dict[str, Any] = {
                "id": t.id,
                "label": t.label,
                "keywords": list(t.keywords),
                "size": t.size,
                "quotes": [q.text for q in t.quotes],
                "parents": list(t.parents),
            }
            if group:
                item["groups"] = {str(g): c for g, c in t.group_counts}
            themes_out.append(item)
        data = {
            "themes": themes_out,
            "assignments": [{"row": i, "theme": a} for i, a in enumerate(result.assignments)],
            "levels": [[g.to_dict() for g in level] for level in result.levels],
            "n_texts": result.n_texts,
            "n_other": result.n_other,
            "notes": [n.to_dict() for n in result.notes],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))

    return themes


themes = themes_command()
