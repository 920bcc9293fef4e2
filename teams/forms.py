from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from framework_agreements.models import Company, Holder
from procurement.fields import TEXT_MAX

from .enums import MemberRole, Phase
from .models import MAX_DAYS_PER_PHASE, Expert, Profession, TeamMember


class ExpertForm(DsfrBaseForm, forms.ModelForm):
    professions = forms.ModelMultipleChoiceField(
        label="Professions",
        queryset=Profession.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Expert
        fields = [
            "holder",
            "company",
            "first_name",
            "last_name",
            "professions",
            "qualifications",
            "email",
            "phone",
            "daily_rate",
            "is_active",
        ]
        widgets = {"qualifications": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.order_by("name")


class ExpertFilterForm(DsfrBaseForm):
    holder = forms.ModelChoiceField(
        label="Titulaire",
        queryset=Holder.objects.order_by("name"),
        required=False,
        empty_label="Tous",
    )
    profession = forms.ModelChoiceField(
        label="Profession", queryset=Profession.objects.all(), required=False, empty_label="Toutes"
    )


class ImportForm(DsfrBaseForm):
    file = forms.FileField(label="Fichier XLSX des experts")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Seuls les fichiers .xlsx sont acceptés.")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("Le fichier dépasse 5 Mo.")
        return upload


class MemberForm(DsfrBaseForm):
    """Add an expert of the team's holder, with planned days per phase of the atelier."""

    expert = forms.ModelChoiceField(label="Expert", queryset=Expert.objects.none())
    role = forms.ChoiceField(label="Rôle", choices=MemberRole.choices)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.phases = team.phases()
        self.fields["expert"].queryset = Expert.objects.filter(
            holder_id=team.holder_id, is_active=True
        ).prefetch_related("professions")
        self.fields["expert"].label_from_instance = lambda e: (
            f"{e} — {', '.join(p.name for p in e.professions.all())}"
        )
        for phase in self.phases:
            self.fields[f"days_{phase}"] = forms.DecimalField(
                label=f"Jours — {Phase(phase).label}",
                min_value=0,
                max_value=MAX_DAYS_PER_PHASE,
                max_digits=5,
                decimal_places=1,
                required=False,
                initial=0,
            )
            dsfr_input_class_attr(self[f"days_{phase}"])

    def days(self):
        return {phase: self.cleaned_data.get(f"days_{phase}") or 0 for phase in self.phases}


class JustificationForm(DsfrBaseForm):
    text = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )


class SubstitutionForm(DsfrBaseForm):
    outgoing = forms.ModelChoiceField(label="Membre remplacé", queryset=None)
    incoming = forms.ModelChoiceField(label="Expert proposé", queryset=None)
    reason = forms.CharField(
        label="Motif", widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX
    )

    def __init__(self, *args, team, shown_members=None, **kwargs):
        super().__init__(*args, **kwargs)
        # From the model, not team.members: that manager carries the page's prefetches.
        outgoing = self.fields["outgoing"]
        outgoing.queryset = TeamMember.objects.filter(
            team=team, left_on__isnull=True
        ).select_related("expert")
        if shown_members is not None and not self.is_bound:
            # The page already holds the members (same order as the queryset): the blank form
            # lists them without reading them again. A posted form checks against the queryset.
            outgoing.widget.choices = [("", outgoing.empty_label)] + [
                (m.pk, outgoing.label_from_instance(m)) for m in shown_members if m.left_on is None
            ]
        # Not through memberships__team: that exclude walks every membership of each expert
        # (years of teams); the team's own active members are a short indexed list.
        self.fields["incoming"].queryset = Expert.objects.filter(
            holder=team.holder, is_active=True
        ).exclude(
            pk__in=TeamMember.objects.filter(team=team, left_on__isnull=True).values("expert_id")
        )
