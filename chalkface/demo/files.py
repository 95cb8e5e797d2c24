"""Reading ``chalkface synth`` output: Parquet where it exists, else CSV typed by the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from chalkface.errors import ChalkfaceError

REGISTER_TABLES = ("suppliers", "tools", "tool_versions", "workplaces", "deployments")


class LoadError(ChalkfaceError):
    """The folder is not loadable synth output, or it is already loaded."""


def read_synth_table(directory: Path, name: str) -> pl.DataFrame:
    parquet, csv = directory / f"{name}.parquet", directory / f"{name}.csv"
    if parquet.exists():
        return pl.read_parquet(parquet)
    if csv.exists():
        # The manifest records each column's type, so labels such as "2.10" stay text.
        return pl.read_csv(csv, schema_overrides=_manifest_schema(directory, name), try_parse_dates=True)
    raise LoadError(f"{directory} has no {name}.parquet or {name}.csv; is it `chalkface synth` output?")


def _manifest_schema(directory: Path, name: str) -> dict[str, pl.DataType] | None:
    manifest = directory / "manifest.json"
    if not manifest.exists():
        return None
    columns = json.loads(manifest.read_text()).get("columns", {}).get(name)
    if not columns:
        return None
    return {column: getattr(pl, dtype)() for column, dtype in columns}
