"""Trigram indexes for the lists' free-text search (orders/filters.py), PostgreSQL only.

Django's `icontains` becomes UPPER(col::text) LIKE UPPER('%…%') on PostgreSQL; a GIN index
on UPPER(col) with gin_trgm_ops serves it. SQLite (development) has no such index and scans.
"""

from django.db import migrations

INDEXES = [
    ("search_request_title", "orders_teamrequest", "title"),
    ("search_collectivity_name", "orders_collectivity", "name"),
    ("search_order_number", "orders_purchaseorder", "number"),
    ("search_holder_name", "framework_agreements_holder", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0017_list_sort_indexes"),
        ("framework_agreements", "0010_ledger_dated_by_clock"),
    ]

    operations = [migrations.RunPython(create, drop)]
