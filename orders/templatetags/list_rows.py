"""The rows of the long lists (orders, requests, documents, consultations), built in Python.

A list page shows 25 rows of 8 to 11 cells. Through Django's template engine a row cost about
180 µs: a dozen nodes and their lookups, a `{% url %}`, two `|date`, a badge tag. That was a
third of the order list's server time at 100 000 orders, more than the rest of the page less
its frame. Here a row is one `format_html` call; the markup is the one the templates had
(tests/orders/test_list_rows.py: every cell, escaping, empty values). The page's frame, its
filters, headers and pagination stay in the templates.
"""

import datetime

from django import template
from django.template.defaultfilters import filesizeformat
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from procurement.pagination import kept_rows
from procurement.templatetags.procurement_tags import euros, state_badge

register = template.Library()

# A key no row has, to reverse a detail URL once per page and fill in each row's own key.
SLOT = 2_147_483_647


def _link(name):
    """A function pk -> the URL of that object's page (`name`), reversing once per page."""
    pattern = reverse(name, args=[SLOT])
    head, tail = pattern.split(str(SLOT))
    return lambda pk: f"{head}{pk}{tail}"


def day(value, dash=False, shown="%d/%m/%Y"):
    """`value|date:"d/m/Y"` (in the current time zone for a datetime); "—" for none if dash."""
    if value is None or value == "":
        return "—" if dash else ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(shown)


def day_time(value, dash=False):
    """`value|date:"d/m/Y H:i"`."""
    return day(value, dash, "%d/%m/%Y %H:%M")


def _rows(row_html, page, cells):
    """One `row_html` per row of `page`, filled with `cells(row)`, escaped (format_html),
    kept while nothing the rows show has changed (pagination.kept_rows)."""
    return kept_rows(page, lambda: format_html_join("\n", row_html, (cells(row) for row in page)))


ORDER_ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
    '<td class="amount">{}</td><td class="amount">{}</td><td>{}</td><td>{}</td></tr>'
)


@register.simple_tag
def order_rows(rows):
    url = _link("orders:order_detail")
    return _rows(
        ORDER_ROW,
        rows,
        lambda row: (
            url(row.pk),
            row.display_number,
            row.request.title,
            row.request.department.name,
            row.holder.name,
            day(row.session_start, dash=True),
            euros(row.total_excl_tax),
            euros(row.total_incl_tax),
            state_badge(row),
            day(row.created_at),
        ),
    )


REQUEST_ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td>'
    "<td>{}</td><td>{}</td><td>{}</td></tr>"
)


@register.simple_tag
def request_rows(rows):
    url = _link("orders:request_detail")
    return _rows(
        REQUEST_ROW,
        rows,
        lambda row: (
            url(row.pk),
            row.title,
            row.get_format_display(),
            row.department.name,
            row.department.code,
            ", ".join(c.name for c in row.collectivities.all()),
            row.service.short_name,
            day(row.created_at),
            day(row.submitted_at, dash=True),
            state_badge(row),
        ),
    )


DOCUMENT_ROW = (
    "<tr><td>{}</td><td>{}</td><td>{}</td>"
    '<td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
    '<td class="amount">{}</td><td><code class="sha256">{}</code></td>'
    '<td><ul class="fr-btns-group fr-btns-group--sm fr-btns-group--inline-md">'
    '<li><a class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-download-line" href="{}"'
    ' title="Télécharger {}">Télécharger</a></li>'
    '<li><form method="post" action="{}">{}<button class="fr-btn fr-btn--sm'
    ' fr-btn--secondary fr-icon-shield-line" type="submit" title="Vérifier l\'intégrité'
    ' de {}">Vérifier</button></form></li></ul></td></tr>'
)


# Where each row's verify form takes the session's CSRF token.
CSRF_SLOT = mark_safe("<!-- csrf -->")


@register.simple_tag(takes_context=True)
def document_rows(context, rows):
    download, verify = _link("orders:document_download"), _link("orders:document_verify")
    rows = _rows(
        DOCUMENT_ROW,
        rows,
        lambda doc: (
            doc.get_kind_display(),
            doc.reference,
            doc.version,
            doc.owner.get_absolute_url(),
            doc.owner_label,
            doc.agreement.reference,
            (doc.holder.name if doc.holder else "") or "—",
            day_time(doc.created_at),
            (doc.created_by.get_full_name() if doc.created_by else "") or "Système",
            filesizeformat(doc.size),
            doc.sha256,
            download(doc.pk),
            doc.filename,
            verify(doc.pk),
            CSRF_SLOT,
            doc.filename,
        ),
    )
    # The token is the session's: filled in after the rows are kept, once per page (what
    # {% csrf_token %} renders).
    return mark_safe(rows.replace(CSRF_SLOT, CsrfTokenNode().render(context)))


CONSULTATION_ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'
)


@register.simple_tag
def consultation_rows(rows):
    url, contract_url = _link("orders:consultation_detail"), _link("orders:contract_detail")

    def contract(row):
        awarded = getattr(row, "contract", None)  # none before the award
        if awarded is None:
            return "—"
        return format_html('<a href="{}">{}</a>', contract_url(awarded.pk), awarded.number)

    return _rows(
        CONSULTATION_ROW,
        rows,
        lambda row: (
            url(row.pk),
            row.reference,
            row.subject,
            row.request.department.name,
            day_time(row.deadline, dash=True),
            contract(row),
            state_badge(row),
        ),
    )
