"""Backfill the ledger's fiscal year and the running committed totals.

The fiscal year of an existing row is the (Paris) year it was written; the orders app then
refines commitments with their order's own year and sets each row's holder
(orders 0006, which may read orders). Running totals are the ledger's sums.
"""

from django.db import migrations, models
from django.db.models import Sum
from django.utils import timezone


def backfill(apps, schema_editor):
    CommitmentEntry = apps.get_model("framework_agreements", "CommitmentEntry")
    FrameworkAgreement = apps.get_model("framework_agreements", "FrameworkAgreement")
    Lot = apps.get_model("framework_agreements", "Lot")
    for entry in CommitmentEntry.objects.filter(fiscal_year__isnull=True).only("created_at"):
        CommitmentEntry.objects.filter(pk=entry.pk).update(
            fiscal_year=timezone.localtime(entry.created_at).year
        )
    for model, key in ((FrameworkAgreement, "agreement_id"), (Lot, "lot_id")):
        totals = dict(
            CommitmentEntry.objects.exclude(**{key: None})
            .values_list(key)
            .annotate(total=Sum("amount"))
            .values_list(key, "total")
        )
        for pk, total in totals.items():
            model.objects.filter(pk=pk).update(committed_amount=total)


class Migration(migrations.Migration):
    dependencies = [("framework_agreements", "0003_ledger_running_totals_numbering")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="commitmententry",
            name="fiscal_year",
            field=models.PositiveSmallIntegerField(verbose_name="exercice"),
        ),
    ]
