from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from procurement.fields import TEXT_MAX
from procurement.uploads import PdfField

from ..models import Consultation, RejectionKind, SubsequentContract
from ..models.consultations import LOCAL_PHASES, PHASE_LABELS
from .requests import DATE_WIDGET

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _amount(label, required=True):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        max_digits=12,
        decimal_places=2,
        required=required,
    )


class ConsultationForm(DsfrBaseForm, forms.ModelForm):
    deadline = forms.DateTimeField(
        label="Date limite de réception des offres", widget=DATETIME_WIDGET
    )

    class Meta:
        model = Consultation
        fields = ["subject", "estimated_amount", "duration_months", "deadline", "contact"]


class SubmissionForm(DsfrBaseForm):
    """What the procurement platform shows before the deadline: who answered, and when."""

    holder = forms.ModelChoiceField(label="Titulaire", queryset=None)
    received_at = forms.DateTimeField(
        label="Reçue le (plateforme des achats de l'État)", widget=DATETIME_WIDGET, required=False
    )
    declined = forms.BooleanField(label="Le titulaire ne répond pas", required=False)
    reason = forms.CharField(
        label="Motif de non-réponse",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders


class OfferContentForm(DsfrBaseForm):
    """The DPGF, the proposed team (the holder's experts, days per phase) and the memo."""

    memo = PdfField(label="Mémoire technique (PDF)", required=False)

    def __init__(self, *args, offer, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.experts = list(experts)
        prices = offer.prices_by_phase()
        team = {m.expert_id: m for m in offer.team.all()}
        for phase in LOCAL_PHASES:
            self.fields[f"price_{phase}"] = _amount(f"{PHASE_LABELS[phase]} (€ HT)")
            self.fields[f"price_{phase}"].initial = prices.get(phase)
        lead = next((pk for pk, m in team.items() if m.is_lead), None)
        self.fields["lead"] = forms.ChoiceField(
            label="Chef de projet",
            choices=[("", "—")] + [(str(e.pk), str(e)) for e in self.experts],
            required=False,
            initial=str(lead or ""),
        )
        for expert in self.experts:
            member = team.get(expert.pk)
            for phase in LOCAL_PHASES:
                name = f"days_{expert.pk}_{phase}"
                self.fields[name] = forms.DecimalField(
                    label=f"{expert} — {PHASE_LABELS[phase]} (jours)",
                    min_value=0,
                    max_value=60,
                    max_digits=4,
                    decimal_places=1,
                    required=False,
                    initial=(member.days.get(phase) if member else None),
                )
        for name in self.fields:
            dsfr_input_class_attr(self[name])

    def prices(self):
        return {phase: self.cleaned_data[f"price_{phase}"] for phase in LOCAL_PHASES}

    def team(self):
        lead = self.cleaned_data.get("lead")
        members = []
        for expert in self.experts:
            days = {
                phase: self.cleaned_data.get(f"days_{expert.pk}_{phase}") or 0
                for phase in LOCAL_PHASES
            }
            if any(days.values()) or str(expert.pk) == lead:
                members.append((expert, str(expert.pk) == lead, days))
        return members

    def price_fields(self):
        return [self[f"price_{phase}"] for phase in LOCAL_PHASES]

    def team_rows(self):
        return [
            (expert, [self[f"days_{expert.pk}_{phase}"] for phase in LOCAL_PHASES])
            for expert in self.experts
        ]


class ScoreForm(DsfrBaseForm):
    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = {s.criterion: s for s in scores or []}
        for c in criteria:
            current = scores.get(c["key"])
            self.fields[f"mark_{c['key']}"] = forms.DecimalField(
                label=f"{c['label']} ({c['weight']} pts) — note sur 10",
                min_value=0,
                max_value=10,
                max_digits=4,
                decimal_places=2,
                initial=current.mark if current else None,
            )
            self.fields[f"justification_{c['key']}"] = forms.CharField(
                label="Justification",
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.justification if current else "",
            )
        for name in self.fields:
            dsfr_input_class_attr(self[name])

    def marks(self):
        return {
            c["key"]: (
                self.cleaned_data[f"mark_{c['key']}"],
                self.cleaned_data[f"justification_{c['key']}"],
            )
            for c in self.criteria
        }


class RejectForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Motif", choices=RejectionKind.choices)
    reason = forms.CharField(
        label="Justification du rejet",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExplanationForm(DsfrBaseForm):
    text = forms.CharField(
        label="Explications du titulaire sur son prix (R2152-3)",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    received_on = forms.DateField(label="Reçues le", widget=DATE_WIDGET)


class ContractForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = SubsequentContract
        fields = [
            "ej_number",
            "budget_programme",
            "budget_centre",
            "budget_domain",
            "budget_activity",
            "duration_months",
            "advance_rate",
            "advance_declined",
            "guarantee_required",
        ]
