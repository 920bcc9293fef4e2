from django import forms
from django.forms import inlineformset_factory
from dsfr.forms import DsfrBaseForm

from procurement import clock, roles
from procurement.actions import ActionRefused
from procurement.models import Department
from procurement.uploads import PdfField
from teams.models import Profession

from .. import chronology
from ..enums import AtelierFormat, RequestState, Theme
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
    extra=1,
    min_num=0,
    can_delete=True,
)


class AttachmentForm(DsfrBaseForm):
    file = PdfField(label="Lettre de soutien (PDF)")


class ScopedDepartmentMixin:
    """A pilot reads only their service's rows: the department filter offers only the
    departments those rows can be in (one for a DDT(M), the region's for a DREAL)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not roles.reads_everything(user):
            service = user.service
            self.fields["department"].queryset = (
                service.departments() if service else Department.objects.none()
            )


class RequestFilterForm(ScopedDepartmentMixin, DsfrBaseForm):
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
