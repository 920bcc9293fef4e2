"""Fast factories: an order placed directly in its state (a trait per state), with what that
state implies, for tests that do not exercise the path. `tests.factories.make_order` drives the
real services instead; tests/test_fast_factories.py checks that both agree."""

import datetime
from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone

from framework_agreements.models import FrameworkAgreement
from orders.enums import OrderState
from orders.models import Collectivity, PurchaseOrder, TeamRequest
from procurement.models import Role, User
from procurement.money import to_cents
from teams import services as team_services
from teams.models import Booking
from tests.factories import ORDER_PATH, ExpertFactory, service, tiny_pdf, valid_siren


class TeamRequestFactory(factory.django.DjangoModelFactory):
    """A request already in its state (the FSM field accepts a state at creation)."""

    class Meta:
        model = TeamRequest
        skip_postgeneration_save = True

    service = factory.LazyFunction(lambda: service("DDTM-35"))
    department = factory.LazyAttribute(lambda o: o.service.department)
    format = "flash"
    title = factory.Sequence(lambda n: f"Atelier rapide {n}")
    problem_statement = "Un centre-bourg à revitaliser."
    created_by = factory.LazyAttribute(lambda o: User.objects.filter(service=o.service).first())
    state = "draft"

    class Params:
        submitted = factory.Trait(state="submitted")
        accepted = factory.Trait(state="accepted")

    @factory.post_generation
    def collectivity(self, create, extracted, **kwargs):
        if create:
            Collectivity.objects.create(
                request=self, name="Commune test", kind="commune", siren=valid_siren()
            )


def _at(days):
    return datetime.date.today() + datetime.timedelta(days=days)


class PurchaseOrderFactory(factory.django.DjangoModelFactory):
    """An order placed directly in a state, with what that state implies: lines and totals,
    a team with its lead, and for a numbered order its gapless number, its commitment in the
    ledger (released when it ended) and a stored document. For tests that do not exercise
    the path; `make_order` drives the real services."""

    class Meta:
        model = PurchaseOrder
        skip_postgeneration_save = True

    request = factory.SubFactory(TeamRequestFactory, accepted=True)
    agreement = factory.LazyFunction(
        lambda: FrameworkAgreement.objects.filter(mechanism="purchase_orders").latest("pk")
    )
    lot = factory.LazyAttribute(lambda o: o.agreement.lots.order_by("number").first())
    holder = factory.LazyAttribute(lambda o: o.lot.holdings.order_by("rank").first().holder)
    allocation_reason = "Cascade : titulaire le mieux classé (fabrique de test)."
    created_by = factory.LazyFunction(lambda: User.objects.filter(role=Role.BUYER).first())
    session_start = factory.LazyFunction(lambda: _at(0))
    session_end = factory.LazyFunction(lambda: _at(0))
    session_place = "Mairie"
    delivery_deadline = factory.LazyFunction(lambda: _at(60))
    ej_number = factory.Sequence(lambda n: f"21{n:08d}")
    state = OrderState.DRAFT

    class Params:
        issued = factory.Trait(state=OrderState.ISSUED)
        notified = factory.Trait(state=OrderState.NOTIFIED)
        accepted = factory.Trait(state=OrderState.ACCEPTED)
        in_progress = factory.Trait(state=OrderState.IN_PROGRESS)
        delivered = factory.Trait(state=OrderState.DELIVERED)
        service_done = factory.Trait(state=OrderState.SERVICE_DONE)
        invoiced = factory.Trait(state=OrderState.INVOICED)
        paid = factory.Trait(state=OrderState.PAID)
        closed = factory.Trait(state=OrderState.CLOSED)
        cancelled = factory.Trait(state=OrderState.CANCELLED)
        declined = factory.Trait(state=OrderState.DECLINED)

    @factory.post_generation
    def complete(self, create, extracted, **kwargs):
        if create:
            # As the services do: the number and the commitment are taken in a transaction
            # (a browser test's live server runs without the test's own).
            with transaction.atomic():
                _complete_order(self)


def add_line(order, price, code=None):
    """One unit of a price line on the order, as the draft form records it."""
    from orders.models import OrderLine

    return OrderLine.objects.create(
        order=order,
        price_line=price,
        code=code or price.code,
        label=price.label,
        unit=price.unit,
        unit_price=price.unit_price,
        vat_rate=price.vat_rate,
        quantity=Decimal("1"),
    )


def _complete_order(order):
    from framework_agreements import ceiling, numbering
    from orders.models import HolderDecline, Invoice, Payment
    from orders.services import documents
    from teams.models import TeamMember

    price = order.price_schedule().first()
    add_line(order, price)
    order.total_excl_tax = price.unit_price
    order.total_vat = to_cents(price.unit_price * price.vat_rate)
    order.total_incl_tax = order.total_excl_tax + order.total_vat
    state = order.state
    reached = ORDER_PATH.index(state) if state in ORDER_PATH else -1
    ended = state in (OrderState.CANCELLED, OrderState.DECLINED)
    confirmed = reached >= ORDER_PATH.index(OrderState.ACCEPTED)
    team = team_services.team_create(
        holder=order.holder,
        label=order.request.title,
        service=order.request.service,
        required_professions=[],
        format=order.request.format,
    )
    TeamMember.objects.create(team=team, expert=ExpertFactory(holder=order.holder), role="lead")
    order.team = team
    buyer = order.created_by
    now = timezone.now()
    today = datetime.date.today()
    if state != OrderState.DRAFT:
        number = numbering.next_number(order.agreement, today.year)
        order.year, order.sequence, order.number = number.year, number.sequence, number.text
        order.issued_at, order.issued_by, order.issuing_service = now, buyer, buyer.service
        ceiling.commit(
            agreement=order.agreement,
            lot=order.lot,
            amount=order.total_excl_tax,
            source=order.source_key,
            reference=number.text,
            holder=order.holder,
            year=number.year,
            by=buyer,
        )
        team.reference = number.text
    steps = {
        OrderState.NOTIFIED: {"notified_at": now},
        OrderState.ACCEPTED: {"holder_accepted_at": today},
        OrderState.IN_PROGRESS: {"started_on": today},
        OrderState.DELIVERED: {"delivered_at": today},
        OrderState.SERVICE_DONE: {"service_done_at": today, "service_done_by": buyer},
        OrderState.CLOSED: {"closed_at": now},
    }
    for step_state, values in steps.items():
        if ORDER_PATH.index(step_state) <= reached or (
            state == OrderState.DECLINED and step_state == OrderState.NOTIFIED
        ):
            for name, value in values.items():
                setattr(order, name, value)
    if confirmed:
        team.confirmed_at = now
        Booking.objects.create(
            expert=team.members.get().expert,
            team=team,
            start=order.session_start,
            end=order.session_end,
            place=order.session_place,
        )
    team.save()
    if ended:
        order.end_reason = "motif"
        team.members.update(left_on=today)  # the experts leave with the ended order
        ceiling.release(
            agreement=order.agreement, source=order.source_key, reference=order.number, by=buyer
        )
        if state == OrderState.DECLINED:
            HolderDecline.objects.create(
                request=order.request,
                holder=order.holder,
                order=order,
                reason="motif",
                declined_on=today,
                recorded_by=buyer,
            )
    order.save()
    if reached >= ORDER_PATH.index(OrderState.INVOICED):
        invoice = Invoice.objects.create(
            purchase_order=order,
            kind="balance",
            holder_number="F-1",
            received_on=today,
            amount_excl_tax=order.total_excl_tax,
            vat=order.total_vat,
            amount_incl_tax=order.total_incl_tax,
            state="paid" if reached >= ORDER_PATH.index(OrderState.PAID) else "accepted",
            accepted_on=today,
            created_by=buyer,
        )
        if invoice.state == "paid":
            Payment.objects.create(
                invoice=invoice, paid_on=today, amount=invoice.amount_incl_tax, recorded_by=buyer
            )
    if state != OrderState.DRAFT:
        documents.store(
            kind="purchase_order",
            content=tiny_pdf(),
            filename=f"bon-de-commande-{order.number}.pdf",
            reference=order.number,
            agreement=order.agreement,
            holder=order.holder,
            by=buyer,
            purchase_order=order,
        )


def fast_order(pilot, buyer, finance=None, *, state=OrderState.DRAFT, request=None):
    """Same signature as make_order, without the service chain."""
    request = request or TeamRequestFactory(service=pilot.service, created_by=pilot, accepted=True)
    return PurchaseOrderFactory(request=request, created_by=buyer, state=state)
