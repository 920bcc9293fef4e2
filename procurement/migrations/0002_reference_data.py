from django.db import migrations


def load(apps, schema_editor):
    from procurement.reference_data import load as load_reference

    load_reference(
        apps.get_model("procurement", "Region"),
        apps.get_model("procurement", "Department"),
        apps.get_model("procurement", "Service"),
    )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
