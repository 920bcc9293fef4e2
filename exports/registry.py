"""The exports a business app offers, by kind: how many rows, and how to write the file.

A kind is registered by its app (AppConfig.ready) and used three ways with the same filters
and the same scope: the page's download, the background task for a large one, and the
management command for scheduled runs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from procurement import clock
from procurement.models import Role


@dataclass(frozen=True)
class ExportKind:
    kind: str
    title: str  # « Registre des commandes »: the file's Paramètres sheet, « Mes exports »
    slug: str  # the file name's stem
    count: Callable  # (user, params) -> rows it will hold, for the sync/queued choice
    write: Callable  # (user, params, out) -> rows written into the binary file `out`

    def filename(self):
        return f"{self.slug}-{clock.today():%Y-%m-%d}.xlsx"


KINDS = {}


def register(kind):
    KINDS[kind.kind] = kind


def get(kind):
    return KINDS[kind]


class ScheduledRun:
    """Who a scheduled run (a management command without --user) reads as: finance, which
    reads every row. Never a logged-in user: a view always passes request.user."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    role = Role.FINANCE
    pk = id = service_id = service = None
    username = "commande-planifiee"

    def get_full_name(self):
        return "Commande planifiée"


def describe(form):
    """The filters in force as (label, shown value), for the Paramètres sheet."""
    if not form.is_bound or not form.is_valid():
        return []
    described = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, (list, tuple)):
            shown = ", ".join(str(choices.get(v, v)) for v in value)
        else:
            shown = str(choices.get(value, value))
        described.append((str(field.label or name), shown))
    return described
