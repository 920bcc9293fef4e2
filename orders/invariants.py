"""The invariants the law and the ledger require, checked over the whole database.

Used by `manage.py check_invariants`, the state-machine property test and the backup drill.
Each breach is one sentence naming the agreement, lot or order.
"""

import hashlib
from collections import defaultdict

from framework_agreements import ceiling
from framework_agreements.models import CommitmentEntry, FrameworkAgreement, NumberSequence
from procurement.money import format_euros

from . import contract_invariants
from .enums import OrderState
from .models import Document, PurchaseOrder, SubsequentContract

# States in which an order holds its amount against the ceiling.
LIVE_NUMBERED = set(OrderState.values) - {
    OrderState.DRAFT,
    OrderState.CANCELLED,
    OrderState.DECLINED,
}


def ceilings():
    breaches = []
    for agreement in FrameworkAgreement.objects.prefetch_related("lots"):
        ledger = ceiling.ledger_total_for(agreement=agreement)
        if ledger > agreement.maximum_amount:
            breaches.append(
                f"{agreement.reference} : {format_euros(ledger)} HT engagés dépassent le maximum "
                f"de {format_euros(agreement.maximum_amount)} HT."
            )
        for lot in agreement.lots.all():
            lot_ledger = ceiling.ledger_total_for(lot=lot)
            if lot.maximum_amount is not None and lot_ledger > lot.maximum_amount:
                breaches.append(
                    f"{agreement.reference} {lot} : {format_euros(lot_ledger)} HT engagés "
                    f"dépassent le maximum de {format_euros(lot.maximum_amount)} HT."
                )
        breaches += [
            f"Total courant différent du registre — {d}" for d in ceiling.verify(agreement)
        ]
    return breaches


def ledger_matches_orders():
    """Each purchase order holds its amount while live, nothing once ended or still a draft."""
    held = defaultdict(lambda: 0)
    for source, amount in CommitmentEntry.objects.values_list("source", "amount"):
        held[source] += amount
    breaches = []
    for order in PurchaseOrder.objects.only("pk", "number", "state", "total_excl_tax"):
        expected = order.total_excl_tax if order.state in LIVE_NUMBERED else 0
        if held.pop(order.source_key, 0) != expected:
            breaches.append(
                f"Bon de commande {order.number or order.pk} ({order.get_state_display()}) : le "
                f"registre ne porte pas {format_euros(expected)} HT."
            )
    for contract in SubsequentContract.objects.only("pk", "number", "total_excl_tax", "state"):
        expected = contract.expected_commitment()
        if held.pop(contract.source_key, 0) != expected:
            breaches.append(
                f"Marché subséquent {contract.number} : le registre ne porte pas "
                f"{format_euros(expected)} HT."
            )
    breaches += [
        f"Écriture sans commande correspondante : {source} ({format_euros(amount)} HT)."
        for source, amount in held.items()
        if amount and source.startswith(("purchase_order:", "subsequent_contract:"))
    ]
    return breaches


def gapless_numbers():
    taken = defaultdict(list)
    numbered = [
        *PurchaseOrder.objects.exclude(sequence__isnull=True).values_list(
            "agreement_id", "year", "sequence"
        ),
        *SubsequentContract.objects.values_list("agreement_id", "year", "sequence"),
    ]
    for agreement_id, year, sequence in numbered:
        taken[(agreement_id, year)].append(sequence)
    last = {(s.agreement_id, s.year): s.last for s in NumberSequence.objects.all()}
    breaches = []
    for key in set(taken) | set(last):
        numbers = sorted(taken.get(key, []))
        if numbers != list(range(1, last.get(key, 0) + 1)):
            breaches.append(
                f"Numérotation de l'accord {key[0]} en {key[1]} : numéros {numbers[:20]}, "
                f"séquence à {last.get(key, 0)} (trou, doublon ou séquence décalée)."
            )
    return breaches


def documents():
    """Every numbered order has its purchase-order PDF; every stored document is intact."""
    breaches = []
    with_pdf = set(
        Document.objects.filter(kind="purchase_order").values_list("purchase_order_id", flat=True)
    )
    for pk, number in PurchaseOrder.objects.exclude(number="").values_list("pk", "number"):
        if pk not in with_pdf:
            breaches.append(f"Bon de commande {number} : aucun PDF conservé.")
    reports = set(
        Document.objects.filter(kind="evaluation_report").values_list("consultation_id", flat=True)
    )
    letters = set(
        Document.objects.filter(kind="notification_letter").values_list("contract_id", flat=True)
    )
    for contract in SubsequentContract.objects.only(
        "pk", "number", "consultation_id", "notified_at"
    ):
        if contract.consultation_id not in reports:
            breaches.append(f"Marché {contract.number} : aucun rapport d'analyse conservé.")
        if contract.notified_at and contract.pk not in letters:
            breaches.append(f"Marché {contract.number} : aucune lettre de notification conservée.")
    for document in Document.objects.only("pk", "reference", "kind", "sha256", "content").iterator(
        chunk_size=200
    ):
        if hashlib.sha256(bytes(document.content)).hexdigest() != document.sha256:
            breaches.append(
                f"Document {document.reference} ({document.kind}, n° {document.pk}) : "
                "l'empreinte SHA-256 ne correspond plus au contenu."
            )
    return breaches


CHECKS = [
    ("Montants maximums", ceilings),
    ("Registre et commandes", ledger_matches_orders),
    ("Numérotation sans trou", gapless_numbers),
    ("Documents conservés", documents),
    *contract_invariants.CHECKS,
]


def breaches():
    return [(label, breach) for label, check in CHECKS for breach in check()]
