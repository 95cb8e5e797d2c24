"""The evidence layer must never import Django, directly or through a dependency."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import chalkface.evidence


def test_it_imports_every_module_without_django() -> None:
    modules = ["chalkface.evidence"] + [
        m.name for m in pkgutil.walk_packages(chalkface.evidence.__path__, prefix="chalkface.evidence.")
    ]
    assert "chalkface.evidence.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"django was imported: {out.stdout}"
