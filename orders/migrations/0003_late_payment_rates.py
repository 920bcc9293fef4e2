from datetime import date
from decimal import Decimal

from django.db import migrations

# ECB main refinancing rate on the first day of each half-year (R2192-31 CCP). Administrators
# add each new half-year's rate in the admin.
RATES = [
    (date(2024, 1, 1), Decimal("4.50")),
    (date(2024, 7, 1), Decimal("4.25")),
    (date(2025, 1, 1), Decimal("3.15")),
    (date(2025, 7, 1), Decimal("2.15")),
    (date(2026, 1, 1), Decimal("2.15")),
    (date(2026, 7, 1), Decimal("2.15")),
]


def load(apps, schema_editor):
    LatePaymentRate = apps.get_model("orders", "LatePaymentRate")
    for valid_from, rate in RATES:
        LatePaymentRate.objects.get_or_create(valid_from=valid_from, defaults={"ecb_rate": rate})


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
