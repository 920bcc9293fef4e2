import functools

from django import template
from django.utils.html import format_html, format_html_join

from procurement import pagination
from procurement.markers import kept_html
from procurement.money import format_euros

register = template.Library()

# DSFR badge colour per state.
BADGES = {
    "draft": "info",
    "submitted": "new",
    "returned": "warning",
    "accepted": "success",
    "rejected": "error",
    "withdrawn": "info",
    "issued": "new",
    "notified": "new",
    "in_progress": "info",
    "delivered": "info",
    "service_done": "success",
    "invoiced": "info",
    "paid": "success",
    "closed": "success",
    "cancelled": "error",
    "declined": "warning",
    "received": "new",
    "launched": "new",
    "opened": "info",
    "evaluating": "info",
    "awarded": "success",
    "unsuccessful": "warning",
    "interrupted": "warning",
    "ordered": "new",
    "completed": "success",
}


@register.filter
def euros(value):
    if value is None or value == "":
        return "—"
    return format_euros(value)


@functools.cache
def state_labels(model):
    """{state: label} of a model's `state` field. get_state_display() rebuilds this mapping
    from the field's choices on every call: 25 times a list page."""
    return dict(model._meta.get_field("state").flatchoices)


@register.simple_tag
def state_badge(obj):
    colour = BADGES.get(obj.state, "info")
    return format_html(
        '<p class="fr-badge fr-badge--sm fr-badge--{} fr-badge--no-icon">{}</p>',
        colour,
        state_labels(type(obj)).get(obj.state, obj.state),
    )


@register.filter
def minutes(duration):
    """A timedelta as whole minutes (the lockout page's cool-off)."""
    return int(duration.total_seconds() // 60) if duration else ""


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (a table built from a dict), or None."""
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, css=""):
    """A sortable column header: a link that sorts by `key` (then reverses it), keeping the
    filters and going back to page 1; aria-sort says the current order."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    current = context["filterset"].sort
    aria = {key: "ascending", f"-{key}": "descending"}.get(current)
    params["sort"] = f"-{key}" if current == key else key
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(aria, "")
    return format_html(
        '<th scope="col"{}{}><a href="?{}" title="Trier par {}">{}<span aria-hidden="true">{}'
        "</span></a></th>",
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', aria) if aria else "",
        params.urlencode(),
        label.lower(),
        label,
        arrow,
    )


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """The DSFR error summary: every error of these forms (or formsets), each linking to its
    field. It takes the focus on load (autofocus on a tabindex=-1 block: no script)."""
    entries = []
    for form in forms:
        if form is None:
            continue
        if hasattr(form, "forms"):  # a formset
            entries += [{"message": e} for e in form.non_form_errors()]
            for sub in form.forms:
                entries += _form_errors(sub)
        else:
            entries += _form_errors(form)
    return {"entries": entries}


def _form_errors(form):
    if not form.is_bound:
        return []
    entries = [{"message": message} for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        field = form[name]
        for message in errors:
            entries.append({"id": field.id_for_label, "label": field.label, "message": message})
    return entries


@register.filter
def has_errors(form):
    """True when the form (or formset) was posted with errors: the page title says so."""
    if form is None or not getattr(form, "is_bound", False):
        return False
    if hasattr(form, "total_error_count"):
        return form.total_error_count() > 0
    return bool(form.errors)


@register.simple_tag
def filter_fields(form, key=None, wide=("q",), skip=("sort",)):
    """A list's filter fields in DSFR grid columns (`wide` ones twice as wide; the sort rides in
    a hidden field of the page's own). They cost more to render than the list's 25 rows (the
    department and holder selects above all), so, given the list's count key (the reader's
    scope, the filters as sent, the list's change marker), their HTML is kept with the count."""

    def render():
        return format_html_join(
            "",
            '<div class="fr-col-12 fr-col-md-{}">{}</div>',
            ((4 if f.name in wide else 2, f.as_field_group()) for f in form if f.name not in skip),
        )

    return kept_html("filter-fields", key, render)


class KeptRowsNode(template.Node):
    def __init__(self, nodelist, page):
        self.nodelist, self.page = nodelist, page

    def render(self, context):
        page = self.page.resolve(context)
        return pagination.kept_rows(page, lambda: self.nodelist.render(context))


@register.tag
def kept_rows(parser, token):
    """{% kept_rows page_obj %}…{% endkept_rows %}: the rows of a page rendered once and kept
    under the page's rows key (pagination.DeferredJoinPaginator.rows_key: the reader, the
    filters, the change markers of what the rows show, the order, the page); rendered on
    every view without one. The block must hold nothing a session owns (no CSRF token)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("kept_rows takes the page: {% kept_rows page_obj %}")
    nodelist = parser.parse(("endkept_rows",))
    parser.delete_first_token()
    return KeptRowsNode(nodelist, parser.compile_filter(bits[1]))
