"""What the URL sweep (test_url_sweep.py) fills its URLs with: objects of one service."""

import datetime

import pytest
from django.core.files.base import ContentFile

from exports.models import ExportJob
from notifications import outbox
from notifications.models import OutgoingMessage
from orders import services
from orders.models import Offer, RequestAttachment
from teams import services as team_services
from tests.contract_factories import make_contract
from tests.factories import (
    ExpertFactory,
    make_agreement,
    make_local_agreement,
    make_order,
    make_request,
    tiny_pdf,
)
from tests.local_factories import make_consultation


@pytest.fixture
def world(all_users, settings):
    u = all_users
    (settings.MEDIA_ROOT / "attachments").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "x.pdf").write_bytes(tiny_pdf())
    make_agreement()
    order = make_order(u["pilot35"], u["buyer"], u["finance"], state="delivered")
    request = make_request(u["pilot35"], state="accepted", buyer=u["buyer"])
    attachment = RequestAttachment.objects.create(
        request=request,
        file="attachments/x.pdf",
        original_name="lettre.pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=u["pilot35"],
    )
    substitution = team_services.substitution_request(
        team=order.team,
        outgoing=order.team.members.first(),
        incoming=ExpertFactory(holder=order.holder),
        reason="Départ",
        by=u["buyer"],
    )
    invoice = services.invoice_record(
        order=order,
        by=u["finance"],
        kind="instalment",
        holder_number="F-1",
        received_on=order.delivered_at,
        amount_excl_tax=order.total_excl_tax / 2,
        vat=order.total_vat / 2,
    )
    make_local_agreement(holders=3)
    consultation = make_consultation(
        u["pilot35"], u["buyer"], "evaluating", start=datetime.date(2027, 3, 1)
    )
    offer = consultation.offers.filter(status="submitted").first()
    Offer.objects.filter(pk=offer.pk).update(memo="attachments/x.pdf")
    contract = make_contract(u["pilot35"], u["buyer"], "in_execution", accepted=1)
    message = outbox.queue(
        kind="order_step", about=order, to=["x@example.gouv.fr"], subject="S", paragraphs=["P"]
    )
    OutgoingMessage.objects.filter(pk=message.pk).update(status="failed", attempts=3)
    export = ExportJob.objects.create(
        kind="orders", label="Bons de commande", requested_by=u["finance"], status="ready"
    )
    export.file.save("export.xlsx", ContentFile(b"PK"), save=True)
    return {
        "export": export,
        "message": message,
        "order": order,
        "invoice": invoice,
        "local_request": make_request(
            u["pilot35"], state="accepted", buyer=u["buyer"], fmt="local"
        ),
        "consultation": consultation,
        "offer": Offer.objects.get(pk=offer.pk),
        "contract": contract,
        "phase": contract.phases.get(phase="diagnosis"),
        "accepted_phase": contract.phases.get(phase="kickoff"),
        "deliverable": contract.phases.get(phase="kickoff").deliverables.get(),
        "request": request,
        "attachment": attachment,
        "expert": order.team.members.first().expert,
        "substitution": substitution,
        "users": u,
    }
