from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm

from procurement.fields import DATE_VALIDATORS

from ..models import InvoiceKind
from .requests import DATE_WIDGET


def _amount(label):
    return forms.DecimalField(label=label, min_value=Decimal("0"), max_digits=14, decimal_places=2)


class InvoiceForm(DsfrBaseForm):
    """An invoice as received in Chorus Pro (a purchase order takes no advance)."""

    kind = forms.ChoiceField(
        label="Nature",
        choices=[(k, label) for k, label in InvoiceKind.choices if k != InvoiceKind.ADVANCE],
    )
    holder_number = forms.CharField(label="N° de facture du titulaire", max_length=40)
    chorus_number = forms.CharField(label="N° Chorus Pro", max_length=40, required=False)
    received_on = forms.DateField(
        label="Reçue le (Chorus Pro)", widget=DATE_WIDGET, validators=DATE_VALIDATORS
    )
    amount_excl_tax = _amount("Montant HT (€)")
    vat = _amount("TVA (€)")


class InterestPaidForm(DsfrBaseForm):
    on = forms.DateField(
        label="Intérêts et indemnité payés le", widget=DATE_WIDGET, validators=DATE_VALIDATORS
    )
