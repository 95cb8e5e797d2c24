"""``write``: a generated data set to files, byte for byte the same for the same configuration.

Each table goes to ``<table>.parquet`` (zstd level 3, fixed row groups, no timestamps) and/or ``<table>.csv``
(UTF-8, ISO dates, ``;``-joined lists, empty for null), plus ``truth.json`` (the planted truths) and
``manifest.json`` (configuration, row counts, column types and a SHA-256 of every file). JSON is written with
sorted keys.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chalkface.synth.generate import SynthData
from chalkface.synth.truths import SCHEMA_VERSION

FORMATS = ("parquet", "csv")
_ROW_GROUP = 256_000


def _json(path: Path, content: dict[str, Any]) -> None:
    path.write_text(
        json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(data: SynthData, out_dir: Path | str, formats: Sequence[str] = FORMATS) -> dict[str, int]:
    """Write every table of ``data`` in ``formats`` into ``out_dir`` (made if needed).

    Returns the number of rows of each table.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats must be some of {', '.join(FORMATS)}; got {', '.join(formats) or 'none'}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    columns: dict[str, list[list[str]]] = {}  # [name, polars dtype] pairs, in column order
    files: dict[str, dict[str, Any]] = {}
    for name, frame in data.tables().items():
        rows[name] = frame.height
        columns[name] = [[column, str(dtype)] for column, dtype in frame.schema.items()]
        if "parquet" in formats:
            path = out / f"{name}.parquet"
            frame.write_parquet(
                path, compression="zstd", compression_level=3, statistics=True, row_group_size=_ROW_GROUP
            )
            files[path.name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        if "csv" in formats:
            path = out / f"{name}.csv"
            frame.write_csv(path, date_format="%Y-%m-%d", null_value="")
            files[path.name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
    _json(out / "truth.json", data.truth)
    _json(
        out / "manifest.json",
        {
            "schema_version": SCHEMA_VERSION,
            "generator": "chalkface.synth",
            "seed": data.config.seed,
            "config": data.config.as_dict(),
            "formats": [f for f in FORMATS if f in formats],
            "rows": rows,
            "columns": columns,
            "files": files,
        },
    )
    return rows
