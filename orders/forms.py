import hashlib

from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from framework_agreements.models import Holder
from procurement.models import Department
from teams.models import Profession

from .enums import AtelierFormat, OrderState, RequestState, Theme
from .models import Collectivity, PurchaseOrder, TeamRequest

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeamRequestForm(DsfrBaseForm, forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label="Thématiques",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    required_professions = forms.ModelMultipleChoiceField(
        label="Compétences attendues",
        queryset=Profession.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TeamRequest
        fields = [
            "title",
            "format",
            "department",
            "problem_statement",
            "themes",
            "required_professions",
            "desired_start",
            "desired_end",
            "local_partners",
        ]
        widgets = {
            "desired_start": DATE_WIDGET,
            "desired_end": DATE_WIDGET,
            "problem_statement": forms.Textarea(attrs={"rows": 6}),
            "local_partners": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        # A pilot files requests only for their own territory.
        departments = service.departments() if service else Department.objects.none()
        self.fields["department"].queryset = departments
        if not self.instance.pk and service and service.department_id:
            if not self.initial.get("department"):
                self.initial["department"] = service.department_id


class CollectivityForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Collectivity
        fields = ["name", "kind", "siren"]


CollectivityFormSet = inlineformset_factory(
    TeamRequest,
    Collectivity,
    form=CollectivityForm,
    extra=1,
    min_num=0,
    can_delete=True,
)


def validate_pdf(upload):
    """PDF only, size-limited, content checked: header, trailer, and no active content."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            f"Le fichier dépasse la taille maximale de "
            f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo."
        )
    if not upload.name.lower().endswith(".pdf"):
        raise forms.ValidationError("Seuls les fichiers PDF sont acceptés.")
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise forms.ValidationError(
            "Ce fichier n'est pas un PDF valide (en-tête ou fin de fichier absents)."
        )
    if b"/JavaScript" in content or b"/Launch" in content:
        raise forms.ValidationError("Ce PDF contient du contenu actif et a été refusé.")
    return hashlib.sha256(content).hexdigest()


class AttachmentForm(DsfrBaseForm):
    file = forms.FileField(label="Lettre de soutien (PDF)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.sha256 = validate_pdf(upload)
        return upload


class RequestFilterForm(DsfrBaseForm):
    state = forms.ChoiceField(
        label="État", choices=[("", "Tous")] + RequestState.choices, required=False
    )
    format = forms.ChoiceField(
        label="Format", choices=[("", "Tous")] + AtelierFormat.choices, required=False
    )
    department = forms.ModelChoiceField(
        label="Département", queryset=Department.objects.all(), required=False, empty_label="Tous"
    )
    year = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2100)


class OrderFilterForm(DsfrBaseForm):
    state = forms.ChoiceField(
        label="État", choices=[("", "Tous")] + OrderState.choices, required=False
    )
    department = forms.ModelChoiceField(
        label="Département", queryset=Department.objects.all(), required=False, empty_label="Tous"
    )
    holder = forms.ModelChoiceField(
        label="Titulaire", queryset=Holder.objects.all(), required=False, empty_label="Tous"
    )
    year = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2100)
    format = forms.ChoiceField(
        label="Format", choices=[("", "Tous")] + AtelierFormat.choices, required=False
    )


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


class TransitionForm(DsfrBaseForm):
    """Fields every transition POST carries, plus those some actions need."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea)
    on = forms.DateField(label="Date", required=False, widget=DATE_WIDGET)
    number = forms.CharField(label="Numéro de facture", required=False, max_length=40)
    amount = forms.DecimalField(
        label="Montant TTC", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    received_on = forms.DateField(label="Reçue le", required=False, widget=DATE_WIDGET)
    session_start = forms.DateField(label="Début", required=False, widget=DATE_WIDGET)
    session_end = forms.DateField(label="Fin", required=False, widget=DATE_WIDGET)
    session_place = forms.CharField(label="Lieu", required=False, max_length=200)
    delivery_deadline = forms.DateField(label="Livraison", required=False, widget=DATE_WIDGET)
    deliverable = forms.FileField(label="Livrable (PDF)", required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean(self):
        data = super().clean()
        name = self.action
        if name == "invoice":
            for field in ("number", "amount", "received_on"):
                if not data.get(field):
                    self.add_error(field, "Ce champ est obligatoire.")
        if name == "deliver":
            upload = data.get("deliverable")
            if not upload:
                self.add_error("deliverable", "Joignez le livrable de synthèse (PDF).")
            else:
                try:
                    validate_pdf(upload)
                except forms.ValidationError as exc:
                    self.add_error("deliverable", exc)
        return data
