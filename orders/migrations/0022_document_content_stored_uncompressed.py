"""A document's bytes are stored as they are, out of line, without PostgreSQL's compression.

A PDF is already compressed (its page streams and fonts): TOAST's pglz tried on every 70 kB
purchase order, failed to shrink it, and cost 0.7 ms of the insert, inside the issuing
transaction while the agreement's numbering row is locked (STORAGE EXTERNAL: 0.2 ms). Other
databases have no such setting: nothing to do there.
"""

from django.db import migrations


def storage(mode):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE orders_document ALTER COLUMN content SET STORAGE {mode}"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("orders", "0021_invoice_and_interest_panel_indexes")]

    operations = [migrations.RunPython(storage("EXTERNAL"), storage("EXTENDED"))]
