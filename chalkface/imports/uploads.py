"""Files uploaded for import from the web: kept under random names in the data folder until the import
that reads them ends (however it ends, it deletes them)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from chalkface.imports.errors import ImportRefused
from chalkface.imports.tables import SUFFIXES


def web_limit_bytes() -> int:
    """The largest file that may be imported from the web (``CHALKFACE_IMPORT_LIMIT_MB``)."""
    return int(float(getattr(settings, "IMPORT_LIMIT_MB", 50)) * 1_000_000)


def uploads_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def save_upload(chunks: Iterable[bytes], filename: str) -> Path:
    """Write an uploaded file under a random name in the data folder; the import deletes it."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportRefused(f"{filename}: import a .csv or .xlsx file.")
    path = uploads_dir() / f"{secrets.token_hex(16)}{suffix}"
    with path.open("xb") as out:
        for chunk in chunks:
            out.write(chunk)
    path.chmod(0o600)
    return path
