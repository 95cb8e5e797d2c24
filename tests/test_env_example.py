"""Every environment variable the settings read is documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_variable_is_in_env_example() -> None:
    source = (ROOT / "chalkface" / "settings.py").read_text()
    read = set(re.findall(r"env_(?:bool|int|str|list|path|secret)\(\s*\"([A-Z_]+)\"", source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert read, "found no environment variables in settings.py"
    assert read <= documented, f"missing from .env.example: {sorted(read - documented)}"
