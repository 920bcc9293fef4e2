from django import forms
from django.forms import inlineformset_factory
from dsfr.forms import DsfrBaseForm

from procurement import clock
from procurement.actions import ActionRefused
from procurement.models import Department
from procurement.uploads import PdfField
from teams.models import Profession

from .. import chronology
from ..enums import Theme
from ..models import Collectivity, TeamRequest

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

    def clean(self):
        data = super().clean()
        # The desired period is planned: not in the past when first set or moved.
        for name in ("desired_start", "desired_end"):
            try:
                chronology.desired_period(self.instance, {name: data.get(name)}, clock.today())
            except ActionRefused as exc:
                self.add_error(name, str(exc))
        return data


class CollectivityForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Collectivity
        fields = ["name", "kind", "siren"]


CollectivityFormSet = inlineformset_factory(
    TeamRequest,
    Collectivity,
    form=CollectivityForm,
    extra=3,  # several collectivities at a time (an EPCI and its communes)
    min_num=0,
    can_delete=True,
)


class AttachmentForm(DsfrBaseForm):
    file = PdfField(label="Lettre de soutien (PDF)")
