"""The orders register for finance: purchase orders and subsequent contracts in one sheet.

Same filters and scope as the order list (orders/filters.py): a row the list would hide never
appears. A draft, cancelled or declined order is listed but flagged « non » in the « En
vigueur » column, and its amounts stay out of the committed columns, hence out of the totals.
Figures per row are computed by the database (subqueries), and rows are read in chunks, so
the memory used does not grow with the number of rows.
"""

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from procurement.xlsx import Column

from .enums import OrderState
from .models import (
    ContractState,
    Invoice,
    InvoiceKind,
    InvoiceState,
    PriceRevision,
    PurchaseOrder,
    SubsequentContract,
)

CHUNK = 2000
NOT_LIVE = {OrderState.DRAFT, OrderState.CANCELLED, OrderState.DECLINED}
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")

COLUMNS = [
    Column("Numéro"),
    Column("Type"),
    Column("État"),
    Column("En vigueur"),
    Column("Accord-cadre"),
    Column("Lot"),
    Column("Titulaire"),
    Column("SIRET"),
    Column("Service"),
    Column("Département"),
    Column("Demande"),
    Column("Émis ou attribué le", "date"),
    Column("Notifié le", "date"),
    Column("Accepté le", "date"),
    Column("Clos le", "date"),
    Column("Montant HT", "euro"),
    Column("Montant TTC", "euro"),
    Column("Engagé HT", "euro", total=True),
    Column("Engagé TTC", "euro", total=True),
    Column("Montant révisé HT", "euro", total=True),
    Column("EJ"),
    Column("Programme"),
    Column("Centre financier"),
    Column("Domaine fonctionnel"),
    Column("Activité"),
    Column("Facturé TTC", "euro", total=True),
    Column("Payé TTC", "euro", total=True),
    Column("Avance restant à rembourser", "euro", total=True),
]


def _sum(queryset, link, expression):
    """A correlated SUM as a subquery, grouped by the link to the outer row, so no join
    multiplies the outer rows."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(link).annotate(total=Sum(expression)).values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def _invoice_figures(link):
    """invoiced (net of credit notes, advance aside), paid, advance paid, advance repaid."""
    invoices = Invoice.objects.filter(**{link: OuterRef("pk")})
    billed = invoices.exclude(state=InvoiceState.REJECTED).exclude(kind=InvoiceKind.ADVANCE)
    credit = InvoiceKind.CREDIT_NOTE
    return {
        "invoiced_plus": _sum(billed.exclude(kind=credit), link, "amount_incl_tax"),
        "invoiced_minus": _sum(billed.filter(kind=credit), link, "amount_incl_tax"),
        "paid": _sum(invoices.filter(payment__isnull=False), link, "payment__amount"),
        "advance_paid": _sum(
            invoices.filter(kind=InvoiceKind.ADVANCE, payment__isnull=False),
            link,
            "payment__amount",
        ),
        "advance_repaid": _sum(billed, link, "advance_repayment"),
    }


def purchase_order_rows(orders):
    orders = (
        orders.select_related(
            "agreement", "lot", "holder__company", "request__department", "issuing_service"
        )
        .select_related("request__service")
        .annotate(**_invoice_figures("purchase_order"))
    )
    for order in orders.iterator(chunk_size=CHUNK):
        live = order.state not in NOT_LIVE
        yield _row(
            order,
            kind="Bon de commande",
            number=order.display_number,
            issued=order.issued_at,
            accepted=order.holder_accepted_at,
            live=live,
            revised=order.total_excl_tax if live else None,
        )


def contract_rows(contracts):
    revisions = PriceRevision.objects.filter(phase__contract=OuterRef("pk"))
    contracts = contracts.select_related(
        "agreement", "lot", "holder__company", "request__department", "request__service"
    ).annotate(
        revision=_sum(revisions, "phase__contract", F("revised_excl_tax") - F("price_excl_tax")),
        **_invoice_figures("subsequent_contract"),
    )
    for contract in contracts.iterator(chunk_size=CHUNK):
        yield _row(
            contract,
            kind="Marché subséquent",
            number=contract.number,
            issued=contract.awarded_at,
            accepted=contract.notified_on,
            live=True,  # a contract exists once awarded; a terminated one stays committed
            revised=contract.total_excl_tax + contract.revision,
        )


def _row(obj, *, kind, number, issued, accepted, live, revised):
    outstanding = obj.advance_paid - obj.advance_repaid if obj.advance_paid else None
    return [
        number,
        kind,
        obj.get_state_display(),
        "oui" if live else "non",
        obj.agreement.reference,
        f"Lot {obj.lot.number} — {obj.lot.title}",
        obj.holder.name,
        obj.holder.company.siret,
        obj.request.service.short_name,
        obj.request.department.name,
        obj.request.title,
        issued,
        obj.notified_at,
        accepted,
        obj.closed_at,
        obj.total_excl_tax,
        obj.total_incl_tax,
        obj.total_excl_tax if live else None,
        obj.total_incl_tax if live else None,
        revised,
        obj.ej_number,
        obj.budget_programme,
        obj.budget_centre,
        obj.budget_domain,
        obj.budget_activity,
        (obj.invoiced_plus - obj.invoiced_minus) or None,
        obj.paid or None,
        outstanding,
    ]


def contracts_like(filterset, user):
    """The subsequent contracts matching the order list's filters (same names, same scope)."""
    data = filterset.form.cleaned_data if filterset.is_bound else {}
    contracts = SubsequentContract.objects.visible_to(user)
    state = (filterset.data or {}).get("state")
    if state and state not in ContractState.values:
        return contracts.none()
    if state:
        contracts = contracts.filter(state=state)
    if data.get("department"):
        contracts = contracts.filter(request__department=data["department"])
    if data.get("holder"):
        contracts = contracts.filter(holder=data["holder"])
    if data.get("year"):
        contracts = contracts.filter(awarded_at__year=data["year"])
    if data.get("format"):
        contracts = contracts.filter(request__format=data["format"])
    text = (data.get("q") or "").strip()
    if text:
        contracts = contracts.filter(
            Q(number__icontains=text)
            | Q(request__title__icontains=text)
            | Q(holder__name__icontains=text)
            | Q(request__collectivities__name__icontains=text)
        ).distinct()
    return contracts.order_by("-awarded_at", "-pk")


def orders_like(filterset, queryset):
    state = (filterset.data or {}).get("state")
    if state and state not in OrderState.values:
        return PurchaseOrder.objects.none()
    return queryset


def register_rows(filterset, orders, user, kinds=("orders", "contracts")):
    if "orders" in kinds:
        yield from purchase_order_rows(orders_like(filterset, orders))
    if "contracts" in kinds:
        yield from contract_rows(contracts_like(filterset, user))
