"""The models that migrations render leave no django-fsm-2 receiver behind (procurement.fsm),
and the application's own models keep their transitions."""

from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import class_prepared

from orders.models import PurchaseOrder, SubsequentContract


def test_rendering_a_migration_state_connects_no_receiver():
    # Read from the files alone: no database is needed to render a state.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = loader.project_state(("orders", "0011_contract_execution"))
    before = len(class_prepared.receivers)
    rendered = state.apps  # every model of the state, each FSMField among them
    assert rendered.get_model("orders", "PurchaseOrder")._meta.get_field("state")
    assert len(class_prepared.receivers) == before


def test_the_applications_models_keep_their_transitions():
    names = {t.name for t in PurchaseOrder().get_all_state_transitions()}
    assert {"issue", "notify", "cancel"} <= names
    assert {t.name for t in SubsequentContract().get_all_state_transitions()}
