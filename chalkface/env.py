"""Typed readers for environment variables that fail loudly.

Every setting that comes from the environment goes through one of these, so a mistyped value stops the
process at start-up with ``ImproperlyConfigured`` naming the variable, instead of misbehaving later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

Environ = Mapping[str, str]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool, environ: Environ | None = None) -> bool:
    """A yes/no variable: accepts 1/0, true/false, yes/no, on/off (any case)."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use true or false")


def env_int(name: str, default: int, environ: Environ | None = None, minimum: int | None = None) -> int:
    """A whole-number variable, optionally with a lower bound."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_str(name: str, default: str, environ: Environ | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_list(name: str, default: list[str], environ: Environ | None = None) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, environ: Environ | None = None) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (for Docker and systemd credentials).

    Setting both is an error, as is a NAME_FILE that cannot be read or is empty.
    """
    environ = os.environ if environ is None else environ
    direct = environ.get(name)
    file_name = environ.get(f"{name}_FILE")
    if direct and file_name:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}") from None
        if not value:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} is empty")
        return value
    return direct or None


def env_path(name: str, default: Path, environ: Environ | None = None) -> Path:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return Path(raw).expanduser().resolve()
