from django.db import migrations

PROFESSIONS = [
    "architecte",
    "urbaniste",
    "paysagiste",
    "programmiste",
    "géographe",
    "sociologue",
    "écologue",
    "ingénieur mobilité",
    "économiste",
    "concertation/médiation",
]


def load(apps, schema_editor):
    Profession = apps.get_model("teams", "Profession")
    for name in PROFESSIONS:
        Profession.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
