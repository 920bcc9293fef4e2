"""The <select> built in Python is byte for byte the one Django's templates render."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

from procurement.renderers import FormRenderer


class Sample(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("", "Tous"), ("x", "A & <b>"), ("Groupe", [("1", "un"), ("2", 'deux "q"')])],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[(1, "un"), (2, "deux")])
    typed = forms.TypedChoiceField(
        choices=[(None, "—"), (3, "trois")],
        widget=forms.Select(attrs={"class": "fr-select", "disabled": True, "data-x": False}),
    )
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


@pytest.mark.parametrize("data", [{"grouped": "2", "several": ["1", "2"], "typed": "3"}, {}])
@pytest.mark.parametrize("name", ["grouped", "several", "typed", "radio"])
def test_fast_select_renders_what_the_templates_render(name, data):
    slow = Sample(data, renderer=TemplatesSetting())[name].as_widget()
    fast = Sample(data, renderer=FormRenderer())[name].as_widget()
    assert fast == slow
    assert "<b>" not in fast  # labels stay escaped


def test_fast_select_is_the_project_renderer(settings):
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    try:
        assert isinstance(get_default_renderer(), FormRenderer)
    finally:
        get_default_renderer.cache_clear()
