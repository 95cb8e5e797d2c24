"""A one-row table whose token changes whenever check-ins are added, changed or deleted (a trigger on the
check-ins: on PostgreSQL once per statement, also on TRUNCATE; on SQLite once per row). It tells a reader
cheaply whether the check-ins may have changed since the columnar copy was made
(chalkface.insights.extract), instead of counting and summing every check-in on each page view.
Check-ins join the results in batches (chalkface.voice.actions.mixing), one statement per two thousand,
never one per submission, so the row the trigger updates is no point of contention for staff answering."""

from django.db import migrations

TABLE = "voice_checkinchange"

POSTGRESQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, token text NOT NULL);
INSERT INTO {TABLE} (id, token) VALUES (1, gen_random_uuid()::text) ON CONFLICT (id) DO NOTHING;
CREATE OR REPLACE FUNCTION voice_checkin_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (id, token) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS voice_response_changed ON voice_response;
CREATE TRIGGER voice_response_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON voice_response
    FOR EACH STATEMENT EXECUTE FUNCTION voice_checkin_changed();
"""
POSTGRESQL_BACK = f"""
DROP TRIGGER IF EXISTS voice_response_changed ON voice_response;
DROP FUNCTION IF EXISTS voice_checkin_changed();
DROP TABLE IF EXISTS {TABLE};
"""

_SQLITE_BUMP = (
    f"INSERT INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16)))) "
    "ON CONFLICT (id) DO UPDATE SET token = excluded.token;"
)
SQLITE = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, token text NOT NULL)",
    f"INSERT OR IGNORE INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))))",
    "DROP TRIGGER IF EXISTS voice_response_added",
    f"CREATE TRIGGER voice_response_added AFTER INSERT ON voice_response BEGIN {_SQLITE_BUMP} END",
    "DROP TRIGGER IF EXISTS voice_response_updated",
    f"CREATE TRIGGER voice_response_updated AFTER UPDATE ON voice_response BEGIN {_SQLITE_BUMP} END",
    "DROP TRIGGER IF EXISTS voice_response_deleted",
    f"CREATE TRIGGER voice_response_deleted AFTER DELETE ON voice_response BEGIN {_SQLITE_BUMP} END",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS voice_response_added",
    "DROP TRIGGER IF EXISTS voice_response_updated",
    "DROP TRIGGER IF EXISTS voice_response_deleted",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _run(schema_editor, postgresql: list[str], sqlite: list[str]) -> None:  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    statements = {"postgresql": postgresql, "sqlite": sqlite}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, [POSTGRESQL], SQLITE)


def _backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, [POSTGRESQL_BACK], SQLITE_BACK)


class Migration(migrations.Migration):
    dependencies = [("voice", "0006_partition_checkins_by_month")]

    operations = [migrations.RunPython(_forward, _backward)]
