"""The form renderer: Django's templates, except for <select>, built in Python.

Django renders a <select> through one template per option, so a list of a hundred departments
or of every expert of a holder costs a hundred template renders per page (most of the order
list's and the order page's server time, measured by `make bench`). The select is produced
here with the same HTML as Django's select.html, select_option.html and attrs.html, in one
string join. A widget with its own templates is rendered by its templates, as before.
"""

from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


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


class FormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option["template_name"] == OPTION
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return render_select(widget)
        return super().render(template_name, context, request=request)
