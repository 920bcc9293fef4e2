"""The filters of the request and order lists, declared once for the page and its export
(django-filter): free-text search, state, department, holder, year, format, and the sort.

Search reads the number, the title, the collectivities and the holder with `icontains`. On
PostgreSQL, trigram indexes (pg_trgm, migration orders 0018) serve these ILIKE '%…%' scans;
SQLite, for development, scans. Every sort is served by an index (field, then pk).
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from dsfr.forms import DsfrBaseForm

from framework_agreements.models import FrameworkAgreement, Holder
from procurement import roles
from procurement.markers import history_model, latest_change
from procurement.models import Department
from procurement.pagination import count_key

from .enums import AtelierFormat, OrderState, RequestState
from .models import Collectivity, Document, DocumentKind, PurchaseOrder, TeamRequest


class FilterForm(DsfrBaseForm):
    """DSFR rendering for every filter form."""


def _search_collectivities(request_ref, text):
    return Exists(Collectivity.objects.filter(request=request_ref, name__icontains=text))


def scoped_departments(user):
    if roles.reads_everything(user):
        return Department.objects.all()
    service = getattr(user, "service", None)
    return service.departments() if service else Department.objects.none()


class ListFilter(django_filters.FilterSet):
    """What the two lists share: search box, department scoped to the user, year, sort."""

    q = django_filters.CharFilter(label="Rechercher", method="search", max_length=100)
    year = django_filters.NumberFilter(
        label="Année", field_name="created_at", lookup_expr="year", min_value=2000, max_value=2100
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        self.scope(request.user if request is not None else None)
        # After scope(): the form is built from the filters as scoped.
        self.form.fields["q"].widget.attrs["placeholder"] = self.search_hint

    def scope(self, user):
        """Offer only what the user may see: a pilot, their service's departments."""
        self.filters["department"].queryset = scoped_departments(user)

    def counted_changes(self):
        """What the list's count depends on besides a searched text, as latest_change sources:
        the rows the list holds and filters on (each change writes a history row)."""
        return [(history_model(TeamRequest), "history_id", "history_date")]

    def count_key(self):
        """The key the list's count is kept under (procurement.pagination), or None while a
        text is searched: it spans tables no marker follows (collectivities, holders)."""
        data = self.data or QueryDict()
        if data.get("q", "").strip():
            return None
        marker = latest_change(*self.counted_changes())
        return count_key(type(self).__name__, self.request.user, data, marker)

    @property
    def sort(self):
        """The sort in force ("number", "-amount"…), for the column headers."""
        value = (self.data or {}).get("sort", "")
        return value if value.lstrip("-") in self.SORTS else self.DEFAULT_SORT


def sort_filter(sorts):
    return django_filters.OrderingFilter(
        label="Trier par",
        fields=[(field, key) for key, (field, _label) in sorts.items()],
        field_labels={field: label for field, label in sorts.values()},
        empty_label=None,
        null_label=None,
    )


# key: (model field, label). Each has an index on (field, id) in both directions.
REQUEST_SORTS = {
    "created": ("created_at", "Date de création"),
    "title": ("title", "Intitulé"),
    "submitted": ("submitted_at", "Date de dépôt"),
}


class RequestFilter(ListFilter):
    SORTS = REQUEST_SORTS
    DEFAULT_SORT = "-created"
    department = django_filters.ModelChoiceFilter(
        label="Département", queryset=Department.objects.none(), empty_label="Tous"
    )
    search_hint = "Intitulé, collectivité"
    state = django_filters.ChoiceFilter(
        label="État", choices=RequestState.choices, empty_label="Tous"
    )
    format = django_filters.ChoiceFilter(
        label="Format", choices=AtelierFormat.choices, empty_label="Tous"
    )
    sort = sort_filter(REQUEST_SORTS)

    class Meta:
        model = TeamRequest
        form = FilterForm
        fields = ["q", "state", "format", "department", "year", "sort"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | _search_collectivities(OuterRef("pk"), value)
        )


ORDER_SORTS = {
    "created": ("created_at", "Date de création"),
    "number": ("number", "Numéro"),
    "amount": ("total_excl_tax", "Montant HT"),
    "session": ("session_start", "Session"),
}


class OrderFilter(ListFilter):
    SORTS = ORDER_SORTS
    DEFAULT_SORT = "-created"
    department = django_filters.ModelChoiceFilter(
        label="Département",
        field_name="request__department",
        queryset=Department.objects.none(),
        empty_label="Tous",
    )
    search_hint = "Numéro, atelier, collectivité, titulaire"
    state = django_filters.ChoiceFilter(
        label="État", choices=OrderState.choices, empty_label="Tous"
    )
    holder = django_filters.ModelChoiceFilter(
        label="Titulaire", queryset=Holder.objects.order_by("name"), empty_label="Tous"
    )
    format = django_filters.ChoiceFilter(
        label="Format",
        field_name="request__format",
        choices=AtelierFormat.choices,
        empty_label="Tous",
    )
    sort = sort_filter(ORDER_SORTS)

    def counted_changes(self):
        return [
            (history_model(PurchaseOrder), "history_id", "history_date")
        ] + super().counted_changes()

    def scope(self, user):
        super().scope(user)
        if not roles.reads_everything(user):
            # A pilot is offered the holders of their own service's orders only.
            self.filters["holder"].queryset = Holder.objects.filter(
                pk__in=PurchaseOrder.objects.visible_to(user).values("holder_id")
            ).order_by("name")

    class Meta:
        model = PurchaseOrder
        form = FilterForm
        fields = ["q", "state", "department", "holder", "year", "format", "sort"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(request__title__icontains=value)
            | Q(holder__name__icontains=value)
            | _search_collectivities(OuterRef("request_id"), value)
        )


def ordered(filterset, default):
    """The filtered rows in the chosen order, pk last so pages never overlap."""
    queryset = filterset.qs
    order = list(queryset.query.order_by) or list(default)
    return queryset.order_by(*order, "-pk" if order[0].startswith("-") else "pk")


def orders_for(user, data):
    """The order list's rows for this user and these query parameters (page, export, task)."""
    from types import SimpleNamespace

    filterset = OrderFilter(
        data or None,
        request=SimpleNamespace(user=user),
        queryset=PurchaseOrder.objects.visible_to(user).select_related(
            "holder__company", "request__department", "request__service", "agreement"
        ),
    )
    return filterset, ordered(filterset, PurchaseOrder._meta.ordering)


class DocumentFilter(django_filters.FilterSet):
    """The document register: kind, agreement, holder, production dates, reference."""

    reference = django_filters.CharFilter(label="Référence", lookup_expr="icontains", max_length=40)
    kind = django_filters.ChoiceFilter(
        label="Type", choices=DocumentKind.choices, empty_label="Tous"
    )
    agreement = django_filters.ModelChoiceFilter(
        label="Accord-cadre",
        queryset=FrameworkAgreement.objects.order_by("reference"),
        empty_label="Tous",
    )
    holder = django_filters.ModelChoiceFilter(
        label="Titulaire", queryset=Holder.objects.order_by("name"), empty_label="Tous"
    )
    produced_from = django_filters.DateFilter(
        label="Produit à partir du",
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    produced_to = django_filters.DateFilter(
        label="Produit jusqu'au",
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Document
        form = FilterForm
        fields = ["reference", "kind", "agreement", "holder", "produced_from", "produced_to"]
