from procurement.models import Department, Region, Service


def test_it_ships_the_18_regions_and_101_departments(db):
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Department.objects.get(code="2A").region.code == "94"
    assert Department.objects.get(code="976").name == "Mayotte"


def test_coastal_departments_have_a_ddtm_and_others_a_ddt(db):
    assert Service.objects.get(code="DDTM-35").name == (
        "Direction départementale des territoires et de la mer d'Ille-et-Vilaine"
    )
    assert Service.objects.get(code="DDTM-29").short_name == "DDTM 29"
    assert Service.objects.get(code="DDT-01").name.endswith("de l'Ain")
    assert not Service.objects.filter(code="DDT-35").exists()


def test_overseas_and_ile_de_france_have_their_own_services(db):
    assert Service.objects.filter(kind="deal").count() == 5
    assert Service.objects.get(code="DRIEAT-11").kind == "drieat"
    assert Service.objects.get(code="UD_DRIEAT-75").department.code == "75"
    assert Service.objects.filter(kind="dreal").count() == 12
    assert Service.objects.get(code="DGALN-AD1").kind == "dgaln"


def test_a_regional_service_files_for_any_department_of_its_region(db):
    dreal = Service.objects.get(code="DREAL-53")
    assert sorted(d.code for d in dreal.departments()) == ["22", "29", "35", "56"]
    assert [d.code for d in Service.objects.get(code="DDTM-29").departments()] == ["29"]
