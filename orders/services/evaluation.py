"""The analysis of the offers and the award (R2162-10): scores with their justification,
abnormally low offers (R2152-3 to R2152-5), rejections, the ranking, then the award that
creates the subsequent contract under the ceiling's lock, with the report and the letters.
Other endings: unsuccessful (infructueuse) or cancelled (sans suite)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from procurement import clock
from procurement.actions import ActionRefused, save

from .. import scoring
from ..models import ConsultationState, Offer, OfferStatus, RejectionKind, Score
from ..models.consultations import LOCAL_PHASES
from . import contracts, documents
from .consultations import CONSULTATION_ACTIONS

action = CONSULTATION_ACTIONS.action


@dataclass
class Analysis:
    """Where the analysis stands: every offer, the ranked ones best first, the flags."""

    offers: list
    ranked: list  # [(offer, scoring.Result)]
    unscored: list  # offers still missing a mark
    flagged: set  # offer ids flagged abnormally low by the rule

    @property
    def winner(self):
        return self.ranked[0][0] if self.ranked else None

    def result_of(self, offer):
        return next((r for o, r in self.ranked if o.pk == offer.pk), None)


def analysis(consultation, offers=None):
    """The ranking of the submitted offers; `offers`, when given, are the consultation's offers
    already read with their holder, prices, scores and team (the consultation page)."""
    if offers is None:
        offers = consultation.offers.select_related("holder").prefetch_related(
            "prices", "scores", Prefetch("team")
        )
    offers = [o for o in offers if o.status == OfferStatus.SUBMITTED]
    prices = {o.pk: o.price() for o in offers if o.prices.all()}
    flagged = scoring.abnormally_low(prices, consultation.abnormally_low_percent)
    keys = [c["key"] for c in consultation.technical_criteria]
    entries, unscored = [], []
    for offer in offers:
        if offer.rejection or offer.pk not in prices:
            continue
        marks = {s.criterion: s.mark for s in offer.scores.all()}
        if set(keys) - set(marks):
            unscored.append(offer)
            continue
        entries.append((offer.pk, prices[offer.pk], marks))
    results = scoring.rank(entries, consultation.technical_criteria, consultation.price_weight)
    by_pk = {o.pk: o for o in offers}
    return Analysis(
        offers=offers,
        ranked=[(by_pk[r.key], r) for r in results],
        unscored=unscored,
        flagged=flagged,
    )


@action("evaluate", "Commencer l'analyse (le contenu des offres est figé)")
@transaction.atomic
def consultation_evaluate(*, consultation, by, expected_state=None, comment=""):
    with CONSULTATION_ACTIONS.perform(
        "evaluate", consultation, by=by, expected_state=expected_state, comment=comment
    ) as step:
        missing = [
            o.holder.name
            for o in step.obj.offers.filter(status=OfferStatus.SUBMITTED).select_related("holder")
            if o.prices.count() != len(LOCAL_PHASES)
        ]
        if missing:
            raise ActionRefused(
                "Saisissez d'abord le contenu (DPGF) des offres de : " + ", ".join(missing) + "."
            )
        step.obj.evaluate()
    # With three offers or more, the rule flags abnormally low prices (R2152-3).
    current = analysis(step.obj)
    for offer in current.offers:
        if offer.pk in current.flagged and not offer.flagged_abnormally_low:
            offer.flagged_abnormally_low = True
            save(offer, by, "Prix signalé anormalement bas (règle de l'accord-cadre)")
    return step.obj


def _offer_for_analysis(offer, by):
    offer = Offer.objects.select_related("consultation").select_for_update().get(pk=offer.pk)
    if not offer.consultation.abilities(by)["evaluate"]:
        raise ActionRefused("Vous ne pouvez pas analyser les offres.")
    if offer.consultation.state != ConsultationState.EVALUATING:
        raise ActionRefused("L'analyse des offres n'est pas en cours.")
    if not offer.submitted:
        raise ActionRefused(f"{offer.holder} n'a pas déposé d'offre.")
    return offer


@transaction.atomic
def offer_score(*, offer, by, marks):
    """marks: {criterion key: (mark out of 10, justification)}; every mark is justified."""
    offer = _offer_for_analysis(offer, by)
    criteria = {c["key"]: c for c in offer.consultation.technical_criteria}
    for key, (mark, justification) in marks.items():
        if key not in criteria:
            raise ActionRefused("Critère inconnu.")
        if mark is None or not 0 <= mark <= 10:
            raise ActionRefused(f"« {criteria[key]['label']} » : la note va de 0 à 10.")
        if not (justification or "").strip():
            raise ActionRefused(f"« {criteria[key]['label']} » : la justification est obligatoire.")
    for key, (mark, justification) in marks.items():
        score, _ = Score.objects.update_or_create(
            offer=offer,
            criterion=key,
            defaults={"mark": mark, "justification": justification.strip(), "scored_by": by},
        )
    return save(offer, by, "Notes techniques enregistrées")


@transaction.atomic
def offer_flag(*, offer, by):
    """With fewer than three offers the rule cannot apply: the buyer flags by hand."""
    offer = _offer_for_analysis(offer, by)
    offer.flagged_abnormally_low = True
    return save(offer, by, "Prix signalé anormalement bas par l'acheteur")


@transaction.atomic
def offer_explanation(*, offer, by, text, received_on):
    """R2152-3: the holder's explanation of its price, before any rejection on that ground."""
    offer = _offer_for_analysis(offer, by)
    if not offer.flagged_abnormally_low:
        raise ActionRefused("Cette offre n'est pas signalée anormalement basse.")
    if not text.strip():
        raise ActionRefused("Résumez les explications reçues du titulaire.")
    if received_on > clock.today():
        raise ActionRefused("Date refusée : les explications ne peuvent être reçues demain.")
    offer.explanation, offer.explanation_received_on = text.strip(), received_on
    return save(offer, by, "Explications du titulaire enregistrées")


@transaction.atomic
def offer_reject(*, offer, by, kind, reason):
    """An irregular, unacceptable or abnormally low offer is not ranked (R2152-1 to -5)."""
    offer = _offer_for_analysis(offer, by)
    if kind not in RejectionKind.values:
        raise ActionRefused("Motif de rejet inconnu.")
    if not reason.strip():
        raise ActionRefused("Le motif du rejet est obligatoire.")
    if kind == RejectionKind.ABNORMALLY_LOW:
        if not offer.flagged_abnormally_low:
            raise ActionRefused("Seule une offre signalée anormalement basse peut l'être.")
        if offer.explanation_received_on is None:
            raise ActionRefused(
                "Rejet refusé : demandez d'abord ses explications au titulaire et enregistrez-les "
                "(article R2152-3 du code de la commande publique)."
            )
    offer.rejection, offer.rejection_reason = kind, reason.strip()
    return save(offer, by, f"Offre rejetée ({offer.get_rejection_display().lower()})")


@action("award", "Attribuer le marché à l'offre la mieux classée")
@transaction.atomic
def consultation_award(*, consultation, by, expected_state=None, comment=""):
    with CONSULTATION_ACTIONS.perform(
        "award", consultation, by=by, expected_state=expected_state, comment=comment
    ) as step:
        current = analysis(step.obj)
        if current.unscored:
            raise ActionRefused(
                "Notez d'abord toutes les offres : "
                + ", ".join(o.holder.name for o in current.unscored)
                + "."
            )
        if current.winner is None:
            raise ActionRefused(
                "Aucune offre acceptable à classer : déclarez la consultation infructueuse."
            )
        step.obj.award()
    contract = contracts.create_from_offer(step.obj, current.winner, by)
    documents.store_evaluation_report(step.obj, current, by)
    contracts.send_rejection_letters(step.obj, current, by)
    return contract


@action("declare_unsuccessful", "Déclarer infructueuse", reason_required=True, secondary=True)
@transaction.atomic
def consultation_declare_unsuccessful(*, consultation, by, expected_state=None, comment=""):
    with CONSULTATION_ACTIONS.perform(
        "declare_unsuccessful", consultation, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.declare_unsuccessful(reason=step.comment)
    return step.obj


@action("cancel", "Déclarer sans suite", reason_required=True, secondary=True)
@transaction.atomic
def consultation_cancel(*, consultation, by, expected_state=None, comment=""):
    with CONSULTATION_ACTIONS.perform(
        "cancel", consultation, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.cancel(reason=step.comment)
    return step.obj
