from django import forms
from django.contrib.auth import forms as auth_forms
from dsfr.forms import DsfrBaseForm

from .models import AuditEventKind, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    """Django's own form and validators (messages in French), drawn with the DSFR."""


class AuditFilterForm(DsfrBaseForm):
    user = forms.ModelChoiceField(
        label="Utilisateur",
        queryset=User.objects.order_by("username"),
        required=False,
        empty_label="Tous",
    )
    event = forms.ChoiceField(
        label="Événement", choices=[("", "Tous"), *AuditEventKind.choices], required=False
    )
    start = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)
