import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from teams import exports
from teams import services as team_services
from teams.models import Expert
from tests.exports.sheets import rows_of, workbook_of
from tests.factories import CompanyFactory, ExpertFactory, HolderFactory, make_agreement, make_order


def _xlsx(rows):
    workbook = Workbook()
    ws = workbook.active
    ws.append([c for c, _, _ in exports.IMPORT_COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def holder(db):
    holder = HolderFactory(name="Groupement Test", kind="consortium", consortium_type="joint")
    holder.members.add(CompanyFactory(name="Cotraitant"))
    return holder


def _good_row(holder, email="a.b@x.fr", company=None):
    company = company or holder.company
    return [
        holder.name,
        company.siret,
        "Anne",
        "Bé",
        email,
        "0102030405",
        "urbaniste; paysagiste",
        "DPLG",
        "650,50",
    ]


def test_the_template_has_the_columns_and_the_professions(db):
    workbook = load_workbook(io.BytesIO(exports.import_template()))
    assert [c.value for c in workbook["Experts"][1]] == [c for c, _, _ in exports.IMPORT_COLUMNS]
    professions = [r[0] for r in workbook["Professions"].iter_rows(min_row=2, values_only=True)]
    assert "urbaniste" in professions and len(professions) == 10


def test_a_good_file_creates_the_experts(holder):
    member = holder.members.get()
    result = exports.import_experts(
        _xlsx([_good_row(holder), _good_row(holder, "c.d@x.fr", member)])
    )
    assert result.errors == [] and result.created == 2
    expert = Expert.objects.get(email="a.b@x.fr")
    assert expert.daily_rate == Decimal("650.50")
    assert sorted(p.name for p in expert.professions.all()) == ["paysagiste", "urbaniste"]
    assert Expert.objects.get(email="c.d@x.fr").company == member


def test_a_file_with_a_bad_row_writes_nothing_and_names_each_bad_row(holder):
    rows = [
        _good_row(holder),
        [holder.name, "12345678901234", "", "X", "pas-un-courriel", "", "plombier", "", "-3"],
        [holder.name, CompanyFactory().siret, "Li", "Lo", "l@x.fr", "", "urbaniste", "", ""],
        _good_row(holder),
    ]
    result = exports.import_experts(_xlsx(rows))
    assert not Expert.objects.exists()
    assert [e.split(" :")[0] for e in result.errors] == ["Ligne 3", "Ligne 4", "Ligne 5"]
    line3 = result.errors[0]
    for expected in (
        "SIRET inconnu",
        "prénom et nom",
        "courriel invalide",
        "« plombier »",
        "prix de journée invalide",
    ):
        assert expected in line3
    assert "n'appartient pas au titulaire" in result.errors[1]
    assert "en double" in result.errors[2]


def test_a_non_xlsx_file_is_refused_cleanly(db):
    result = exports.import_experts(b"not a workbook")
    assert result.errors == ["Le fichier n'est pas un classeur XLSX lisible."]


def test_import_page_reports_errors_row_by_row(client, buyer, holder):
    client.force_login(buyer)
    upload = SimpleUploadedFile(
        "experts.xlsx",
        _xlsx(
            [
                [holder.name, holder.company.siret, "A", "B", "bad", "", "urbaniste", "", ""],
            ]
        ),
    )
    response = client.post(reverse("teams:expert_import"), {"file": upload})
    page = response.content.decode()
    assert "Ligne 2" in page and "aucune ligne enregistrée" in page
    assert not Expert.objects.exists()


@pytest.mark.parametrize("role", ["pilot35", "finance"])
def test_only_managers_import(client, role, all_users):
    client.force_login(all_users[role])
    assert client.get(reverse("teams:expert_import")).status_code == 403
    assert client.get(reverse("teams:import_template")).status_code == 403


def _allocation_fixture(pilot35, buyer, finance):
    make_agreement()
    orders = [make_order(pilot35, buyer, finance) for _ in range(2)]
    expert = ExpertFactory(holder=orders[0].holder, professions=["paysagiste", "géographe"])
    for order in orders:
        team_services.team_add_member(
            team=order.team, expert=expert, role="expert", days={"preparation": 1, "on_site": 2.5}
        )
    return orders, expert


def test_export_teams_command_writes_one_row_per_expert_and_order(
    tmp_path, pilot35, buyer, finance
):
    orders, expert = _allocation_fixture(pilot35, buyer, finance)
    target = tmp_path / "equipes.xlsx"
    call_command("export_teams", "-o", str(target), stdout=io.StringIO())
    ws = load_workbook(target).active
    header = [c.value for c in ws[1]]
    header, rows, _ = rows_of(ws)
    assert header[:7] == [
        "Expert",
        "Professions",
        "Entreprise",
        "Titulaire",
        "Commande ou marché",
        "État",
        "Atelier",
    ]
    assert len(rows) == 4  # two leads (one per order) + the shared expert twice
    mine = [r for r in rows if r["Expert"] == str(expert)]
    assert {r["Commande ou marché"] for r in mine} == {o.team.reference for o in orders}
    assert all(
        r["Jours prévus"] == 3.5 and r["Professions"] == "géographe, paysagiste" for r in mine
    )
    assert ws.freeze_panes == "A2"


def test_workload_page_and_its_export(client, pilot35, buyer, finance):
    orders, expert = _allocation_fixture(pilot35, buyer, finance)
    client.force_login(buyer)
    page = client.get(reverse("teams:expert_detail", args=[expert.pk])).content.decode()
    assert "Plan de charge" in page and "<td>7,0</td>" in page  # 2 × 3,5 days this month
    response = client.get(reverse("teams:expert_workload_xlsx", args=[expert.pk]))
    _, rows, totals = rows_of(workbook_of(response).active)
    assert len(rows) == 2 and totals is not None  # this expert's two orders, then the total


@pytest.mark.parametrize(
    "role,status", [("buyer", 200), ("finance", 200), ("admin", 200), ("pilot35", 403)]
)
def test_expert_pages_are_for_dgaln_staff(client, role, status, all_users):
    expert = ExpertFactory()
    client.force_login(all_users[role])
    for url in (
        reverse("teams:expert_list"),
        reverse("teams:expert_detail", args=[expert.pk]),
        reverse("teams:allocation_xlsx"),
    ):
        assert client.get(url).status_code == status, url


def test_the_buyer_creates_an_expert_through_the_form(client, buyer, holder):
    from teams.models import Profession

    client.force_login(buyer)
    response = client.post(
        reverse("teams:expert_create"),
        {
            "holder": holder.pk,
            "company": holder.members.get().pk,
            "first_name": "Zoé",
            "last_name": "Marin",
            "email": "zoe@x.fr",
            "is_active": "on",
            "professions": [Profession.objects.get(name="écologue").pk],
        },
    )
    assert response.status_code == 302
    assert Expert.objects.get().company == holder.members.get()


def test_an_expert_of_another_company_is_refused(client, buyer, holder):
    from teams.models import Profession

    client.force_login(buyer)
    response = client.post(
        reverse("teams:expert_create"),
        {
            "holder": holder.pk,
            "company": CompanyFactory().pk,
            "first_name": "Zoé",
            "last_name": "Marin",
            "email": "zoe@x.fr",
            "professions": [Profession.objects.get(name="écologue").pk],
        },
    )
    assert response.status_code == 200 and "cotraitants" in response.content.decode()
    assert not Expert.objects.exists()


def test_a_month_over_twenty_working_days_is_flagged(pilot35, buyer, finance):
    orders, expert = _allocation_fixture(pilot35, buyer, finance)
    assert [row[3] for row in team_services.workload(expert)] == [False]
    for order in [make_order(pilot35, buyer, finance) for _ in range(4)]:
        team_services.team_add_member(
            team=order.team, expert=expert, role="expert", days={"on_site": 4}
        )
    ((month, teams, total, overloaded),) = team_services.workload(expert)
    assert total == Decimal("23.0") and overloaded and len(teams) == 6
