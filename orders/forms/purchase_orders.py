from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from ..models import PurchaseOrder
from ..models.purchase_orders import MAX_QUANTITY
from .requests import DATE_WIDGET


class OrderDraftForm(DsfrBaseForm, forms.ModelForm):
    """Budget, EJ and planned dates of a draft; quantities are added per price line."""

    class Meta:
        model = PurchaseOrder
        fields = [
            "session_start",
            "session_end",
            "session_place",
            "delivery_deadline",
            "budget_programme",
            "budget_centre",
            "budget_domain",
            "budget_activity",
            "ej_number",
        ]
        widgets = {
            "session_start": DATE_WIDGET,
            "session_end": DATE_WIDGET,
            "delivery_deadline": DATE_WIDGET,
        }

    def __init__(self, *args, price_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.price_lines = list(price_lines)
        current = {line.price_line_id: line.quantity for line in self.instance.lines.all()}
        for price_line in self.price_lines:
            self.fields[f"qty_{price_line.pk}"] = forms.DecimalField(
                label=f"{price_line.code} — {price_line.label} ({price_line.unit})",
                min_value=0,
                max_value=MAX_QUANTITY,
                max_digits=8,
                decimal_places=2,
                required=False,
                initial=current.get(price_line.pk, 0),
            )
            dsfr_input_class_attr(self[f"qty_{price_line.pk}"])

    def clean(self):
        data = super().clean()
        if data.get("session_start") and data.get("session_end"):
            if data["session_end"] < data["session_start"]:
                self.add_error("session_end", "La fin de la session précède son début.")
        return data

    def quantities(self):
        return {pl.pk: self.cleaned_data.get(f"qty_{pl.pk}") or 0 for pl in self.price_lines}

    def field_values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def quantity_fields(self):
        return [self[f"qty_{pl.pk}"] for pl in self.price_lines]

    def other_fields(self):
        return [self[name] for name in self.Meta.fields]
