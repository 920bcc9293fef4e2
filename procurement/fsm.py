"""django-fsm-2 and the models that migrations render.

Each FSMField connects a `class_prepared` receiver when it joins a model class, and never
disconnects it. Migrations render the project's models again at every step that changes them
(historical states, one class per step), so the receivers pile up: every new model class then
calls each of them, about 900 by the last migration. Building the schema of a new database
took 67 s on PostgreSQL, 34 s without them; the data-migration tests, which go back and forth,
spent most of their time there.

A rendered migration model carries fields and managers, never the transition methods: the
receiver finds nothing to collect on it. So for these models it is disconnected as soon as it is
connected. The application's own models (django.apps.apps) keep it: their transitions are
collected as before.
"""

from django.apps import apps as project_apps
from django.db.models.signals import class_prepared
from django_fsm import FSMFieldMixin

_library_contribute = FSMFieldMixin.contribute_to_class


def _contribute_to_class(self, cls, name, *args, **kwargs):
    _library_contribute(self, cls, name, *args, **kwargs)
    if cls._meta.apps is not project_apps:  # a migration state's model (StateApps)
        class_prepared.disconnect(self._collect_transitions)


def skip_migration_models():
    """Installed once, from ProcurementConfig.ready(), before any migration renders a model."""
    FSMFieldMixin.contribute_to_class = _contribute_to_class
