"""Test data. Orders reach their states through the real services, never by assignment."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum import luhn

from framework_agreements.models import (
    Company,
    FrameworkAgreement,
    Holder,
    Lot,
    LotHolding,
    PriceLine,
)
from orders import happy_path, request_progress, services
from orders.enums import OrderState
from orders.models import Collectivity, TeamRequest
from procurement.models import Role, Service, User
from teams import services as team_services
from teams.models import Expert, Profession

_siret_seq = itertools.count(1)


def valid_siret():
    body = f"8{next(_siret_seq):07d}"
    siren = body + luhn.calc_check_digit(body)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


def valid_siren(n=1):
    body = f"2{n:07d}"
    return body + luhn.calc_check_digit(body)


def service(code):
    return Service.objects.get(code=code)


def complete_issuing_details(svc):
    """What a service must have before it issues a purchase order (printed on it)."""
    Service.objects.filter(pk=svc.pk).update(
        siret=svc.siret or valid_siret(),
        chorus_service_code=f"CODE-{svc.code}",
        accountant="Comptable assignataire de test",
        signatory_name="Signataire de test",
        signatory_function=f"chef du service {svc.short_name}",
        signatory_delegation="Décision du 2 janvier 2026 portant délégation",
        contact_email=f"contact@{svc.code.lower()}.example.gouv.fr",
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    role = Role.PILOT
    service = factory.LazyFunction(lambda: service("DDTM-35"))
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gouv.fr")
    password = factory.django.Password("pw-for-tests-2026")

    class Params:
        buyer = factory.Trait(
            role=Role.BUYER, service=factory.LazyFunction(lambda: service("DGALN-AD1"))
        )
        finance = factory.Trait(
            role=Role.FINANCE, service=factory.LazyFunction(lambda: service("DGALN-AD1"))
        )
        admin = factory.Trait(
            role=Role.ADMIN,
            is_staff=True,
            service=factory.LazyFunction(lambda: service("DGALN-AD1")),
        )
        pilot29 = factory.Trait(service=factory.LazyFunction(lambda: service("DDTM-29")))


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Bureau d'études {n}")
    siret = factory.LazyFunction(valid_siret)
    address = "1 rue de la Paix"
    postcode = "35000"
    city = "Rennes"


class HolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holder

    name = factory.Sequence(lambda n: f"Titulaire {n}")
    kind = "company"
    company = factory.SubFactory(CompanyFactory)
    contact_name = "Dominique Contact"
    contact_email = factory.Sequence(lambda n: f"contact{n}@titulaire.example.fr")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    holder = factory.SubFactory(HolderFactory)
    company = factory.LazyAttribute(lambda o: o.holder.company)
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Expert{n}")
    email = factory.Sequence(lambda n: f"expert{n}@bureau.example.fr")

    @factory.post_generation
    def professions(self, create, names, **kwargs):
        if create:
            self.professions.set(Profession.objects.filter(name__in=names or ["urbaniste"]))


def add_lead(order, **kwargs):
    expert = ExpertFactory(holder=order.holder, **kwargs)
    team_services.team_add_member(
        team=order.team, expert=expert, role="lead", days={"on_site": Decimal("2")}
    )
    return expert


def make_agreement(
    *,
    holders=3,
    maximum=Decimal("1000000.00"),
    rule="cascade",
    start=None,
    authorised=("DGALN-AD1", "DDTM-35"),
    prefix="FLASH",
    lot_maximum=None,
    lump_sums=None,
):
    start = start or (datetime.date.today() - datetime.timedelta(days=100))
    agreement = FrameworkAgreement.objects.create(
        reference=f"AC-{prefix}",
        title="Accord-cadre de test",
        number_prefix=prefix,
        mechanism="purchase_orders",
        procedure="open",
        notification_date=start,
        start_date=start,
        duration_months=48,
        maximum_amount=maximum,
        allocation_rule=rule,
        offers_received=4,
    )
    agreement.authorised_services.set([service(code) for code in authorised])
    for code in authorised:
        complete_issuing_details(service(code))
    lot = Lot.objects.create(
        agreement=agreement, number=1, title="National", maximum_amount=lot_maximum
    )
    for rank in range(1, holders + 1):
        holding = LotHolding.objects.create(lot=lot, holder=HolderFactory(), rank=rank)
        lump = (lump_sums or {}).get(rank, Decimal("18000.00") + rank * 100)
        PriceLine.objects.create(
            holding=holding, code="F01", label="Atelier Flash", unit="forfait", unit_price=lump
        )
        PriceLine.objects.create(
            holding=holding,
            code="F02",
            label="Journée supplémentaire",
            unit="jour",
            unit_price=Decimal("1333.33"),
        )
    return agreement


def make_request(pilot, *, state="draft", buyer=None, fmt="flash", title="Atelier de test"):
    request = TeamRequest(
        service=pilot.service,
        department=pilot.service.department,
        format=fmt,
        title=title,
        problem_statement="Un centre-bourg à revitaliser.",
        created_by=pilot,
    )
    request.save()
    Collectivity.objects.create(
        request=request, name="Commune test", kind="commune", siren=valid_siren()
    )
    paths = {
        "draft": [],
        "submitted": ["submit"],
        "returned": ["submit", "return_for_changes"],
        "accepted": ["submit", "accept"],
        "rejected": ["submit", "reject"],
        "withdrawn": ["withdraw"],
        "ordered": ["submit", "accept"],
        "completed": ["submit", "accept"],
    }
    for action in paths[state]:
        actor = pilot if action in ("submit", "withdraw") else buyer
        services.REQUEST_ACTIONS[action].run(request, by=actor, comment="motif de test")
    # The system moves that follow an order or a contract (orders/request_progress.py).
    for move in {"ordered": ["mark_ordered"], "completed": ["mark_ordered", "mark_completed"]}.get(
        state, []
    ):
        request_progress.move(request.pk, move, buyer, "test")
    return TeamRequest.objects.get(pk=request.pk)


def tiny_pdf():
    """A small, valid PDF (uploads are parsed)."""
    return happy_path.minimal_pdf("Test")


ORDER_PATH = happy_path.PATH
STEP_FOR_STATE = happy_path.ACTION_TO


def step_data(action, order):
    """The values a test posts or passes for one step (deliverables are fresh uploads)."""
    data = happy_path.default_data(action, order, datetime.date.today())
    if action == "deliver":
        data["deliverable"] = SimpleUploadedFile("s.pdf", tiny_pdf(), "application/pdf")
    return data


def make_order(pilot, buyer, finance, *, state=OrderState.DRAFT, request=None):
    """An order driven to `state` through the real services (the happy path)."""
    request = request or make_request(pilot, state="accepted", buyer=buyer)
    order = services.order_create(team_request=request, by=buyer)
    add_lead(order)  # the holder's proposed team: its project lead
    return happy_path.drive_order(order, state, buyer=buyer, finance=finance)


def make_local_agreement(*, holders=3, maximum=Decimal("4000000.00"), prefix="LOCAL", start=None):
    """A subsequent-contract agreement, its lot and holders, each with five experts."""
    start = start or (datetime.date.today() - datetime.timedelta(days=100))
    agreement = FrameworkAgreement.objects.create(
        reference=f"AC-{prefix}",
        title="Accord-cadre Local de test",
        number_prefix=prefix,
        mechanism="subsequent_contracts",
        procedure="open",
        notification_date=start,
        start_date=start,
        duration_months=48,
        minimum_amount=Decimal("200000.00"),
        maximum_amount=maximum,
        offers_received=3,
    )
    agreement.authorised_services.set([service("DGALN-AD1")])
    complete_issuing_details(service("DGALN-AD1"))
    lot = Lot.objects.create(agreement=agreement, number=1, title="National")
    for rank in range(1, holders + 1):
        holding = LotHolding.objects.create(lot=lot, holder=HolderFactory(), rank=rank)
        for index, names in enumerate(
            [["urbaniste"], ["paysagiste"], ["sociologue"], ["écologue"], ["architecte"]]
        ):
            ExpertFactory(holder=holding.holder, professions=names, first_name=f"E{index}")
    return agreement
