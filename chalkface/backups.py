"""Backing up and restoring the database (docs/deploying.md, "Backups").

SQLite is copied page by page with SQLite's online backup (``sqlite3.Connection.backup``), which gives a
consistent copy while the site keeps running. PostgreSQL is dumped with ``pg_dump --format=custom`` and
restored with ``pg_restore --clean --if-exists`` in one transaction (its script run by ``psql``, after the
tables partitioned by month are dropped whole), so a restore that fails changes nothing. The password
reaches the PostgreSQL tools through their environment, never their command line.

The secret key is not in the database and is not in a backup: keep it separately (see the guide).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A table every Chalkface database has; a backup without it is not one of ours.
MIGRATIONS_TABLE = "django_migrations"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the person at the command line."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds, as far as it can be seen without restoring it."""

    kind: str
    tables: int
    responses: int | None = None


def backup(connection: Any, out: Path) -> None:
    """Write a backup of the database behind Django ``connection`` to ``out``."""
    if _vendor(connection) == "sqlite":
        _sqlite_backup(connection, out)
    else:
        _pg_run("pg_dump", ["--format=custom", f"--file={out}"], connection.settings_dict)


def restore(connection: Any, source: Path) -> None:
    """Replace the database behind Django ``connection`` with the backup in ``source``."""
    check(connection, source)
    if _vendor(connection) == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("A restore cannot run inside a transaction.")
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db:
            backup_db.backup(connection.connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = %s", [CHANGES])
            if cursor.fetchone()[0]:
                cursor.execute("UPDATE voice_checkinchange SET token = lower(hex(randomblob(16)))")
    else:
        connection.close()  # the restore drops and creates tables; this process holds nothing open meanwhile
        _pg_restore(source, connection.settings_dict)


#: The check-ins' change token (migration voice 0007): renewed after a restore, so that a copy of the
#: check-ins made before it is never taken for current (the restored table may carry the same token and,
#: after new check-ins, the same highest id).
CHANGES = "voice_checkinchange"
_PG_RENEW = (
    "RESET search_path;\n"  # the restore script empties it
    "DO $$ BEGIN IF to_regclass('voice_checkinchange') IS NOT NULL THEN "
    "UPDATE voice_checkinchange SET token = gen_random_uuid()::text; END IF; END $$;\n"
)


def check(connection: Any, source: Path) -> Summary:
    """Read a backup without restoring it, and say what it holds; raise :class:`BackupError` if it is not
    a whole Chalkface backup for this kind of database."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if _vendor(connection) == "sqlite":
        return _sqlite_check(source)
    listing = _pg_run("pg_restore", ["--list", str(source)], connection.settings_dict, database=False)
    tables = [line for line in listing.splitlines() if " TABLE public " in line]
    if not any(f" {MIGRATIONS_TABLE} " in line for line in tables):
        raise BackupError(f"{source} is not a Chalkface backup: it has no {MIGRATIONS_TABLE} table.")
    return Summary(kind="PostgreSQL", tables=len(tables))


def _vendor(connection: Any) -> str:
    vendor = str(connection.vendor)
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Chalkface backs up SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _sqlite_backup(connection: Any, out: Path) -> None:
    connection.ensure_connection()
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with sqlite3.connect(partial) as target:
            connection.connection.backup(target)
            # the copy stands alone: no write-ahead log beside it
            target.execute("PRAGMA journal_mode=DELETE")
        target.close()
        _sqlite_check(partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_check(source: Path) -> Summary:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as db:
            result = db.execute("PRAGMA integrity_check").fetchone()
            names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            responses = (
                db.execute("SELECT COUNT(*) FROM voice_response").fetchone()[0]
                if "voice_response" in names
                else None
            )
        db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite backup that can be read ({exc}).") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{source} is damaged: SQLite's integrity check says {result}.")
    if MIGRATIONS_TABLE not in names:
        raise BackupError(f"{source} is not a Chalkface backup: it has no {MIGRATIONS_TABLE} table.")
    return Summary(kind="SQLite", tables=len(names), responses=responses)


def _pg_run(tool: str, args: list[str], settings: Mapping[str, Any], database: bool = True) -> str:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            f"{tool} was not found. Install the PostgreSQL client tools of the same major version as the "
            "server (on Debian and Ubuntu: apt install postgresql-client) and try again."
        )
    env = {**os.environ, **_pg_environment(settings)}
    command = [program, *args, *([f"--dbname={settings['NAME']}"] if database else [])]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


#: Tables partitioned by month: ``pg_restore --clean`` cannot drop a partition's inherited key or
#: indexes one by one, so these are dropped whole (with their partitions) before the rest is cleaned.
PARTITIONED = ("voice_response",)


def _pg_restore(source: Path, settings: Mapping[str, Any]) -> None:
    """``pg_restore --clean --if-exists`` as one transaction: its script streamed into ``psql
    --single-transaction`` after dropping the partitioned tables, stopping at the first error (so that a
    restore that fails changes nothing)."""
    programs = {tool: shutil.which(tool) for tool in ("pg_restore", "psql")}
    missing = [tool for tool, program in programs.items() if program is None]
    if missing:
        raise BackupError(
            f"{missing[0]} was not found. Install the PostgreSQL client tools of the same major version as "
            "the server (on Debian and Ubuntu: apt install postgresql-client) and try again."
        )
    env = {**os.environ, **_pg_environment(settings)}
    # the tools' messages go to files, so that neither can fill a pipe nobody reads while the script flows
    with tempfile.TemporaryFile() as script_log, tempfile.TemporaryFile() as apply_log:
        script = subprocess.Popen(  # noqa: S603 - fixed programs, the file name as one argument
            [str(programs["pg_restore"]), "--clean", "--if-exists", "--no-owner", "--file=-", str(source)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=script_log,
        )
        apply = subprocess.Popen(  # noqa: S603
            [
                str(programs["psql"]),
                "--single-transaction",
                "--quiet",
                "--no-psqlrc",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={settings['NAME']}",
            ],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=apply_log,
        )
        assert script.stdout is not None and apply.stdin is not None
        try:
            apply.stdin.write("".join(f"DROP TABLE IF EXISTS {t} CASCADE;\n" for t in PARTITIONED).encode())
            shutil.copyfileobj(script.stdout, apply.stdin, length=1 << 20)
            apply.stdin.write(_PG_RENEW.encode())
        except BrokenPipeError:
            pass  # psql stopped at an error: its message says which
        finally:
            apply.stdin.close()
        script.wait()
        apply.wait()
        for process, log in ((script, script_log), (apply, apply_log)):
            if process.returncode != 0:
                log.seek(0)
                message = log.read().decode(errors="replace").strip()
                raise BackupError(f"pg_restore failed: {message or process.returncode}")


def _pg_environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """The connection as libpq's environment variables (the password is never on a command line)."""
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    env = {variable: str(settings[key]) for key, variable in names.items() if settings.get(key)}
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env
