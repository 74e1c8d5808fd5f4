from django.db import migrations

# 0017 added pattern-ops b-trees for prefix search on PostgreSQL, but Django already creates the same
# indexes for these columns (`…_like`, varchar_pattern_ops: `name` has db_index, `id_number` is unique):
# EXPLAIN shows `name LIKE '王%'` and `id_number LIKE '3300%'` served by those once these are gone.
# Two identical indexes only double the write cost (issue 11).
DROP = [
    "DROP INDEX IF EXISTS cadre_name_prefix",
    "DROP INDEX IF EXISTS cadre_id_number_prefix",
]
RECREATE = [
    "CREATE INDEX IF NOT EXISTS cadre_name_prefix ON selection_cadre (name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS cadre_id_number_prefix ON selection_cadre (id_number varchar_pattern_ops)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0019_merge_20261202_0540"),
    ]

    operations = [
        migrations.RunPython(_run(DROP), _run(RECREATE)),
    ]
