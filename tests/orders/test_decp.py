"""DECP open data (schema v2.0.3): the agreements and the subsequent contracts of €40,000
excl. tax or more, validated against the national schema; never a partial file."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from jsonschema import Draft7Validator

from framework_agreements.models import FrameworkAgreement, Holder
from orders import decp
from orders.enums import OrderState
from orders.models import SubsequentContract
from procurement import clock
from procurement.models import Service
from tests.contract_factories import make_contract
from tests.factories import CompanyFactory, make_agreement, make_local_agreement, make_order

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "orders/data/decp/schema_decp_v2.0.3.json").read_text()
)


@pytest.fixture
def published(db, pilot35, buyer, finance):
    flash = make_agreement()
    # One Flash holder is a jointly liable consortium of two companies.
    consortium = Holder.objects.filter(holdings__lot__agreement=flash).first()
    member = CompanyFactory()
    Holder.objects.filter(pk=consortium.pk).update(
        kind="consortium", consortium_type="jointly_liable"
    )
    consortium.members.add(member)
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    local = make_local_agreement(holders=3)
    contract = make_contract(pilot35, buyer, "notified")  # 100 000 € excl. tax
    return flash, local, contract, order, member


def _export(tmp_path):
    target = tmp_path / "decp.json"
    call_command("export_decp", "-o", str(target), stdout=io.StringIO())
    return json.loads(target.read_text(encoding="utf-8"))


def test_the_file_validates_and_holds_the_agreements_and_the_contract_not_the_orders(
    tmp_path, published
):
    flash, local, contract, order, member = published
    with clock.frozen(datetime.date(2027, 6, 1)):
        document = _export(tmp_path)
    assert list(Draft7Validator(SCHEMA).iter_errors(document)) == []
    records = {r["id"]: r for r in document["marches"]["marche"]}
    assert set(records) == {
        "AC" + str(flash.notification_date.year) + "FLASH",
        "AC" + str(local.notification_date.year) + "LOCAL",
        contract.number,
    }
    assert all(len(key) <= 16 for key in records)
    assert order.number not in json.dumps(document)  # purchase orders: the agreement covers them
    flash_record = records[decp.agreement_id(flash)]
    assert flash_record["modalitesExecution"] == {"modaliteExecution": ["Bons de commande"]}
    assert flash_record["montant"] == float(flash.maximum_amount)
    assert flash_record["offresRecues"] == 4 and flash_record["techniques"]["technique"] == [
        "Accord-cadre"
    ]
    sirets = {t["titulaire"]["id"] for t in flash_record["titulaires"]}
    assert member.siret in sirets  # each member of a consortium, with its SIRET
    assert flash_record["typeGroupementOperateurs"] == "Solidaire"
    assert flash_record["lieuExecution"] == {"code": "FR", "typeCode": "Code pays"}
    ms = records[contract.number]
    assert ms["idAccordCadre"] == decp.agreement_id(local)
    assert ms["montant"] == 100000.0 and ms["offresRecues"] == 2
    assert ms["dateNotification"] == contract.notified_on.isoformat()
    assert ms["acheteur"]["id"] == contract.awarding_service.siret
    assert ms["lieuExecution"] == {"code": "35", "typeCode": "Code département"}
    assert ms["typesPrix"] == {"typePrix": ["Définitif révisable"]}
    assert "modifications" not in ms  # no amendment: the schema wants the key left out

    # The first publication is kept in each record's history.
    for obj in (flash, local, contract):
        last = obj.history.latest()
        assert last.decp_published_on == datetime.date(2027, 6, 1)
        assert last.history_change_reason.startswith("Première publication")

    # The first publication date never moves, and a second export writes no history.
    rows = contract.history.count()
    with clock.frozen(datetime.date(2027, 9, 1)):
        document = _export(tmp_path)
    for record in document["marches"]["marche"]:
        assert record["datePublicationDonnees"] == "2027-06-01"
    assert contract.history.count() == rows

    # A contract under 40 000 € excl. tax is not published.
    SubsequentContract.objects.filter(pk=contract.pk).update(
        total_excl_tax=Decimal("39999.99"),
        total_vat=Decimal("8000.00"),
        total_incl_tax=Decimal("47999.99"),
    )
    ids = {r["id"] for r in _export(tmp_path)["marches"]["marche"]}
    assert contract.number not in ids


def test_an_invalid_record_fails_the_whole_export_then_buyers_download_the_mended_file(
    client, tmp_path, published, buyer, finance, pilot35
):
    flash, _, contract, _, _ = published
    siret = contract.awarding_service.siret
    FrameworkAgreement.objects.filter(pk=flash.pk).update(offers_received=None)
    Service.objects.filter(pk=contract.awarding_service_id).update(siret="")
    target = tmp_path / "decp.json"
    with pytest.raises(CommandError) as raised:
        call_command("export_decp", "-o", str(target), stdout=io.StringIO())
    message = str(raised.value)
    assert f"accord-cadre {flash.reference}" in message and "offresRecues" in message
    assert f"marché subséquent {contract.number}" in message and "acheteur.id" in message
    assert list(tmp_path.iterdir()) == []  # nothing written
    assert not FrameworkAgreement.objects.filter(decp_published_on__isnull=False).exists()

    # Mended, the file is what buyers download; nobody else may.
    FrameworkAgreement.objects.filter(pk=flash.pk).update(offers_received=4)
    Service.objects.filter(pk=contract.awarding_service_id).update(siret=siret)
    client.force_login(buyer)
    response = client.get(reverse("orders:decp_json"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert list(Draft7Validator(SCHEMA).iter_errors(json.loads(response.content))) == []
    for user in (finance, pilot35):
        client.force_login(user)
        assert client.get(reverse("orders:decp_json")).status_code == 403
