"""What only the orders app knows, backfilled for the new shared parts:

- each ledger row's holder, and a commitment's fiscal year = its order's year;
- one numbering sequence per agreement and year, at the last number taken;
- each team's format, from its request.
"""

from django.db import migrations
from django.db.models import Max


def backfill(apps, schema_editor):
    PurchaseOrder = apps.get_model("orders", "PurchaseOrder")
    CommitmentEntry = apps.get_model("framework_agreements", "CommitmentEntry")
    NumberSequence = apps.get_model("framework_agreements", "NumberSequence")
    Team = apps.get_model("teams", "Team")
    orders = PurchaseOrder.objects.exclude(sequence__isnull=True).values(
        "pk", "holder_id", "year", "agreement_id"
    )
    for order in orders:
        entries = CommitmentEntry.objects.filter(source=f"purchase_order:{order['pk']}")
        entries.update(holder_id=order["holder_id"])
        entries.filter(kind="commit").update(fiscal_year=order["year"])
    last = (
        PurchaseOrder.objects.exclude(sequence__isnull=True)
        .values("agreement_id", "year")
        .annotate(last=Max("sequence"))
    )
    for row in last:
        NumberSequence.objects.update_or_create(
            agreement_id=row["agreement_id"], year=row["year"], defaults={"last": row["last"]}
        )
    for order in PurchaseOrder.objects.exclude(team__isnull=True).values(
        "team_id", "request__format"
    ):
        Team.objects.filter(pk=order["team_id"]).update(format=order["request__format"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_documents"),
        ("teams", "0004_several_bookings_phases"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
