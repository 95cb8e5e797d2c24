"""Settings come from the environment and fail loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from chalkface.env import env_bool, env_int, env_list, env_secret


def _import_settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("CHALKFACE_", "SECRET_KEY", "DATABASE_"))
    }
    clean.update({"CHALKFACE_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-c", "import chalkface.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _import_settings({}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_starts_with_a_secret_key_and_defaults_to_sqlite(tmp_path: Path) -> None:
    result = _import_settings({"SECRET_KEY": "x" * 50}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
    assert (tmp_path).is_dir()


def test_it_reads_the_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("from-a-file\n")
    assert env_secret("SECRET_KEY", {"SECRET_KEY_FILE": str(key_file)}) == "from-a-file"


def test_it_refuses_a_secret_key_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        env_secret("SECRET_KEY", {"SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_it_refuses_both_a_secret_and_its_file(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY or SECRET_KEY_FILE"):
        env_secret("SECRET_KEY", {"SECRET_KEY": "a", "SECRET_KEY_FILE": str(tmp_path)})


def test_the_demo_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    first = _import_settings({"CHALKFACE_DEMO": "true"}, tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    _import_settings({"CHALKFACE_DEMO": "true"}, tmp_path)
    assert (tmp_path / "secret_key").read_text() == key


def test_it_refuses_a_database_it_does_not_support(tmp_path: Path) -> None:
    result = _import_settings({"SECRET_KEY": "x", "DATABASE_URL": "mysql://u@localhost/db"}, tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_it_reads_postgresql_from_database_url(tmp_path: Path) -> None:
    result = _import_settings({"SECRET_KEY": "x", "DATABASE_URL": "postgres://u@db:5432/chalk"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_a_yes_no_variable_names_itself_when_wrong() -> None:
    with pytest.raises(ImproperlyConfigured, match="CHALKFACE_DEBUG='maybe'"):
        env_bool("CHALKFACE_DEBUG", False, {"CHALKFACE_DEBUG": "maybe"})
    assert env_bool("CHALKFACE_DEBUG", False, {"CHALKFACE_DEBUG": "True"}) is True
    assert env_bool("CHALKFACE_DEBUG", True, {}) is True


def test_a_number_variable_names_itself_when_wrong() -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='smtp'"):
        env_int("EMAIL_PORT", 25, {"EMAIL_PORT": "smtp"})
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT=0 is below"):
        env_int("EMAIL_PORT", 25, {"EMAIL_PORT": "0"}, minimum=1)


def test_a_list_variable_splits_on_commas() -> None:
    assert env_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": "a.org, b.org,,"}) == ["a.org", "b.org"]


def test_production_hashes_passwords_with_argon2() -> None:
    import chalkface.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_embedded_database_runs_in_wal_mode(tmp_path: Path) -> None:
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'chalkface.settings'; django.setup();"
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHALKFACE_", "DATABASE_", "DJANGO_"))}
    clean.update({"CHALKFACE_DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"
    assert (tmp_path / "chalkface.sqlite3").exists()


def test_it_refuses_a_cache_it_does_not_know(tmp_path: Path) -> None:
    result = _import_settings({"SECRET_KEY": "x", "CHALKFACE_CACHE": "redis"}, tmp_path)
    assert result.returncode != 0
    assert "CHALKFACE_CACHE='redis'" in result.stderr


def test_production_shares_rate_limit_counters_through_the_database(tmp_path: Path) -> None:
    code = "import chalkface.settings as s; print(s.CACHES['default']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHALKFACE_", "DATABASE_"))}
    clean.update({"CHALKFACE_DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", result.stderr


def test_it_refuses_the_retired_per_minute_open_link_limit(tmp_path: Path) -> None:
    result = _import_settings({"SECRET_KEY": "x", "CHALKFACE_OPEN_LINKS_PER_MINUTE": "600"}, tmp_path)
    assert result.returncode != 0
    assert "CHALKFACE_OPEN_LINKS_PER_HOUR" in result.stderr


_PRODUCTION = {
    "SECRET_KEY": "production-like-" + "k3y" * 20,
    "ALLOWED_HOSTS": "chalkface.example.org",
    "CHALKFACE_CACHE": "memory",
}
_DEPLOY_CHECK = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING'); print('clean')"
)


def _run(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHALKFACE_", "SECRET_KEY", "DATABASE_", "SECURE_", "ALLOWED_HOSTS"))
    }
    clean.update({"CHALKFACE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "chalkface.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    result = _run(_DEPLOY_CHECK, _PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "clean" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_deploy_check_warns_when_https_is_turned_off(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    env = {**_PRODUCTION, "CHALKFACE_SSL_REDIRECT": "false", "CHALKFACE_HSTS_SECONDS": "0"}
    result = _run(_DEPLOY_CHECK, env, tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def test_production_turns_on_https_and_the_second_factor_and_debug_leaves_them_off(tmp_path: Path) -> None:
    show = (
        "import chalkface.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECOND_FACTOR_REQUIRED)"
    )
    production = _run(show, _PRODUCTION, tmp_path)
    assert production.stdout.split() == ["True", "31536000", "True", "True", "True"], production.stderr
    debug = _run(show, {"CHALKFACE_DEBUG": "true"}, tmp_path)
    assert debug.stdout.split() == ["False", "0", "False", "False", "False"], debug.stderr
    behind_proxy = _run(
        "import chalkface.settings as s; print(s.SECURE_PROXY_SSL_HEADER)",
        {**_PRODUCTION, "CHALKFACE_PROXY_SSL_HEADER": "true"},
        tmp_path,
    )
    assert "HTTP_X_FORWARDED_PROTO" in behind_proxy.stdout, behind_proxy.stderr
