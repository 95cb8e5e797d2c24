"""PostgreSQL: vacuum the pending-submission table as soon as rows are deleted from it, so that the row
versions of mixed submissions do not linger (see chalkface.voice.actions.mixing)."""

from django.db import migrations


def _autovacuum(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("voice", "PendingSubmission")._meta.db_table)
    schema_editor.execute(
        f"ALTER TABLE {table} SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0)"
    )


class Migration(migrations.Migration):
    dependencies = [("voice", "0003_pool_typed_measures_record_keys")]
    operations = [migrations.RunPython(_autovacuum, migrations.RunPython.noop)]
