"""Forms of a subsequent contract's execution: a deliverable, a contract invoice (the app
computes its amount), the receipt of the guarantee."""

from django import forms
from dsfr.forms import DsfrBaseForm

from procurement.fields import DATE_VALIDATORS
from procurement.uploads import PdfField

from ..models import DeliverableKind
from .requests import DATE_WIDGET


class DeliverableForm(DsfrBaseForm):
    def __init__(self, *args, phase=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = phase.required_deliverables if phase is not None else DeliverableKind.values
        self.fields["kind"].choices = [(k, DeliverableKind(k).label) for k in kinds]

    kind = forms.ChoiceField(label="Livrable", choices=DeliverableKind.choices)
    file = PdfField(label="Fichier (PDF)")


class ContractInvoiceForm(DsfrBaseForm):
    """The holder's request as received in Chorus Pro; the amount is the contract's."""

    holder_number = forms.CharField(label="N° de facture du titulaire", max_length=40)
    chorus_number = forms.CharField(label="N° Chorus Pro", max_length=40, required=False)
    received_on = forms.DateField(
        label="Reçue le (Chorus Pro)", widget=DATE_WIDGET, validators=DATE_VALIDATORS
    )


class GuaranteeForm(DsfrBaseForm):
    on = forms.DateField(
        label="Garantie à première demande reçue le",
        widget=DATE_WIDGET,
        validators=DATE_VALIDATORS,
    )
