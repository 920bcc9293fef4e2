from django import forms
from dsfr.forms import DsfrBaseForm

from procurement.fields import DATE_VALIDATORS

from .indices import parse_value

MONTH_WIDGET = forms.TextInput(attrs={"type": "month"})


class IndexForm(DsfrBaseForm):
    month = forms.CharField(label="Mois", widget=MONTH_WIDGET, help_text="Format : 2027-03")
    value = forms.CharField(label="Valeur de l'indice Syntec", help_text="Exemple : 309,0")

    def clean_month(self):
        from .indices import parse_month

        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError("Mois illisible (attendu : 2027-03).")
        for validator in DATE_VALIDATORS:
            validator(month)
        return month

    def clean_value(self):
        value = parse_value(self.cleaned_data["value"])
        if value is None:
            raise forms.ValidationError("Un nombre positif avec au plus une décimale.")
        return value


class IndexImportForm(DsfrBaseForm):
    file = forms.FileField(
        label="Série au format XLSX",
        help_text="Deux colonnes : le mois (2027-03 ou une date), la valeur. 5 Mo au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Seuls les fichiers .xlsx sont acceptés.")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("Le fichier dépasse 5 Mo.")
        return upload
