"""The form renderer: Django's and the DSFR's templates, except for the commonest ones, built
in Python with the same HTML.

- A <select>: Django renders one template per option, so a list of a hundred departments or of
  every expert of a holder cost a hundred template renders per page (most of the order list's
  and the order page's server time, measured by `make bench`). Same HTML as select.html,
  select_option.html and attrs.html, in one string join.
- An <input> (text, number, date…: the widgets whose template only includes input.html), and
  the DSFR's field group around any widget (label, required mark, help, errors:
  input_snippet.html). A subsequent contract's page renders 27 fields for a buyer: built
  here, the page took 8 % less (148 → 137 ms in-process, at 100 000 orders).

Anything else (a widget or a field group with templates of its own) is rendered by its
templates, as before. tests/procurement/test_renderers.py compares each fast path with the
templates: field by field (every kind of field, blank, valid, with errors), and on whole pages
with forms.
"""

from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Django's widget templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "email", "url", "password", "date", "datetime", "time")
)
FIELD_GROUP = "dsfr/form_field_snippets/input_snippet.html"


def flat_attrs(attrs):
    """attrs.html: a True value is a bare attribute, a False one is left out."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def render_select(widget):
    parts = [format_html('<select name="{}"{}>', widget["name"], flat_attrs(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        parts.extend(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',  # the option template ends with a newline
                str(option["value"]),  # stringformat:"s"
                flat_attrs(option["attrs"]),
                option["label"],
            )
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)  # every variable part above went through format_html


def render_input(widget):
    """input.html: the value, when there is one, as a string."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        "" if value is None else format_html(' value="{}"', str(value)),
        flat_attrs(widget["attrs"]),
    )


def render_field_group(field):
    """input_snippet.html, whitespace included: the group's classes, the label with its
    required mark and help text (trusted, as the template's |safe), the widget, the errors."""
    group = getattr(field.field.widget, "group_class", None) or "fr-input-group"
    errors = field.errors
    classes = group + (f" {group}--error" if errors else "")
    classes += " fr-input-group--disabled" if field.field.disabled else ""
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '\n      <span class="fr-hint-text" id="{}_helptext">{}</span>\n    ',
            field.id_for_label,
            mark_safe(field.help_text),
        )
    shown_errors = ""
    if errors:
        shown_errors = format_html(
            '\n    <div id="{}-desc-error">\n      {}\n    </div>\n  ', field.auto_id, errors
        )
    return format_html(
        '\n\n<div class="{}">\n  <label for="{}" class="fr-label">\n    \n    {}{}\n    {}'
        "\n    \n  </label>\n  {}\n  {}\n</div>\n",
        classes,
        field.id_for_label,
        field.label,
        dsfr_mark_optionnal_fields(field),
        help_text,
        str(dsfr_input_class_attr(field)),
        shown_errors,
    )


class FormRenderer(TemplatesSetting):
    fast = True  # False: every template rendered, as the tests' reference

    def render(self, template_name, context, request=None):
        if self.fast:
            html = self._fast(template_name, context)
            if html is not None:
                return html.strip()  # as BaseRenderer.render strips a template's output
        return super().render(template_name, context, request=request)

    def _fast(self, template_name, context):
        if template_name == FIELD_GROUP and "field" in context:
            return render_field_group(context["field"])
        widget = context.get("widget")
        if widget is None:
            return None
        if template_name in INPUTS and widget.get("template_name") == template_name:
            return render_input(widget)
        if template_name == SELECT and all(
            option["template_name"] == OPTION
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return render_select(widget)
        return None
