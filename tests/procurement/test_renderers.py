"""What the renderer builds in Python (a <select>, an <input>, the DSFR's field group) is byte
for byte what Django's and the DSFR's templates render."""

import re

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from dsfr.forms import DsfrBaseForm

from orders.enums import OrderState
from procurement import renderers
from procurement.renderers import FormRenderer
from tests.contract_factories import make_contract
from tests.factories import make_agreement, make_local_agreement
from tests.fast_factories import fast_order


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


class Templates(FormRenderer):
    """The project's renderer with every template rendered: the reference."""

    fast = False


class Fields(DsfrBaseForm):
    title = forms.CharField(label="Titre <b> & co", help_text="Aide <em>avec balise</em>")
    count = forms.IntegerField(label="Nombre", required=False, min_value=1)
    on = forms.DateField(label="Le", widget=forms.DateInput(attrs={"type": "date"}))
    fixed = forms.CharField(label="Figé", disabled=True, required=False)
    mail = forms.EmailField(label="Courriel", required=False)
    secret = forms.CharField(label="Mot de passe", widget=forms.PasswordInput, required=False)
    text = forms.CharField(label="Texte", widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(label="Choix", choices=[("a", "A"), ("b", 'B "b"')])
    agree = forms.BooleanField(label="D'accord", required=False)


CASES = {
    "blank": ((), {"initial": {"title": 'Il a dit "oui" & <non>', "count": 3, "fixed": "x"}}),
    "valid": (({"title": "T", "on": "2026-12-01", "choice": "b", "count": "2"},), {}),
    "errors": (({"title": "", "count": "0", "on": "hier", "mail": "pas un courriel"},), {}),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("name", list(Fields.base_fields))
def test_fast_field_group_and_input_render_what_the_templates_render(name, case):
    args, kwargs = CASES[case]
    fast = Fields(*args, renderer=FormRenderer(), **kwargs)[name]
    slow = Fields(*args, renderer=Templates(), **kwargs)[name]
    assert fast.as_field_group() == slow.as_field_group()
    assert str(fast) == str(slow)


def test_the_fast_paths_keep_the_escaping_and_the_messages():
    form = Fields({"title": "", "count": "0"}, renderer=FormRenderer())
    title, count = form["title"].as_field_group(), form["count"].as_field_group()
    assert "Titre &lt;b&gt; &amp; co" in title
    assert "Aide <em>avec balise</em>" in title  # help text is trusted, as the template's |safe
    assert 'aria-invalid="true"' in title and "fr-input-group--error" in title
    assert "Ce champ est obligatoire." in title
    assert 'value="0"' in count and "supérieure ou égale à 1" in count
    shown = Fields(initial={"title": 'a "b" <c>'}, renderer=FormRenderer())["title"]
    assert 'value="a &quot;b&quot; &lt;c&gt;"' in shown.as_field_group()


def test_each_input_template_the_fast_path_replaces_only_includes_input_html():
    """A Django upgrade that gives one of them more markup fails here, not on a page."""
    from django.template.loader import get_template

    for name in renderers.INPUTS:
        source = get_template(name).template.source.strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name


def _page(client, url):
    html = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)


def test_pages_with_forms_are_the_same_with_and_without_the_fast_paths(
    client, monkeypatch, pilot35, buyer, finance
):
    make_agreement()
    draft = fast_order(pilot35, buyer, finance, state=OrderState.DRAFT)
    delivered = fast_order(pilot35, buyer, finance, state=OrderState.INVOICED)
    make_local_agreement(holders=3)
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    pages = [
        (buyer, draft.get_absolute_url()),
        (finance, delivered.get_absolute_url()),
        (buyer, contract.get_absolute_url()),
        (finance, contract.get_absolute_url()),
        (pilot35, "/demandes/nouvelle/"),
        (buyer, "/experts/nouveau/"),
    ]
    for user, url in pages:
        client.force_login(user)
        fast = _page(client, url)
        monkeypatch.setattr(FormRenderer, "fast", False)
        slow = _page(client, url)
        monkeypatch.setattr(FormRenderer, "fast", True)
        assert fast == slow, url
        assert fast.count('class="fr-label"') >= 2, url  # the page does show fields


def test_a_page_sent_back_with_errors_is_the_same_with_and_without_the_fast_paths(
    client, monkeypatch, pilot35, buyer
):
    """The order's draft, posted with errors, comes back with each message by its field."""
    make_agreement()
    draft = fast_order(pilot35, buyer, state=OrderState.DRAFT)
    client.force_login(buyer)
    url = draft.get_absolute_url() + "modifier/"
    data = {"session_start": "pas une date", "ej_number": "x" * 200}
    fast = client.post(url, data).content.decode()
    monkeypatch.setattr(FormRenderer, "fast", False)
    slow = client.post(url, data).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", fast) == strip.sub("", slow)
    assert "fr-input-group--error" in fast


def test_fast_select_is_the_project_renderer(settings):
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    try:
        assert isinstance(get_default_renderer(), FormRenderer)
    finally:
        get_default_renderer.cache_clear()
